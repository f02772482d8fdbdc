"""The Graph-compatible API and its token endpoint.

For the signed-in personas (the matrix's columns), every API route answers 401: the API takes bearer tokens only, and
a session cookie opens nothing there (which is also why its routes may be CSRF exempt). The API's own axis, every
route × method × token (partner A's app, partner B's app, a read-only app, an expired token, none), is API_ROUTES,
which tests/test_isolation_api.py runs."""

from dataclasses import dataclass

from django.urls import reverse

from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from graph_api.serializers import operation_id, request_id
from partnercenter.models import AuditAction, AuditEvent, DirectoryRole, SecurityGroup
from tests.conftest import World

from . import ALL_405, Route, row

ALL_401 = row("401 401 401 401 | 401 401 401 401 401 | 401 401")
# An empty POST to the token endpoint: OAuth 2.0's invalid_request, whoever sends it (it reads no session).
TOKEN_POST = row("400 400 400 400 | 400 400 400 400 400 | 400 400")

TOKENS = ("a", "b", "a_read", "expired", "none")


def _created(w: World):
    """Partner A's admin relationship with customer X, in status created (made inside the case's savepoint)."""
    return admin_relationship_create(
        partner=w.partner_a,
        customer=w.customer_x,
        created_by=w.a_admin,
        display_name="Helpdesk",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )


def _active(w: World):
    finalized = admin_relationship_finalize(relationship=_created(w), finalized_by=w.a_admin).relationship
    return admin_relationship_approve(relationship=finalized, approved_by=w.x_ga)


def _assignment(w: World):
    relationship = _active(w)
    group = SecurityGroup.objects.get(tenant=w.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    return access_assignment_create(
        relationship=relationship, security_group=group, roles=relationship.roles, created_by=w.a_admin
    )


def _request_id(w: World) -> tuple[str, str]:
    relationship = admin_relationship_finalize(relationship=_created(w), finalized_by=w.a_admin).relationship
    event = AuditEvent.objects.get(
        action=AuditAction.ADMIN_RELATIONSHIP_FINALIZE, object_id=str(relationship.public_id)
    )
    return str(relationship.public_id), request_id(event)


def _operation_id(w: World) -> tuple[str, str]:
    assignment = _assignment(w)
    return str(assignment.relationship.public_id), operation_id(assignment)


def _url(name: str, args):
    return lambda w: reverse(f"graphapi:{name}", args=args(w))


def tokens(statuses: str) -> dict[str, int]:
    """One expected status per token, in TOKENS' order: partner A's app (every permission), partner B's app (every
    permission), partner A's read-only app (DelegatedAdminRelationship.Read.All only), an expired token, none."""
    values = [int(s) for s in statuses.split()]
    assert len(values) == len(TOKENS), statuses
    return dict(zip(TOKENS, values, strict=True))


@dataclass
class ApiRoute:
    url: object
    get: dict[str, int]
    post: dict[str, int]
    patch: dict[str, int]
    delete: dict[str, int]


NOT_ALLOWED = tokens("405 405 405 401 401")
# A's objects: A's app reads them, B's app does not know they exist, the read-only app reads them.
READ = tokens("200 404 200 401 401")
# A change with an empty body or without If-Match: A's app is told what is missing; B's app gets 404; the read-only
# app may not change anything.
CHANGE_EMPTY = tokens("400 404 403 401 401")

API_ROUTES: dict[str, ApiRoute] = {
    "graphapi:relationships": ApiRoute(
        _url("relationships", lambda w: []),
        get=tokens("200 200 200 401 401"),
        post=tokens("400 400 403 401 401"),
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:relationship": ApiRoute(
        _url("relationship", lambda w: [_created(w).public_id]),
        get=READ,
        post=NOT_ALLOWED,
        patch=CHANGE_EMPTY,
        delete=CHANGE_EMPTY,
    ),
    "graphapi:relationship_requests": ApiRoute(
        _url("relationship_requests", lambda w: [_created(w).public_id]),
        get=READ,
        post=CHANGE_EMPTY,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:relationship_request": ApiRoute(
        _url("relationship_request", _request_id), get=READ, post=NOT_ALLOWED, patch=NOT_ALLOWED, delete=NOT_ALLOWED
    ),
    "graphapi:access_assignments": ApiRoute(
        _url("access_assignments", lambda w: [_active(w).public_id]),
        get=READ,
        post=CHANGE_EMPTY,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:access_assignment": ApiRoute(
        _url("access_assignment", lambda w: [(a := _assignment(w)).relationship.public_id, a.public_id]),
        get=READ,
        post=NOT_ALLOWED,
        patch=CHANGE_EMPTY,
        delete=CHANGE_EMPTY,
    ),
    "graphapi:operations": ApiRoute(
        _url("operations", lambda w: [_assignment(w).relationship.public_id]),
        get=READ,
        post=NOT_ALLOWED,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:operation": ApiRoute(
        _url("operation", _operation_id), get=READ, post=NOT_ALLOWED, patch=NOT_ALLOWED, delete=NOT_ALLOWED
    ),
    # Customers need DelegatedAdminCustomer.Read.All, which the read-only app lacks.
    "graphapi:customers": ApiRoute(
        _url("customers", lambda w: []),
        get=tokens("200 200 403 401 401"),
        post=NOT_ALLOWED,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:customer": ApiRoute(
        _url("customer", lambda w: [_active(w).customer.public_id]),
        get=tokens("200 404 403 401 401"),
        post=NOT_ALLOWED,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
    "graphapi:service_management_details": ApiRoute(
        _url("service_management_details", lambda w: [_active(w).customer.public_id]),
        get=tokens("200 404 403 401 401"),
        post=NOT_ALLOWED,
        patch=NOT_ALLOWED,
        delete=NOT_ALLOWED,
    ),
}

# The session personas' matrix: 401 on every API route, whatever the method; the token endpoint takes POST only.
ROUTES: dict[str, Route] = {
    name: Route(api_route.url, get=ALL_401, post=ALL_401, delete=ALL_401)  # type: ignore[arg-type]
    for name, api_route in API_ROUTES.items()
}
ROUTES["graphapi:token"] = Route(
    lambda w: reverse("graphapi:token", args=[w.partner_a.tenant.public_id]),
    get=ALL_405,
    post=TOKEN_POST,
    delete=ALL_405,
)

# The API's documentation and its OpenAPI document are public, as Microsoft's reference is; GET only.
for _page in ("graphapi:docs", "graphapi:openapi"):
    ROUTES[_page] = Route(
        lambda w, page=_page: reverse(page),
        get=row("200 200 200 200 | 200 200 200 200 200 | 200 200"),
        post=ALL_405,
        delete=ALL_405,
    )
