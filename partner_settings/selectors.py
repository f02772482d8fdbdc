"""Reads for Settings > User management: the partner's users with their roles."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.utils.translation import gettext_lazy

from partnercenter.listing import Column, Sorting
from partnercenter.models import DirectoryRole, DirectoryRoleAssignment, Partner, SecurityGroup, User

from .rules import PARTNER_ROLE_KINDS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a test dependency: the types only, not at run time


class _PrefetchedRoles(TypedDict):
    role_groups: list[SecurityGroup]
    global_admin_roles: list[DirectoryRoleAssignment]


def partner_users(partner: Partner) -> QuerySet["WithAnnotations[User, _PrefetchedRoles]"]:
    """The partner's active users by name, each with `role_groups` (its built-in groups) and `global_admin_roles`
    prefetched: a page of them costs three queries whatever its length."""
    return (
        User.objects.filter(tenant_id=partner.tenant_id, is_active=True)
        .prefetch_related(
            Prefetch(
                "security_groups",
                queryset=SecurityGroup.objects.filter(
                    tenant_id=partner.tenant_id, kind__in=PARTNER_ROLE_KINDS
                ).order_by(),
                to_attr="role_groups",
            ),
            Prefetch(
                "role_assignments",
                queryset=DirectoryRoleAssignment.objects.filter(role=DirectoryRole.GLOBAL_ADMINISTRATOR).order_by(),
                to_attr="global_admin_roles",
            ),
        )
        .order_by("first_name", "last_name", "email")
    )


# User management's orders, each read from a (tenant, column…, id) index of the users (partnercenter's 0010).
PARTNER_USER_SORTING = Sorting(
    columns=(
        Column("name", gettext_lazy("Name"), ("first_name", "last_name")),
        Column("email", gettext_lazy("Email"), ("email",)),
    ),
    default="name",
)
# Longest search User management accepts; longer input is cut.
SEARCH_MAX_LENGTH = 200


def partner_users_search(users: QuerySet[User], q: str) -> QuerySet[User]:
    """Users every word of whose search matches the first name, the last name or the email address."""
    for word in q[:SEARCH_MAX_LENGTH].split():
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return users


def is_global_admin(user: "WithAnnotations[User, _PrefetchedRoles]") -> bool:
    """Whether the user is a Global admin of its tenant, from the prefetched role assignments."""
    return bool(user.global_admin_roles)


def role_kinds(user: "WithAnnotations[User, _PrefetchedRoles]") -> list[str]:
    """The user's partner roles in page order, from the prefetched groups."""
    kinds = {g.kind for g in user.role_groups}
    return [k for k in PARTNER_ROLE_KINDS if k in kinds]


def user_role_kinds(partner: Partner, user: User) -> list[str]:
    kinds = set(
        SecurityGroup.objects.filter(tenant_id=partner.tenant_id, kind__in=PARTNER_ROLE_KINDS, members=user)
        .order_by()
        .values_list("kind", flat=True)
    )
    return [k for k in PARTNER_ROLE_KINDS if k in kinds]


def security_groups(partner: Partner) -> QuerySet[SecurityGroup]:
    """The partner's security groups, built-in first, each with `member_count`: one query."""
    return (
        SecurityGroup.objects.filter(tenant_id=partner.tenant_id)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by(Case(When(kind=SecurityGroup.Kind.CUSTOM, then=1), default=0), "name")
    )


def security_group_members(group: SecurityGroup) -> QuerySet[User]:
    return group.members.filter(is_active=True).order_by("first_name", "last_name", "email")


def security_group_candidates(group: SecurityGroup) -> QuerySet[User]:
    """The partner's active users not yet in `group`."""
    return (
        User.objects.filter(tenant_id=group.tenant_id, is_active=True)
        .exclude(security_groups=group)
        .order_by("first_name", "last_name", "email")
    )
