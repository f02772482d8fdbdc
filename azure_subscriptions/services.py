"""State changes of Azure subscriptions: creating and provisioning them, their resource groups, their role
assignments. Who may call which is the access module's question (access.azure_subscription_for); these functions
keep the invariants, and each writes its audit event.

`partner` is the partner whose agent acts, when the actor is not a user of the subscription's own tenant: the event
is then recorded as done on the customer's behalf."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnercenter.access import partner_of
from partnercenter.audit import audit_record
from partnercenter.models import AuditAction, Partner, ResellerRelationship, SecurityGroup, Tenant, User
from partnercenter.other_partners import partner_name_as_seen

from .models import AzureRole, AzureRoleAssignment, AzureSubscription, ResourceGroup
from .rules import ASSIGNABLE_PARTNER_GROUPS, azure_assignable_partner_tenants

# The partner groups a customer may give a role on its subscriptions: those that administer customers.


def group_label(group: SecurityGroup, *, home_tenant_id: int, viewer: Partner | None = None) -> str:
    """How a group reads on Access control: the tenant's own group by its name; another tenant's (a partner's
    built-in group) as a foreign principal, "Admin Agents — Fabrikam (partner)", with "Another partner" for a
    partner other than `viewer`, the partner acting for the customer (partnercenter.other_partners). Needs the group's
    tenant."""
    name = group.get_kind_display() if group.kind != SecurityGroup.Kind.CUSTOM else group.name
    if group.tenant_id == home_tenant_id:
        return name
    partner = partner_name_as_seen(group.tenant, viewer=viewer)
    return _("%(group)s — %(partner)s (partner)") % {"group": name, "partner": partner}


def _principal_record(principal: User | SecurityGroup, *, home_tenant_id: int) -> str:
    """The principal as the audit record keeps it, in no particular language: an email, or a group's name (and its
    tenant's, for a partner's group)."""
    if isinstance(principal, User):
        return principal.email
    if principal.tenant_id == home_tenant_id:
        return principal.name
    return f"{principal.name} — {principal.tenant.name}"


def _save(obj, message: str) -> None:
    """full_clean, then save; a duplicate that a concurrent request saved between the two gets the same clear
    message as one full_clean finds."""
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(message) from None


def _owner_assign(subscription: AzureSubscription, *, user: User | None = None, group: SecurityGroup | None = None):
    assignment = AzureRoleAssignment(
        subscription=subscription, role=AzureRole.OWNER, user=user, group=group, created_by=subscription.created_by
    )
    _save(assignment, _("This principal already has this role on the subscription."))
    return assignment


@transaction.atomic
def azure_subscription_create(*, tenant: Tenant, name: str, created_by: User) -> AzureSubscription:
    """The tenant creates an Azure subscription of its own (its Global admin); the creator becomes its Owner, as in
    Azure."""
    if created_by.tenant_id != tenant.pk:
        raise PermissionDenied(_("Only the organization's own administrators can create its Azure subscriptions."))
    subscription = AzureSubscription(tenant=tenant, name=name.strip(), created_by=created_by)
    _save(subscription, _("This organization already has an Azure subscription with this name."))
    _owner_assign(subscription, user=created_by)
    audit_record(
        actor=created_by,
        action=AuditAction.AZURE_SUBSCRIPTION_CREATE,
        target_tenant=tenant,
        obj=subscription,
        details={"subscription": subscription.name, "subscription_id": str(subscription.public_id)},
    )
    return subscription


@transaction.atomic
def azure_subscription_provision(*, partner: Partner, customer: Tenant, name: str, agent: User) -> AzureSubscription:
    """The partner provisions a new Azure subscription for its customer: an Admin agent, with an active reseller
    relationship (delegated admin is not needed). The partner's Admin Agents group becomes its Owner automatically;
    the agent itself holds no assignment of its own."""
    admin_agents = SecurityGroup.objects.filter(
        tenant_id=partner.tenant_id, kind=SecurityGroup.Kind.ADMIN_AGENTS
    ).first()
    if (
        agent.tenant_id != partner.tenant_id
        or admin_agents is None
        or not admin_agents.members.filter(pk=agent.pk).exists()
    ):
        raise PermissionDenied(_("Only the partner's Admin agents can provision Azure subscriptions."))
    if not ResellerRelationship.objects.filter(partner=partner, customer=customer, is_active=True).exists():
        raise PermissionDenied(
            _("Azure subscriptions can be provisioned only for customers with a reseller relationship.")
        )
    subscription = AzureSubscription(tenant=customer, name=name.strip(), created_by=agent, provisioned_by=partner)
    _save(subscription, _("This organization already has an Azure subscription with this name."))
    _owner_assign(subscription, group=admin_agents)
    audit_record(
        actor=agent,
        action=AuditAction.AZURE_SUBSCRIPTION_PROVISION,
        target_tenant=customer,
        obj=subscription,
        details={
            "subscription": subscription.name,
            "subscription_id": str(subscription.public_id),
            "principal": _principal_record(admin_agents, home_tenant_id=customer.pk),
            "azure_role": AzureRole.OWNER.value,
        },
        acting_for=partner,
    )
    return subscription


def _require_active(subscription: AzureSubscription) -> None:
    if not subscription.is_active:
        raise ValidationError(_("This subscription is disabled: its resources can't be changed."))


@transaction.atomic
def resource_group_create(
    *, subscription: AzureSubscription, name: str, region: str, created_by: User, partner: Partner | None = None
) -> ResourceGroup:
    _require_active(subscription)
    group = ResourceGroup(subscription=subscription, name=name.strip(), region=region, created_by=created_by)
    _save(group, _("This subscription already has a resource group with this name."))
    _audit_resource_group(
        action=AuditAction.AZURE_RESOURCE_GROUP_CREATE, group=group, actor=created_by, partner=partner
    )
    return group


@transaction.atomic
def resource_group_delete(*, resource_group: ResourceGroup, deleted_by: User, partner: Partner | None = None) -> None:
    subscription = resource_group.subscription
    _require_active(subscription)
    deleted, _by_model = ResourceGroup.objects.filter(pk=resource_group.pk).delete()
    if not deleted:
        raise ValidationError(_("This resource group was already deleted."))
    _audit_resource_group(
        action=AuditAction.AZURE_RESOURCE_GROUP_DELETE, group=resource_group, actor=deleted_by, partner=partner
    )


def _audit_resource_group(*, action: AuditAction, group: ResourceGroup, actor: User, partner: Partner | None) -> None:
    subscription = group.subscription
    audit_record(
        actor=actor,
        action=action,
        target_tenant=subscription.tenant,
        obj=group,
        details={
            "subscription": subscription.name,
            "subscription_id": str(subscription.public_id),
            "resource_group": group.name,
            "region": group.region,
        },
        acting_for=partner,
    )


def assignable_groups(tenant: Tenant, *, acting_for: Partner | None = None):
    """The security groups that may hold a role on the tenant's subscriptions: the tenant's own, and the Admin Agents
    and Helpdesk Agents of the partners access.azure_assignable_partner_tenants allows (foreign principals): any
    partner working with the tenant for its own administrators, only its own for a partner acting for it."""
    partner_tenants = azure_assignable_partner_tenants(tenant, acting_for=acting_for)
    return SecurityGroup.objects.filter(tenant=tenant) | SecurityGroup.objects.filter(
        tenant__in=partner_tenants, kind__in=ASSIGNABLE_PARTNER_GROUPS
    )


def _acting_partner(subscription: AzureSubscription, actor: User, partner: Partner | None) -> Partner | None:
    """The partner the actor acts for on the subscription: none for a user of the subscription's own tenant,
    otherwise the actor's own partner (whatever the caller passed: the rule follows who acts, not what it says)."""
    if actor.tenant_id == subscription.tenant_id:
        return None
    acting = partner_of(actor)
    if acting is None or (partner is not None and partner.pk != acting.pk):
        raise PermissionDenied(_("Only the organization's administrators and its partners can manage access."))
    return acting


@transaction.atomic
def role_assignment_create(
    *,
    subscription: AzureSubscription,
    role: str,
    principal: User | SecurityGroup,
    created_by: User,
    partner: Partner | None = None,
) -> AzureRoleAssignment:
    """Give a user of the subscription's tenant, or an assignable group, a role on the subscription. Which groups are
    assignable depends on who acts (assignable_groups): it is checked here on the principal given, whatever the form
    offered."""
    acting = _acting_partner(subscription, created_by, partner)
    if isinstance(principal, User):
        assignment = AzureRoleAssignment(subscription=subscription, role=role, user=principal, created_by=created_by)
    else:
        if not assignable_groups(subscription.tenant, acting_for=acting).filter(pk=principal.pk).exists():
            if acting is not None:
                raise ValidationError(
                    _("Only the organization's own groups and your own agent groups can be assigned a role.")
                )
            raise ValidationError(
                _("Only your organization's groups and the agent groups of your partners can be assigned a role.")
            )
        assignment = AzureRoleAssignment(subscription=subscription, role=role, group=principal, created_by=created_by)
    _save(assignment, _("This principal already has this role on the subscription."))
    _audit_role_assignment(
        AuditAction.AZURE_ROLE_ASSIGNMENT_CREATE, subscription, principal, role, actor=created_by, acting_for=acting
    )
    return assignment


def _audit_role_assignment(
    action: AuditAction,
    subscription: AzureSubscription,
    principal: User | SecurityGroup,
    role: str,
    *,
    actor: User,
    acting_for: Partner | None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_tenant=subscription.tenant,
        obj=subscription,
        details={
            "subscription": subscription.name,
            "subscription_id": str(subscription.public_id),
            "principal": _principal_record(principal, home_tenant_id=subscription.tenant_id),
            "azure_role": role,
        },
        acting_for=acting_for,
    )


@transaction.atomic
def role_assignment_remove(
    *, assignment: AzureRoleAssignment, removed_by: User, partner: Partner | None = None
) -> None:
    """Remove a role assignment. Removing a partner group's assignment is how the customer stops the partner from
    managing the subscription (delegated admin has nothing to do with it). Azure allows removing the last Owner (the
    tenant's Global admins can still manage access), so this does too; the confirmation warns."""
    subscription = assignment.subscription
    principal = assignment.principal
    deleted, _by_model = AzureRoleAssignment.objects.filter(pk=assignment.pk).delete()
    if not deleted:
        raise ValidationError(_("This role assignment was already removed."))
    _audit_role_assignment(
        AuditAction.AZURE_ROLE_ASSIGNMENT_REMOVE,
        subscription,
        principal,
        assignment.role,
        actor=removed_by,
        acting_for=partner,
    )
