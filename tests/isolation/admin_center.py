"""The customer's admin center: users, roles, subscriptions and licences, activity."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 404 404 404 302")


def _x(w):
    return w.customer_x.public_id


ROUTES: dict[str, Route] = {
    "admincenter:home": Route(
        lambda w: reverse("admincenter:home", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "admincenter:users": Route(
        lambda w: reverse("admincenter:users", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "admincenter:user_new": Route(
        lambda w: reverse("admincenter:user_new", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "admincenter:user_edit": Route(
        lambda w: reverse("admincenter:user_edit", args=[_x(w), w.x_user.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:user_reset_password": Route(
        lambda w: reverse("admincenter:user_reset_password", args=[_x(w), w.x_user.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:user_delete": Route(
        lambda w: reverse("admincenter:user_delete", args=[_x(w), w.x_user.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:roles": Route(
        lambda w: reverse("admincenter:roles", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "admincenter:role_detail": Route(
        lambda w: reverse("admincenter:role_detail", args=[_x(w), "global_admin"]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:role_assign": Route(
        lambda w: reverse("admincenter:role_assign", args=[_x(w), "global_admin"]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:role_remove": Route(
        lambda w: reverse("admincenter:role_remove", args=[_x(w), "global_admin", w.x_user.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:subscriptions": Route(
        lambda w: reverse("admincenter:subscriptions", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
    "admincenter:subscription_detail": Route(
        lambda w: reverse("admincenter:subscription_detail", args=[_x(w), _x(w)]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:license_assign": Route(
        lambda w: reverse("admincenter:license_assign", args=[_x(w), _x(w)]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:license_unassign": Route(
        lambda w: reverse("admincenter:license_unassign", args=[_x(w), _x(w), w.x_user.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:activity": Route(
        lambda w: reverse("admincenter:activity", args=[_x(w)]), get=BUILDING, post=BUILDING, delete=BUILDING
    ),
}
