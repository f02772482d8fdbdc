"""Reads of a tenant's directory for its admin center: users, their directory roles, role members."""

from django.db.models import Count, Prefetch, Q, QuerySet

from partnercenter.models import DirectoryRole, DirectoryRoleAssignment, Tenant, User

# Longest search the users list accepts; longer input is cut.
SEARCH_MAX_LENGTH = 200


def _with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Each user's directory role assignments in one more query per page (see directory_roles_of)."""
    return users.prefetch_related(Prefetch("role_assignments", queryset=DirectoryRoleAssignment.objects.order_by()))


def directory_roles_of(user: User) -> frozenset[str]:
    """The user's own directory roles, from the prefetched assignments when there are some (one query otherwise)."""
    return frozenset(a.role for a in user.role_assignments.all())


def tenant_users(tenant: Tenant, q: str = "") -> QuerySet[User]:
    """The tenant's users by name, filtered by a search on name and email: every word of the search must match the
    first name, the last name or the email address."""
    users = User.objects.filter(tenant=tenant)
    for word in q[:SEARCH_MAX_LENGTH].split():
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return _with_roles(users.order_by("first_name", "last_name", "email", "pk"))


def role_member_counts(tenant: Tenant) -> dict[str, int]:
    """How many of the tenant's own users hold each directory role, in one query. A partner's implicit role
    assignments (delegated admin) are not members, as in Azure AD."""
    counts = dict.fromkeys(DirectoryRole.values, 0)
    rows = (
        DirectoryRoleAssignment.objects.filter(user__tenant=tenant)
        .order_by()
        .values("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    counts.update(rows)
    return counts


def role_members(tenant: Tenant, role: str) -> QuerySet[User]:
    """The tenant's own users who hold `role` (never a partner's agents: their roles are implicit)."""
    return _with_roles(
        User.objects.filter(tenant=tenant, role_assignments__role=role).order_by("first_name", "last_name", "email")
    )


def role_candidates(tenant: Tenant, role: str, q: str = "") -> QuerySet[User]:
    """The tenant's users who do not hold `role` yet, for the role's Add members page."""
    return tenant_users(tenant, q).exclude(role_assignments__role=role)
