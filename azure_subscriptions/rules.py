"""Who may do what with Azure subscriptions: the rule, and the helpers views call first.

Their own role assignments decide who manages them, not directory roles: delegated admin gives a partner no access
to a customer's Azure subscriptions, and a role assignment (to the user, or to a group it is a member of: a partner's
Admin Agents, on a subscription the partner provisioned) keeps giving it, with or without delegated admin. The
tenant's own Global admins may also manage access, as Azure lets a Global admin elevate.
"""

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnercenter.access import (
    AdminCenter,
    effective_roles,
    is_own_global_admin,
    own_directory_roles,
    partner_of,
    require_mfa,
)
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import Partner, ResellerRelationship, SecurityGroup, Tenant, User

from .models import AzureRoleAssignment, AzureSubscription

Kind = SecurityGroup.Kind

# Who of a partner provisions a new Azure subscription for a customer: its Admin agents, whose group then owns it.
PROVISIONERS = frozenset({Kind.ADMIN_AGENTS})
# The partner groups a customer may give a role on its subscriptions (foreign principals).
ASSIGNABLE_PARTNER_GROUPS = (Kind.ADMIN_AGENTS, Kind.HELPDESK_AGENTS)

AZURE_OWNER, AZURE_CONTRIBUTOR, AZURE_READER = "owner", "contributor", "reader"
AZURE_VIEW, AZURE_MANAGE_RESOURCES, AZURE_MANAGE_ACCESS = "view", "manage_resources", "manage_access"
AZURE_ROLES_THAT_CAN = {
    AZURE_VIEW: frozenset({AZURE_OWNER, AZURE_CONTRIBUTOR, AZURE_READER}),
    AZURE_MANAGE_RESOURCES: frozenset({AZURE_OWNER, AZURE_CONTRIBUTOR}),
    AZURE_MANAGE_ACCESS: frozenset({AZURE_OWNER}),
}
NO_AZURE_ROLE = gettext_lazy("No role assignment on this customer's subscriptions.")


def azure_assignments_of(user: User):
    """The Azure role assignments that apply to the user: its own, and its groups'."""
    return AzureRoleAssignment.objects.filter(Q(user=user) | Q(group__members=user))


def has_azure_role(user: User) -> RawSQL:
    """Whether `user` holds a role on at least one Azure subscription of a row's customer, its own or its groups' (as
    azure_assignments_of): an annotation of a query of ResellerRelationship rows, for azure_portal_availability.
    Written as SQL for the query of partner_relationship_for, which is too (it says why); the names are the models'."""
    quote = connection.ops.quote_name
    assignments, subscriptions = quote(AzureRoleAssignment._meta.db_table), quote(AzureSubscription._meta.db_table)
    members = quote(SecurityGroup.members.through._meta.db_table)
    row = quote(ResellerRelationship._meta.db_table)
    return RawSQL(  # noqa: S611
        f"EXISTS (SELECT 1 FROM {assignments} a JOIN {subscriptions} s ON s.id = a.subscription_id"  # noqa: S608
        f" WHERE s.tenant_id = {row}.customer_id AND (a.user_id = %s OR a.group_id IN"
        f" (SELECT m.securitygroup_id FROM {members} m WHERE m.user_id = %s)))",
        (user.pk, user.pk),
        output_field=BooleanField(),
    )


def azure_roles(user: User, subscription) -> frozenset[str]:
    """The user's roles on one Azure subscription (Owner, Contributor, Reader), from the role assignments alone."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(azure_assignments_of(user).filter(subscription=subscription).values_list("role", flat=True))


def azure_subscriptions_visible_to(user: User, tenant: Tenant):
    """The tenant's Azure subscriptions the user may see: all of them for the tenant's own Global admins, otherwise
    those the user holds a role on."""
    subscriptions = AzureSubscription.objects.filter(tenant=tenant)
    if tenant.pk == user.tenant_id and is_own_global_admin(user):
        return subscriptions
    return subscriptions.filter(pk__in=azure_assignments_of(user).values("subscription"))


def azure_assignable_partner_tenants(tenant: Tenant, *, acting_for: Partner | None):
    """The partners whose agent groups may be given a role on the tenant's Azure subscriptions, as a queryset of their
    tenants' ids. The customer's own administrators may give one to any partner that works with it (an active
    reseller relationship). A partner acting for the customer only to its own groups, and only while it works with
    the customer: another partner's groups are not its to hand access to, and offering them would tell it who the
    customer's other partners are (Settings > Partner relationships is closed to it for the same reason)."""
    relationships = ResellerRelationship.objects.filter(customer=tenant, is_active=True)
    if acting_for is not None:
        relationships = relationships.filter(partner=acting_for)
    return relationships.values("partner__tenant")


@dataclass(frozen=True)
class AzureAccess:
    """One Azure subscription as the signed-in user may use it: its roles there, and whether it is a Global admin of
    the subscription's own tenant (who may manage access). `center` is the admin center shell around the pages."""

    center: AdminCenter
    subscription: AzureSubscription
    roles: frozenset[str]
    elevated: bool = False

    def can(self, need: str) -> bool:
        if need in (AZURE_VIEW, AZURE_MANAGE_ACCESS) and self.elevated:
            return True
        return bool(self.roles & AZURE_ROLES_THAT_CAN[need])

    @property
    def allows(self) -> dict[str, bool]:
        return {need: self.can(need) for need in AZURE_ROLES_THAT_CAN}


def _azure_center(request: AuthenticatedRequest, tenant: Tenant) -> AdminCenter:
    user = request.user
    if tenant.pk == user.tenant_id:
        return AdminCenter(tenant=tenant, roles=own_directory_roles(user))
    require_mfa(request)
    return AdminCenter(tenant=tenant, roles=effective_roles(user, tenant), partner=partner_of(user))


def azure_center_for(request: AuthenticatedRequest, tenant_id: UUID) -> AdminCenter:
    """The Azure subscriptions of tenant `tenant_id`, for the list: any user of the tenant (who sees the ones it may
    see); a partner user holding a role on one of them; a partner user of a customer without such a role: 403 with
    the reason; anyone else: 404."""
    user = request.user
    if user.tenant is not None and user.tenant.public_id == tenant_id:
        return _azure_center(request, user.tenant)
    partner = partner_of(user)
    tenant = Tenant.objects.filter(public_id=tenant_id).first() if partner is not None else None
    if tenant is None:
        raise Http404
    if not azure_subscriptions_visible_to(user, tenant).exists():
        if not ResellerRelationship.objects.filter(partner=partner, customer=tenant, is_active=True).exists():
            raise Http404
        require_mfa(request)
        raise PermissionDenied(NO_AZURE_ROLE)
    return _azure_center(request, tenant)


def azure_subscription_for(
    request: AuthenticatedRequest, tenant_id: UUID, subscription_id: UUID, need: str
) -> AzureAccess:
    """An Azure subscription of tenant `tenant_id` the user may see (a role on it, or the tenant's own Global admin;
    404 for any other, whatever delegated admin says), if its access includes `need` (403 otherwise)."""
    user = request.user
    subscription = (
        AzureSubscription.objects.select_related("tenant", "provisioned_by__tenant")
        .filter(public_id=subscription_id, tenant__public_id=tenant_id)
        .first()
    )
    if subscription is None or not user.is_authenticated:
        raise Http404
    elevated = subscription.tenant_id == user.tenant_id and is_own_global_admin(user)
    roles = azure_roles(user, subscription)
    if not roles and not elevated:
        raise Http404
    access = AzureAccess(_azure_center(request, subscription.tenant), subscription, roles, elevated)
    if not access.can(need):
        raise PermissionDenied(_("Your role on this subscription does not include this."))
    return access
