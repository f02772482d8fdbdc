"""The Customers page costs the same number of queries whatever the number of customers: 10 or 1,000, page 1 or a
search, as partner A's Admin agent."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import AdminRelationship, DelegatedAdminGrant, ResellerRelationship, Tenant
from partnercenter.selectors import forget_customer_count
from partnercenter.services import customer_through_granular_admin


def add_customers(partner, start: int, count: int) -> None:
    """`count` more customers of `partner`, half of them with delegated admin, in a handful of queries."""
    tenants = Tenant.objects.bulk_create(
        Tenant(name=f"Tailspin {n:05d}", primary_domain=f"tailspin{n:05d}.example") for n in range(start, start + count)
    )
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=partner, customer=t) for t in tenants)
    forget_customer_count(partner.pk)  # a bulk insert sends no post_save
    DelegatedAdminGrant.objects.bulk_create(DelegatedAdminGrant(partner=partner, customer=t) for t in tenants[::2])


def load(client, params: dict) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("customers:list"), params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    ("params", "matches_small", "matches_large"),
    [
        ({}, "10 customers", "1000 customers"),  # customer X (Contoso) and the Tailspin ones
        ({"q": "tailspin"}, "9 customers", "999 customers"),
        ({"q": "TAILSPIN0"}, "9 customers", "999 customers"),  # by domain
    ],
    ids=["page-1", "search-name", "search-domain"],
)
def test_query_count_does_not_grow_with_customers(world, client_for, params, matches_small, matches_large):
    client = client_for("a_admin")
    client.get(reverse("customers:list"))  # the first request of a session may warm caches; not measured

    add_customers(world.partner_a, 0, 9)
    small, page = load(client, params)
    assert matches_small in page and "Tailspin 00008" in page

    add_customers(world.partner_a, 9, 990)
    large, page = load(client, params)
    assert matches_large in page and "Tailspin 00000" in page and "Page 1 of 20" in page
    assert page.count('class="details-row"') == 50

    assert large == small, f"{small} queries for 10 customers, {large} for 1,000"


def test_query_count_is_small(world, client_for, django_assert_max_num_queries):
    """Session, user (with its partner), the agent's partner groups and own roles (one query: the navigation), and
    the page's rows with their count (a search counts its matches in the same query): the page's whole budget. The
    admin portals (and the Azure role assignments they need) are a row's details, fetched when it is expanded."""
    client = client_for("a_admin")
    add_customers(world.partner_a, 0, 120)
    client.get(reverse("customers:list"))
    with django_assert_max_num_queries(4):
        assert client.get(reverse("customers:list"), {"q": "tailspin", "page": 2}).status_code == 200


def add_lost_admin_relationships(partner, tenants) -> None:
    """An expired admin relationship of `partner` with each tenant, in one query."""
    ended = timezone.now() - timedelta(days=3)
    AdminRelationship.objects.bulk_create(
        AdminRelationship(
            partner=partner,
            customer=tenant,
            display_name=f"Lost {tenant.pk}",
            roles=["user_admin"],
            status=AdminRelationship.Status.EXPIRED,
            activated_at=ended - timedelta(days=30),
            ends_at=ended,
            ended_at=ended,
        )
        for tenant in tenants
    )


def test_lost_admin_relationships_cost_no_query(world, client_for):
    """The marker of a lost admin relationship comes in the rows' own query."""
    client = client_for("a_admin")
    client.get(reverse("customers:list"))
    add_customers(world.partner_a, 0, 9)
    small, _page = load(client, {})

    add_customers(world.partner_a, 9, 990)
    add_lost_admin_relationships(world.partner_a, Tenant.objects.filter(name__startswith="Tailspin"))
    large, page = load(client, {})

    assert page.count("Admin relationship ended on") == 49  # every Tailspin row of page 1, not Contoso's
    assert large == small, f"{small} queries without lost admin relationships, {large} with"


def test_a_search_counts_its_matches_with_its_rows(world, client_for):
    client = client_for("a_admin")
    add_customers(world.partner_a, 0, 120)
    queries, page = load(client, {"q": "tailspin", "page": 2})
    assert "120 customers" in page and "Page 2 of 3" in page and "Tailspin 00050" in page
    # A page past the last match shows the last page, counted on its own.
    _queries, page = load(client, {"q": "tailspin", "page": 7})
    assert "120 customers" in page and "Page 3 of 3" in page and "Tailspin 00119" in page
    _queries, page = load(client, {"q": "no such customer"})
    assert "No customers match" in page


def test_the_kept_count_follows_new_customers(world, client_for):
    """The partner's count is kept between visits and follows every change of its relationships: a customer who
    accepts a request, and one who approves an admin relationship, count at once."""
    client = client_for("a_admin")
    _n, page = load(client, {})
    assert "1 customer" in page
    # An old relationship that no longer makes the tenant a customer, saved without a signal.
    ResellerRelationship.objects.bulk_create(
        [ResellerRelationship(partner=world.partner_a, customer=world.customer_y, is_active=False)]
    )
    _n, page = load(client, {})
    assert "1 customer" in page

    customer_through_granular_admin(partner=world.partner_a, customer=world.customer_y, approved_at=timezone.now())
    _n, page = load(client, {})
    assert "2 customers" in page

    add_customers(world.partner_a, 0, 3)
    ResellerRelationship.objects.create(partner=world.partner_a, customer=Tenant.objects.create(name="Wingtip"))
    _n, page = load(client, {})
    assert "6 customers" in page
