"""Reads of granular delegated admin (GDAP): a customer's admin relationships with their assignments, the
relationship behind an approval link, the role catalogue as forms show it."""

from django.db.models import Prefetch, QuerySet

from partnercenter.models import AccessAssignment, AdminRelationship, Partner, SecurityGroup, Tenant
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_hash


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
