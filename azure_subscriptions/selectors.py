"""Reads of Azure subscriptions that cross tables: the list a user sees, its roles on each, a subscription's role
assignments, and the Azure portal on the partner's Customers rows."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from partnercenter.models import Partner, Tenant, User

from .models import AzureRole, AzureRoleAssignment, AzureSubscription, ResourceGroup
from .rules import azure_assignments_of, azure_subscriptions_visible_to
from .services import group_label

ROLE_ORDER = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(AzureRole.values)),
    output_field=IntegerField(),
)


def subscriptions_for(user: User, tenant: Tenant) -> QuerySet[AzureSubscription]:
    """The tenant's subscriptions the user may see, with who provisioned them and their resource group count."""
    return (
        azure_subscriptions_visible_to(user, tenant)
        .select_related("provisioned_by__tenant")
        .annotate(resource_group_count=Count("resource_groups"))
        .order_by("name", "pk")
    )


def provisioned_for_customer(partner: Partner, customer: Tenant, viewer: User) -> list[tuple[AzureSubscription, bool]]:
    """The Azure subscriptions `partner` provisioned for `customer` (at most 100, by name), each with whether `viewer`
    may open it in the customer's admin center (its Access control): two queries."""
    provisioned = list(
        AzureSubscription.objects.filter(tenant=customer, provisioned_by=partner).order_by("name", "pk")[:100]
    )
    visible = set(
        azure_subscriptions_visible_to(viewer, customer)
        .filter(pk__in=[s.pk for s in provisioned])
        .values_list("pk", flat=True)
    )
    return [(subscription, subscription.pk in visible) for subscription in provisioned]


def roles_by_subscription(user: User, subscriptions: Iterable[AzureSubscription]) -> dict[int, list[str]]:
    """The user's role labels on each of the given subscriptions (strongest first), in one query."""
    ranked = {role: rank for rank, role in enumerate(AzureRole.values)}
    found: dict[int, set[str]] = defaultdict(set)
    assignments = azure_assignments_of(user).filter(subscription__in=[s.pk for s in subscriptions])
    for subscription_id, role in assignments.values_list("subscription_id", "role"):
        found[subscription_id].add(role)
    return {
        pk: [str(AzureRole(role).label) for role in sorted(roles, key=ranked.__getitem__)]
        for pk, roles in found.items()
    }


def resource_groups_of(subscription: AzureSubscription) -> QuerySet[ResourceGroup]:
    return ResourceGroup.objects.filter(subscription=subscription).order_by("name", "pk")


@dataclass(frozen=True)
class AssignmentRow:
    """One role assignment as Access control lists it."""

    assignment: AzureRoleAssignment
    principal: str
    kind: str  # "user", "group" or "foreign"

    @property
    def is_foreign(self) -> bool:
        return self.kind == "foreign"


def role_assignments_of(subscription: AzureSubscription) -> QuerySet[AzureRoleAssignment]:
    return (
        AzureRoleAssignment.objects.filter(subscription=subscription)
        .select_related("user", "group__tenant")
        .order_by(ROLE_ORDER, "user__email", "group__name", "pk")
    )


def assignment_rows(
    subscription: AzureSubscription, assignments: Iterable[AzureRoleAssignment], *, viewer: Partner | None = None
) -> list[AssignmentRow]:
    """The rows as `viewer` (the partner acting for the customer, None for its own users) reads them: other
    partners' groups are foreign principals of "Another partner" to a partner."""
    rows = []
    for a in assignments:
        if a.user is not None:
            name = a.user.get_full_name()
            rows.append(AssignmentRow(a, f"{name} ({a.user.email})" if name else a.user.email, "user"))
        else:
            assert a.group is not None  # the check constraint: a user or a group
            foreign = a.group.tenant_id != subscription.tenant_id
            label = group_label(a.group, home_tenant_id=subscription.tenant_id, viewer=viewer)
            rows.append(AssignmentRow(a, label, "foreign" if foreign else "group"))
    return rows


def assignment_for(subscription: AzureSubscription, assignment_id) -> AzureRoleAssignment | None:
    return role_assignments_of(subscription).filter(public_id=assignment_id).first()


def assignment_row(
    subscription: AzureSubscription, assignment: AzureRoleAssignment, *, viewer: Partner | None = None
) -> AssignmentRow:
    return assignment_rows(subscription, [assignment], viewer=viewer)[0]


def is_last_owner(assignment: AzureRoleAssignment) -> bool:
    return (
        assignment.role == AzureRole.OWNER
        and not AzureRoleAssignment.objects.filter(subscription_id=assignment.subscription_id, role=AzureRole.OWNER)
        .exclude(pk=assignment.pk)
        .exists()
    )


def provisioned_by_other_partners(customer: Tenant, viewer: Partner | None) -> frozenset[str]:
    """The public IDs of the customer's Azure subscriptions partners other than `viewer` provisioned: their objects,
    which `viewer` (a partner acting for the customer) does not read about (partnercenter.other_partners). Nothing
    for the customer's own users (viewer None)."""
    if viewer is None:
        return frozenset()
    provisioned = AzureSubscription.objects.filter(tenant=customer, provisioned_by__isnull=False).exclude(
        provisioned_by=viewer
    )
    return frozenset(str(public_id) for public_id in provisioned.values_list("public_id", flat=True))
