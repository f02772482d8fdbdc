"""Every list page costs the same number of queries whatever the number of its rows: page 1, a numbered page and a
page reached by Next (what any deep page is), in each order it offers, either way round.

Each case seeds its list with bulk_create; the sizes are parametrized (LIST_TEST_SIZES="80,1500" by default; the
benchmark, bench/lists_bench.py, times the same pages at 1,000 and 100,000 rows). The budget is each page's whole
cost, session and navigation included: a change that adds a query per row, or per page, fails here."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from .helpers import NEXT, PREVIOUS, get, link
from .seeds import SEEDS

SIZES = [int(n) for n in os.environ.get("LIST_TEST_SIZES", "80,1500").split(",")]


@dataclass(frozen=True)
class Case:
    seed: str  # of seeds.SEEDS
    persona: str
    url: Callable
    sorts: tuple[str, ...]
    budget: int
    params: dict = field(default_factory=dict)
    # Pages reached by Next, when they differ: a search of the Customers page counts its matches in the
    # rows' query on a numbered page, and on its own from a cursor (whose rows start at the cursor).
    cursor_budget: int | None = None

    @property
    def by_cursor(self) -> int:
        return self.budget if self.cursor_budget is None else self.cursor_budget


CASES = {
    "customers": Case("customers", "a_admin", lambda w: reverse("customers:list"), ("name", "domain"), 4),
    "customers-search": Case(
        "customers",
        "a_admin",
        lambda w: reverse("customers:list"),
        ("name", "domain"),
        4,
        {"q": "seed", "relationship": "reseller"},
        cursor_budget=5,
    ),
    "relationship-requests": Case(
        "relationship-requests",
        "a_admin",
        lambda w: reverse("relationships:request_list"),
        ("created", "expires", "state"),
        6,
    ),
    "relationship-requests-filtered": Case(
        "relationship-requests",
        "a_admin",
        lambda w: reverse("relationships:request_list"),
        ("created",),
        6,
        {"state": "expired", "q": "seed"},
    ),
    "relationship-requests-drafts": Case(
        "relationship-requests",
        "a_admin",
        lambda w: reverse("relationships:request_list"),
        ("created", "expires"),
        6,
        {"state": "draft"},
    ),
    "admin-center-users": Case(
        "users", "x_ga", lambda w: reverse("admincenter:users", args=[w.customer_x.public_id]), ("name", "email"), 6
    ),
    "admin-center-role-members": Case(
        "users",
        "x_ga",
        lambda w: reverse("admincenter:role_detail", args=[w.customer_x.public_id, "helpdesk_admin"]),
        ("name", "email"),
        6,
    ),
    "admin-center-role-candidates": Case(
        "users",
        "x_ga",
        lambda w: reverse("admincenter:role_assign", args=[w.customer_x.public_id, "helpdesk_admin"]),
        ("name", "email"),
        6,
        {"q": "seed"},
    ),
    "devices": Case(
        "devices",
        "a_admin",
        lambda w: reverse("customers:devices", args=[w.customer_x.public_id]),
        ("added", "serial", "model"),
        9,
    ),
    "devices-unassigned": Case(
        "devices",
        "a_admin",
        lambda w: reverse("customers:devices", args=[w.customer_x.public_id]),
        ("added",),
        9,
        {"status": "unassigned"},
    ),
    "admin-center-devices": Case(
        "devices",
        "x_ga",
        lambda w: reverse("admincenter:devices", args=[w.customer_x.public_id]),
        ("added", "serial", "model"),
        6,
        {"status": "assigned"},
    ),
    "device-lists": Case(
        "device-lists",
        "a_admin",
        lambda w: reverse("customers:device_lists", args=[w.customer_x.public_id]),
        ("uploaded", "name"),
        8,
    ),
    "profiles": Case(
        "profiles", "a_admin", lambda w: reverse("customers:profiles", args=[w.customer_x.public_id]), ("name",), 6
    ),
    "partner-activity": Case("events", "a_admin", lambda w: reverse("partnersettings:activity"), ("when",), 7),
    "partner-activity-filtered": Case(
        "events",
        "a_admin",
        lambda w: reverse("partnersettings:activity"),
        ("when",),
        7,
        {"action": "subscription.create", "customer_q": "contoso"},
    ),
    "customer-activity": Case(
        "events", "x_ga", lambda w: reverse("admincenter:activity", args=[w.customer_x.public_id]), ("when",), 5
    ),
    "subscriptions": Case(
        "subscriptions",
        "x_ga",
        lambda w: reverse("admincenter:subscriptions", args=[w.customer_x.public_id]),
        ("product", "seats", "created"),
        5,
    ),
    "azure-subscriptions": Case(
        "azure-subscriptions",
        "x_ga",
        lambda w: reverse("admincenter:azure_subscriptions", args=[w.customer_x.public_id]),
        ("name", "status"),
        6,
    ),
    "partner-relationships": Case(
        "partner-relationships",
        "x_ga",
        lambda w: reverse("admincenter:partner_relationships", args=[w.customer_x.public_id]),
        ("name",),
        5,
    ),
    "user-management": Case(
        "partner-users", "a_admin", lambda w: reverse("partnersettings:users"), ("name", "email"), 7
    ),
    "user-management-search": Case(
        "partner-users", "a_admin", lambda w: reverse("partnersettings:users"), ("name",), 7, {"q": "seed"}
    ),
}


@pytest.mark.parametrize("size", SIZES)
def test_roles_page_query_count_is_flat(world, client_for, size):
    """The Roles page (a fixed list of roles, each with its member count) over users holding roles."""
    SEEDS["users"](world, size)
    client = client_for("x_ga")
    url = reverse("admincenter:roles", args=[world.customer_x.public_id])
    client.get(url)
    n, page = get(client, url)
    assert n == 4, f"{n} queries at {size} users"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(CASES))
def test_query_count_is_flat(world, client_for, name, size):
    case = CASES[name]
    SEEDS[case.seed](world, size)
    client = client_for(case.persona)
    url = case.url(world)
    client.get(url)  # the first request of a session may warm caches; not measured
    for sort in case.sorts:
        for direction in ("", "-"):
            params = {**case.params, "sort": direction + sort, "size": 25}
            n, page = get(client, url, params)
            assert n == case.budget, f"{name} ?sort={direction}{sort}: {n} queries on page 1 at {size} rows"
            next_query = link(NEXT, page)
            assert next_query is not None, f"{name}: {size} rows fit on one page"
            n, page = get(client, url + next_query)
            assert n == case.by_cursor, f"{name} ?sort={direction}{sort}: {n} queries on page 2 at {size} rows"
            n, page = get(client, url + link(PREVIOUS, page))
            assert n == case.budget, f"{name}: {n} queries on the way back at {size} rows"
            n, _page = get(client, url, {**params, "page": 2})
            assert n == case.budget, f"{name} ?page=2: {n} queries at {size} rows"
