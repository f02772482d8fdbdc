"""The partner's settings: its users and roles, its activity log."""

from django.urls import reverse

from partnercenter.models import SecurityGroup

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 | 404 404 404 404 404 | 404 302")


def _x(w):
    return w.customer_x.public_id


def _a_group(w):
    """A custom security group of partner A, with its Sales agent as a member (made inside the case's savepoint)."""
    group = SecurityGroup.objects.create(tenant=w.partner_a.tenant, kind=SecurityGroup.Kind.CUSTOM, name="Tier 1")
    group.members.add(w.a_sales)
    return group


ROUTES: dict[str, Route] = {
    # User management: the partner's own Global admins only. No persona is one (partner A's admin agent is not a
    # Global admin of its own tenant), so every partner user is refused; tests/partner_settings/test_partner_users.py
    # covers the Global admin's 200s. Customers' users are not partner users.
    "partnersettings:users": Route(
        lambda w: reverse("partnersettings:users"),
        get=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:user_new": Route(
        lambda w: reverse("partnersettings:user_new"),
        get=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        post=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:user_edit": Route(
        lambda w: reverse("partnersettings:user_edit", args=[w.a_sales.public_id]),
        get=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        post=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:user_remove": Route(
        lambda w: reverse("partnersettings:user_remove", args=[w.a_sales.public_id]),
        get=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        post=row("403 403 403 403 | 403 403 403 403 403 | 403 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    # The activity log: every partner user, of its own partner's events; customers' users are not partner users.
    "partnersettings:activity": Route(
        lambda w: reverse("partnersettings:activity"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:activity_export": Route(
        lambda w: reverse("partnersettings:activity_export"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    # Security groups: every partner agent reads its own partner's; Admin agents create custom groups and change
    # their members. Customers' users are not partner users (403); another partner's group does not exist (404).
    "partnersettings:security_groups": Route(
        lambda w: reverse("partnersettings:security_groups"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    # An empty POST: the form again, with its errors.
    "partnersettings:security_group_new": Route(
        lambda w: reverse("partnersettings:security_group_new"),
        get=row("200 403 403 200 | 403 403 403 403 403 | 403 302"),
        post=row("400 403 403 400 | 403 403 403 403 403 | 403 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:security_group": Route(
        lambda w: reverse("partnersettings:security_group", args=[_a_group(w).public_id]),
        get=row("200 200 200 404 | 404 404 404 404 404 | 404 302"),
        post=row("400 403 403 404 | 404 404 404 404 404 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:security_group_member_remove": Route(
        lambda w: reverse(
            "partnersettings:security_group_member_remove", args=[_a_group(w).public_id, w.a_sales.public_id]
        ),
        get=SIGNED_IN_ONLY_405,
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
}
