"""The one place that answers "may this user do this here?".

Views call these first. Objects the user has no business with raise Http404 (the same answer for "missing" and "not
yours"); actions the user may not take on objects it can see raise PermissionDenied (403).
"""

from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from .models import (
    DelegatedAdminGrant,
    DirectoryRole,
    DirectoryRoleAssignment,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from .selectors import has_active_delegated_admin

Kind = SecurityGroup.Kind


def partner_of(user: User) -> Partner | None:
    """The partner the user works for, or None. Cached on the user object for the request."""
    if not user.is_authenticated or user.tenant_id is None:
        return None
    if not hasattr(user, "_partner_cache"):
        partner = Partner.objects.select_related("tenant").filter(tenant_id=user.tenant_id).first()
        user._partner_cache = partner
        if partner is not None and not User.tenant.is_cached(user):
            # The partner's tenant is the user's home tenant: the page shell (user.tenant.name) need not fetch it.
            User.tenant.field.set_cached_value(user, partner.tenant)
    return user._partner_cache


def partner_group_kinds(user: User) -> frozenset[str]:
    """The built-in partner groups the user is a member of (its partner roles)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_group_kinds_cache"):
        user._group_kinds_cache = frozenset(
            SecurityGroup.objects.filter(members=user, tenant_id=user.tenant_id)
            .exclude(kind=Kind.CUSTOM)
            .order_by()  # a set: no need for the model's ordering, which joins the tenant to sort by its name
            .values_list("kind", flat=True)
        )
    return user._group_kinds_cache


def own_directory_roles(user: User) -> frozenset[str]:
    """The roles assigned directly to the user in its home tenant."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_own_roles_cache"):
        user._own_roles_cache = frozenset(
            DirectoryRoleAssignment.objects.filter(user=user).values_list("role", flat=True)
        )
    return user._own_roles_cache


def effective_roles(user: User, tenant: Tenant) -> frozenset[str]:
    """User U's effective directory roles in tenant T: its own roles if T is its home tenant; plus, while U's partner
    holds an active delegated admin grant for T, the roles its groups imply. A reseller relationship alone gives
    none."""
    if not user.is_authenticated:
        return frozenset()
    if tenant.pk == user.tenant_id:
        return own_directory_roles(user)
    partner = partner_of(user)
    if partner is None:
        return frozenset()
    role_of_group = DelegatedAdminGrant.ROLE_OF_GROUP
    implied = {role_of_group[k] for k in partner_group_kinds(user) if k in role_of_group}
    if implied and has_active_delegated_admin(partner=partner, customer=tenant):
        return frozenset(implied)
    return frozenset()


def is_own_global_admin(user: User) -> bool:
    return DirectoryRole.GLOBAL_ADMINISTRATOR in own_directory_roles(user)


class MFARequired(Exception):
    """A partner user without multi-factor authentication asked for a partner page (the middleware sends them to
    set it up)."""


def has_mfa(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    if not hasattr(user, "_has_mfa_cache"):
        user._has_mfa_cache = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._has_mfa_cache


MFA_SESSION_KEY = "partner_mfa_ok"


def _require_mfa(request: HttpRequest) -> None:
    """Partner Center requires multi-factor authentication of partner users before they see customers or act for
    them. Once found, the answer is kept in the session (cleared when the user removes an authenticator), so partner
    pages do not pay a query for it on every request."""
    if not settings.PARTNER_MFA_REQUIRED or request.session.get(MFA_SESSION_KEY):
        return
    if not has_mfa(request.user):
        raise MFARequired
    request.session[MFA_SESSION_KEY] = True


def partner_for(request: HttpRequest) -> Partner:
    """The signed-in user's partner; the partner area is closed (403) to users of tenants that are not partners."""
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied(_("The partner area is for partner users."))
    _require_mfa(request)
    return partner


def require_partner_role(request: HttpRequest, *kinds: str) -> Partner:
    """The user's partner, if the user is in one of the given partner groups; otherwise 403."""
    partner = partner_for(request)
    if not partner_group_kinds(request.user) & set(kinds):
        raise PermissionDenied(_("Your role does not include this."))
    return partner


def relationship_request_for(request: HttpRequest, public_id: UUID, *kinds: str):
    """A relationship request of the user's own partner (404 for any other), if the user has one of the roles."""
    from relationships.models import RelationshipRequest

    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    try:
        relationship_request = RelationshipRequest.objects.select_related("created_by").get(
            public_id=public_id, partner=partner
        )
    except RelationshipRequest.DoesNotExist:
        raise Http404 from None
    require_partner_role(request, *kinds)
    return relationship_request


def partner_customer_for(request: HttpRequest, tenant_id: UUID, *kinds: str) -> tuple[Partner, Tenant]:
    """A customer of the user's partner (an active reseller relationship; 404 for any other tenant), if the user is
    in one of the given partner groups (403 otherwise; no groups given: any partner user)."""
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    relationship = (
        ResellerRelationship.objects.select_related("customer")
        .filter(partner=partner, customer__public_id=tenant_id, is_active=True)
        .first()
    )
    if relationship is None:
        raise Http404
    _require_mfa(request)
    if kinds and not partner_group_kinds(request.user) & set(kinds):
        raise PermissionDenied(_("Your role does not include this."))
    return partner, relationship.customer


# What each directory role may do in the admin center. One table, so that pages and tests agree.
GA = DirectoryRole.GLOBAL_ADMINISTRATOR
UA = DirectoryRole.USER_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR
GR = DirectoryRole.GLOBAL_READER
ADMIN_ROLES = frozenset({GA, UA, HA, GR})
CAN_VIEW_USERS = frozenset({GA, UA, HA, GR})
CAN_MANAGE_USERS = frozenset({GA, UA})
CAN_RESET_PASSWORDS = frozenset({GA, UA, HA})  # Helpdesk Administrators: of non-administrators only
CAN_VIEW_ROLES = frozenset({GA, UA, HA, GR})
CAN_MANAGE_ROLES = frozenset({GA})
CAN_VIEW_LICENSES = frozenset({GA, UA, GR})
CAN_MANAGE_LICENSES = frozenset({GA, UA})
CAN_VIEW_ACTIVITY = frozenset({GA, GR})
# Windows Autopilot devices (the rules of who may do what with them are in autopilot/rules.py).
CAN_VIEW_DEVICES = frozenset({GA, GR})
CAN_MANAGE_DEVICES = frozenset({GA})


@dataclass(frozen=True)
class AdminCenter:
    """The admin center of `tenant` as the signed-in user may use it: the user's effective roles there, and the
    partner it acts for when it is not the user's own tenant."""

    tenant: Tenant
    roles: frozenset[str]
    partner: Partner | None = None

    @property
    def on_behalf(self) -> bool:
        return self.partner is not None

    def can(self, allowed: frozenset[str]) -> bool:
        return bool(self.roles & allowed)

    @property
    def allows(self) -> dict[str, bool]:
        """What the pages may offer, for templates: {"manage_users": True, …}."""
        return {
            "view_users": self.can(CAN_VIEW_USERS),
            "manage_users": self.can(CAN_MANAGE_USERS),
            "reset_passwords": self.can(CAN_RESET_PASSWORDS),
            "view_roles": self.can(CAN_VIEW_ROLES),
            "manage_roles": self.can(CAN_MANAGE_ROLES),
            "view_licenses": self.can(CAN_VIEW_LICENSES),
            "manage_licenses": self.can(CAN_MANAGE_LICENSES),
            "view_activity": self.can(CAN_VIEW_ACTIVITY),
            "view_devices": self.can(CAN_VIEW_DEVICES),
            "partner_relationships": not self.on_behalf and GA in self.roles,
        }

    def require(self, allowed: frozenset[str]) -> None:
        if not self.can(allowed):
            raise PermissionDenied(_("Your role does not include this."))


def admin_center_for(request: HttpRequest, tenant_id: UUID, allowed: frozenset[str] = ADMIN_ROLES) -> AdminCenter:
    """The admin center of tenant `tenant_id` for the signed-in user.

    - Its own tenant: with an administrator role (a plain user is not let in: 403).
    - A customer of its partner: with the roles delegated admin gives it (none: 403 with the reason).
    - Any other tenant: 404, as if it did not exist.
    Then `allowed` is checked against the effective roles (403)."""
    user = request.user
    if user.tenant is not None and user.tenant.public_id == tenant_id:
        center = AdminCenter(tenant=user.tenant, roles=own_directory_roles(user))
        if not center.can(ADMIN_ROLES):
            raise PermissionDenied(_("The admin center is for your organisation's administrators."))
    else:
        partner, customer = partner_customer_for(request, tenant_id)
        center = AdminCenter(tenant=customer, roles=effective_roles(user, customer), partner=partner)
        if not center.roles:
            raise PermissionDenied(_("You have no administrator role in this customer's tenant."))
    center.require(allowed)
    return center


def own_global_admin_center_for(request: HttpRequest, tenant_id: UUID) -> AdminCenter:
    """Pages only the tenant's own Global admins may use (Settings > Partner relationships): a partner acting on the
    customer's behalf, even as Global Administrator through delegated admin, may not (403; 404 for other tenants)."""
    user = request.user
    if user.tenant is None or user.tenant.public_id != tenant_id:
        partner_customer_for(request, tenant_id)  # 404 unless the tenant is a customer of the user's partner
        raise PermissionDenied(_("Only the customer's own Global admins can see its partner relationships."))
    if not is_own_global_admin(user):
        raise PermissionDenied(_("Only your organisation's Global admins can do this."))
    return AdminCenter(tenant=user.tenant, roles=own_directory_roles(user))


# The admin center's rules about one user of the tenant (the target), beside the role table above. `target_roles` are
# the target's own directory roles; a user with any of them is an administrator.


def tenant_user_for(center: AdminCenter, user_id: UUID) -> User:
    """A user of the admin center's tenant; 404 for any other user (the same answer for "missing" and "not
    yours")."""
    user = User.objects.filter(public_id=user_id, tenant=center.tenant).first()
    if user is None:
        raise Http404
    return user


def can_manage_user(center: AdminCenter, target_roles: frozenset[str]) -> bool:
    """Edit, delete, reset the password: Global and User Administrators; only a Global Administrator manages a Global
    Administrator (as in Azure AD)."""
    if not center.can(CAN_MANAGE_USERS):
        return False
    return GA not in target_roles or GA in center.roles


def can_reset_password_of(center: AdminCenter, target_roles: frozenset[str]) -> bool:
    """Who may manage the user; and Helpdesk Administrators, for users who are not administrators."""
    return can_manage_user(center, target_roles) or (HA in center.roles and not target_roles)


def can_delete_user(center: AdminCenter, actor: User, target: User, target_roles: frozenset[str]) -> bool:
    """Who may manage the user, except the user itself: nobody deletes their own account."""
    return target.pk != actor.pk and can_manage_user(center, target_roles)


def require_can_manage_user(center: AdminCenter, target_roles: frozenset[str]) -> None:
    if not can_manage_user(center, target_roles):
        raise PermissionDenied(_("Your role does not include this."))


def require_can_reset_password_of(center: AdminCenter, target_roles: frozenset[str]) -> None:
    if not can_reset_password_of(center, target_roles):
        raise PermissionDenied(_("Your role does not include this."))


def require_can_delete_user(center: AdminCenter, actor: User, target: User, target_roles: frozenset[str]) -> None:
    if target.pk == actor.pk:
        raise PermissionDenied(_("You can't delete your own account."))
    require_can_manage_user(center, target_roles)


# The partner's own settings (Settings > User management): its own Global admins only.


def partner_global_admin_for(request: HttpRequest) -> Partner:
    """The user's partner, if the user is a Global admin of the partner's own tenant (403 otherwise; 403 for users of
    tenants that are not partners, as for the whole partner area)."""
    partner = partner_for(request)
    if not is_own_global_admin(request.user):
        raise PermissionDenied(_("Only your organisation's Global admins can manage its users."))
    return partner


def partner_user_for(request: HttpRequest, user_id: UUID) -> tuple[Partner, User]:
    """An active user of the partner's own tenant, for its Global admins (access as partner_global_admin_for; 404
    for any other user: another tenant's, a removed one, or none)."""
    partner = partner_global_admin_for(request)
    user = User.objects.filter(public_id=user_id, tenant_id=partner.tenant_id, is_active=True).first()
    if user is None:
        raise Http404
    return partner, user


# Azure subscriptions. Their own role assignments decide who manages them, not directory roles: delegated admin gives
# a partner no access to a customer's Azure subscriptions, and a role assignment — to the user, or to a group it is a
# member of (a partner's Admin Agents, on a subscription the partner provisioned) — keeps giving it, with or without
# delegated admin. The tenant's own Global admins may also manage access, as Azure lets a Global admin elevate.
AZURE_OWNER, AZURE_CONTRIBUTOR, AZURE_READER = "owner", "contributor", "reader"
AZURE_VIEW, AZURE_MANAGE_RESOURCES, AZURE_MANAGE_ACCESS = "view", "manage_resources", "manage_access"
AZURE_ROLES_THAT_CAN = {
    AZURE_VIEW: frozenset({AZURE_OWNER, AZURE_CONTRIBUTOR, AZURE_READER}),
    AZURE_MANAGE_RESOURCES: frozenset({AZURE_OWNER, AZURE_CONTRIBUTOR}),
    AZURE_MANAGE_ACCESS: frozenset({AZURE_OWNER}),
}
NO_AZURE_ROLE = _lazy("No role assignment on this customer's subscriptions.")


def azure_assignments_of(user: User):
    """The Azure role assignments that apply to the user: its own, and its groups'."""
    from customers.azure_models import AzureRoleAssignment

    return AzureRoleAssignment.objects.filter(Q(user=user) | Q(group__members=user))


def azure_roles(user: User, subscription) -> frozenset[str]:
    """The user's roles on one Azure subscription (Owner, Contributor, Reader), from the role assignments alone."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(azure_assignments_of(user).filter(subscription=subscription).values_list("role", flat=True))


def azure_subscriptions_visible_to(user: User, tenant: Tenant):
    """The tenant's Azure subscriptions the user may see: all of them for the tenant's own Global admins, otherwise
    those the user holds a role on."""
    from customers.azure_models import AzureSubscription

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
    subscription: object
    roles: frozenset[str]
    elevated: bool = False

    def can(self, need: str) -> bool:
        if need in (AZURE_VIEW, AZURE_MANAGE_ACCESS) and self.elevated:
            return True
        return bool(self.roles & AZURE_ROLES_THAT_CAN[need])

    @property
    def allows(self) -> dict[str, bool]:
        return {need: self.can(need) for need in AZURE_ROLES_THAT_CAN}


def _azure_center(request: HttpRequest, tenant: Tenant) -> AdminCenter:
    user = request.user
    if tenant.pk == user.tenant_id:
        return AdminCenter(tenant=tenant, roles=own_directory_roles(user))
    _require_mfa(request)
    return AdminCenter(tenant=tenant, roles=effective_roles(user, tenant), partner=partner_of(user))


def azure_center_for(request: HttpRequest, tenant_id: UUID) -> AdminCenter:
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
        _require_mfa(request)
        raise PermissionDenied(NO_AZURE_ROLE)
    return _azure_center(request, tenant)


def azure_subscription_for(request: HttpRequest, tenant_id: UUID, subscription_id: UUID, need: str) -> AzureAccess:
    """An Azure subscription of tenant `tenant_id` the user may see (a role on it, or the tenant's own Global admin;
    404 for any other, whatever delegated admin says), if its access includes `need` (403 otherwise)."""
    from customers.azure_models import AzureSubscription

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


# What a partner may learn about a customer's other partners. A partner acting for a customer reads, wherever it can
# look (admin center pages and their exports), its own name and the customer's, but never another partner's: it gets
# "Another partner" instead, and the names of another partner's objects (Azure subscriptions it provisioned and
# their resource groups, its device lists, its groups) are withheld. Settings > Partner relationships is closed to it
# for the same reason: who else works for the customer is the customer's to know. The customer's own users read
# every partner's name.
ANOTHER_PARTNER = gettext_lazy("Another partner")  # a name makemessages knows


def partner_name_as_seen(partner: Partner | Tenant, *, viewer: Partner | None) -> str:
    """A partner's name (given as the partner or its tenant) as `viewer` may read it: `viewer` is the partner acting
    for the customer, None for the customer's own users, who read every name."""
    tenant_id = partner.tenant_id if isinstance(partner, Partner) else partner.pk
    if viewer is None or tenant_id == viewer.tenant_id:
        return partner.name
    return str(ANOTHER_PARTNER)


@dataclass(frozen=True)
class OtherPartners:
    """A customer's other partners as one viewer must not learn them (the rule above); nothing is hidden from the
    customer's own users (viewer None). `names` is what must not appear in a response to the viewer."""

    customer: Tenant
    viewer: Partner | None
    tenant_ids: frozenset[int]
    names: frozenset[str]

    def name_of(self, partner: Partner | Tenant) -> str:
        return partner_name_as_seen(partner, viewer=self.viewer)

    def is_other_partner_tenant(self, tenant_id: int | None) -> bool:
        """Any tenant but the customer and the viewer's own is another partner's, to a partner viewer."""
        return (
            self.viewer is not None
            and tenant_id is not None
            and tenant_id not in (self.customer.pk, self.viewer.tenant_id)
        )

    def redact(self, text: str) -> str:
        """The text with every other partner's name replaced: for free text written before the viewer asked (audit
        details name principals such as "Admin Agents — Northwind")."""
        for name in sorted(self.names, key=len, reverse=True):
            text = text.replace(name, str(ANOTHER_PARTNER))
        return text

    @cached_property
    def azure_subscription_ids(self) -> frozenset[str]:
        """The public IDs of the customer's Azure subscriptions other partners provisioned: their objects."""
        from customers.azure_models import AzureSubscription

        if self.viewer is None:
            return frozenset()
        provisioned = AzureSubscription.objects.filter(tenant=self.customer, provisioned_by__isnull=False).exclude(
            provisioned_by=self.viewer
        )
        return frozenset(str(public_id) for public_id in provisioned.values_list("public_id", flat=True))

    def withholds_event_details(self, event) -> bool:
        """Whether an audit event's details are about another partner or its objects, so withheld from the viewer:
        another partner's agent did it, it names another partner (its partner ID), or it is about an Azure
        subscription another partner provisioned."""
        if self.viewer is None:
            return False
        details = event.details if isinstance(event.details, dict) else {}
        partner_id = details.get("partner_id")
        return (
            self.is_other_partner_tenant(event.actor_tenant_id)
            or (partner_id not in (None, "") and partner_id != self.viewer.partner_id)
            or str(details.get("subscription_id", "")) in self.azure_subscription_ids
        )


def other_partners_for(customer: Tenant, viewer: Partner | None) -> OtherPartners:
    """The customer's other partners as `viewer` (the partner acting for it; None for its own users) must not learn
    them: every partner that has or had a reseller relationship with it, but the viewer. One query, none for the
    customer's own users."""
    if viewer is None:
        return OtherPartners(customer, None, frozenset(), frozenset())
    others = (
        Tenant.objects.filter(partner__reseller_relationships__customer=customer)
        .exclude(pk=viewer.tenant_id)
        .values_list("pk", "name")
        .distinct()
    )
    pairs = list(others)
    return OtherPartners(customer, viewer, frozenset(pk for pk, _name in pairs), frozenset(n for _pk, n in pairs))


# The partner's Activity log (Settings > Activity log, and its CSV export).
AZURE_OBJECT_DETAILS = frozenset({"subscription", "resource_group", "principal"})


def activity_log_withheld_details(user: User) -> frozenset[str]:
    """The details of the partner's Activity log that `user` may not read, as keys of AuditEvent.details.

    The rule: every partner user reads every event of the log, whoever of its organisation did it, for which
    customer and when — the log is the organisation's account of what it did, and each agent answers for it. The
    names of Azure objects (subscriptions, their resource groups, and who was given a role on them) are read only by
    Admin agents. Azure subscriptions are reached only through their own role assignments, which a partner gets for
    its Admin Agents group when it provisions one; Sales and Helpdesk agents hold none, so the Azure pages would not
    show them these names and the log must not either. (A customer may give the Helpdesk Agents a role on one
    subscription; they then read its names on its pages, not in the log, which cannot tell which subscription's names
    each of them may read at the time of asking.)"""
    if Kind.ADMIN_AGENTS in partner_group_kinds(user):
        return frozenset()
    return AZURE_OBJECT_DETAILS
