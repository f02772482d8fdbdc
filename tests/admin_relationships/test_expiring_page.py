"""Customers > Expiring granular relationships: tiles that count and filter the partner's active relationships by how
soon they end and those expired in the last year, a search, a table sorted in the database, a CSV download with the
same rows; only the partner's own relationships, for its agents."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from admin_relationships.selectors import ExpiringWindow, expiring_tiles
from partnercenter.models import AdminRelationship, DirectoryRole, Tenant
from tests.test_translations import PO, parse_po, write_mo

pytestmark = pytest.mark.django_db

Status = AdminRelationship.Status
HA = DirectoryRole.HELPDESK_ADMINISTRATOR
UA = DirectoryRole.USER_ADMINISTRATOR
URL = "customers:expiring_relationships"
EXPORT = "customers:expiring_relationships_export"


def _relationship(partner, customer, name: str, *, ends_in: timedelta | None, status=Status.ACTIVE, **kwargs):
    now = timezone.now()
    return AdminRelationship.objects.create(
        partner=partner,
        customer=customer,
        display_name=name,
        roles=kwargs.pop("roles", [HA, UA]),
        duration_days=30,
        status=status,
        activated_at=now - timedelta(days=30),
        ends_at=now + ends_in if ends_in is not None else None,
        **kwargs,
    )


@pytest.fixture
def spread(world):
    """Partner A's relationships with customer X at each distance from their end, and partner B's with Y."""
    a, x = world.partner_a, world.customer_x
    rows = {
        "hours": _relationship(a, x, "Ends in hours", ends_in=timedelta(hours=5)),
        "days": _relationship(a, x, "Ends in five days", ends_in=timedelta(days=5)),
        "weeks": _relationship(a, x, "Ends in three weeks", ends_in=timedelta(days=21), auto_extend_days=180),
        "months": _relationship(a, x, "Ends in a year", ends_in=timedelta(days=365), roles=[HA]),
        "lapsed": _relationship(a, x, "Past its end, not yet marked", ends_in=-timedelta(days=2)),
        "expired": _relationship(a, x, "Expired last month", ends_in=-timedelta(days=30), status=Status.EXPIRED),
        # Not on the page: expired over a year ago, terminated, a request never approved, a draft.
        "old": _relationship(a, x, "Expired long ago", ends_in=-timedelta(days=400), status=Status.EXPIRED),
        "terminated": _relationship(a, x, "Terminated", ends_in=-timedelta(days=3), status=Status.TERMINATED),
        "unapproved": _relationship(a, x, "Never approved", ends_in=None, status=Status.EXPIRED),
        "draft": _relationship(a, x, "Draft", ends_in=None, status=Status.CREATED),
        "other_partner": _relationship(
            world.partner_b, world.customer_y, "Northwind's, ends tomorrow", ends_in=timedelta(hours=20)
        ),
    }
    return rows


def _names(response) -> list[str]:
    """The table's relationships, in its order, as the page shows them."""
    return [
        html.unescape(name)
        for name in re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a>', response.content.decode())
    ]


def _cells(response) -> list[list[str]]:
    """The table's rows, each a list of its cells' text."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_tiles_count_and_share_the_partners_relationships(world, spread):
    tiles, total = expiring_tiles(world.partner_a, now=timezone.now())
    assert total == 6
    tiles = {t.window: (t.count, t.share) for t in tiles}
    # Four active relationships; six on the page (the four, and two expired in the last year).
    assert tiles == {
        ExpiringWindow.WITHIN_30_DAYS: (3, 75),
        ExpiringWindow.WITHIN_7_DAYS: (2, 50),
        ExpiringWindow.WITHIN_1_DAY: (1, 25),
        ExpiringWindow.AFTER_30_DAYS: (1, 25),
        ExpiringWindow.EXPIRED: (2, 33),
    }


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ("", ["Past its end, not yet marked", "Ends in hours", "Ends in five days", "Ends in three weeks",
              "Ends in a year", "Expired last month"][::1]),
        ("30d", ["Ends in hours", "Ends in five days", "Ends in three weeks"]),
        ("7d", ["Ends in hours", "Ends in five days"]),
        ("1d", ["Ends in hours"]),
        ("after-30d", ["Ends in a year"]),
        ("expired", ["Expired last month", "Past its end, not yet marked"]),
    ],
)  # fmt: skip
def test_each_tile_filters_the_table(world, spread, client_for, window, expected):
    response = client_for("a_sales").get(reverse(URL), {"expires": window} if window else {})
    assert response.status_code == 200
    assert sorted(_names(response)) == sorted(expected)
    body = response.content.decode()
    assert "Northwind" not in body and "Expired long ago" not in body and "Terminated" not in body
    if window:
        assert body.count('aria-current="true"') == 1
        assert f"?expires={window}" not in body.split('aria-current="true"')[0].rsplit("<a ", 1)[-1]


def test_the_table_is_sorted_by_end_date_and_says_what_each_row_is(world, spread, client_for):
    response = client_for("a_helpdesk").get(reverse(URL))
    assert _names(response) == [
        "Expired last month",
        "Past its end, not yet marked",
        "Ends in hours",
        "Ends in five days",
        "Ends in three weeks",
        "Ends in a year",
    ]
    body = response.content.decode()
    relationship = spread["weeks"]
    assert reverse("customers:admin_relationship", args=[world.customer_x.public_id, relationship.public_id]) in body
    assert reverse("customers:detail", args=[world.customer_x.public_id]) in body
    cells = _cells(response)
    assert [row[-1] for row in cells] == ["Expired", "Expired", "Active", "Active", "Active", "Active"]
    weeks = cells[4]
    assert weeks[:3] == ["Contoso", "Ends in three weeks", "2 roles: Helpdesk Administrator, User Administrator"]
    assert weeks[4] == "On, by 180 days" and cells[5][2] == "1 role: Helpdesk Administrator"
    assert weeks[3] == date_format(timezone.localtime(relationship.ends_at), "DATE_FORMAT")


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("-end", "Ends in a year", "Expired last month"),
        ("name", "Ends in a year", "Past its end, not yet marked"),
        ("-name", "Past its end, not yet marked", "Ends in a year"),
        ("nonsense", "Expired last month", "Ends in a year"),  # unknown: the default, by end date
    ],
)
def test_columns_sort_in_the_database(world, spread, client_for, sort, first, last):
    names = _names(client_for("a_admin").get(reverse(URL), {"sort": sort}))
    assert (names[0], names[-1]) == (first, last)


def test_sort_by_customer(world, spread, client_for):
    fourth = Tenant.objects.create(name="Alpine Ski House", primary_domain="alpine.test")
    _relationship(world.partner_a, fourth, "Alpine support", ends_in=timedelta(days=100))
    names = _names(client_for("a_admin").get(reverse(URL), {"sort": "customer"}))
    assert names[0] == "Alpine support"
    names = _names(client_for("a_admin").get(reverse(URL), {"sort": "-customer"}))
    assert names[-1] == "Alpine support"


def test_search_by_customer_or_relationship_name_within_a_tile(world, spread, client_for):
    client = client_for("a_admin")
    assert len(_names(client.get(reverse(URL), {"q": "contoso"}))) == 6
    assert _names(client.get(reverse(URL), {"q": "FIVE days"})) == ["Ends in five days"]
    assert _names(client.get(reverse(URL), {"q": "ends", "expires": "1d"})) == ["Ends in hours"]
    response = client.get(reverse(URL), {"q": "northwind"})
    assert _names(response) == [] and "No relationships match “northwind”." in response.content.decode()


def test_unknown_filter_and_page_are_not_errors(world, spread, client_for):
    response = client_for("a_admin").get(reverse(URL), {"expires": "<script>", "page": "x" * 300, "q": "x" * 5000})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_pages_of_fifty(world, client_for):
    AdminRelationship.objects.bulk_create(
        AdminRelationship(
            partner=world.partner_a,
            customer=world.customer_x,
            display_name=f"Bulk {n:03d}",
            roles=[HA],
            status=Status.ACTIVE,
            ends_at=timezone.now() + timedelta(days=n + 1),
        )
        for n in range(120)
    )
    client = client_for("a_admin")
    first = client.get(reverse(URL), {"expires": "after-30d"})
    assert first.context["page"].paginator.count == 90
    assert len(_names(first)) == 50 and "Page 1 of 2" in first.content.decode()
    second = client.get(reverse(URL), {"expires": "after-30d", "page": 2})
    assert len(_names(second)) == 40
    assert not set(_names(first)) & set(_names(second))


def test_download_has_the_same_rows_and_neutralises_formulas(world, spread, client_for):
    _relationship(world.partner_a, world.customer_x, "=HYPERLINK(1)", ends_in=timedelta(hours=2))
    response = client_for("a_admin").get(reverse(EXPORT), {"expires": "1d", "sort": "-end"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "Customer",
        "Customer Microsoft ID",
        "Admin relationship name",
        "Roles",
        "Start date",
        "End date",
        "Auto extend",
        "Status",
    ]
    assert [r[2] for r in rows[1:]] == ["Ends in hours", "'=HYPERLINK(1)"]
    assert rows[1][0] == "Contoso" and rows[1][1] == str(world.customer_x.public_id)
    assert rows[1][3] == "Helpdesk Administrator; User Administrator" and rows[1][6] == "Off"


def test_download_searches_like_the_page(world, spread, client_for):
    response = client_for("a_sales").get(reverse(EXPORT), {"q": "expired"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["Expired last month"]


@pytest.fixture
def chinese_catalogue(tmp_path):
    """The committed zh-Hant catalogue, compiled for this test (the .mo is not committed)."""
    write_mo(parse_po(PO.read_text(encoding="utf-8")), tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.mo")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def test_download_in_traditional_chinese(world, spread, client_for, chinese_catalogue):
    client = client_for("a_admin")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = client.get(reverse(EXPORT), {"expires": "expired"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("客戶,") and "已過期" in text


def test_the_customers_page_links_to_it_for_agents(world, client_for):
    body = client_for("a_sales").get(reverse("customers:list")).content.decode()
    assert reverse(URL) in body


def test_other_partners_relationships_are_never_counted_or_listed(world, spread, client_for):
    response = client_for("b_admin").get(reverse(URL))
    assert _names(response) == ["Northwind's, ends tomorrow"]
    tiles = {t.window: t.count for t in response.context["tiles"]}
    assert tiles[ExpiringWindow.WITHIN_1_DAY] == 1 and tiles[ExpiringWindow.EXPIRED] == 0
    # Whatever the parameters say.
    response = client_for("b_admin").get(reverse(URL), {"q": "contoso"})
    assert _names(response) == []


@pytest.mark.parametrize("persona", ["x_ga", "x_user", "y_ga"])
def test_customers_users_cannot_open_it(world, client_for, persona):
    assert client_for(persona).get(reverse(URL)).status_code == 403
    assert client_for(persona).get(reverse(EXPORT)).status_code == 403


# --- Flat in queries -------------------------------------------------------------------------------------------------


# Distances from the end: within each tile, and outside the page (expired over a year ago).
OFFSETS = [timedelta(hours=-h) for h in (24 * 400, 24 * 200, 48)] + [
    timedelta(hours=h) for h in (12, 24 * 3, 24 * 20, 24 * 100, 24 * 700)
]


def _bulk(world, start: int, count: int) -> None:
    """`count` more relationships of partner A, at every distance from their end, with customers of their own, in a
    handful of queries."""
    now = timezone.now()
    customers = Tenant.objects.bulk_create(
        Tenant(name=f"Tailspin {n:05d}", primary_domain=f"tailspin{n:05d}.example") for n in range(start, start + count)
    )
    AdminRelationship.objects.bulk_create(
        (
            AdminRelationship(
                partner=world.partner_a,
                customer=customer,
                display_name=f"Tailspin support {n:05d}",
                roles=[HA, UA],
                status=Status.EXPIRED if n % 7 == 0 else Status.ACTIVE,
                activated_at=now - timedelta(days=30),
                ends_at=now + OFFSETS[n % len(OFFSETS)] + timedelta(seconds=n),
                auto_extend_days=180 if n % 3 == 0 else 0,
            )
            for n, customer in zip(range(start, start + count), customers, strict=True)
        ),
        batch_size=2000,
    )


def _count(client, name: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


PARAMS = [{}, {"expires": "30d"}, {"expires": "expired", "sort": "-customer"}, {"q": "tailspin 000"}, {"page": "3"}]


def test_query_count_is_flat_from_10_to_10000_relationships(world, client_for):
    client = client_for("a_admin")
    client.get(reverse(URL))  # the session's first request may warm caches; not measured
    _bulk(world, 0, 10)
    small = [_count(client, URL, p) for p in PARAMS]
    small_export = _count(client, EXPORT, {"expires": "30d"})
    _bulk(world, 10, 9990)
    large = [_count(client, URL, p) for p in PARAMS]
    assert large == small, f"{small} queries with 10 relationships, {large} with 10,000"
    assert _count(client, EXPORT, {"expires": "30d"}) == small_export
    response = client.get(reverse(URL))
    assert sum(t.count for t in response.context["tiles"] if t.window != ExpiringWindow.WITHIN_30_DAYS) > 5000
    assert len(_names(response)) == 50


def test_the_tiles_are_one_query(world, django_assert_num_queries):
    _bulk(world, 0, 50)
    with django_assert_num_queries(1):
        expiring_tiles(world.partner_a, now=timezone.now())


def test_query_budget(world, client_for, django_assert_max_num_queries):
    """Session, user, partner, the agent's groups and own roles (the navigation), the tiles (which count the table's
    rows too) and the page."""
    client = client_for("a_admin")
    _bulk(world, 0, 120)
    client.get(reverse(URL))
    with django_assert_max_num_queries(6):
        client.get(reverse(URL), {"expires": "after-30d"})
    with django_assert_max_num_queries(7):  # a search counts its matches
        client.get(reverse(URL), {"q": "tailspin"})
