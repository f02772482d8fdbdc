"""The Customers page's hand-written rows query (customers.selectors.CustomerRows, on PostgreSQL) shows exactly what
the ORM's query shows (the embedded default's): the same rows, the same count, the same links, page after page, in
every order, with every filter and search, for customers of every kind."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from customers import views
from partnercenter.models import AdminRelationship, DelegatedAdminGrant, ResellerRelationship, Tenant
from partnercenter.selectors import forget_customer_count

from ..lists.helpers import NEXT, PREVIOUS, get, link

SHOWN = re.compile(
    r'<p class="count".*?</p>|<tbody>.*?</tbody>|<nav class="pagination".*?</nav>|<p class="empty">.*?</p>', re.S
)


def seed(partner) -> None:
    """Customers of every kind: resellers with and without delegated admin, through GDAP alone, with a lost admin
    relationship, names that repeat, and names with LIKE's wildcards."""
    names = [f"Tailspin {n % 37:03d}" for n in range(90)] + ["50% Fabrics", "Under_score Ltd", "Under score Ltd"]
    tenants = Tenant.objects.bulk_create(
        Tenant(name=name, primary_domain=f"t{n:03d}.{'zeta' if n % 2 else 'alpha'}.example")
        for n, name in enumerate(names)
    )
    now = timezone.now()
    ResellerRelationship.objects.bulk_create(
        ResellerRelationship(
            partner=partner,
            customer=t,
            is_active=n % 5 != 0,
            granular_admin_since=now if n % 5 == 0 and n % 10 == 0 else None,  # some are not customers at all
        )
        for n, t in enumerate(tenants)
    )
    DelegatedAdminGrant.objects.bulk_create(
        DelegatedAdminGrant(partner=partner, customer=t, removed_at=now if n % 7 == 0 else None)
        for n, t in enumerate(tenants)
        if n % 3 == 0
    )
    ended = now - timedelta(days=2)
    AdminRelationship.objects.bulk_create(
        AdminRelationship(
            partner=partner,
            customer=t,
            display_name=f"Lost {n}",
            roles=["user_admin"],
            status=AdminRelationship.Status.EXPIRED,
            activated_at=ended - timedelta(days=30),
            ends_at=ended,
            ended_at=ended,
        )
        for n, t in enumerate(tenants)
        if n % 4 == 0
    )
    forget_customer_count(partner.pk)


def walk(client, params: dict) -> list[str]:
    """What the page shows at each step: page 1, Next to the end, and Previous back to the start."""
    url = reverse("customers:list")
    _n, page = get(client, url, params)
    shown = ["".join(SHOWN.findall(page))]
    seen = 0
    while (query := link(NEXT, page)) and seen < 10:
        _n, page = get(client, url + query)
        shown.append("".join(SHOWN.findall(page)))
        seen += 1
    while query := link(PREVIOUS, page):
        _n, page = get(client, url + query)
        shown.append("".join(SHOWN.findall(page)))
    return shown


@pytest.mark.parametrize("sort", ["name", "-name", "domain", "-domain"])
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"relationship": "delegated"},
        {"relationship": "reseller"},
        {"q": "tailspin 01"},
        {"q": "ZETA", "relationship": "delegated"},
        {"q": "50%"},
        {"q": "under_"},
        {"q": "t0"},
        {"q": "no such customer"},
        {"page": "3"},
        {"page": "99", "q": "tail"},
    ],
)
def test_the_hand_written_query_shows_what_the_orm_shows(world, client_for, monkeypatch, sort, filters):
    seed(world.partner_a)
    client = client_for("a_admin")
    params = {**filters, "sort": sort, "size": 25}

    by_sql = walk(client, params)
    monkeypatch.setattr(views, "customers_page_rows", lambda partner, kind, q: None)
    by_orm = walk(client, params)

    assert by_sql == by_orm
    assert "customer" in by_sql[0]  # the count, or that nothing matches


def test_a_partial_microsoft_id_finds_its_customer(world, client_for):
    seed(world.partner_a)
    customer = Tenant.objects.get(name="50% Fabrics")
    _n, page = get(client_for("a_admin"), reverse("customers:list"), {"q": str(customer.public_id)[4:16].upper()})
    assert "1 customer" in page and "50% Fabrics" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written query is PostgreSQL's")
@pytest.mark.parametrize(
    ("params", "values"),
    [
        ({}, []),  # page 1: planned once per connection and partner (CustomerRows.rows)
        ({"relationship": "delegated"}, []),
        ({"q": "tailspin"}, ["%tailspin%"] * 3),  # input is a parameter, never text
    ],
)
def test_only_input_goes_as_parameters(world, client_for, params, values):
    seed(world.partner_a)
    sent = []

    def record(execute, sql, parameters, many, context):
        if "page.customer_name" in sql:  # the rows query
            sent.append(list(parameters or []))
        return execute(sql, parameters, many, context)

    with connection.execute_wrapper(record):
        response = client_for("a_admin").get(reverse("customers:list"), params)
    assert response.status_code == 200
    assert sent == [values]
