"""The API's OpenAPI 3 document, built from its URL patterns: every route of graph_api.urls gets its path from the
pattern itself and its operations from OPERATIONS below, so a route without a description fails to build (and the
suite with it). The shapes are Microsoft Graph v1.0's, as graph_api.serializers writes them."""

import re
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from partnercenter.models import AccessAssignment, AdminRelationship, ApiPermission

from . import odata

# Routes of graph_api.urls that are pages, not the API.
NOT_API = {"docs", "openapi"}
SCOPE = "https://graph.microsoft.com/.default"
JSON = "application/json"

Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


_TIMESTAMP: Schema = {"type": "string", "format": "date-time"}
_UUID: Schema = {"type": "string", "format": "uuid"}
# ISO 8601 durations in whole days as Graph writes them: P730D, P180D, PT0S.
_DURATION: Schema = {"type": "string", "pattern": r"^(P\d+D|PT0S)$"}
_DURATION_IN: Schema = {
    "type": "string",
    "description": "An ISO 8601 duration in whole days (P730D, P2Y, PT0S), or as Microsoft's Python SDK writes one.",
}


def _odata_type(name: str) -> Schema:
    return {"type": "string", "enum": [f"#microsoft.graph.{name}"]}


def _resource(name: str, properties: Schema, *, etag: bool = True) -> Schema:
    """A resource as the API writes it; with $select only `id` and the annotations are sure to be there."""
    annotations = {"@odata.type": _odata_type(name), **({"@odata.etag": {"type": "string"}} if etag else {})}
    return {
        "type": "object",
        "properties": {**annotations, "id": {"type": "string"}, **properties},
        "required": [*annotations, "id"],
        "additionalProperties": False,
    }


_UNIFIED_ROLES: Schema = {
    "type": "object",
    "properties": {
        "unifiedRoles": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"roleDefinitionId": _UUID},
                "required": ["roleDefinitionId"],
            },
        }
    },
    "required": ["unifiedRoles"],
}

SCHEMAS: dict[str, Schema] = {
    "delegatedAdminRelationship": _resource(
        "delegatedAdminRelationship",
        {
            "displayName": {"type": "string", "maxLength": AdminRelationship.NAME_MAX},
            "duration": _DURATION,
            "status": {
                "type": "string",
                "enum": [*AdminRelationship.Status.values, "unknownFutureValue"],
                "description": (
                    "Graph's delegatedAdminRelationshipStatus. A relationship the customer turned down reads "
                    "unknownFutureValue, or rejected for a client that sends Prefer: include-unknown-enum-members "
                    "(the response then carries Preference-Applied)."
                ),
            },
            "autoExtendDuration": _DURATION,
            "createdDateTime": _TIMESTAMP,
            "lastModifiedDateTime": _TIMESTAMP,
            "activatedDateTime": _nullable(_TIMESTAMP),
            "endDateTime": _nullable(_TIMESTAMP),
            "customer": {
                "type": "object",
                "properties": {
                    "@odata.type": _odata_type("delegatedAdminRelationshipCustomerParticipant"),
                    "tenantId": _nullable(_UUID),
                    "displayName": _nullable({"type": "string"}),
                },
                "required": ["tenantId", "displayName"],
                "additionalProperties": False,
            },
            "accessDetails": _ref("delegatedAdminAccessDetails"),
        },
    ),
    "delegatedAdminAccessDetails": _UNIFIED_ROLES,
    "delegatedAdminRelationshipRequest": _resource(
        "delegatedAdminRelationshipRequest",
        {
            "action": {
                "type": "string",
                "enum": ["lockForApproval", "approve", "terminate", "unknownFutureValue", "reject"],
                "description": (
                    "Graph's delegatedAdminRelationshipRequestAction. The customer's reject reads unknownFutureValue, "
                    "or reject for a client that sends Prefer: include-unknown-enum-members."
                ),
            },
            "status": {"type": "string", "enum": ["succeeded"]},
            "createdDateTime": _TIMESTAMP,
            "lastModifiedDateTime": _TIMESTAMP,
        },
        etag=False,
    ),
    "delegatedAdminAccessAssignment": _resource(
        "delegatedAdminAccessAssignment",
        {
            "status": {"type": "string", "enum": list(AccessAssignment.Status.values)},
            "createdDateTime": _TIMESTAMP,
            "lastModifiedDateTime": _TIMESTAMP,
            "accessContainer": {
                "type": "object",
                "properties": {
                    "@odata.type": _odata_type("delegatedAdminAccessContainer"),
                    "accessContainerId": _UUID,
                    "accessContainerType": {"type": "string", "enum": ["securityGroup"]},
                },
                "required": ["accessContainerId", "accessContainerType"],
                "additionalProperties": False,
            },
            "accessDetails": _ref("delegatedAdminAccessDetails"),
        },
    ),
    "delegatedAdminRelationshipOperation": _resource(
        "delegatedAdminRelationshipOperation",
        {
            "operationType": {"type": "string", "enum": ["delegatedAdminAccessAssignmentUpdate"]},
            "status": {"type": "string", "enum": ["notStarted", "running", "succeeded", "failed"]},
            "data": {"type": "string", "description": "JSON: the access assignment's ID and status."},
            "createdDateTime": _TIMESTAMP,
            "lastModifiedDateTime": _TIMESTAMP,
        },
    ),
    "delegatedAdminCustomer": _resource(
        "delegatedAdminCustomer", {"tenantId": _UUID, "displayName": {"type": "string"}}, etag=False
    ),
    "delegatedAdminServiceManagementDetail": _resource(
        "delegatedAdminServiceManagementDetail",
        {
            "serviceId": {"type": "string"},
            "serviceName": {"type": "string"},
            "serviceManagementUrl": {"type": "string", "format": "uri"},
        },
        etag=False,
    ),
    "odataError": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "innerError": {
                        "type": "object",
                        "properties": {
                            "date": {"type": "string"},
                            "request-id": {"type": "string"},
                            "client-request-id": {"type": "string"},
                        },
                    },
                },
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
        "additionalProperties": False,
    },
    "tokenResponse": {
        "type": "object",
        "properties": {
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "access_token": {"type": "string"},
            "expires_in": {"type": "integer"},
            "ext_expires_in": {"type": "integer"},
            "scope": {"type": "string"},
        },
        "required": ["token_type", "access_token", "expires_in"],
    },
    "tokenError": {
        "type": "object",
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        "required": ["error"],
    },
}


def _collection(item: str) -> Schema:
    return {
        "type": "object",
        "properties": {
            "@odata.context": {"type": "string"},
            "@odata.nextLink": {"type": "string", "format": "uri"},
            "value": {"type": "array", "items": _ref(item)},
        },
        "required": ["@odata.context", "value"],
        "additionalProperties": False,
    }


def _error(description: str, headers: Schema | None = None) -> Schema:
    answer: Schema = {"description": description, "content": {JSON: {"schema": _ref("odataError")}}}
    if headers:
        answer["headers"] = headers
    return answer


_ETAG_HEADER = {"ETag": {"description": "The resource's @odata.etag.", "schema": {"type": "string"}}}
_LOCATION_HEADER = {"Location": {"description": "The new resource.", "schema": {"type": "string", "format": "uri"}}}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "required": True, "schema": {"type": "integer"}}}

# What any call of the API may answer besides its success.
_ALWAYS = {
    "400": _error("Bad request: a query option or the body is not valid."),
    "401": _error("No bearer token, or one that has expired or been revoked."),
    "403": _error("The app lacks the permission this call needs."),
    "429": _error("Too many calls: retry after the time given.", _RETRY_AFTER),
}
_NOT_FOUND = {"404": _error("No such object among the app's partner's.")}
_STALE = {"412": _error("If-Match does not carry the resource's current @odata.etag.")}
_CONFLICT = {"409": _error("The object's status does not allow this change.")}


def _ok(schema: str, status: str = "200", headers: Schema | None = None, links: Schema | None = None) -> Schema:
    answer: Schema = {"description": "Success.", "content": {JSON: {"schema": _ref(schema)}}}
    if headers:
        answer["headers"] = headers
    if links:
        answer["links"] = links
    return {status: answer}


def _links(ids: dict[str, str], *operation_ids: str, etag: bool = False) -> Schema:
    """What a client does next with the object a call returned (OpenAPI links): `ids` name the path parameters."""
    links: Schema = {}
    for operation_id in operation_ids:
        parameters = dict(ids)
        if etag and operation_id.startswith(("update", "delete")):
            parameters["header.If-Match"] = "$response.body#/@odata.etag"
        links[operation_id[0].upper() + operation_id[1:]] = {"operationId": operation_id, "parameters": parameters}
    return links


_NEW_RELATIONSHIP = _links(
    {"relationship_id": "$response.body#/id"},
    "getDelegatedAdminRelationship",
    "updateDelegatedAdminRelationship",
    "deleteDelegatedAdminRelationship",
    "createDelegatedAdminRelationshipRequest",
    "listDelegatedAdminRelationshipRequests",
    "createDelegatedAdminAccessAssignment",
    "listDelegatedAdminAccessAssignments",
    "listDelegatedAdminRelationshipOperations",
    etag=True,
)
_NEW_REQUEST = _links(
    {"relationship_id": "$request.path.relationship_id", "request_id": "$response.body#/id"},
    "getDelegatedAdminRelationshipRequest",
)
_NEW_ASSIGNMENT = _links(
    {"relationship_id": "$request.path.relationship_id", "assignment_id": "$response.body#/id"},
    "getDelegatedAdminAccessAssignment",
    "updateDelegatedAdminAccessAssignment",
    "deleteDelegatedAdminAccessAssignment",
    etag=True,
)


def _list(item: str) -> Schema:
    return _ok(item + "Collection")


_NO_CONTENT = {"204": {"description": "Deleted."}}


def _query(*names: str) -> list[Schema]:
    described = {
        "$top": ("Items per page.", {"type": "integer", "minimum": 1, "maximum": odata.TOP_MAX}),
        "$skiptoken": ("The page after the one whose @odata.nextLink carries it.", {"type": "string"}),
        "$filter": ("eq clauses joined by and, on the properties the API's documentation names.", {"type": "string"}),
        "$orderby": ("status, asc or desc.", {"type": "string", "enum": ["status", "status asc", "status desc"]}),
        "$select": ("Properties to return, comma-separated.", {"type": "string"}),
    }
    return [
        {"name": name, "in": "query", "required": False, "description": text, "schema": schema}
        for name in names
        for text, schema in [described[name]]
    ]


_PAGING = ("$top", "$skiptoken", "$select")
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The @odata.etag of the resource as last read.",
    "schema": {"type": "string"},
}


def _body(schema: Schema, *, media_type: str = JSON) -> Schema:
    return {"required": True, "content": {media_type: {"schema": schema}}}


_ACCESS_DETAILS_IN: Schema = {
    "type": "object",
    "properties": {
        "unifiedRoles": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "object", "properties": {"roleDefinitionId": _UUID}, "required": ["roleDefinitionId"]},
        }
    },
    "required": ["unifiedRoles"],
}
_RELATIONSHIP_IN: Schema = {
    "type": "object",
    "properties": {
        "displayName": {"type": "string", "minLength": 1, "maxLength": AdminRelationship.NAME_MAX},
        "duration": _DURATION_IN,
        "autoExtendDuration": _DURATION_IN,
        "customer": {"type": "object", "properties": {"tenantId": _UUID}},
        "accessDetails": _ACCESS_DETAILS_IN,
    },
}
_ASSIGNMENT_IN: Schema = {
    "type": "object",
    "properties": {
        "accessContainer": {
            "type": "object",
            "properties": {
                "accessContainerId": _UUID,
                "accessContainerType": {"type": "string", "enum": ["securityGroup"]},
            },
            "required": ["accessContainerId"],
        },
        "accessDetails": _ACCESS_DETAILS_IN,
    },
}


def _op(operation_id: str, summary: str, responses: Schema, **extra: Any) -> Schema:
    return {"operationId": operation_id, "summary": summary, "responses": {**responses, **_ALWAYS}, **extra}


R = "delegatedAdminRelationship"
OPERATIONS: dict[str, dict[str, Schema]] = {
    "relationships": {
        "get": _op(
            "listDelegatedAdminRelationships",
            "List the partner's admin relationships.",
            _list(R),
            parameters=_query("$top", "$skiptoken", "$filter", "$orderby", "$select"),
        ),
        "post": _op(
            "createDelegatedAdminRelationship",
            "Create an admin relationship, in status created.",
            _ok(R, "201", {**_LOCATION_HEADER, **_ETAG_HEADER}, _NEW_RELATIONSHIP),
            requestBody=_body({**_RELATIONSHIP_IN, "required": ["displayName", "accessDetails"]}),
        ),
    },
    "relationship": {
        "get": _op(
            "getDelegatedAdminRelationship",
            "Get an admin relationship.",
            {**_ok(R, headers=_ETAG_HEADER), **_NOT_FOUND},
            parameters=_query("$select"),
        ),
        "patch": _op(
            "updateDelegatedAdminRelationship",
            "Update a relationship in status created; on an active one, autoExtendDuration or removing Global "
            "Administrator.",
            {**_ok(R, headers=_ETAG_HEADER), **_NOT_FOUND, **_CONFLICT, **_STALE},
            parameters=[_IF_MATCH],
            requestBody=_body(_RELATIONSHIP_IN),
        ),
        "delete": _op(
            "deleteDelegatedAdminRelationship",
            "Delete a relationship in status created.",
            {**_NO_CONTENT, **_NOT_FOUND, **_CONFLICT, **_STALE},
            parameters=[_IF_MATCH],
        ),
    },
    "relationship_requests": {
        "get": _op(
            "listDelegatedAdminRelationshipRequests",
            "List the requests on a relationship.",
            {**_list("delegatedAdminRelationshipRequest"), **_NOT_FOUND},
            parameters=_query(*_PAGING),
        ),
        "post": _op(
            "createDelegatedAdminRelationshipRequest",
            "lockForApproval (a relationship in status created) or terminate (an active one).",
            {
                **_ok("delegatedAdminRelationshipRequest", "201", _LOCATION_HEADER, _NEW_REQUEST),
                **_NOT_FOUND,
                **_CONFLICT,
            },
            requestBody=_body(
                {
                    "type": "object",
                    "properties": {"action": {"type": "string", "enum": ["lockForApproval", "terminate"]}},
                    "required": ["action"],
                }
            ),
        ),
    },
    "relationship_request": {
        "get": _op(
            "getDelegatedAdminRelationshipRequest",
            "Get a request on a relationship.",
            {**_ok("delegatedAdminRelationshipRequest"), **_NOT_FOUND},
        ),
    },
    "access_assignments": {
        "get": _op(
            "listDelegatedAdminAccessAssignments",
            "List a relationship's access assignments.",
            {**_list("delegatedAdminAccessAssignment"), **_NOT_FOUND},
            parameters=_query("$top", "$skiptoken", "$filter", "$orderby", "$select"),
        ),
        "post": _op(
            "createDelegatedAdminAccessAssignment",
            "Give a security group some of an active relationship's roles: pending, then active.",
            {
                **_ok("delegatedAdminAccessAssignment", "201", {**_LOCATION_HEADER, **_ETAG_HEADER}, _NEW_ASSIGNMENT),
                **_NOT_FOUND,
                **_CONFLICT,
            },
            requestBody=_body({**_ASSIGNMENT_IN, "required": ["accessContainer", "accessDetails"]}),
        ),
    },
    "access_assignment": {
        "get": _op(
            "getDelegatedAdminAccessAssignment",
            "Get an access assignment.",
            {**_ok("delegatedAdminAccessAssignment", headers=_ETAG_HEADER), **_NOT_FOUND},
            parameters=_query("$select"),
        ),
        "patch": _op(
            "updateDelegatedAdminAccessAssignment",
            "Change an access assignment's roles.",
            {**_ok("delegatedAdminAccessAssignment", headers=_ETAG_HEADER), **_NOT_FOUND, **_CONFLICT, **_STALE},
            parameters=[_IF_MATCH],
            requestBody=_body(_ASSIGNMENT_IN),
        ),
        "delete": _op(
            "deleteDelegatedAdminAccessAssignment",
            "Remove an access assignment.",
            {**_NO_CONTENT, **_NOT_FOUND, **_CONFLICT, **_STALE},
            parameters=[_IF_MATCH],
        ),
    },
    "operations": {
        "get": _op(
            "listDelegatedAdminRelationshipOperations",
            "List the long-running operations of a relationship (access assignment changes).",
            {**_list("delegatedAdminRelationshipOperation"), **_NOT_FOUND},
            parameters=_query(*_PAGING),
        ),
    },
    "operation": {
        "get": _op(
            "getDelegatedAdminRelationshipOperation",
            "Get a long-running operation.",
            {**_ok("delegatedAdminRelationshipOperation", headers=_ETAG_HEADER), **_NOT_FOUND},
        ),
    },
    "customers": {
        "get": _op(
            "listDelegatedAdminCustomers",
            "List the partner's customers with an active admin relationship.",
            _list("delegatedAdminCustomer"),
            parameters=_query("$top", "$skiptoken", "$filter", "$select"),
        ),
    },
    "customer": {
        "get": _op("getDelegatedAdminCustomer", "Get a customer.", {**_ok("delegatedAdminCustomer"), **_NOT_FOUND}),
    },
    "service_management_details": {
        "get": _op(
            "listDelegatedAdminServiceManagementDetails",
            "Where the partner manages the customer's services.",
            {**_list("delegatedAdminServiceManagementDetail"), **_NOT_FOUND},
            parameters=_query(*_PAGING),
        ),
    },
    "token": {
        "post": {
            "operationId": "getToken",
            "summary": "A bearer token for an app, with the client credentials grant (as Microsoft's endpoint).",
            "security": [],
            "requestBody": _body(
                {
                    "type": "object",
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": _UUID,
                        "client_secret": {"type": "string"},
                        "scope": {"type": "string", "example": SCOPE},
                    },
                    "required": ["grant_type", "scope"],
                },
                media_type="application/x-www-form-urlencoded",
            ),
            "responses": {
                "200": {"description": "A bearer token.", "content": {JSON: {"schema": _ref("tokenResponse")}}},
                **{
                    status: {"description": description, "content": {JSON: {"schema": _ref("tokenError")}}}
                    for status, description in (
                        ("400", "Not a valid request (OAuth 2.0's error shape)."),
                        ("401", "The client ID or secret is not valid."),
                    )
                },
                "429": {
                    "description": "Too many token requests.",
                    "headers": _RETRY_AFTER,
                    "content": {JSON: {"schema": _ref("tokenError")}},
                },
            },
        },
    },
}
_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def _path_of(route: str) -> tuple[str, list[Schema]]:
    """The OpenAPI path of a Django route ("…/<str:relationship_id>" → "…/{relationship_id}") and its parameters."""
    names = _PARAMETER.findall(route)
    parameters = [{"name": name, "in": "path", "required": True, "schema": _UUID} for name in names if name != "tenant"]
    if "tenant" in names:
        parameters.insert(
            0,
            {
                "name": "tenant",
                "in": "path",
                "required": True,
                "description": "The partner's tenant ID or primary domain.",
                "schema": {"type": "string"},
            },
        )
    return "/" + _PARAMETER.sub(r"{\1}", route), parameters


def api_routes(patterns: list | None = None, prefix: str = "", inside: bool = False) -> dict[str, str]:
    """The API's routes as the portal serves them, by URL name (without the graphapi namespace): {name: route}."""
    routes: dict[str, str] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            here = inside or pattern.namespace == "graphapi"
            routes |= api_routes(pattern.url_patterns, prefix + str(pattern.pattern), here)
        elif isinstance(pattern, URLPattern) and inside and pattern.name not in NOT_API:
            routes[str(pattern.name)] = prefix + str(pattern.pattern)
    return routes


def document() -> Schema:
    """The whole API: every route of graph_api.urls but its pages (a route missing from OPERATIONS is a KeyError)."""
    paths: Schema = {}
    for name, route in api_routes().items():
        path, parameters = _path_of(route)
        paths[path] = {"parameters": parameters, **OPERATIONS[name]}
    permissions = {str(choice.value): str(choice.label) for choice in ApiPermission}
    site = settings.SITE_URL
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Partner Center: Microsoft Graph API for admin relationships",
            "version": "v1.0",
            "description": "Microsoft Graph v1.0's tenantRelationships API for granular delegated admin privileges "
            f"(GDAP). Where it differs from Microsoft Graph: {site}/developers/graph-api/. Tokens: the token endpoint "
            "(/{tenant}/oauth2/v2.0/token, client credentials, scope " + SCOPE + ").",
        },
        "servers": [{"url": site}],
        "security": [{"clientCredentials": [SCOPE]}],
        "paths": paths,
        "components": {
            "schemas": {
                **SCHEMAS,
                **{
                    name + "Collection": _collection(name)
                    for name in SCHEMAS
                    if name.startswith("delegatedAdmin") and name != "delegatedAdminAccessDetails"
                },
            },
            "securitySchemes": {
                "clientCredentials": {
                    "type": "oauth2",
                    "description": "The app's permissions, granted in Settings > Apps: "
                    + "; ".join(f"{name} ({label})" for name, label in permissions.items())
                    + ". Replace {tenant} in the token URL with the partner's tenant ID or primary domain.",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": site + "/{tenant}/oauth2/v2.0/token",
                            "scopes": {SCOPE: "The permissions granted to the app."},
                        }
                    },
                }
            },
        },
    }
