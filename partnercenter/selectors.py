"""Reads of the directory core that cross tables: delegated admin state, and audit events as the activity pages show
them."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import listing
from .listing import Column, Read, RowSource, Sorting
from .models import AuditEvent, DelegatedAdminGrant, Partner, ResellerRelationship, Tenant, User

# How long a partner's count of customers is kept (forget_customer_count forgets it sooner, on any change).
CUSTOMER_COUNT_SECONDS = 600


def _customer_count_key(partner_id: int) -> str:
    return f"customer-count:{partner_id}"


def customer_count(partner: Partner) -> int:
    """How many customers the partner has (ResellerRelationship.IS_CUSTOMER), up to listing.COUNT_CAP + 1.

    Cached: the Customers page shows it on every visit, and counting 10,000 relationships took longer than the rest
    of the page's queries together. A count opens nothing, so a stale one could not show access; and it is not stale
    for long: every change of a partner's relationships forgets it (forget_customer_count)."""
    key = _customer_count_key(partner.pk)
    count = cache.get(key)
    if count is None:
        customers = ResellerRelationship.objects.filter(ResellerRelationship.IS_CUSTOMER, partner=partner)
        count = customers.order_by()[: listing.COUNT_CAP + 1].count()
        cache.set(key, count, CUSTOMER_COUNT_SECONDS)
    return count


def forget_customer_count(partner_id: int) -> None:
    """A relationship of the partner changed: its count is counted again on the next visit. Forgotten now and again
    once the change commits, so that a visit while it commits cannot keep the old count."""
    key = _customer_count_key(partner_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def has_active_delegated_admin(*, partner: Partner, customer: Tenant) -> bool:
    return DelegatedAdminGrant.objects.filter(partner=partner, customer=customer, removed_at__isnull=True).exists()


def with_delegated_admin(
    relationships: QuerySet[ResellerRelationship], *, removal: bool = True
) -> QuerySet[ResellerRelationship]:
    """Reseller relationships with whether delegated admin is active (`has_delegated_admin`) and when the customer
    last removed it (`delegated_admin_removed_at`, None if it never did), in the same query: the facts a partner's
    Customers page shows, and the admin center's access check reads, without a query of their own. Without
    `removal`, only the first: the Customers page's rows show no date, and building a subquery that is not read
    costs about as much Python as running a query.

    Both are scalar subqueries (one index probe per row returned), not EXISTS: for an EXISTS PostgreSQL may choose
    to hash every active grant of the partner, on every page, although a page shows 50 rows."""
    active_grant = (
        DelegatedAdminGrant.objects.filter(
            partner=OuterRef("partner"), customer=OuterRef("customer"), removed_at__isnull=True
        )
        .order_by()
        .values("pk")[:1]
    )
    relationships = relationships.annotate(has_delegated_admin=IsNull(Subquery(active_grant), False))
    if not removal:
        return relationships
    last_removal = (
        DelegatedAdminGrant.objects.filter(
            partner=OuterRef("partner"), customer=OuterRef("customer"), removed_at__isnull=False
        )
        .order_by("-removed_at")
        .values("removed_at")[:1]
    )
    return relationships.annotate(delegated_admin_removed_at=Subquery(last_removal))


def active_grant_sql(row: str) -> str:
    """with_delegated_admin's `has_delegated_admin` as SQL text, for the queries written by hand (a customer's
    relationship, the Customers rows): the active grant of the row `row` (a table or an alias with partner_id and
    customer_id), or NULL. A scalar subquery, not EXISTS, for the reason with_delegated_admin gives."""
    grants = connection.ops.quote_name(DelegatedAdminGrant._meta.db_table)
    return (
        f"(SELECT g.id FROM {grants} g WHERE g.customer_id = {row}.customer_id"  # noqa: S608 -- names only
        f" AND g.partner_id = {row}.partner_id AND g.removed_at IS NULL LIMIT 1)"
    )


# The activity pages' order: by time, newest first by default, from the (actor_tenant, at) and (target_tenant, at)
# indexes of the events.
ACTIVITY_SORTING = Sorting(columns=(Column("when", gettext_lazy("When"), ("at",)),), default="-when")


def audit_event_parts_for_tenant(tenant: Tenant) -> list[QuerySet[AuditEvent]]:
    """audit_events_for_tenant as two disjoint parts, each read in order from one index: what the tenant's own users
    did, and what others (partners on its behalf) did to it. Their OR has no one index: PostgreSQL would gather
    every event of the tenant and sort them, on every page (listing.paginate merges the parts instead)."""
    events = AuditEvent.objects.select_related("actor", "actor_tenant")
    return [events.filter(actor_tenant=tenant), events.filter(target_tenant=tenant).exclude(actor_tenant=tenant)]


def audit_events_for_tenant(tenant: Tenant) -> QuerySet[AuditEvent]:
    """A tenant's activity: what was done to it (by its own users, or by partners on its behalf) and what its own
    users did. Newest first; the actor and its tenant come with each row (one query per page)."""
    return (
        AuditEvent.objects.filter(Q(target_tenant=tenant) | Q(actor_tenant=tenant))
        .select_related("actor", "actor_tenant")
        .order_by("-at", "-id")
    )


def _start_of(day: date) -> datetime | None:
    """Midnight at the start of `day` in the current time zone; None for days no datetime can hold."""
    try:
        return timezone.make_aware(datetime.combine(day, time.min))
    except (OverflowError, ValueError):
        return None


def _activity_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """The moments audit_events_for_partner's dates select: from the start of `date_from`, to the end of `date_to`."""
    start = _start_of(date_from) if date_from is not None else None
    end = None
    if date_to is not None and date_to < date.max:
        end = _start_of(date_to + timedelta(days=1))
    return start, end


@dataclass(frozen=True, slots=True)
class ActivityFilters:
    """What the partner's Activity log is narrowed to (audit_events_for_partner, ActivityRows). `date_to` is
    inclusive (the whole day, in the current time zone); `customer_q` keeps the events whose customer's name or
    primary domain contains it (case-insensitive); `actor_q` those whose user's email address or name contains it."""

    date_from: date | None = None
    date_to: date | None = None
    customer: Tenant | None = None
    customer_q: str = ""
    action: str = ""
    actor: User | None = None
    actor_q: str = ""


def audit_events_for_partner(partner: Partner, filters: ActivityFilters = ActivityFilters()) -> QuerySet[AuditEvent]:
    """The partner's activity log: what its users did (actor_tenant is the partner's tenant), newest first, narrowed
    by the filters."""
    events = AuditEvent.objects.filter(actor_tenant=partner.tenant_id)
    start, end = _activity_bounds(filters.date_from, filters.date_to)
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lt=end)
    if filters.customer is not None:
        events = events.filter(target_tenant=filters.customer)
    if customer_q := filters.customer_q.strip():
        events = events.filter(
            Q(target_tenant__name__icontains=customer_q) | Q(target_tenant__primary_domain__icontains=customer_q)
        )
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor is not None:
        events = events.filter(actor=filters.actor)
    if actor_q := filters.actor_q.strip():
        events = events.filter(
            Q(actor_email__icontains=actor_q)
            | Q(actor__first_name__icontains=actor_q)
            | Q(actor__last_name__icontains=actor_q)
        )
    return events.select_related("actor", "target_tenant").order_by("-at", "-id")


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """An event of the partner's Activity log as its page reads it: the event's values and the few of its user's and
    its customer's that the row shows. Read with values_list (ACTIVITY_ROW_FIELDS): a page of events as model
    instances, each with its user and its customer, cost more than the rest of the rows' work."""

    pk: int
    at: datetime
    action: str
    on_behalf: bool
    details: dict
    actor_email: str
    actor_display_name: str | None  # None: no user (an app, the system, or a user since deleted)
    target_tenant_id: int | None
    customer_name: str | None


# audit_events_for_partner's values that make an ActivityRow (paginate's `values`).
ACTIVITY_ROW_FIELDS = (
    "pk",
    "at",
    "action",
    "on_behalf",
    "details",
    "actor_email",
    "actor_id",
    "actor__first_name",
    "actor__last_name",
    "actor__email",
    "target_tenant_id",
    "target_tenant__name",
)


def activity_rows(values: Iterable[tuple]) -> list[ActivityRow]:
    """ActivityRows from rows of ACTIVITY_ROW_FIELDS."""
    return [
        ActivityRow(
            pk=pk,
            at=at,
            action=action,
            on_behalf=on_behalf,
            details=details,
            actor_email=actor_email,
            actor_display_name=None if actor_id is None else User.display_name_of(first_name, last_name, email),
            target_tenant_id=target_tenant_id,
            customer_name=customer_name,
        )
        for (
            pk,
            at,
            action,
            on_behalf,
            details,
            actor_email,
            actor_id,
            first_name,
            last_name,
            email,
            target_tenant_id,
            customer_name,
        ) in values
    ]


class ActivityRows:
    """The partner's Activity log's rows (ACTIVITY_ROW_FIELDS, and their sort key) and count, in queries written by
    hand, for listing.paginate (a RowSource) on PostgreSQL: the same as audit_events_for_partner's, with the same
    filters. Building that query with the ORM (the filters, the joins, the sort key, the cursor) took several times
    what PostgreSQL took to run it, on a page every partner user opens. Every value goes as a parameter;
    activity_source chooses it on PostgreSQL, and the embedded default (SQLite) reads the ORM's query;
    tests/partner_settings/test_activity_rows_sql.py holds the two to the same pages."""

    model = AuditEvent

    def __init__(self, partner: Partner, filters: ActivityFilters) -> None:
        sql: list[str] = ["e.actor_tenant_id = %s"]
        params: list[Any] = [partner.tenant_id]
        start, end = _activity_bounds(filters.date_from, filters.date_to)
        if start is not None:
            sql.append("e.at >= %s")
            params.append(start)
        if end is not None:
            sql.append("e.at < %s")
            params.append(end)
        if filters.customer is not None:
            sql.append("e.target_tenant_id = %s")
            params.append(filters.customer.pk)
        if customer_q := filters.customer_q.strip():
            # As the ORM's icontains.
            sql.append("(UPPER(t.name::text) LIKE UPPER(%s) OR UPPER(t.primary_domain::text) LIKE UPPER(%s))")
            params += [_contains(customer_q)] * 2
        if filters.action:
            sql.append("e.action = %s")
            params.append(filters.action)
        if filters.actor is not None:
            sql.append("e.actor_id = %s")
            params.append(filters.actor.pk)
        if actor_q := filters.actor_q.strip():
            sql.append(
                "(UPPER(e.actor_email::text) LIKE UPPER(%s) OR UPPER(u.first_name::text) LIKE UPPER(%s)"
                " OR UPPER(u.last_name::text) LIKE UPPER(%s))"
            )
            params += [_contains(actor_q)] * 3
        self.where, self.params = " AND ".join(sql), params
        events, users, tenants = (connection.ops.quote_name(m._meta.db_table) for m in (AuditEvent, User, Tenant))
        self.tables = (
            f"{events} e LEFT OUTER JOIN {users} u ON u.id = e.actor_id"
            f" LEFT OUTER JOIN {tenants} t ON t.id = e.target_tenant_id"
        )

    def count(self, cap: int) -> int:
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {self.tables} WHERE {self.where} LIMIT %s) AS matches"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, cap + 1])
            return cursor.fetchone()[0]

    def rows(self, read: Read) -> list[tuple]:
        keys = [_ACTIVITY_SORT_KEYS[field] for field in read.fields]
        where, params = self.where, list(self.params)
        if read.key is not None:
            # After the cursor in the order read, with its first column's bound repeated on its own (see paginate).
            sign = "<" if read.descending else ">"
            where += f" AND ({', '.join(keys)}) {sign} ({', '.join(['%s'] * len(keys))}) AND {keys[0]} {sign}= %s"
            params += [*read.key, read.key[0]]
        direction = " DESC" if read.descending else " ASC"
        sql = (
            "SELECT e.id, e.at, e.action, e.on_behalf, e.details, e.actor_email, e.actor_id,"  # noqa: S608
            " u.first_name, u.last_name, u.email, e.target_tenant_id, t.name, "
            + ", ".join(keys)
            + f" FROM {self.tables} WHERE {where} ORDER BY "
            + ", ".join(f"{key}{direction}" for key in keys)
            # Numbers in the text, as the ORM writes them: a LIMIT the planner cannot see makes it sort every match.
            + f" LIMIT {int(read.limit)} OFFSET {int(read.offset)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # Django's connection reads jsonb as text, which JSONField (no decoder of its own) parses: so here.
            return [(*row[:4], _json(row[4]), *row[5:]) for row in cursor.fetchall()]


# Each sort field's SQL (ACTIVITY_SORTING, and its tiebreaker).
_ACTIVITY_SORT_KEYS = {"at": "e.at", "pk": "e.id"}


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _contains(text: str) -> str:
    return "%" + connection.ops.prep_for_like_query(text) + "%"


def activity_source(partner: Partner, filters: ActivityFilters) -> RowSource | None:
    """The partner's Activity log as ActivityRows on PostgreSQL; None elsewhere (read the ORM's query)."""
    return ActivityRows(partner, filters) if connection.vendor == "postgresql" else None
