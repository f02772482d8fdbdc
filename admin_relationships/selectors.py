"""Reads of granular delegated admin (GDAP): a customer's admin relationships with their assignments, the
relationship behind an approval link, the role catalogue as forms show it, and the partner's Expiring granular
relationships page."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partnercenter.models import AccessAssignment, AdminRelationship, Partner, SecurityGroup, Tenant
from partnercenter.roles import CATALOGUE
from partnercenter.tokens import token_hash

from .models import BulkRequest, BulkRequestItem, RoleTemplate, RoleTemplateEntry, TemplatedRelationship

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
    """(the page's relationships, the active ones among them, each tile's condition) at `now`, the tiles keyed by
    their windows' values (the query string's and the aggregate's names).

    The page's relationships are written as one range of end dates (what the index on partner and end date reads in
    order, a page at a time), not as "active or expired", which is the same set."""
    Status = AdminRelationship.Status
    page = Q(status__in=[Status.ACTIVE, Status.EXPIRED], ends_at__gt=now - EXPIRED_LOOKBACK)
    active = Q(status=Status.ACTIVE, ends_at__gt=now)
    expired = page & ~active
    tiles = {
        ExpiringWindow.WITHIN_30_DAYS.value: active & Q(ends_at__lte=now + timedelta(days=30)),
        ExpiringWindow.WITHIN_7_DAYS.value: active & Q(ends_at__lte=now + timedelta(days=7)),
        ExpiringWindow.WITHIN_1_DAY.value: active & Q(ends_at__lte=now + timedelta(days=1)),
        ExpiringWindow.AFTER_30_DAYS.value: active & Q(ends_at__gt=now + timedelta(days=30)),
        ExpiringWindow.EXPIRED.value: expired,
    }
    return page, active, tiles


@dataclass(frozen=True)
class ExpiringTile:
    window: ExpiringWindow
    count: int
    share: int  # a percentage, rounded


def expiring_tiles(partner: Partner, *, now: datetime) -> tuple[list[ExpiringTile], int]:
    """The page's tiles with their counts and shares, and how many relationships the page has in all, in one query
    whatever the number of relationships.

    The query puts each relationship in one bucket (expired, or by the nearest of 1, 7 and 30 days, or after) and
    counts the buckets: one CASE a row is about half the work of a filtered count per tile, which every request of
    the page pays; the windows are then sums of buckets."""
    page, _active, _tiles = _expiring_conditions(now)
    bucket = Case(
        When(~Q(status=AdminRelationship.Status.ACTIVE) | Q(ends_at__lte=now), then=Value("expired")),
        When(ends_at__lte=now + timedelta(days=1), then=Value("1d")),
        When(ends_at__lte=now + timedelta(days=7), then=Value("7d")),
        When(ends_at__lte=now + timedelta(days=30), then=Value("30d")),
        default=Value("after"),
        output_field=models.CharField(),
    )
    buckets = dict.fromkeys(("expired", "1d", "7d", "30d", "after"), 0)
    buckets.update(
        AdminRelationship.objects.filter(page, partner=partner)
        .annotate(bucket=bucket)
        .order_by()
        .values_list("bucket")
        .annotate(n=Count("*"))
    )
    counts = {
        ExpiringWindow.WITHIN_1_DAY: buckets["1d"],
        ExpiringWindow.WITHIN_7_DAYS: buckets["1d"] + buckets["7d"],
        ExpiringWindow.WITHIN_30_DAYS: buckets["1d"] + buckets["7d"] + buckets["30d"],
        ExpiringWindow.AFTER_30_DAYS: buckets["after"],
        ExpiringWindow.EXPIRED: buckets["expired"],
    }
    active = counts[ExpiringWindow.WITHIN_30_DAYS] + buckets["after"]
    overall = active + buckets["expired"]

    def share(count: int, total: int) -> int:
        return round(100 * count / total) if total else 0

    tiles = [
        ExpiringTile(
            window, counts[window], share(counts[window], overall if window == ExpiringWindow.EXPIRED else active)
        )
        for window in ExpiringWindow
    ]
    return tiles, overall


def expiring_relationships(
    partner: Partner, *, now: datetime, window: str = "", q: str = "", sort: str = EXPIRING_DEFAULT_SORT
) -> QuerySet[AdminRelationship]:
    """The page's relationships: those of the tile `window` (all of the page's when none), searched by customer or
    relationship name (every word must match one of them), sorted in the database, with their customers (one query
    for a page of them). Only the partner's own relationships, whatever the parameters say."""
    page, _active, tiles = _expiring_conditions(now)
    relationships = AdminRelationship.objects.filter(page, partner=partner).select_related("customer")
    if window in tiles:
        relationships = relationships.filter(tiles[window])
    for word in q[:SEARCH_MAX_LENGTH].split():
        relationships = relationships.filter(Q(customer__name__icontains=word) | Q(display_name__icontains=word))
    return relationships.order_by(*EXPIRING_SORTS.get(sort, EXPIRING_SORTS[EXPIRING_DEFAULT_SORT]))


# What a row of the page (and of its download) shows, in this order; see expiring_rows.
EXPIRING_ROW_FIELDS = (
    "public_id",
    "display_name",
    "roles",
    "status",
    "activated_at",
    "ends_at",
    "auto_extend_days",
    "customer__public_id",
    "customer__name",
)


def expiring_rows(relationships: QuerySet[AdminRelationship]) -> QuerySet:
    """Rows of expiring_relationships (a page of them, or all for the download) as tuples of EXPIRING_ROW_FIELDS:
    only the columns a row shows, and no model instances."""
    return relationships.values_list(*EXPIRING_ROW_FIELDS)


_CATALOGUE_ORDER = {value: n for n, value in enumerate(CATALOGUE)}


class ExpiringWords:
    """A row's words (its roles' names, its status, auto extend), worked out once per page or download in the
    language of the moment: the same few words for every row, each translated once."""

    def __init__(self, now: datetime) -> None:
        Status = AdminRelationship.Status
        self.now = now
        self.active, self.expired = str(Status.ACTIVE.label), str(Status.EXPIRED.label)
        self.auto_extend_on = gettext("On, by %(days)s days") % {"days": AdminRelationship.AUTO_EXTEND_DAYS}
        self.auto_extend_off = gettext("Off")
        self._names: dict[str, str] = {}

    def role_names(self, roles: list[str]) -> list[str]:
        """The roles' names, in the catalogue's order (a value the catalogue lacks is left out)."""
        names = []
        for value in sorted((r for r in roles if r in _CATALOGUE_ORDER), key=_CATALOGUE_ORDER.__getitem__):
            if value not in self._names:
                self._names[value] = str(CATALOGUE[value].name)
            names.append(self._names[value])
        return names

    def status(self, status: str, ends_at: datetime | None) -> str:
        """Expired by status, or past its end date (before the periodic task marks it); otherwise its status."""
        Status = AdminRelationship.Status
        if status == Status.EXPIRED or (ends_at is not None and ends_at <= self.now):
            return self.expired
        return self.active if status == Status.ACTIVE else str(Status(status).label)

    def auto_extend(self, days: int) -> str:
        return self.auto_extend_on if days else self.auto_extend_off
