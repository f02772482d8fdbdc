"""The partner's settings: its users and roles, its activity log."""

from django.urls import reverse

from partner_settings.app_services import api_application_create, api_client_secret_create
from partnercenter.models import ApiPermission, SecurityGroup

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
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
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
        get=row("200 200 200 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        post=row("400 403 403 404 | 404 404 404 404 404 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
    "partnersettings:security_group_member_remove": Route(
        lambda w: reverse(
            "partnersettings:security_group_member_remove", args=[_a_group(w).public_id, w.a_sales.public_id]
        ),
        # The question first (GET), then the member is removed: Admin agents, of their own partner's groups.
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
        delete=SIGNED_IN_ONLY_405,
    ),
}


def _a_app(w):
    """Partner A's app with one secret (made inside the case's savepoint)."""
    app = api_application_create(
        partner=w.partner_a, created_by=w.a_admin, display_name="Automation", permissions=list(ApiPermission.values)
    )
    api_client_secret_create(app=app, created_by=w.a_admin)
    return app


def _app_url(name: str):
    return lambda w: reverse(f"partnersettings:{name}", args=[_a_app(w).public_id])


def _secret_revoke_url(w) -> str:
    app = _a_app(w)
    return reverse("partnersettings:app_secret_revoke", args=[app.public_id, app.secrets.get().public_id])


# Settings > Apps: partner A's and B's Admin agents each manage their own partner's apps; the other agents are refused
# (403); a customer's users are not partner users (403 on the list, 404 for an app); partner B does not know A's apps.
APP_CHANGE = row("302 403 403 404 | 404 404 404 404 404 | 404 302")
APP_ASK = row("200 403 403 404 | 404 404 404 404 404 | 404 302")
ROUTES.update(
    {
        "partnersettings:apps": Route(
            lambda w: reverse("partnersettings:apps"),
            get=row("200 403 403 200 | 403 403 403 403 403 | 403 302"),
            post=SIGNED_IN_ONLY_405,
        ),
        "partnersettings:app_new": Route(
            lambda w: reverse("partnersettings:app_new"),
            get=row("200 403 403 200 | 403 403 403 403 403 | 403 302"),
            post=row("400 403 403 400 | 403 403 403 403 403 | 403 302"),
        ),
        "partnersettings:app": Route(
            _app_url("app"), get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"), post=SIGNED_IN_ONLY_405
        ),
        # An empty POST takes every permission away: allowed, and back to the app's page.
        "partnersettings:app_permissions": Route(_app_url("app_permissions"), get=SIGNED_IN_ONLY_405, post=APP_CHANGE),
        # An empty POST has no expiry: the form again, with the reason.
        "partnersettings:app_secret_new": Route(
            _app_url("app_secret_new"),
            get=SIGNED_IN_ONLY_405,
            post=row("400 403 403 404 | 404 404 404 404 404 | 404 302"),
        ),
        # Revoke a secret, Remove app: the question first (GET), then the change.
        "partnersettings:app_secret_revoke": Route(_secret_revoke_url, get=APP_ASK, post=APP_CHANGE),
        "partnersettings:app_remove": Route(_app_url("app_remove"), get=APP_ASK, post=APP_CHANGE),
    }
)
