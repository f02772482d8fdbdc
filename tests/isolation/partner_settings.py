"""The partner's settings: its users and roles, its activity log."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 | 404 404 404 404 404 | 404 302")


def _x(w):
    return w.customer_x.public_id


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
}
