"""Partner side: the Customers page — search, pagination, expandable rows, CSV export — and only one's own."""

import csv
import io

import pytest
from django.urls import reverse

from partnercenter.models import ResellerRelationship

from .factories import ResellerRelationshipFactory, TenantFactory


def _export(client, **params) -> list[list[str]]:
    response = client.get(reverse("customers:export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="customers.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_customers_lists_own_customers_with_their_details(world, client_for):
    page = client_for("a_helpdesk").get(reverse("customers:list")).content.decode()
    x = world.customer_x
    assert x.name in page and x.primary_domain in page and str(x.public_id) in page
    assert "Reseller, Delegated admin" in page
    assert 'aria-expanded="false"' in page and f'id="details-{x.public_id}"' in page
    assert world.customer_y.name not in page


def test_removed_relationships_are_not_customers(world, client_for):
    ResellerRelationship.objects.filter(partner=world.partner_a).update(is_active=False)
    page = client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert world.customer_x.name not in page
    assert "You have no customers yet" in page


@pytest.mark.parametrize(
    "query",
    ["conto", "CONTOSO", "contoso.test", "CONTOSO.TEST"],
)
def test_search_by_name_or_domain_ignores_case(world, client_for, query):
    TenantFactory(name="Woodgrove", primary_domain="woodgrove.test")
    ResellerRelationshipFactory(partner=world.partner_a, customer=TenantFactory(name="Woodgrove Bank"))
    page = client_for("a_admin").get(reverse("customers:list"), {"q": query}).content.decode()
    assert "Contoso" in page
    assert "Woodgrove" not in page


def test_search_by_microsoft_id_whole_or_part(world, client_for):
    other = TenantFactory(name="Woodgrove Bank")
    ResellerRelationshipFactory(partner=world.partner_a, customer=other)
    public_id = str(world.customer_x.public_id)
    for query in (public_id, public_id.upper(), public_id[:8]):
        page = client_for("a_admin").get(reverse("customers:list"), {"q": query}).content.decode()
        assert "Contoso" in page, query
        assert "Woodgrove" not in page, query


def test_search_never_finds_another_partners_customers(world, client_for):
    page = client_for("a_admin").get(reverse("customers:list"), {"q": "litware"}).content.decode()
    assert "No customers match" in page
    assert "litware.test" not in page.replace("No customers match “litware”", "")


def test_customers_are_paginated(world, client_for, settings):
    settings.CUSTOMERS_PAGE_SIZE = 5
    for i in range(12):
        ResellerRelationshipFactory(partner=world.partner_a, customer=TenantFactory(name=f"Zeta {i:02d}"))
    client = client_for("a_admin")
    first = client.get(reverse("customers:list")).content.decode()
    assert "13 customers" in first and "Page 1 of 3" in first and 'rel="next"' in first
    last = client.get(reverse("customers:list"), {"page": 3}).content.decode()
    assert "Zeta 11" in last and "Zeta 00" not in last
    # Out-of-range and nonsense page numbers land on a real page, never an error.
    assert client.get(reverse("customers:list"), {"page": "999"}).status_code == 200
    assert client.get(reverse("customers:list"), {"page": "abc"}).status_code == 200


def test_export_has_the_agreed_columns_and_only_own_customers(world, client_for):
    rows = _export(client_for("a_sales"))
    assert rows[0] == ["Microsoft ID", "Company name", "Primary domain name", "Relationship"]
    assert rows[1:] == [[str(world.customer_x.public_id), "Contoso", "contoso.test", "Reseller, Delegated admin"]]


def test_export_follows_the_search(world, client_for):
    ResellerRelationshipFactory(partner=world.partner_a, customer=TenantFactory(name="Woodgrove Bank"))
    rows = _export(client_for("a_admin"), q="woodgrove")
    assert [r[1] for r in rows[1:]] == ["Woodgrove Bank"]


def test_export_neutralises_formula_cells(world, client_for):
    ResellerRelationshipFactory(partner=world.partner_a, customer=TenantFactory(name='=HYPERLINK("http://x")'))
    ResellerRelationshipFactory(partner=world.partner_a, customer=TenantFactory(name="+1+1"))
    names = [r[1] for r in _export(client_for("a_admin"))[1:]]
    assert '\'=HYPERLINK("http://x")' in names
    assert "'+1+1" in names
