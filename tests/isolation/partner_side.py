"""The partner's view of one customer: its detail page, adding subscriptions."""

from django.urls import reverse

from . import ALL_405, SIGNED_IN_ONLY_405, Route, admin_relationships, row  # noqa: F401

# Placeholder pages answer 404 until they are built; each entry is replaced with the page's real expectations.
BUILDING = row("404 404 404 404 | 404 404 404 404 404 | 404 302")


def _x(w):
    return w.customer_x.public_id


ROUTES: dict[str, Route] = {
    # Any agent of a partner with a reseller relationship with the customer; every other tenant: 404.
    "customers:detail": Route(
        lambda w: reverse("customers:detail", args=[_x(w)]),
        get=row("200 200 200 404 | 404 404 404 404 404 | 404 302"),
        post=SIGNED_IN_ONLY_405,
        delete=SIGNED_IN_ONLY_405,
    ),
    # Admin agents and Sales agents (no delegated admin needed); an empty POST: the form again, with its errors.
    "customers:subscription_new": Route(
        lambda w: reverse("customers:subscription_new", args=[_x(w)]),
        get=row("200 200 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        post=row("400 400 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403),
        delete=SIGNED_IN_ONLY_405,
    ),
}

# Granular delegated admin's pages of a customer, and the customer's approval link, are listed in their own module.
ROUTES.update(admin_relationships.ROUTES)
