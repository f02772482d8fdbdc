"""Reads that cross tables: customers of a partner, delegated admin state, requests by token."""

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IsNull

from partnercenter.models import OutboxEmail, Partner, Tenant

from .models import DelegatedAdminGrant, RelationshipRequest, ResellerRelationship
from .tokens import token_hash


def has_active_delegated_admin(*, partner: Partner, customer: Tenant) -> bool:
    return DelegatedAdminGrant.objects.filter(partner=partner, customer=customer, removed_at__isnull=True).exists()


def customers_for(partner: Partner) -> QuerySet[ResellerRelationship]:
    """The partner's customers: its active reseller relationships, with the customer tenant and whether delegated
    admin is active. One query whatever the number of rows.

    Whether delegated admin is active is a scalar subquery (one index probe per row returned), not EXISTS: for an
    EXISTS PostgreSQL may choose to hash every active grant of the partner, on every page, although a page shows
    50 rows."""
    active_grant = (
        DelegatedAdminGrant.objects.filter(partner=partner, customer=OuterRef("customer"), removed_at__isnull=True)
        .order_by()
        .values("pk")[:1]
    )
    return (
        ResellerRelationship.objects.filter(partner=partner, is_active=True)
        .select_related("customer")
        .annotate(has_delegated_admin=IsNull(Subquery(active_grant), False))
        .order_by("customer__name", "customer_id")
    )


# A search shorter than this matches too many customers for an index to help; see customers_search.
SEARCH_SORT_AFTER_FILTER_MIN_LENGTH = 3


def customers_search(queryset: QuerySet[ResellerRelationship], q: str) -> QuerySet[ResellerRelationship]:
    """Filter by company name, domain or Microsoft ID (a whole or partial ID), case-insensitive.

    The order stays customers_for's (company name, then customer). For a search of three characters or more it is
    applied to the matches rather than read from the name index: on PostgreSQL the matches come from the trigram
    indexes (customers' migration 0001), and a name search's matches sort together (every "Woodgrove …" after every
    "Contoso …"), so walking the name index and testing each customer until 50 match can read nearly every
    customer. Concat(name, "") sorts exactly like the name but is not the indexed column."""
    q = q.strip()
    if not q:
        return queryset
    matches = queryset.filter(
        Q(customer__name__icontains=q) | Q(customer__primary_domain__icontains=q) | Q(customer__public_id__icontains=q)
    )
    if len(q) >= SEARCH_SORT_AFTER_FILTER_MIN_LENGTH:
        matches = matches.order_by(Concat("customer__name", Value("")), "customer_id")
    return matches


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


def latest_emails_by_request(requests: list[RelationshipRequest]) -> dict[str, OutboxEmail]:
    """The newest outbox email of each request on a page, in one query."""
    ids = [str(r.public_id) for r in requests]
    latest: dict[str, OutboxEmail] = {}
    for email in OutboxEmail.objects.filter(topic_type=RelationshipRequest._meta.label, topic_id__in=ids).order_by(
        "created_at"
    ):
        latest[email.topic_id] = email
    return latest
