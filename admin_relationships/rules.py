"""Who may do what with granular delegated admin (GDAP) relationships, and the helpers views call first.

Partner side: every agent of the partner reads a customer's admin relationships; only Admin agents create, finalize,
send, assign and terminate them. A relationship of another partner, or of another customer, does not exist (404).
Customer side: only a Global admin of the customer approves or rejects partner roles."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from partnercenter.access import own_directory_roles, partner_customer_for, require_partner_role
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import AdminRelationship, DirectoryRole, Partner, SecurityGroup, Tenant, User

Kind = SecurityGroup.Kind

READERS = frozenset({Kind.ADMIN_AGENTS, Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS})
MANAGERS = frozenset({Kind.ADMIN_AGENTS})


def partner_reader_for(request: AuthenticatedRequest) -> Partner:
    """The user's partner, for its agents who read admin relationships (403 for anyone else): the Expiring granular
    relationships page, which lists the partner's relationships with every customer."""
    return require_partner_role(request, *READERS)


def customer_for(request: AuthenticatedRequest, tenant_id: UUID, *, change: bool = False) -> tuple[Partner, Tenant]:
    """A customer of the user's partner (404 otherwise), for its agents; with `change`, for its Admin agents (403)."""
    return partner_customer_for(request, tenant_id, *(MANAGERS if change else READERS))


def admin_relationship_for(
    request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID, *, change: bool = False
) -> AdminRelationship:
    """An admin relationship of the user's partner with this customer (404 for any other), as customer_for allows."""
    partner, customer = partner_customer_for(request, tenant_id)
    relationship = (
        AdminRelationship.objects.select_related("partner__tenant", "customer")
        .filter(public_id=relationship_id, partner=partner, customer=customer)
        .first()
    )
    if relationship is None:
        raise Http404
    customer_for(request, tenant_id, change=change)
    return relationship


def check_can_approve(relationship: AdminRelationship, user: User) -> None:
    """Only a Global admin of the relationship's customer approves or rejects its roles (PermissionDenied); a request
    sent to a customer who is not yet one is for a Global admin of whichever tenant opens it."""
    customer = relationship.customer or user.tenant
    if customer is None:  # site staff: no tenant
        raise PermissionDenied(_("Only a customer's Global admin can approve or reject partner roles."))
    if user.tenant_id != customer.pk or DirectoryRole.GLOBAL_ADMINISTRATOR not in own_directory_roles(user):
        raise PermissionDenied(
            _("Only a Global admin of %(customer)s can approve or reject partner roles.") % {"customer": customer.name}
        )
