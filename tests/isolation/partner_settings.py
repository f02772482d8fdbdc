"""The partner's settings: its users and roles, its activity log."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 404 404 404 302")


def _x(w):
    return w.customer_x.public_id


ROUTES: dict[str, Route] = {
    "partnersettings:users": Route(
        lambda w: reverse("partnersettings:users"), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "partnersettings:user_new": Route(
        lambda w: reverse("partnersettings:user_new"), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "partnersettings:user_edit": Route(
        lambda w: reverse("partnersettings:user_edit", args=[w.a_sales.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "partnersettings:user_remove": Route(
        lambda w: reverse("partnersettings:user_remove", args=[w.a_sales.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "partnersettings:activity": Route(
        lambda w: reverse("partnersettings:activity"), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "partnersettings:activity_export": Route(
        lambda w: reverse("partnersettings:activity_export"), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
}
