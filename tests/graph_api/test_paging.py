"""Keyset paging: @odata.nextLink carries an opaque $skiptoken holding the last item's sort key; the next page seeks
to it in an index, so a deep page costs what the first does, and a change between two pages neither repeats nor skips
an item. Links are on the portal's address (SITE_URL), whatever Host the request named."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partnercenter.models import AdminRelationship, DirectoryRole
from partnercenter.roles import CATALOGUE

from .helpers import bearer

BASE = "/v1.0/tenantRelationships/delegatedAdminRelationships"


@pytest.fixture
def api(world) -> Client:
    return Client(headers={"Authorization": f"Bearer {bearer(world.partner_a, world.a_admin)}"})


def _relationships(world, count: int, status: str = AdminRelationship.Status.CREATED) -> None:
    AdminRelationship.objects.bulk_create(
        AdminRelationship(
            partner=world.partner_a,
            customer=world.customer_x,
            display_name=f"{status} {n}",
            roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
            status=status,
        )
        for n in range(count)
    )


def _all_pages(api: Client, params: dict) -> list[dict]:
    page = api.get(BASE, params).json()
    items = page["value"]
    while "@odata.nextLink" in page:
        page = api.get(page["@odata.nextLink"]).json()
        items += page["value"]
    return items


def test_pages_cover_every_relationship_once_in_order_newest_first_or_by_status(api, world):
    _relationships(world, 7)
    _relationships(world, 4, AdminRelationship.Status.ACTIVE)
    expected = list(AdminRelationship.objects.order_by("-created_at", "-public_id").values_list("public_id", flat=True))
    assert [item["id"] for item in _all_pages(api, {"$top": "3"})] == [str(pk) for pk in expected]
    for direction in ("asc", "desc"):
        statuses = [item["status"] for item in _all_pages(api, {"$top": "2", "$orderby": f"status {direction}"})]
        assert len(statuses) == 11
        assert statuses == sorted(statuses, reverse=direction == "desc")


def test_a_relationship_deleted_between_two_pages_does_not_make_the_next_page_skip_one(api, world):
    _relationships(world, 5)
    first = api.get(BASE, {"$top": "2"}).json()
    seen = first["value"][0]
    assert api.delete(f"{BASE}/{seen['id']}", headers={"If-Match": seen["@odata.etag"]}).status_code == 204
    second = api.get(first["@odata.nextLink"]).json()
    everything = [item["id"] for item in first["value"] + second["value"]]
    newest_first = AdminRelationship.objects.order_by("-created_at", "-public_id").values_list("public_id", flat=True)
    # With an OFFSET, the second page would start one row too far and the third item would be lost.
    assert everything[1:] == [str(pk) for pk in newest_first[:3]]


def test_a_skiptoken_not_issued_by_the_api_is_a_400(api, world):
    _relationships(world, 3)
    link = api.get(BASE, {"$top": "1"}).json()["@odata.nextLink"]
    token = parse_qs(urlsplit(link).query)["$skiptoken"][0]
    for bad in ("!!", "bm90LWpzb24", "WyJ4Il0", "WyJub3QtYS1kYXRlIiwieCJd", token + "x"):
        response = api.get(BASE, {"$skiptoken": bad})
        assert response.status_code == 400, bad
        assert response.json()["error"]["code"] == "BadRequest"
    # A token of one order is no key of another.
    assert api.get(BASE, {"$skiptoken": token, "$orderby": "status"}).status_code == 400


def test_next_link_and_location_are_on_the_portals_address_not_the_requests_host(api, world, settings):
    settings.SITE_URL = "https://partner.example"
    _relationships(world, 2)
    page = api.get(BASE, {"$top": "1", "$filter": "status eq 'created'"}, headers={"Host": "localhost"}).json()
    assert page["@odata.nextLink"].startswith(f"https://partner.example{BASE}?")
    assert "%24filter=status+eq+%27created%27" in page["@odata.nextLink"]
    created = api.post(
        BASE,
        {
            "displayName": "New",
            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": str(CATALOGUE["helpdesk_admin"].template_id)}]},
        },
        "application/json",
        headers={"Host": "localhost"},
    )
    assert created["Location"] == f"https://partner.example{BASE}/{created.json()['id']}"
    locked = api.post(
        f"{BASE}/{created.json()['id']}/requests",
        {"action": "lockForApproval"},
        "application/json",
        headers={"Host": "localhost"},
    )
    assert locked["Location"].startswith(f"https://partner.example{BASE}/{created.json()['id']}/requests/")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_deep_page_is_an_index_seek_not_an_offset(api, world):
    _relationships(world, 30)
    link = api.get(BASE, {"$top": "10"}).json()["@odata.nextLink"]
    link = api.get(link).json()["@odata.nextLink"]
    with CaptureQueriesContext(connection) as queries:
        assert len(api.get(link).json()["value"]) == 10
    [sql] = [q["sql"] for q in queries.captured_queries if 'FROM "partnercenter_adminrelationship"' in q["sql"]]
    assert "OFFSET" not in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # 30 rows: the planner would rather read them all
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "admin_rel_partner_age" in plan, plan
    assert "created_at <=" in plan.split("Index Cond:")[1].splitlines()[0], plan
