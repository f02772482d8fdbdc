"""The Customers page sorts, filters and pages in the database: every row once in either direction of any order,
Previous back where Next came from, a stable order among equal names, and anything unexpected in the address (a sort
that is not offered, a cursor or a page number from an edited link) is the first page, never an error."""

import re

import pytest
from django.urls import reverse

from partnercenter.models import DelegatedAdminGrant, ResellerRelationship, Tenant
from partnercenter.selectors import forget_customer_count

from .helpers import NEXT, PREVIOUS, get, link

URL = "customers:list"
ID_IN_ROW = re.compile(r'<th scope="row"><a href="/customers/([0-9a-f-]{36})/">')


def add_customers(partner, count: int, *, same_name: bool = False) -> list[Tenant]:
    tenants = Tenant.objects.bulk_create(
        Tenant(name="Tailspin" if same_name else f"Tailspin {n:04d}", primary_domain=f"z{count - n:04d}.example")
        for n in range(count)
    )
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=partner, customer=t) for t in tenants)
    forget_customer_count(partner.pk)  # a bulk insert sends no post_save
    DelegatedAdminGrant.objects.bulk_create(DelegatedAdminGrant(partner=partner, customer=t) for t in tenants[::3])
    return tenants


def walk(client, params: dict) -> list[str]:
    """Every customer's ID, page after page by Next."""
    url = reverse(URL)
    _n, page = get(client, url, params)
    seen = ID_IN_ROW.findall(page)
    while (next_query := link(NEXT, page)) is not None:
        _n, page = get(client, url + next_query)
        seen += ID_IN_ROW.findall(page)
    return seen


@pytest.mark.parametrize("sort", ["name", "-name", "domain", "-domain"])
def test_next_walks_every_customer_once_in_order(world, client_for, sort):
    tenants = add_customers(world.partner_a, 60)
    client = client_for("a_admin")
    seen = walk(client, {"sort": sort, "size": 25})
    everyone = [*tenants, world.customer_x]
    field = "name" if sort.endswith("name") else "primary_domain"
    expected = sorted(everyone, key=lambda t: (getattr(t, field), t.pk), reverse=sort.startswith("-"))
    assert seen == [str(t.public_id) for t in expected]


def test_equal_names_page_by_their_id_without_repeats(world, client_for):
    add_customers(world.partner_a, 70, same_name=True)
    seen = walk(client_for("a_admin"), {"size": 25})
    assert len(seen) == 71 and len(set(seen)) == 71


def test_previous_goes_back_to_the_page_next_came_from(world, client_for):
    add_customers(world.partner_a, 150)
    client = client_for("a_admin")
    url = reverse(URL)
    pages = []
    _n, page = get(client, url, {"size": 25})
    for _ in range(3):
        pages.append(ID_IN_ROW.findall(page))
        _n, page = get(client, url + link(NEXT, page))
    assert "Page 4 of 7" in page
    for expected in reversed(pages):
        _n, page = get(client, url + link(PREVIOUS, page))
        assert ID_IN_ROW.findall(page) == expected
    assert link(PREVIOUS, page) is None and "Page 1 of 7" in page


def test_headers_sort_and_reverse(world, client_for):
    add_customers(world.partner_a, 3)
    _n, page = get(client_for("a_admin"), reverse(URL))
    assert 'aria-sort="ascending"><a class="sort" href="?sort=-name">' in page
    assert 'aria-sort="none"><a class="sort" href="?sort=domain">' in page
    _n, page = get(client_for("a_admin"), reverse(URL), {"sort": "-name", "q": "tail"})
    assert 'aria-sort="descending"><a class="sort" href="?sort=name&amp;q=tail">' in page


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "customer__secret"},
        {"sort": "-"},
        {"after": "not-a-cursor"},
        {"before": "W1sxXV0"},  # valid base64 JSON of the wrong shape
        {"after": "WyJ4IiwgIm5vdC1hbi1pZCJd"},  # ["x", "not-an-id"]
        {"page": "0"},
        {"page": "-3"},
        {"page": "99999999999"},
        {"size": "100000"},
        {"relationship": "<script>"},
    ],
)
def test_unexpected_parameters_show_the_first_page(world, client_for, params):
    tenants = add_customers(world.partner_a, 30)
    _n, page = get(client_for("a_admin"), reverse(URL), params)
    assert str(tenants[0].public_id) in page


def test_a_deep_page_number_shows_the_last_numbered_page(world, client_for):
    add_customers(world.partner_a, 700)
    _n, page = get(client_for("a_admin"), reverse(URL), {"page": 200})
    assert "Page 10 of 15" in page


def test_the_count_stops_at_the_cap(world, client_for, monkeypatch):
    monkeypatch.setattr("partnercenter.listing.COUNT_CAP", 40)
    add_customers(world.partner_a, 60)
    _n, page = get(client_for("a_admin"), reverse(URL))
    assert "More than 40 customers" in page and "Page 1</span>" in page


@pytest.mark.parametrize(
    ("kind", "shown", "hidden"),
    [("delegated", "Tailspin 0000", "Tailspin 0001"), ("reseller", "Tailspin 0001", "Tailspin 0000")],
)
def test_the_relationship_filter(world, client_for, kind, shown, hidden):
    add_customers(world.partner_a, 5)
    _n, page = get(client_for("a_admin"), reverse(URL), {"relationship": kind})
    assert shown in page and hidden not in page
    assert "3 customers" in page  # two of the five and Contoso have delegated admin; three do not
