"""The isolation matrix: every URL of the project × every persona × method, with the expected status.

A URL without an entry here fails the suite (test_every_url_is_in_the_matrix). Every 200 answer is also checked for
data of tenants the persona has no business with.

Columns, in order: partner A's admin, sales and helpdesk agents; partner A's "Tier 1" user (a custom security group
only, User Administrator of X through GDAP); partner B's admin agent; customer X's Global admin, User Administrator,
Helpdesk Administrator, Global Reader, Security Reader and plain user; customer Y's Global admin; anonymous.
Partner A resells to X with delegated admin, partner B resells to Y; partner A has a pending request (marked as sent,
not emailed by the portal).

The world is built once for the module (tests/conftest.py's `world_per_module`); each case runs in a savepoint rolled
back after it, on its own copy of the world's objects, so it sees exactly the world a fresh build would give it.
"""

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import PERSONAS, World, world_copy
from .isolation import (
    admin_center,
    autopilot,
    azure,
    core,
    graph_api,
    mfa,
    partner_relationships,
    partner_settings,
    partner_side,
    role_templates,
)


@pytest.fixture
def world(db, world_per_module) -> World:
    """This module's `world` (and so its `client_for`): the module's world, in a savepoint, as a copy; and an empty
    cache, where allauth counts the POSTs of one address against its rate limits: every case comes from the same
    address, and one case's requests must not decide another's answer (a 429)."""
    cache.clear()
    return world_copy(world_per_module)


ROUTES = {
    **core.ROUTES,
    **partner_side.ROUTES,
    **admin_center.ROUTES,
    **partner_relationships.ROUTES,
    **partner_settings.ROUTES,
    **mfa.ROUTES,
    **azure.ROUTES,
    **autopilot.ROUTES,
    **graph_api.ROUTES,
    **role_templates.ROUTES,
}


def _named_routes(patterns, namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
            yield from _named_routes(pattern.url_patterns, inner if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL {pattern.pattern} has no name, so the matrix cannot cover it"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    names = set(_named_routes(get_resolver().url_patterns))
    missing = sorted(names - ROUTES.keys())
    assert not missing, f"URLs without an isolation matrix entry: {missing}"
    stale = sorted(ROUTES.keys() - names)
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def _foreign_markers(world: World, persona: str) -> list[str]:
    """Names and Microsoft IDs of customers the persona has no business with."""
    x, y = world.customer_x, world.customer_y
    foreign = {
        "a_admin": [y],
        "a_sales": [y],
        "a_helpdesk": [y],
        "a_tier1": [y],
        "b_admin": [x],
        "x_ga": [y],
        "x_useradmin": [y],
        "x_helpdesk": [y],
        "x_reader": [y],
        "x_secreader": [y],
        "x_user": [y],
        "y_ga": [x],
        "anon": [x, y],
    }[persona]
    return [m for t in foreign for m in (t.name, t.primary_domain, str(t.public_id))]


CASES = [(name, method, persona) for name in ROUTES for method in ("get", "post", "delete") for persona in PERSONAS]


@pytest.mark.parametrize(("name", "method", "persona"), CASES, ids=[f"{n}-{m}-{p}" for n, m, p in CASES])
def test_isolation(world, client_for, name, method, persona):
    route = ROUTES[name]
    client = client_for(persona)
    response = getattr(client, method)(route.url(world))
    expected = getattr(route, method)[persona]
    assert response.status_code == expected, f"{method.upper()} {name} as {persona}"
    if response.status_code == 200 and not getattr(response, "streaming", False):
        body = response.content.decode()
        for marker in _foreign_markers(world, persona):
            assert marker not in body, f"{name} shows {marker!r} to {persona}"
    if response.status_code == 200 and getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode()
        for marker in _foreign_markers(world, persona):
            assert marker not in body, f"{name} exports {marker!r} to {persona}"


def _admin_changelists() -> list[str]:
    return [f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_site_staff_only(world, client_for, persona):
    client = client_for(persona)
    for name in [*_admin_changelists(), "admin:index"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        # Signed-in users without staff rights meet the admin's sign-in; anonymous visitors the site's (the admin
        # index, which the admin site itself leaves open, the admin's).
        login = reverse("account_login") if persona == "anon" and name != "admin:index" else reverse("admin:login")
        assert response["Location"].startswith(login), name
