"""Who may do what through the API: an app acts for its own partner only (another partner's objects do not exist:
404), within the permissions its partner's Admin agent granted it (403 otherwise)."""

from uuid import UUID

from partnercenter.models import AccessAssignment, AdminRelationship, ApiApplication, ApiPermission, Tenant

from .errors import GraphError, not_found

P = ApiPermission
READ_RELATIONSHIPS = frozenset({P.RELATIONSHIP_READ, P.RELATIONSHIP_READ_WRITE})
WRITE_RELATIONSHIPS = frozenset({P.RELATIONSHIP_READ_WRITE})
READ_CUSTOMERS = frozenset({P.CUSTOMER_READ})


def require_permission(app: ApiApplication, allowed: frozenset[str]) -> None:
    if not set(app.permissions) & allowed:
        raise GraphError(
            403,
            "Authorization_RequestDenied",
            f"Insufficient privileges to complete the operation: the app needs {' or '.join(sorted(allowed))}.",
        )


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise not_found() from None


def relationship_for(app: ApiApplication, relationship_id: str, *, lock: bool = False) -> AdminRelationship:
    """One of the app's partner's admin relationships (404 for any other, or an ID that is not one)."""
    found = (
        AdminRelationship.objects.select_related("customer", "partner__tenant")
        .filter(partner_id=app.partner_id, public_id=_uuid(relationship_id))
        .first()
    )
    if found is None:
        raise not_found(f"The admin relationship {relationship_id} does not exist.")
    return found


def access_assignment_for(relationship: AdminRelationship, assignment_id: str) -> AccessAssignment:
    found = (
        AccessAssignment.objects.select_related("security_group")
        .filter(relationship=relationship, public_id=_uuid(assignment_id))
        .first()
    )
    if found is None:
        raise not_found(f"The access assignment {assignment_id} does not exist.")
    return found


def customers_of(app: ApiApplication):
    """The app's partner's GDAP customers: tenants with an active admin relationship with the partner."""
    return Tenant.objects.filter(
        admin_relationships__partner_id=app.partner_id, admin_relationships__status=AdminRelationship.Status.ACTIVE
    ).distinct()


def customer_for(app: ApiApplication, tenant_id: str) -> Tenant:
    found = customers_of(app).filter(public_id=_uuid(tenant_id)).first()
    if found is None:
        raise not_found(f"The customer {tenant_id} does not exist.")
    return found


def new_relationship_customer(app: ApiApplication, tenant_id: object) -> Tenant:
    """The customer a new relationship names: one of the partner's customers (an active reseller relationship), as
    on the customer's page; any other tenant ID is refused without saying whether it exists."""
    try:
        public_id = UUID(str(tenant_id))
    except ValueError:
        public_id = None
    found = (
        Tenant.objects.filter(
            public_id=public_id,
            reseller_relationships__partner_id=app.partner_id,
            reseller_relationships__is_active=True,
        ).first()
        if public_id
        else None
    )
    if found is None:
        raise GraphError(400, "BadRequest", "customer.tenantId is not the tenant ID of one of your customers.")
    return found
