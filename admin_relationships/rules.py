"""Who may do what with granular delegated admin (GDAP) relationships, and the helpers views call first.

Partner side: every agent of the partner reads a customer's admin relationships; only Admin agents create, finalize,
send, assign and terminate them. A relationship of another partner, or of another customer, does not exist (404).
Customer side: only a Global admin of the customer approves or rejects partner roles."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from partnercenter.access import (
    own_directory_roles,
    partner_customer_for,
    partner_group_kinds,
    partner_of,
    require_partner_role,
)
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import AdminRelationship, DirectoryRole, Partner, SecurityGroup, Tenant, User

from .models import BulkRequest, RoleTemplate

Kind = SecurityGroup.Kind

READERS = frozenset({Kind.ADMIN_AGENTS, Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS})
MANAGERS = frozenset({Kind.ADMIN_AGENTS})


def partner_reader_for(request: AuthenticatedRequest) -> Partner:
    """The user's partner, for its agents who read admin relationships (403 for anyone else): the Expiring granular
    relationships page, which lists the partner's relationships with every customer."""
    return require_partner_role(request, *READERS)


def customer_for(request: AuthenticatedRequest, tenant_id: UUID, *, change: bool = False) -> tuple[Partner, Tenant]:
    """A customer of the user's partner (404 otherwise), for its agents; with `change`, for its Admin agents (403).
    A customer through GDAP alone too: its admin relationships are what it has with the partner."""
    return partner_customer_for(request, tenant_id, *(MANAGERS if change else READERS), reseller=False)


def admin_relationship_for(
    request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID, *, change: bool = False
) -> AdminRelationship:
    """An admin relationship of the user's partner with this customer (404 for any other), as customer_for allows."""
    partner, customer = partner_customer_for(request, tenant_id, reseller=False)
    relationship = (
        AdminRelationship.objects.select_related("partner__tenant", "customer")
        .filter(public_id=relationship_id, partner=partner, customer=customer)
        .first()
    )
    if relationship is None:
        raise Http404
    customer_for(request, tenant_id, change=change)
    return relationship


def partner_for_requests(request: AuthenticatedRequest, *, change: bool = False) -> Partner:
    """The user's partner, for the admin relationship requests sent to customers who are not yet customers: its
    agents read them, its Admin agents create, finalize and send them (403 for anyone else)."""
    return require_partner_role(request, *(MANAGERS if change else READERS))


def admin_relationship_request_for(
    request: AuthenticatedRequest, relationship_id: UUID, *, change: bool = False
) -> AdminRelationship:
    """A request of the user's partner that no customer has approved yet (no customer bound): 404 for any other
    relationship, including one a customer approved (it is then on that customer's page)."""
    partner = partner_for_requests(request)
    relationship = (
        AdminRelationship.objects.select_related("partner__tenant")
        .filter(public_id=relationship_id, partner=partner, customer__isnull=True)
        .first()
    )
    if relationship is None:
        raise Http404
    partner_for_requests(request, change=change)
    return relationship


def check_can_approve(relationship: AdminRelationship, user: User) -> None:
    """Only a Global admin of the relationship's customer approves or rejects its roles (PermissionDenied). A request
    sent to a customer who is not yet one is for a Global admin of whichever customer tenant opens it: never the
    requesting partner's own tenant, nor another partner's (a partner is not a customer)."""
    if relationship.customer is None:
        check_can_become_customer(relationship, user)
    customer = relationship.customer or user.tenant
    if customer is None:  # site staff: no tenant
        raise PermissionDenied(_("Only a customer's Global admin can approve or reject partner roles."))
    if user.tenant_id != customer.pk or DirectoryRole.GLOBAL_ADMINISTRATOR not in own_directory_roles(user):
        raise PermissionDenied(
            _("Only a Global admin of %(customer)s can approve or reject partner roles.") % {"customer": customer.name}
        )


# Role templates (Settings > Role templates): every agent of the partner reads them; only Admin agents create, edit
# and delete them. Another partner's template does not exist (404).
TEMPLATE_READERS = READERS
TEMPLATE_MANAGERS = MANAGERS


def can_manage_role_templates(user: User) -> bool:
    return bool(partner_group_kinds(user) & TEMPLATE_MANAGERS)


def role_templates_for(request: AuthenticatedRequest, *, change: bool = False) -> Partner:
    """The user's partner, for its agents (403 otherwise: customers' users, too); with `change`, its Admin agents."""
    return require_partner_role(request, *(TEMPLATE_MANAGERS if change else TEMPLATE_READERS))


def role_template_for(request: AuthenticatedRequest, template_id: UUID, *, change: bool = False) -> RoleTemplate:
    """A role template of the user's partner (404 for any other), as role_templates_for allows."""
    partner = partner_of(request.user)
    template = (
        RoleTemplate.objects.select_related("partner__tenant").filter(public_id=template_id, partner=partner).first()
        if partner is not None
        else None
    )
    if template is None:
        raise Http404
    role_templates_for(request, change=change)
    return template


# Bulk requests (Customers > Request admin relationships): Admin agents only, of their partner's own customers. A bulk
# request of another partner does not exist (404).
BULK_REQUESTERS = MANAGERS


def can_request_in_bulk(user: User) -> bool:
    return bool(partner_group_kinds(user) & BULK_REQUESTERS)


def bulk_requests_for(request: AuthenticatedRequest) -> Partner:
    return require_partner_role(request, *BULK_REQUESTERS)


def bulk_request_for(request: AuthenticatedRequest, bulk_id: UUID) -> BulkRequest:
    """A bulk request of the user's partner (404 for any other), for its Admin agents (403)."""
    partner = partner_of(request.user)
    bulk = (
        BulkRequest.objects.select_related("partner__tenant").filter(public_id=bulk_id, partner=partner).first()
        if partner is not None
        else None
    )
    if bulk is None:
        raise Http404
    bulk_requests_for(request)
    return bulk


def selected_customers(partner: Partner, values: list[str]) -> list[Tenant]:
    """The customers an agent selected (Microsoft IDs), each an active customer of the partner; any other value (not
    an ID, another partner's customer, no one's) makes the whole selection unknown (404). One query."""
    try:
        ids = {UUID(value) for value in values}
    except ValueError:
        raise Http404 from None
    customers = list(
        Tenant.objects.filter(
            public_id__in=ids, reseller_relationships__partner=partner, reseller_relationships__is_active=True
        ).order_by("name", "pk")
    )
    if len(customers) != len(ids):
        raise Http404
    return customers


def check_can_become_customer(relationship: AdminRelationship, user: User) -> None:
    """The user's tenant may become the customer of a request that names none: not the partner's own tenant, not
    another partner's (PermissionDenied, with the reason)."""
    if user.tenant_id is None:
        raise PermissionDenied(_("Only a customer's Global admin can approve or reject partner roles."))
    if user.tenant_id == relationship.partner.tenant_id:
        raise PermissionDenied(
            _(
                "This request comes from your own organization. Send its link to a Global admin of the customer's "
                "organization."
            )
        )
    if partner_of(user) is not None:
        raise PermissionDenied(
            _("%(org)s is a partner organization: only a customer's Global admin can approve partner roles.")
            % {"org": user.tenant.name if user.tenant else ""}
        )
