"""The Graph-compatible API: /v1.0/tenantRelationships/… with Graph's JSON, paging, errors and ETags, and the token
endpoint. Each view parses the request, asks the rules, calls one service (admin_relationships.services, marked as
done by the app) and answers in Graph's shape."""

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from admin_relationships import services
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    ApiApplication,
    AuditEvent,
    SecurityGroup,
)

from . import oauth, odata, openapi, serializers
from .errors import GraphError, bad_request, conflict, error_response, not_found
from .rules import (
    READ_CUSTOMERS,
    READ_RELATIONSHIPS,
    WRITE_RELATIONSHIPS,
    access_assignment_for,
    customer_for,
    customers_of,
    new_relationship_customer,
    relationship_for,
    require_permission,
)

Handler = Callable[..., HttpResponse]
CONTEXT = "https://graph.microsoft.com/v1.0/$metadata#"


def _retry_after(request: HttpRequest, key: str) -> int | None:
    """Seconds to wait when the app has made too many calls in the current window, else None (counts this call)."""
    usage = get_usage(
        request, group="graph_api", key=lambda group, request: key, rate=settings.GRAPH_API_RATE_LIMIT, increment=True
    )
    if usage is not None and usage["should_limit"]:
        return max(1, int(usage["time_left"]))
    return None


def endpoint(**handlers: tuple[frozenset[str], Handler]) -> Handler:
    """A route of the API: its methods (GET=(permissions, handler), …). Bearer token first (401), then the rate limit
    (429 with Retry-After), the method (405) and the app's permissions (403); every refusal in Graph's error shape.
    Bearer-token routes only: CSRF does not apply (no cookie is read), and no session is needed."""

    @csrf_exempt
    @login_not_required
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        client_request_id = request.headers.get("client-request-id", "")
        try:
            header = request.headers.get("Authorization", "")
            if not header:
                raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
            app = oauth.authenticate(request.build_absolute_uri(), request.method or "GET", {"Authorization": header})
            if app is None:
                raise GraphError(
                    401, "InvalidAuthenticationToken", "Access token has expired or is not valid for this API."
                )
            if (wait := _retry_after(request, str(app.public_id))) is not None:
                raise GraphError(
                    429, "TooManyRequests", "Too many requests: retry after the time given.", {"Retry-After": str(wait)}
                )
            if request.method not in handlers:
                raise GraphError(
                    405,
                    "Request_BadRequest",
                    f"The {request.method} method is not allowed here.",
                    {"Allow": ", ".join(handlers)},
                )
            allowed, handler = handlers[request.method]
            require_permission(app, allowed)
            response = handler(request, app, **kwargs)
            if _unknown_members(request):  # the serializers honoured it (serializers.UNKNOWN_FUTURE_VALUE)
                response["Preference-Applied"] = UNKNOWN_MEMBERS
            return response
        except GraphError as error:
            return error_response(error, client_request_id)
        except ValidationError as error:
            if _is_state_conflict(error):
                return error_response(conflict(" ".join(error.messages)), client_request_id)
            return error_response(bad_request(" ".join(error.messages)), client_request_id)

    return view


def _is_state_conflict(error: ValidationError) -> bool:
    """The services refuse a change the object's status does not allow with the code "status"."""
    return any(item.code == "status" for item in getattr(error, "error_list", []))


def _json(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def _check_if_match(request: HttpRequest, current: str) -> None:
    """Graph's optimistic concurrency: If-Match must carry the @odata.etag of the resource as it is now."""
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise bad_request("The If-Match header is required: the @odata.etag of the resource.")
    if given != "*" and current not in [tag.strip() for tag in given.split(",")]:
        raise GraphError(412, "PreconditionFailed", "The resource has changed since its ETag was read.")


def _string(body: dict, key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise bad_request(f"'{key}' is required.")
        return None
    if not isinstance(value, str):
        raise bad_request(f"'{key}' must be a string.")
    return value


def _object(body: dict, key: str) -> dict | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(f"'{key}' must be an object.")
    return value


def _auto_extend(body: dict) -> bool | None:
    if body.get("autoExtendDuration") is None:
        return None
    days = serializers.parse_days(body["autoExtendDuration"], "autoExtendDuration")
    if days not in (0, AdminRelationship.AUTO_EXTEND_DAYS):
        raise bad_request("autoExtendDuration is PT0S (no extension) or P180D.")
    return days == AdminRelationship.AUTO_EXTEND_DAYS


UNKNOWN_MEMBERS = "include-unknown-enum-members"


def _unknown_members(request: HttpRequest) -> bool:
    """Whether the client asks for enum members added after unknownFutureValue (Prefer: include-unknown-enum-members,
    among its other preferences): the serializers then send them, and every answer says so (endpoint)."""
    preferences = request.headers.get("Prefer", "").split(",")
    return any(preference.split("=")[0].strip().lower() == UNKNOWN_MEMBERS for preference in preferences)


def _relationship_item(request: HttpRequest, relationship: AdminRelationship) -> dict:
    return serializers.relationship(relationship, unknown_members=_unknown_members(request))


def _with_etag(item: dict, status: int = 200, location: str | None = None) -> JsonResponse:
    response = JsonResponse(item, status=status)
    if "@odata.etag" in item:
        response["ETag"] = item["@odata.etag"]
    if location:
        response["Location"] = location
    return response


# The orders of the collections, each ending with a unique column (odata.seek pages through them by key).
_CREATION_ORDER = (("created_at", False), ("public_id", False))
_REQUEST_ORDER = (("at", False), ("action", False))  # each action happens once in a relationship's life
_CUSTOMER_ORDER = (("name", False), ("public_id", False))


def _by_status(query: odata.Query, *, descending_by_default: bool) -> odata.Ordering:
    """Newest first (relationships) or oldest first (assignments); with $orderby=status, by status, then by age in
    the same direction, which one index serves."""
    if query.orderby:
        descending = query.orderby[1]
        return (("status", descending), ("created_at", descending), ("public_id", descending))
    return (("created_at", descending_by_default), ("public_id", descending_by_default))


# Admin relationships.
_RELATIONSHIP_FILTERS = {
    "status": "status",
    "displayName": "display_name",
    "customer/tenantId": "customer__public_id",
    "customer/displayName": "customer__name",
    "id": "public_id",
}


def relationship_list(request: HttpRequest, app: ApiApplication) -> HttpResponse:
    query = odata.parse(request, filterable=set(_RELATIONSHIP_FILTERS), orderable={"status"})
    rows = AdminRelationship.objects.select_related("customer").filter(partner_id=app.partner_id)
    for prop, value in query.filters.items():
        if prop in ("customer/tenantId", "id"):
            try:
                rows = rows.filter(**{_RELATIONSHIP_FILTERS[prop]: uuid.UUID(value)})
            except ValueError:
                rows = rows.none()
        else:
            rows = rows.filter(**{_RELATIONSHIP_FILTERS[prop]: value})
    ordering = _by_status(query, descending_by_default=True)
    page = odata.seek(rows, query, ordering)
    unknown_members = _unknown_members(request)
    items = [serializers.relationship(row, unknown_members=unknown_members) for row in page]
    return JsonResponse(
        odata.page(request, query, page, items, CONTEXT + "tenantRelationships/delegatedAdminRelationships", ordering)
    )


def relationship_create(request: HttpRequest, app: ApiApplication) -> HttpResponse:
    body = _json(request)
    customer_body = _object(body, "customer")
    customer = None
    if customer_body and customer_body.get("tenantId"):
        customer = new_relationship_customer(app, customer_body["tenantId"])
    access = _object(body, "accessDetails")
    if access is None:
        raise bad_request("'accessDetails' is required.")
    duration = body.get("duration")
    relationship = services.admin_relationship_create(
        partner=app.partner,
        customer=customer,
        created_by=None,
        display_name=_string(body, "displayName", required=True) or "",
        roles=serializers.roles_of(access),
        duration_days=serializers.parse_days(duration, "duration")
        if duration is not None
        else AdminRelationship.DURATION_DEFAULT_DAYS,
        auto_extend=bool(_auto_extend(body)),
        app=app,
    )
    location = settings.SITE_URL + reverse("graphapi:relationship", args=[relationship.public_id])
    return _with_etag(_relationship_item(request, relationship), 201, location)


def relationship_get(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    query = odata.parse(request, filterable=set(), orderable=set())
    item = _relationship_item(request, relationship_for(app, relationship_id))
    return _with_etag(odata.selected(item, query.select))


_CREATED_ONLY = ("displayName", "duration", "accessDetails", "customer")


def relationship_update(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    """PATCH as Graph allows: anything while created; on an active relationship, autoExtendDuration, and removing
    Global Administrator from accessDetails (the one role change an active relationship allows). The body is checked
    before If-Match: a change that could never be made is a 400 whatever ETag it carries."""
    relationship = relationship_for(app, relationship_id)
    body = _json(request)
    auto_extend = _auto_extend(body)
    display_name = _string(body, "displayName")
    if display_name is not None and not 1 <= len(display_name.strip()) <= AdminRelationship.NAME_MAX:
        raise bad_request(f"'displayName' is 1 to {AdminRelationship.NAME_MAX} characters.")
    access = _object(body, "accessDetails")
    roles = serializers.roles_of(access) if access is not None else None
    duration = body.get("duration")
    duration_days = serializers.parse_days(duration, "duration") if duration is not None else None
    customer_body = _object(body, "customer")
    customer = (
        new_relationship_customer(app, customer_body.get("tenantId"))
        if customer_body and customer_body.get("tenantId")
        else None
    )
    _check_if_match(request, serializers.etag(relationship.updated_at))
    with transaction.atomic():  # on an active relationship, two changes: both or neither
        if relationship.status == AdminRelationship.Status.CREATED:
            relationship = services.admin_relationship_update(
                relationship=relationship,
                changed_by=None,
                display_name=display_name,
                roles=roles,
                duration_days=duration_days,
                customer=customer,
                auto_extend=auto_extend,
                app=app,
            )
        elif relationship.status == AdminRelationship.Status.ACTIVE:
            changing = [key for key in _CREATED_ONLY if key in body and key != "accessDetails"]
            if changing:
                raise bad_request(f"An active relationship's {', '.join(changing)} can't be changed.")
            if roles is not None and set(roles) != set(relationship.roles):
                if set(relationship.roles) - set(roles) != {services.GA} or set(roles) - set(relationship.roles):
                    raise bad_request(
                        "The only role change an active relationship allows is removing Global Administrator."
                    )
                relationship = services.admin_relationship_remove_global_admin(
                    relationship=relationship, removed_by=None, app=app
                )
            if auto_extend is not None:
                relationship = services.admin_relationship_auto_extend_set(
                    relationship=relationship, auto_extend=auto_extend, changed_by=None, app=app
                )
        else:
            raise conflict(f"This admin relationship is {relationship.status}: it can't be changed.")
    relationship.refresh_from_db()
    return _with_etag(_relationship_item(request, relationship))


def relationship_delete(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    relationship = relationship_for(app, relationship_id)
    _check_if_match(request, serializers.etag(relationship.updated_at))
    services.admin_relationship_delete(relationship=relationship, deleted_by=None, app=app)
    return HttpResponse(status=204)


# Requests: lock for approval and terminate (the partner's), approve and reject (the customer's).
def _request_events(relationship: AdminRelationship):
    return AuditEvent.objects.filter(
        object_type=AdminRelationship._meta.label,
        object_id=str(relationship.public_id),
        action__in=list(serializers.REQUEST_ACTIONS),
    ).order_by("at", "id")


def request_list(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    query = odata.parse(request, filterable=set(), orderable=set())
    relationship = relationship_for(app, relationship_id)
    page = odata.seek(_request_events(relationship), query, _REQUEST_ORDER)
    unknown_members = _unknown_members(request)
    items = [serializers.relationship_request(event, unknown_members=unknown_members) for event in page]
    context = CONTEXT + f"tenantRelationships/delegatedAdminRelationships('{relationship.public_id}')/requests"
    return JsonResponse(odata.page(request, query, page, items, context, _REQUEST_ORDER))


def request_create(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    relationship = relationship_for(app, relationship_id)
    action = _string(_json(request), "action", required=True)
    with transaction.atomic():
        if action == "lockForApproval":
            services.admin_relationship_finalize(relationship=relationship, finalized_by=None, app=app)
        elif action == "terminate":
            services.admin_relationship_terminate(
                relationship=relationship, terminated_by=None, acting_for=relationship.partner, app=app
            )
        else:
            raise bad_request("'action' is lockForApproval or terminate (the customer approves, in the portal).")
        event = _request_events(relationship).last()
    assert event is not None  # the service has just recorded it
    item = serializers.relationship_request(event)
    location = settings.SITE_URL + reverse("graphapi:relationship_request", args=[relationship.public_id, item["id"]])
    return _with_etag(item, 201, location)


def request_get(request: HttpRequest, app: ApiApplication, relationship_id: str, request_id: str) -> HttpResponse:
    relationship = relationship_for(app, relationship_id)
    unknown_members = _unknown_members(request)
    for event in _request_events(relationship):
        if serializers.request_id(event) == request_id:
            return JsonResponse(serializers.relationship_request(event, unknown_members=unknown_members))
    raise not_found(f"The request {request_id} does not exist.")


# Access assignments.
def _assignments(relationship: AdminRelationship):
    return AccessAssignment.objects.select_related("security_group").filter(relationship=relationship)


def assignment_list(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    query = odata.parse(request, filterable={"status"}, orderable={"status"})
    relationship = relationship_for(app, relationship_id)
    rows = _assignments(relationship)
    if "status" in query.filters:
        rows = rows.filter(status=query.filters["status"])
    ordering = _by_status(query, descending_by_default=False)
    page = odata.seek(rows, query, ordering)
    items = [serializers.access_assignment(row) for row in page]
    context = CONTEXT + f"tenantRelationships/delegatedAdminRelationships('{relationship.public_id}')/accessAssignments"
    return JsonResponse(odata.page(request, query, page, items, context, ordering))


def _group(app: ApiApplication, container: object) -> SecurityGroup:
    if not isinstance(container, dict):
        raise bad_request("'accessContainer' is required.")
    if container.get("accessContainerType", "securityGroup") != "securityGroup":
        raise bad_request("accessContainer.accessContainerType must be securityGroup.")
    try:
        public_id = uuid.UUID(str(container.get("accessContainerId")))
    except ValueError:
        raise bad_request("accessContainer.accessContainerId must be a security group ID.") from None
    group = SecurityGroup.objects.filter(tenant_id=app.partner.tenant_id, public_id=public_id).first()
    if group is None:
        raise bad_request("accessContainer.accessContainerId is not one of your organization's security groups.")
    return group


def assignment_create(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    relationship = relationship_for(app, relationship_id)
    body = _json(request)
    access = _object(body, "accessDetails")
    if access is None:
        raise bad_request("'accessDetails' is required.")
    assignment = services.access_assignment_create(
        relationship=relationship,
        security_group=_group(app, body.get("accessContainer")),
        roles=serializers.roles_of(access),
        created_by=None,
        app=app,
    )
    item = serializers.access_assignment(assignment)
    location = settings.SITE_URL + reverse(
        "graphapi:access_assignment", args=[relationship.public_id, assignment.public_id]
    )
    return _with_etag(item, 201, location)


def assignment_get(request: HttpRequest, app: ApiApplication, relationship_id: str, assignment_id: str) -> HttpResponse:
    query = odata.parse(request, filterable=set(), orderable=set())
    assignment = access_assignment_for(relationship_for(app, relationship_id), assignment_id)
    return _with_etag(odata.selected(serializers.access_assignment(assignment), query.select))


def assignment_update(
    request: HttpRequest, app: ApiApplication, relationship_id: str, assignment_id: str
) -> HttpResponse:
    assignment = access_assignment_for(relationship_for(app, relationship_id), assignment_id)
    body = _json(request)
    # The body before If-Match, as for relationships.
    if "accessContainer" in body:
        container = _object(body, "accessContainer") or {}
        if str(container.get("accessContainerId")) != str(assignment.security_group.public_id):
            raise bad_request("An access assignment's security group can't be changed: create another assignment.")
    access = _object(body, "accessDetails")
    roles = serializers.roles_of(access) if access is not None else None
    _check_if_match(request, serializers.etag(assignment.updated_at))
    if roles is not None:
        assignment = services.access_assignment_update(assignment=assignment, roles=roles, changed_by=None, app=app)
    assignment.refresh_from_db()
    return _with_etag(serializers.access_assignment(assignment))


def assignment_delete(
    request: HttpRequest, app: ApiApplication, relationship_id: str, assignment_id: str
) -> HttpResponse:
    assignment = access_assignment_for(relationship_for(app, relationship_id), assignment_id)
    _check_if_match(request, serializers.etag(assignment.updated_at))
    services.access_assignment_remove(assignment=assignment, removed_by=None, app=app)
    return HttpResponse(status=204)


# Operations: the long-running work behind access assignments.
def operation_list(request: HttpRequest, app: ApiApplication, relationship_id: str) -> HttpResponse:
    query = odata.parse(request, filterable=set(), orderable=set())
    relationship = relationship_for(app, relationship_id)
    page = odata.seek(_assignments(relationship), query, _CREATION_ORDER)
    items = [serializers.operation(row) for row in page]
    context = CONTEXT + f"tenantRelationships/delegatedAdminRelationships('{relationship.public_id}')/operations"
    return JsonResponse(odata.page(request, query, page, items, context, _CREATION_ORDER))


def operation_get(request: HttpRequest, app: ApiApplication, relationship_id: str, operation_id: str) -> HttpResponse:
    relationship = relationship_for(app, relationship_id)
    for row in _assignments(relationship):
        if serializers.operation_id(row) == operation_id:
            return _with_etag(serializers.operation(row))
    raise not_found(f"The operation {operation_id} does not exist.")


# Customers.
def customer_list(request: HttpRequest, app: ApiApplication) -> HttpResponse:
    query = odata.parse(request, filterable={"displayName", "tenantId"}, orderable=set())
    rows = customers_of(app)
    if "displayName" in query.filters:
        rows = rows.filter(name=query.filters["displayName"])
    if "tenantId" in query.filters:
        try:
            rows = rows.filter(public_id=uuid.UUID(query.filters["tenantId"]))
        except ValueError:
            rows = rows.none()
    page = odata.seek(rows, query, _CUSTOMER_ORDER)
    items = [serializers.customer(row) for row in page]
    return JsonResponse(
        odata.page(
            request, query, page, items, CONTEXT + "tenantRelationships/delegatedAdminCustomers", _CUSTOMER_ORDER
        )
    )


def customer_get(request: HttpRequest, app: ApiApplication, customer_id: str) -> HttpResponse:
    return JsonResponse(serializers.customer(customer_for(app, customer_id)))


def service_management_list(request: HttpRequest, app: ApiApplication, customer_id: str) -> HttpResponse:
    query = odata.parse(request, filterable=set(), orderable=set())
    customer = customer_for(app, customer_id)
    items = serializers.service_management_details(customer)
    context = CONTEXT + f"tenantRelationships/delegatedAdminCustomers('{customer.public_id}')/serviceManagementDetails"
    return JsonResponse(odata.page(request, query, items, items, context, ()))  # one item: never a next page


R, W, C = READ_RELATIONSHIPS, WRITE_RELATIONSHIPS, READ_CUSTOMERS

relationships = endpoint(GET=(R, relationship_list), POST=(W, relationship_create))
relationship = endpoint(GET=(R, relationship_get), PATCH=(W, relationship_update), DELETE=(W, relationship_delete))
relationship_requests = endpoint(GET=(R, request_list), POST=(W, request_create))
relationship_request = endpoint(GET=(R, request_get))
access_assignments = endpoint(GET=(R, assignment_list), POST=(W, assignment_create))
access_assignment = endpoint(GET=(R, assignment_get), PATCH=(W, assignment_update), DELETE=(W, assignment_delete))
operations = endpoint(GET=(R, operation_list))
operation = endpoint(GET=(R, operation_get))
customers = endpoint(GET=(C, customer_list))
customer = endpoint(GET=(C, customer_get))
service_management_details = endpoint(GET=(C, service_management_list))


@csrf_exempt
@login_not_required
def token(request: HttpRequest, tenant: str) -> HttpResponse:
    """POST /{tenant}/oauth2/v2.0/token: client credentials (client_id and client_secret in the form body or HTTP
    Basic), scope <base>/.default; answers as Microsoft's endpoint does, errors in OAuth 2.0's shape."""
    if request.method != "POST":
        response = JsonResponse(
            {"error": "invalid_request", "error_description": "The token endpoint takes POST only."}, status=405
        )
        response["Allow"] = "POST"
        return response
    address = request.META.get("REMOTE_ADDR", "")
    usage = get_usage(
        request,
        group="graph_api_token",
        key=lambda group, request: address,
        rate=settings.GRAPH_API_TOKEN_RATE_LIMIT,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        response = JsonResponse(
            {"error": "temporarily_unavailable", "error_description": "Too many token requests."}, status=429
        )
        response["Retry-After"] = str(max(1, int(usage["time_left"])))
        return response
    headers = {"Content-Type": request.content_type or ""}
    if "Authorization" in request.headers:
        headers["Authorization"] = request.headers["Authorization"]
    body = (
        request.body.decode("utf-8", errors="replace")
        if request.content_type == "application/x-www-form-urlencoded"
        else ""
    )
    response_headers, response_body, status = oauth.issue(tenant, request.build_absolute_uri(), body, headers)
    answer = HttpResponse(response_body, status=status, content_type="application/json")
    for name, value in response_headers.items():
        if name.lower() != "content-type":
            answer[name] = value
    return answer


@require_GET
@login_not_required
def docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation: how to get a token and call it, and where it differs from Microsoft Graph. Public, as
    Microsoft's reference is."""
    return render(
        request,
        "graph_api/docs.html",
        {"base_url": settings.SITE_URL + "/v1.0", "token_url": settings.SITE_URL + "/"},
    )


@require_GET
@login_not_required
def openapi_document(request: HttpRequest) -> HttpResponse:
    """The API's OpenAPI 3 document, public as the documentation page is."""
    return JsonResponse(openapi.document(), json_dumps_params={"indent": 1})
