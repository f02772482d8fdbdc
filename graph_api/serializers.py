"""Graph's JSON for the portal's rows: property names, status strings, timestamps (UTC, ISO 8601 with a Z) and
durations (P730D, P180D, PT0S) exactly as Microsoft Graph v1.0 writes them."""

import base64
import json
import re
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse

from partnercenter.models import AccessAssignment, AdminRelationship, AuditAction, AuditEvent, Tenant
from partnercenter.roles import CATALOGUE, role_of_template

from .errors import bad_request

NS = "#microsoft.graph."
# Stable IDs for what the portal does not keep as rows of their own (requests, operations): derived, never the
# integer keys (which never leave the server).
_ID_NAMESPACE = uuid.UUID("0f6d1c52-6f5b-4f0b-9d55-0c2b1d0e7a41")

REQUEST_ACTIONS = {
    AuditAction.ADMIN_RELATIONSHIP_FINALIZE: "lockForApproval",
    AuditAction.ADMIN_RELATIONSHIP_APPROVE: "approve",
    AuditAction.ADMIN_RELATIONSHIP_TERMINATE: "terminate",
    # Graph's delegatedAdminRelationshipRequestAction has reject after unknownFutureValue (see UNKNOWN_FUTURE_VALUE).
    AuditAction.ADMIN_RELATIONSHIP_REJECT: "reject",
}
EVOLVABLE_REQUEST_ACTIONS = frozenset({"reject"})


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def days_duration(days: int) -> str:
    return f"P{days}D" if days else "PT0S"


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:0+H)?(?:0+M)?(?:0+(?:\.0+)?S)?)?$")


# Microsoft's Python SDK (Kiota) writes a timedelta as Python prints it ("730 days, 0:00:00"), and Graph takes it.
_PYTHON_TIMEDELTA = re.compile(r"^(?:(\d+) days?, )?0:00:00$")


def parse_days(value: object, prop: str) -> int:
    """Days of an ISO 8601 duration in whole days (P730D, P2Y, P1W, PT0S), or as Microsoft's Python SDK writes one
    ("730 days, 0:00:00"); anything else is a 400."""
    if isinstance(value, str) and (python := _PYTHON_TIMEDELTA.match(value)):
        return int(python.group(1) or 0)
    match = _DURATION.match(value) if isinstance(value, str) and value not in ("P", "PT") else None
    if match is None:
        raise bad_request(f"Invalid value for '{prop}': an ISO 8601 duration in whole days, such as P730D.")
    years, weeks, days = (int(group or 0) for group in match.groups())
    return years * 365 + weeks * 7 + days


def etag(updated_at: datetime) -> str:
    """A weak ETag that changes with every change of the row, in Graph's shape (W/"base64")."""
    return 'W/"' + base64.b64encode(f'"{updated_at.isoformat()}"'.encode()).decode() + '"'


def unified_roles(roles: list[str]) -> dict:
    return {
        "unifiedRoles": [{"roleDefinitionId": str(CATALOGUE[role].template_id)} for role in roles if role in CATALOGUE]
    }


def roles_of(access_details: object) -> list[str]:
    """The portal's roles named by a body's accessDetails.unifiedRoles[].roleDefinitionId (template IDs)."""
    if not isinstance(access_details, dict) or not isinstance(access_details.get("unifiedRoles"), list):
        raise bad_request("accessDetails.unifiedRoles must be a list of roles.")
    roles = []
    for item in access_details["unifiedRoles"]:
        template = item.get("roleDefinitionId") if isinstance(item, dict) else None
        try:
            role = role_of_template(uuid.UUID(str(template)))
        except ValueError:
            role = None
        if role is None:
            raise bad_request(f"Unknown roleDefinitionId: {template!r}.")
        roles.append(str(role))
    return roles


# Graph's enums evolve: a member added after unknownFutureValue goes only to a client that asks for such members
# (Prefer: include-unknown-enum-members), and any other reads unknownFutureValue, which every Graph client knows. The
# portal's `rejected` (the customer turned the relationship down) is not one of delegatedAdminRelationshipStatus's
# members: it goes out that way, so that Microsoft's own SDKs never meet a status they cannot read.
UNKNOWN_FUTURE_VALUE = "unknownFutureValue"
EVOLVABLE_RELATIONSHIP_STATUSES = frozenset({AdminRelationship.Status.REJECTED})


def relationship(row: AdminRelationship, *, unknown_members: bool = False) -> dict:
    """A delegatedAdminRelationship; `unknown_members`: the client asked for members after unknownFutureValue."""
    customer = row.customer
    status = row.status
    if status in EVOLVABLE_RELATIONSHIP_STATUSES and not unknown_members:
        status = UNKNOWN_FUTURE_VALUE
    return {
        "@odata.type": NS + "delegatedAdminRelationship",
        "@odata.etag": etag(row.updated_at),
        "id": str(row.public_id),
        "displayName": row.display_name,
        "duration": days_duration(row.duration_days),
        "status": status,
        "autoExtendDuration": days_duration(row.auto_extend_days),
        "createdDateTime": timestamp(row.created_at),
        "lastModifiedDateTime": timestamp(row.updated_at),
        "activatedDateTime": timestamp(row.activated_at),
        "endDateTime": timestamp(row.ends_at),
        "customer": {
            "@odata.type": NS + "delegatedAdminRelationshipCustomerParticipant",
            "tenantId": str(customer.public_id) if customer else None,
            "displayName": customer.name if customer else None,
        },
        "accessDetails": unified_roles(row.roles),
    }


def access_assignment(row: AccessAssignment) -> dict:
    return {
        "@odata.type": NS + "delegatedAdminAccessAssignment",
        "@odata.etag": etag(row.updated_at),
        "id": str(row.public_id),
        "status": row.status,
        "createdDateTime": timestamp(row.created_at),
        "lastModifiedDateTime": timestamp(row.updated_at),
        "accessContainer": {
            "@odata.type": NS + "delegatedAdminAccessContainer",
            "accessContainerId": str(row.security_group.public_id),
            "accessContainerType": "securityGroup",
        },
        "accessDetails": unified_roles(row.roles),
    }


def operation_id(row: AccessAssignment) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"operation:{row.public_id}"))


_OPERATION_STATUS = {
    AccessAssignment.Status.PENDING: "running",
    AccessAssignment.Status.ACTIVE: "succeeded",
    AccessAssignment.Status.DELETING: "running",
    AccessAssignment.Status.DELETED: "succeeded",
    AccessAssignment.Status.ERROR: "failed",
}


def operation(row: AccessAssignment) -> dict:
    """The long-running operation behind an access assignment: its activation (or removal)."""
    return {
        "@odata.type": NS + "delegatedAdminRelationshipOperation",
        "@odata.etag": etag(row.updated_at),
        "id": operation_id(row),
        "operationType": "delegatedAdminAccessAssignmentUpdate",
        "status": _OPERATION_STATUS[AccessAssignment.Status(row.status)],
        "data": json.dumps({"accessAssignmentId": str(row.public_id), "status": row.status}),
        "createdDateTime": timestamp(row.created_at),
        "lastModifiedDateTime": timestamp(row.updated_at),
    }


def request_id(event: AuditEvent) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"request:{event.pk}"))


def relationship_request(event: AuditEvent, *, unknown_members: bool = False) -> dict:
    """A request on a relationship (lock for approval, approve, reject, terminate): the portal carries each out at
    once, so it has succeeded by the time it is listed. `unknown_members` as for relationship()."""
    action = REQUEST_ACTIONS[AuditAction(event.action)]
    if action in EVOLVABLE_REQUEST_ACTIONS and not unknown_members:
        action = UNKNOWN_FUTURE_VALUE
    return {
        "@odata.type": NS + "delegatedAdminRelationshipRequest",
        "id": request_id(event),
        "action": action,
        "status": "succeeded",
        "createdDateTime": timestamp(event.at),
        "lastModifiedDateTime": timestamp(event.at),
    }


def customer(tenant: Tenant) -> dict:
    return {
        "@odata.type": NS + "delegatedAdminCustomer",
        "id": str(tenant.public_id),
        "tenantId": str(tenant.public_id),
        "displayName": tenant.name,
    }


def service_management_details(tenant: Tenant) -> list[dict]:
    """Where the partner manages the customer's services: the portal's admin center of that customer."""
    admin_center = settings.SITE_URL + reverse("admincenter:home", kwargs={"tenant_id": tenant.public_id})
    return [
        {
            "@odata.type": NS + "delegatedAdminServiceManagementDetail",
            "id": str(uuid.uuid5(_ID_NAMESPACE, f"service:{tenant.public_id}:admin-center")),
            "serviceId": "MicrosoftAdminCenter",
            "serviceName": "Microsoft 365 admin center",
            "serviceManagementUrl": admin_center,
        }
    ]
