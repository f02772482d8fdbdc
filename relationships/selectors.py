"""Reads that cross tables: customers of a partner, delegated admin state, the partners of a customer, the admin
portals a partner agent may open, requests by token."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnercenter.listing import Column, Sorting
from partnercenter.models import (
    AdminRelationship,
    DelegatedAdminGrant,
    DirectoryRole,
    OutboxEmail,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
)
from partnercenter.roles import CATALOGUE

from .models import RelationshipRequest
from .tokens import token_hash

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations  # a test dependency: the types only, not at run time


@dataclass(frozen=True)
class PartnerRelationship:
    """One partner of a customer, as Settings > Partner relationships shows it."""

    partner: Partner
    reseller_since: datetime | None
    delegated_admin_since: datetime | None

    @property
    def is_reseller(self) -> bool:
        return self.reseller_since is not None

    @property
    def has_delegated_admin(self) -> bool:
        return self.delegated_admin_since is not None

    @property
    def relationship_type(self) -> str:
        if self.is_reseller and self.has_delegated_admin:
            return _("Reseller, Delegated admin")
        if self.has_delegated_admin:
            return _("Delegated admin")
        return _("Reseller")

    @property
    def since(self) -> datetime:
        return min(d for d in (self.reseller_since, self.delegated_admin_since) if d is not None)

    @property
    def roles(self) -> list[tuple["StrOrPromise", "StrOrPromise"]]:
        """(directory role, partner group) pairs the partner holds implicitly: only while delegated admin is
        active."""
        if not self.has_delegated_admin:
            return []
        return [
            (DirectoryRole(role).label, SecurityGroup.Kind(kind).label)
            for kind, role in DelegatedAdminGrant.ROLE_OF_GROUP.items()
        ]


class _RelationshipDates(TypedDict):
    reseller_since: datetime | None
    delegated_admin_since: datetime | None


def partner_relationships_of(customer: Tenant) -> QuerySet["WithAnnotations[Partner, _RelationshipDates]"]:
    """The partners with a relationship with the customer: an active reseller relationship, an active delegated admin
    grant, or both; with the dates they began (reseller_since, delegated_admin_since). One query. Only this
    customer's relationships: the subqueries and the filter are all on `customer`."""
    resellers = ResellerRelationship.objects.filter(customer=customer, is_active=True).order_by()
    grants = DelegatedAdminGrant.objects.filter(customer=customer, removed_at__isnull=True).order_by()
    return (
        # EXISTS per partner, not IN: PostgreSQL then walks the tenants' name index, a page's worth, rather than
        # gather every relationship of the customer to hash them (a customer with many partners paid for all).
        Partner.objects.filter(
            Exists(resellers.filter(partner=OuterRef("pk"))) | Exists(grants.filter(partner=OuterRef("pk")))
        )
        .select_related("tenant")
        .annotate(
            reseller_since=Subquery(resellers.filter(partner=OuterRef("pk")).values("created_at")[:1]),
            delegated_admin_since=Subquery(grants.filter(partner=OuterRef("pk")).values("granted_at")[:1]),
        )
        .order_by("tenant__name", "pk")
    )


# Settings > Partner relationships, by the partner's name (the tenants' (name, id) index, customers' migration 0001).
PARTNER_RELATIONSHIP_SORTING = Sorting(
    columns=(Column("name", gettext_lazy("Partner"), ("tenant__name",)),), default="name", tiebreaker="tenant_id"
)


def partner_relationship_rows(
    partners: Iterable["WithAnnotations[Partner, _RelationshipDates]"],
) -> list[PartnerRelationship]:
    """Rows for the page from partner_relationships_of's partners."""
    return [PartnerRelationship(p, p.reseller_since, p.delegated_admin_since) for p in partners]


def partner_relationship_of(customer: Tenant, partner_tenant_id: UUID) -> PartnerRelationship | None:
    """One partner of the customer, by the partner's Microsoft ID; None unless it has a relationship with it now."""
    partner = partner_relationships_of(customer).filter(tenant__public_id=partner_tenant_id).first()
    return PartnerRelationship(partner, partner.reseller_since, partner.delegated_admin_since) if partner else None


def partner_with_history(customer: Tenant, partner_tenant_id: UUID) -> Partner | None:
    """A partner that has, or once had, a reseller relationship or delegated admin grant with the customer; None for
    any other partner (which the customer has no business knowing about)."""
    return (
        Partner.objects.select_related("tenant")
        .filter(tenant__public_id=partner_tenant_id)
        .filter(
            Q(pk__in=ResellerRelationship.objects.filter(customer=customer).values("partner"))
            | Q(pk__in=DelegatedAdminGrant.objects.filter(customer=customer).values("partner"))
        )
        .first()
    )


def relationship_request_by_token(token: str) -> RelationshipRequest | None:
    if not token or len(token) > 100:
        return None
    return (
        RelationshipRequest.objects.select_related("partner__tenant", "created_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def requests_for(partner: Partner) -> QuerySet[RelationshipRequest]:
    return RelationshipRequest.objects.filter(partner=partner).select_related("created_by", "customer")


# Relationship requests' orders, each served by a (partner, column, id) index (relationships' migration 0005).
REQUEST_SORTING = Sorting(
    columns=(
        Column("created", gettext_lazy("Created"), ("created_at",)),
        Column("expires", gettext_lazy("Expires"), ("expires_at",)),
        Column("state", gettext_lazy("State"), ("state",)),
    ),
    default="-created",
)
REQUEST_SEARCH_MAX_LENGTH = 200


def requests_filtered(requests: QuerySet[RelationshipRequest], *, state: str, q: str) -> QuerySet[RelationshipRequest]:
    """Requests in an effective state (a draft or pending request past its expiry is expired; anything not a state
    is every state), whose recipient's email address or customer's name contains `q` (case-insensitive). Pending is
    the invitations customers hold: drafts are a state of their own."""
    now = timezone.now()
    State = RelationshipRequest.State
    if state == State.EXPIRED:
        requests = requests.filter(
            Q(state=State.EXPIRED) | Q(state__in=RelationshipRequest.OPEN_STATES, expires_at__lte=now)
        )
    elif state in RelationshipRequest.OPEN_STATES:
        requests = requests.filter(state=state, expires_at__gt=now)
    elif state in State.values:
        requests = requests.filter(state=state)
    if q := q.strip()[:REQUEST_SEARCH_MAX_LENGTH]:
        requests = requests.filter(Q(recipient_email__icontains=q) | Q(customer__name__icontains=q))
    return requests


def latest_emails_by_request(requests: list[RelationshipRequest]) -> dict[str, OutboxEmail]:
    """The newest outbox email of each request on a page, in one query."""
    ids = [str(r.public_id) for r in requests]
    latest: dict[str, OutboxEmail] = {}
    for email in OutboxEmail.objects.filter(topic_type=RelationshipRequest._meta.label, topic_id__in=ids).order_by(
        "created_at"
    ):
        latest[email.topic_id] = email
    return latest


def admin_relationships_for_customer(customer: Tenant, partner: Partner) -> QuerySet[AdminRelationship]:
    """The partner's granular delegated admin (GDAP) relationships with the customer that the customer has been asked
    about: every one but the partner's drafts (status created), newest first."""
    return AdminRelationship.objects.filter(partner=partner, customer=customer).exclude(
        status=AdminRelationship.Status.CREATED
    )


def role_names(roles) -> list[str]:
    """Role values as their names, in the catalogue's order."""
    wanted = set(roles)
    return [definition.name for value, definition in CATALOGUE.items() if value in wanted]
