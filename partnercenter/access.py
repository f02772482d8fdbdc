"""The one place that answers "may this user do this here?".

Views call these first. Objects the user has no business with raise Http404 (the same answer for "missing" and "not
yours"); actions the user may not take on objects it can see raise PermissionDenied (403).
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import DirectoryRole, DirectoryRoleAssignment, Partner, SecurityGroup, Tenant, User

Kind = SecurityGroup.Kind

# Which partner group implies which directory role in a customer tenant while delegated admin is active.
DELEGATED_ROLE_OF_GROUP: dict[str, str] = {
    Kind.ADMIN_AGENTS: DirectoryRole.GLOBAL_ADMINISTRATOR,
    Kind.HELPDESK_AGENTS: DirectoryRole.HELPDESK_ADMINISTRATOR,
}


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
    from relationships.selectors import has_active_delegated_admin

    if not user.is_authenticated:
        return frozenset()
    if tenant.pk == user.tenant_id:
        return own_directory_roles(user)
    partner = partner_of(user)
    if partner is None:
        return frozenset()
    implied = {DELEGATED_ROLE_OF_GROUP[k] for k in partner_group_kinds(user) if k in DELEGATED_ROLE_OF_GROUP}
    if implied and has_active_delegated_admin(partner=partner, customer=tenant):
        return frozenset(implied)
    return frozenset()


def is_own_global_admin(user: User) -> bool:
    return DirectoryRole.GLOBAL_ADMINISTRATOR in own_directory_roles(user)


def partner_for(request: HttpRequest) -> Partner:
    """The signed-in user's partner; the partner area is closed (403) to users of tenants that are not partners."""
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied("The partner area is for partner users.")
    return partner


def require_partner_role(request: HttpRequest, *kinds: str) -> Partner:
    """The user's partner, if the user is in one of the given partner groups; otherwise 403."""
    partner = partner_for(request)
    if not partner_group_kinds(request.user) & set(kinds):
        raise PermissionDenied("Your role does not include this.")
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
