"""Reads of granular delegated admin (GDAP): a customer's admin relationships with their assignments, the
relationship behind an approval link, the role catalogue as forms show it, and the partner's Expiring granular
relationships page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partnercenter.models import AccessAssignment, AdminRelationship, Partner, SecurityGroup, Tenant
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_hash

# Longest search the pages accept; longer input is cut.
SEARCH_MAX_LENGTH = 200


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


# --- Expiring granular relationships (under Customers) -------------------------------------------------------------
#
# The partner's active relationships by how soon they end, and those that expired in the last year. As Partner
# Center's page does, the four "expiring" tiles are shares of the active relationships, the "expired" tile a share of
# all the page's relationships (active, and expired in the last year). The end date decides, as it does for access:
# an active relationship past its end is expired, whether or not the periodic task has marked it yet. A request that
# expired unapproved has no end date and is not on the page.

EXPIRED_LOOKBACK = timedelta(days=365)


class ExpiringWindow(models.TextChoices):
    """A tile of the page, and the filter it applies (the `expires` parameter)."""

    WITHIN_30_DAYS = "30d", _("Expiring within 30 days")
    WITHIN_7_DAYS = "7d", _("Expiring within 7 days")
    WITHIN_1_DAY = "1d", _("Expiring within 1 day")
    AFTER_30_DAYS = "after-30d", _("Expiring after 30 days")
    EXPIRED = "expired", _("Expired in the last year")


# Sorting, by the `sort` parameter: the column and its direction; each ends with the primary key, so that pages do not
# overlap when end dates are equal.
EXPIRING_SORTS: dict[str, tuple[str, ...]] = {
    "end": ("ends_at", "pk"),
    "-end": ("-ends_at", "-pk"),
    "customer": ("customer__name", "ends_at", "pk"),
    "-customer": ("-customer__name", "ends_at", "pk"),
    "name": ("display_name", "pk"),
    "-name": ("-display_name", "pk"),
}
EXPIRING_DEFAULT_SORT = "end"


def _expiring_conditions(now: datetime) -> tuple[Q, Q, dict[str, Q]]:
    """(active, expired, each tile's condition) at `now`, the tiles keyed by their windows' values (the query
    string's and the aggregate's names)."""
    Status = AdminRelationship.Status
    active = Q(status=Status.ACTIVE, ends_at__gt=now)
    expired = (Q(status=Status.EXPIRED) | Q(status=Status.ACTIVE, ends_at__lte=now)) & Q(
        ends_at__gt=now - EXPIRED_LOOKBACK
    )
    tiles = {
        ExpiringWindow.WITHIN_30_DAYS.value: active & Q(ends_at__lte=now + timedelta(days=30)),
        ExpiringWindow.WITHIN_7_DAYS.value: active & Q(ends_at__lte=now + timedelta(days=7)),
        ExpiringWindow.WITHIN_1_DAY.value: active & Q(ends_at__lte=now + timedelta(days=1)),
        ExpiringWindow.AFTER_30_DAYS.value: active & Q(ends_at__gt=now + timedelta(days=30)),
        ExpiringWindow.EXPIRED.value: expired,
    }
    return active, expired, tiles


@dataclass(frozen=True)
class ExpiringTile:
    window: ExpiringWindow
    count: int
    share: int  # a percentage, rounded


def expiring_tiles(partner: Partner, *, now: datetime) -> list[ExpiringTile]:
    """The page's tiles with their counts and shares, in one aggregate query whatever the number of relationships."""
    active, expired, tiles = _expiring_conditions(now)
    counts = AdminRelationship.objects.filter(partner=partner).aggregate(
        active=Count("pk", filter=active),
        overall=Count("pk", filter=active | expired),
        **{window: Count("pk", filter=condition) for window, condition in tiles.items()},
    )

    def share(count: int, total: int) -> int:
        return round(100 * count / total) if total else 0

    return [
        ExpiringTile(
            window,
            counts[window.value],
            share(counts[window.value], counts["overall" if window == ExpiringWindow.EXPIRED else "active"]),
        )
        for window in ExpiringWindow
    ]


def expiring_relationships(
    partner: Partner, *, now: datetime, window: str = "", q: str = "", sort: str = EXPIRING_DEFAULT_SORT
) -> QuerySet[AdminRelationship]:
    """The page's relationships: those of the tile `window` (all of the page's when none), searched by customer or
    relationship name (every word must match one of them), sorted in the database, with their customers (one query
    for a page of them). Only the partner's own relationships, whatever the parameters say."""
    active, expired, tiles = _expiring_conditions(now)
    condition = tiles.get(window, active | expired)
    relationships = AdminRelationship.objects.filter(condition, partner=partner).select_related("customer")
    for word in q[:SEARCH_MAX_LENGTH].split():
        relationships = relationships.filter(Q(customer__name__icontains=word) | Q(display_name__icontains=word))
    return relationships.order_by(*EXPIRING_SORTS.get(sort, EXPIRING_SORTS[EXPIRING_DEFAULT_SORT]))


def is_expired(relationship: AdminRelationship, now: datetime) -> bool:
    """Expired by status, or past its end date (before the periodic task marks it)."""
    return relationship.status == AdminRelationship.Status.EXPIRED or bool(
        relationship.ends_at and relationship.ends_at <= now
    )
