"""Partner side: the Customers page — search, pagination, expandable rows, CSV export — and only one's own."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from partnercenter.models import ResellerRelationship
from relationships.services import delegated_admin_remove

from ..factories import ResellerRelationshipFactory, TenantFactory


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


# A row's details: fetched when the row is expanded, and without script a link to the customer's page.


OPEN_LABEL = "Open the customer's page"


def details_url(customer) -> str:
    return reverse("customers:details", args=[customer.public_id])


def test_a_row_expands_to_its_details_url_and_without_script_to_the_customers_page(world, client_for):
    page = client_for("a_admin").get(reverse("customers:list")).content.decode()
    x = world.customer_x
    row = page.split(f'id="details-{x.public_id}"')[1].split("</tr>")[0]
    assert f'data-details-url="{details_url(x)}"' in row
    detail = reverse("customers:detail", args=[x.public_id])
    assert f'<a href="{detail}">{escape(OPEN_LABEL)}</a>' in row
    assert f'href="#details-{x.public_id}"' in page  # the expander, without script
    assert "Admin center" not in row  # decided when the row is expanded, not for every row of the page


@pytest.mark.parametrize("persona", ["a_admin", "a_helpdesk"])  # with check boxes (bulk requests), and without
def test_each_row_holds_its_cells_and_its_details_row_a_close_button_back_to_it(world, client_for, persona):
    page = client_for(persona).get(reverse("customers:list")).content.decode()
    x = world.customer_x
    row = page.split(f'<tr id="customer-{x.public_id}">')[1].split("</tr>")[0]
    assert "<tr" not in row and f'aria-controls="details-{x.public_id}"' in row and x.name in row
    assert (f'id="select-{x.public_id}"' in row) == (persona == "a_admin")
    details = page.split(f'<tr id="details-{x.public_id}"')[1].split("</tr>")[0]
    cells = details.count("<td")
    assert cells == (3 if persona == "a_admin" else 2)  # as many columns as the row: the last spans the rest
    close = details.split('class="btn-icon pane-close"')[1].split("</a>")[0]
    # Without script a link back to the customer's row (ending the details row's :target); app.js collapses it.
    assert f'href="#customer-{x.public_id}" aria-controls="details-{x.public_id}" title="Close"' in close
    icon = '<span class="icon icon-dismiss" aria-hidden="true"></span>'
    assert f'{icon}<span class="visually-hidden">Close</span>' in close


def test_details_show_the_customer_and_its_admin_portals(world, client_for):
    response = client_for("a_admin").get(details_url(world.customer_x))
    assert response.status_code == 200
    details = response.content.decode()
    assert "<html" not in details  # a fragment for the row, not a page
    assert str(world.customer_x.public_id) in details and world.customer_x.primary_domain in details
    assert "Reseller, Delegated admin" in details
    assert f'<a href="{reverse("admincenter:home", args=[world.customer_x.public_id])}">Admin center</a>' in details
    assert f'<a href="{reverse("customers:devices", args=[world.customer_x.public_id])}">Devices</a>' in details
    assert "no-store" in response["Cache-Control"]  # no browser or proxy keeps an access decision


def test_details_of_another_partners_customer_are_not_found(world, client_for):
    assert client_for("a_admin").get(details_url(world.customer_y)).status_code == 404
    assert client_for("b_admin").get(details_url(world.customer_x)).status_code == 404


def test_details_show_the_reason_as_soon_as_the_customer_removes_delegated_admin(world, client_for):
    agent = client_for("a_admin")
    assert ">Admin center</a>" in agent.get(details_url(world.customer_x)).content.decode()
    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    details = agent.get(details_url(world.customer_x)).content.decode()
    assert '<span class="portal-disabled" aria-disabled="true">Admin center</span>' in details
    assert "Delegated admin was removed by the customer on" in details
    assert ">Admin center</a>" not in details
    assert ">Reseller<" in details


def test_details_cost_fewer_queries_than_the_page(world, client_for):
    client = client_for("a_admin")
    client.get(reverse("customers:list"))  # the first request of a session may warm caches; not measured
    with CaptureQueriesContext(connection) as page:
        client.get(reverse("customers:list"))
    with CaptureQueriesContext(connection) as details:
        assert client.get(details_url(world.customer_x)).status_code == 200
    assert len(details) < len(page), f"{len(details)} queries for a row's details, {len(page)} for the page"


def test_details_are_in_the_agents_language(world, client_for):
    agent = client_for("a_sales")
    agent.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    details = agent.get(details_url(world.customer_x)).content.decode()
    assert "管理入口網站" in details and "您的角色不包含此權限。" in details


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
    assert rows[0] == ["Microsoft ID", "Company name", "Primary domain name", "Relationship", "Admin relationship lost"]
    assert rows[1:] == [[str(world.customer_x.public_id), "Contoso", "contoso.test", "Reseller, Delegated admin", ""]]


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
