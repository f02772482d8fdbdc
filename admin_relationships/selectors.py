"""Reads of granular delegated admin (GDAP): a customer's admin relationships with their assignments, the
relationship behind an approval link, the role catalogue as forms show it."""

from django.db.models import Prefetch, QuerySet

from partnercenter.models import AccessAssignment, AdminRelationship, Partner, SecurityGroup, Tenant
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_hash

from .models import BulkRequest, BulkRequestItem, RoleTemplate, RoleTemplateEntry, TemplatedRelationship


def admin_relationships_of(partner: Partner, customer: Tenant | None) -> QuerySet[AdminRelationship]:
    """The partner's admin relationships with the customer, newest first, each with `live_assignments` (its access
    assignments not deleted, with their groups): two queries whatever their number."""
    return AdminRelationship.objects.filter(partner=partner, customer=customer).prefetch_related(
        Prefetch(
            "access_assignments",
            queryset=AccessAssignment.objects.exclude(status=AccessAssignment.Status.DELETED).select_related(
                "security_group"
            ),
            to_attr="live_assignments",
        )
    )


def pending_requests_of(partner: Partner) -> QuerySet[AdminRelationship]:
    """The partner's admin relationship requests that no customer has approved yet (sent to a customer who is not
    yet one: no customer bound), newest first: drafts, requests awaiting approval, and those rejected or expired."""
    return AdminRelationship.objects.filter(partner=partner, customer__isnull=True).order_by("-created_at", "-id")


def admin_relationship_by_token(token: str) -> AdminRelationship | None:
    """The relationship whose approval link carries `token` (only its hash is stored), or None."""
    if not token or len(token) > 100:
        return None
    return (
        AdminRelationship.objects.select_related("partner__tenant", "customer")
        .filter(token_hash=token_hash(token))
        .first()
    )


def role_rows(roles) -> list[dict]:
    """Roles as pages show them: name and description, in the catalogue's order."""
    wanted = set(roles)
    return [
        {"value": value, "name": d.name, "description": d.description}
        for value, d in CATALOGUE.items()
        if value in wanted
    ]


def partner_groups(partner: Partner) -> QuerySet[SecurityGroup]:
    """The partner's security groups, which an assignment may give roles to."""
    return SecurityGroup.objects.filter(tenant_id=partner.tenant_id).order_by("name")


def role_templates_of(partner: Partner) -> QuerySet[RoleTemplate]:
    """The partner's role templates by name, each with its entries and their groups: two queries whatever their
    number."""
    return RoleTemplate.objects.filter(partner=partner).prefetch_related(
        Prefetch("entries", queryset=RoleTemplateEntry.objects.select_related("security_group").order_by())
    )


def template_rows(template: RoleTemplate) -> list[dict]:
    """A template's roles as pages show them, in the catalogue's order, each with the group it goes to (from the
    prefetched entries of role_templates_of)."""
    group_of = {entry.role: entry.security_group for entry in template.entries.all()}
    return [{**row, "group": group_label(group_of[row["value"]])} for row in role_rows(group_of)]


def template_entries(template: RoleTemplate) -> QuerySet[RoleTemplateEntry]:
    return RoleTemplateEntry.objects.filter(template=template).select_related("security_group")


def group_label(group: SecurityGroup) -> str:
    """A group's name as pages show it: a built-in group's in the page's language."""
    return str(group.get_kind_display()) if group.kind != SecurityGroup.Kind.CUSTOM else group.name


def template_plan(relationship: AdminRelationship) -> dict | None:
    """For a relationship requested from a role template: the template's name, and, until approval applies it, what
    the approval will give which group (from the snapshot): two queries. None for a relationship without one."""
    templated = TemplatedRelationship.objects.filter(relationship=relationship).first()
    if templated is None:
        return None
    groups = SecurityGroup.objects.in_bulk([item["group"] for item in templated.assignments])
    plan = [
        (group_label(groups[item["group"]]), role_rows(item["roles"]))
        for item in templated.assignments
        if item["group"] in groups
    ]
    return {"name": templated.template_name, "applied": templated.applied_at is not None, "plan": plan}


def bulk_request_items(bulk: BulkRequest) -> QuerySet[BulkRequestItem]:
    """A bulk request's customers and their results, with the customer and the relationship: one query."""
    return bulk.items.select_related("customer", "relationship").order_by("id")
