"""Settings > Partner relationships, the customer's own Global admins only."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 404 404 404 302")


def _x(w):
    return w.customer_x.public_id


ROUTES: dict[str, Route] = {
    "admincenter:partner_relationships": Route(
        lambda w: reverse("admincenter:partner_relationships", args=[_x(w)]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:partner_relationship_detail": Route(
        lambda w: reverse("admincenter:partner_relationship_detail", args=[_x(w), w.partner_a.tenant.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
    "admincenter:delegated_admin_remove": Route(
        lambda w: reverse("admincenter:delegated_admin_remove", args=[_x(w), w.partner_a.tenant.public_id]),
        get=BUILDING,
        post=BUILDING,
        delete=BUILDING,
    ),
}
