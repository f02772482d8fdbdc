"""The isolation matrix's API axis: every route of the Graph-compatible API × method × token (partner A's app,
partner B's app, a read-only app, an expired token, none), with the expected status; and no answer shows a tenant
the token's partner has no business with. A route of the API without an entry here fails the suite."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from partnercenter.models import ApiAccessToken, ApiPermission

from .conftest import World, world_copy
from .graph_api.helpers import ALL, bearer
from .isolation.graph_api import API_ROUTES, TOKENS
from .test_isolation_matrix import _named_routes


@pytest.fixture
def world(db, world_per_module) -> World:
    cache.clear()  # the API's rate limit counts in the cache
    return world_copy(world_per_module)


def _client(world: World, token: str) -> Client:
    if token == "none":
        return Client()
    partner, admin = (world.partner_b, world.b_admin) if token == "b" else (world.partner_a, world.a_admin)
    permissions = [ApiPermission.RELATIONSHIP_READ] if token == "a_read" else ALL
    value = bearer(partner, admin, permissions)
    if token == "expired":
        ApiAccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    return Client(headers={"Authorization": f"Bearer {value}"})


def test_every_api_route_is_in_the_api_axis():
    names = {name for name in _named_routes(get_resolver().url_patterns) if name.startswith("graphapi:")}
    assert names - {"graphapi:token", "graphapi:docs", "graphapi:openapi"} == set(API_ROUTES)


CASES = [
    (name, method, token) for name in API_ROUTES for method in ("get", "post", "patch", "delete") for token in TOKENS
]


@pytest.mark.parametrize(("name", "method", "token"), CASES, ids=[f"{n}-{m}-{t}" for n, m, t in CASES])
def test_api_isolation(world, name, method, token):
    route = API_ROUTES[name]
    url = route.url(world)  # type: ignore[operator]
    client = _client(world, token)
    response = getattr(client, method)(url, {} if method == "get" else "{}", content_type="application/json")
    expected = getattr(route, method)[token]
    assert response.status_code == expected, f"{method.upper()} {name} with {token}: {response.content[:300]!r}"
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"code", "message"}
    if token == "b" and response.status_code == 200:
        body = response.content.decode()
        for marker in (world.customer_x.name, str(world.customer_x.public_id)):
            assert marker not in body, f"{name} shows {marker!r} to partner B's app"
