"""Reads that cross tables for the customers' pages: a tenant's directory for its admin center (users, their
directory roles, role members), and the partner's Customers page (its customers, their search, and the admin portal
of each service a row offers, with the reason when it is disabled)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import CharField, DateTimeField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from azure_subscriptions.rules import NO_AZURE_ROLE, azure_assignments_of
from partnercenter.listing import Column, Read, RowSource, Sorting
from partnercenter.models import (
    AdminRelationship,
    DelegatedAdminGrant,
    DirectoryRole,
    DirectoryRoleAssignment,
    Partner,
    ResellerRelationship,
    Tenant,
    User,
)
from partnercenter.selectors import active_grant_sql, with_delegated_admin

Status = AdminRelationship.Status

# Longest search the users list accepts; longer input is cut.
SEARCH_MAX_LENGTH = 200


def _with_roles(users: QuerySet[User]) -> QuerySet[User]:
    """Each user's directory role assignments in one more query per page (see directory_roles_of)."""
    return users.prefetch_related(Prefetch("role_assignments", queryset=DirectoryRoleAssignment.objects.order_by()))


def directory_roles_of(user: User) -> frozenset[str]:
    """The user's own directory roles, from the prefetched assignments when there are some (one query otherwise)."""
    return frozenset(a.role for a in user.role_assignments.all())


# The orders of the admin center's user lists (Users, a role's members, its candidates): each reads a (tenant,
# column…, id) index of the users (partnercenter's migration 0010).
USER_SORTING = Sorting(
    columns=(
        Column("name", gettext_lazy("Display name"), ("first_name", "last_name")),
        Column("email", gettext_lazy("Email address"), ("email",)),
    ),
    default="name",
)


def tenant_users(tenant: Tenant, q: str = "") -> QuerySet[User]:
    """The tenant's users by name, filtered by a search on name and email: every word of the search must match the
    first name, the last name or the email address."""
    users = User.objects.filter(tenant=tenant)
    for word in q[:SEARCH_MAX_LENGTH].split():
        users = users.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return _with_roles(users.order_by("first_name", "last_name", "email", "pk"))


# The Roles page counts each role's members up to this many ("More than 1,000"): a count per role that stops there
# costs the same for a tenant of a thousand users or of a hundred thousand.
ROLE_MEMBERS_COUNT_CAP = 1000


def role_member_counts(tenant: Tenant) -> dict[str, int]:
    """How many of the tenant's own users hold each directory role, up to ROLE_MEMBERS_COUNT_CAP + 1, in one query
    (a capped count per role, joined by UNION ALL). A partner's implicit role assignments (delegated admin) are not
    members, as in Azure AD."""
    parts, params = [], []
    for n, role in enumerate(DirectoryRole.values):
        members = (
            DirectoryRoleAssignment.objects.filter(user__tenant=tenant, role=role)
            .order_by()
            .values("pk")[: ROLE_MEMBERS_COUNT_CAP + 1]
        )
        sql, sub_params = members.query.sql_with_params()
        # The SQL is Django's own, compiled from the queryset above; every value is a parameter.
        parts.append(f"SELECT %s, COUNT(*) FROM ({sql}) AS members_{n}")  # noqa: S608
        params += [role, *sub_params]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def role_members(tenant: Tenant, role: str) -> QuerySet[User]:
    """The tenant's own users who hold `role` (never a partner's agents: their roles are implicit)."""
    return _with_roles(
        User.objects.filter(tenant=tenant, role_assignments__role=role).order_by("first_name", "last_name", "email")
    )


def role_candidates(tenant: Tenant, role: str, q: str = "") -> QuerySet[User]:
    """The tenant's users who do not hold `role` yet, for the role's Add members page."""
    return tenant_users(tenant, q).exclude(role_assignments__role=role)


# --- The Customers page: the partner's customers, their search, and the admin portals of each row ---------------


def customers_for(partner: Partner, *, removal: bool = True) -> QuerySet[ResellerRelationship]:
    """The partner's customers (ResellerRelationship.IS_CUSTOMER: an active reseller relationship, or an admin
    relationship the customer approved), with the customer tenant and the delegated admin facts of
    with_delegated_admin (without the removal date when `removal` is false: the page's rows do not show it). One
    query whatever the number of rows."""
    return with_delegated_admin(
        ResellerRelationship.objects.filter(ResellerRelationship.IS_CUSTOMER, partner=partner).select_related(
            "customer"
        ),
        removal=removal,
    ).order_by("customer_name", "customer_id")


def _last_admin_relationship(column: str, outer: str = "", *, literal: bool = False) -> str:
    """SQL of one column (`status`, or `ends` for when it ended or ends) of the partner's admin relationship with a
    row's customer that ended or ends last, among the active ones and those lost: expired or terminated after
    giving roles, or rejected (a request that expired unapproved never gave anything). A subquery correlated with
    the base table of customers_for's query. The statuses are parameters (_LAST_PARAMS), or with `literal` written
    in the text (_LAST_LITERALS: see CustomerRows.rows)."""
    quote = connection.ops.quote_name
    ends = "COALESCE(ar.ended_at, ar.ends_at)"
    value = {"status": "ar.status", "ends": ends}[column]
    outer = outer or quote(ResellerRelationship._meta.db_table)  # the row's table, or the alias of its query
    # No input reaches this SQL: the names are the models', and the statuses the code's own constants.
    active, rejected, expired, terminated = _LAST_LITERALS if literal else ("%s",) * 4
    return (
        f"(SELECT {value} FROM {quote(AdminRelationship._meta.db_table)} ar"  # noqa: S608 -- see above
        f" WHERE ar.partner_id = {outer}.partner_id AND ar.customer_id = {outer}.customer_id"
        f" AND (ar.status IN ({active}, {rejected})"
        f" OR (ar.status IN ({expired}, {terminated}) AND ar.activated_at IS NOT NULL))"
        f" AND {ends} IS NOT NULL ORDER BY {ends} DESC, ar.id DESC LIMIT 1)"
    )


_LAST_PARAMS = (Status.ACTIVE, Status.REJECTED, Status.EXPIRED, Status.TERMINATED)
# The same, as SQL literals: plain lowercase words (checked here), so quoting them is all they need.
_LAST_LITERALS = tuple(f"'{status}'" for status in _LAST_PARAMS if status.isidentifier() and status.islower())
if len(_LAST_LITERALS) != len(_LAST_PARAMS):
    raise ImproperlyConfigured("An admin relationship status is not a plain word: it cannot be written as a literal.")


def with_lost_admin_relationship(relationships: QuerySet[ResellerRelationship]) -> QuerySet[ResellerRelationship]:
    """Customers (rows of customers_for) with the partner's admin relationship with each that ended or ends last
    (_last_admin_relationship): its status (`admin_relationship_status`) and its end (`admin_relationship_end`), or
    None. A live relationship always ends after every lost one, so the customer is lost to the partner
    (lost_admin_relationship) exactly when the last is not live.

    Scalar subqueries in the rows' own query (an index probe of the partner's relationships with that customer per
    row shown, as with_delegated_admin's), so the Customers page's query count does not change. In SQL rather than
    built by the ORM: Django spends milliseconds of Python building even the simplest correlated subquery (page 1 of
    10,000 customers, half of them lost, median of 400 runs: the rows query took 5.5 ms without the marker, 7.1 ms
    with these, 9.5 ms with the ORM's one subquery)."""
    return relationships.annotate(
        admin_relationship_status=RawSQL(_last_admin_relationship("status"), _LAST_PARAMS, CharField()),  # noqa: S611
        admin_relationship_end=RawSQL(_last_admin_relationship("ends"), _LAST_PARAMS, DateTimeField()),  # noqa: S611
    )


@dataclass(frozen=True, slots=True)
class LostAdminRelationship:
    """The partner's admin relationship with a customer ended (or was rejected) and none gives roles now."""

    status: str
    at: datetime

    def __str__(self) -> str:
        """What the Customers page and its export say of it, in the current language and time zone."""
        on = date_format(localtime(self.at), "DATE_FORMAT")
        if self.status == Status.REJECTED:
            return _("Admin relationship request rejected on %(date)s") % {"date": on}
        return _("Admin relationship ended on %(date)s") % {"date": on}


def lost_admin_relationship(status: str | None, end: datetime | None, now: datetime) -> LostAdminRelationship | None:
    """What a row's last admin relationship (with_lost_admin_relationship) means: the loss, or None when there is
    none or the relationship is live (active and before its end: its roles end at the end date, before the periodic
    task marks it expired)."""
    if status is None or end is None or (status == Status.ACTIVE and end > now):
        return None
    return LostAdminRelationship(status, end)


# What a Customers row shows, in this order; see customer_rows. `is_active`: a reseller relationship (otherwise a
# customer through granular delegated admin alone).
CUSTOMER_ROW_FIELDS = (
    "customer_public_id",
    "customer_name",
    "customer_domain",
    "has_delegated_admin",
    "is_active",
    "admin_relationship_status",
    "admin_relationship_end",
)

# The Customers page's orders: each walks a (partner, column, customer) index of the partner's own rows, on the copies
# of its customers' names and domains (ResellerRelationship.customer_name).
CUSTOMER_SORTING = Sorting(
    columns=(
        Column("name", gettext_lazy("Company name"), ("customer_name",)),
        Column("domain", gettext_lazy("Primary domain name"), ("customer_domain",)),
    ),
    default="name",
    tiebreaker="customer_id",
)

# The relationship filter's choices: ?relationship=…
RELATIONSHIP_KINDS = {
    "delegated": gettext_lazy("With delegated admin"),
    "reseller": gettext_lazy("Without delegated admin"),
}


def customers_of_kind(relationships: QuerySet[ResellerRelationship], kind: str) -> QuerySet[ResellerRelationship]:
    """Customers with delegated admin ("delegated"), without ("reseller"), or all (anything else)."""
    if kind == "delegated":
        return relationships.filter(Q(has_delegated_admin=True))  # the annotation of with_delegated_admin
    if kind == "reseller":
        return relationships.filter(Q(has_delegated_admin=False))
    return relationships


def customer_rows(relationships: Iterable[ResellerRelationship]) -> QuerySet:
    """The Customers page's rows (of customers_for, searched or not, with_lost_admin_relationship) as tuples of
    CUSTOMER_ROW_FIELDS: only the columns a row shows, and no model instances (building two per row was a good part
    of the page's time). The delegated admin removal date drops out of the query: only a row's details, fetched on
    expand, show it."""
    return relationships.values_list(*CUSTOMER_ROW_FIELDS)


@dataclass(frozen=True, slots=True)
class AdminPortal:
    """A service's admin portal as a partner agent sees it on a customer's row: a link, or disabled with the
    reason."""

    name: str
    url: str = ""
    reason: str = ""

    @property
    def is_available(self) -> bool:
        return bool(self.url)


# Filled in with the customer's Microsoft ID; see admin_portal_availability.
_TENANT_PLACEHOLDER = UUID(int=0)


def admin_portal_availability(
    *,
    group_kinds: frozenset[str],
    rows: Iterable[ResellerRelationship],
    granular_roles: dict[int, frozenset[str]] | None = None,
) -> None:
    """Which admin portals of each customer the signed-in agent may open, as `row.admin_portals` (a list of
    AdminPortal) on rows of customers_for. The one place that decides it, for every portal.

    The admin center opens when the agent has effective roles in the customer's tenant (as access.effective_roles,
    from what the rows already carry, without a query per row). Where the partner has a live admin relationship with
    the customer (`has_granular`), GDAP decides: the agent's roles there are `granular_roles[customer_id]`, and none
    means the reason. Otherwise delegated admin: an active grant and membership of a group it maps to a role; or the
    reason: the agent's role (a Sales agent's never includes it), then the customer's grant: removed by the customer
    on a date, or never given.

    Windows Autopilot (Devices) opens for every agent of a partner with a reseller relationship, delegated admin or
    not: autopilot/rules.py decides what each agent may do there. A customer through GDAP alone: disabled, with the
    reason.

    What is the same for every row (labels, the URL's shape) is worked out once: the Customers page pays only a few
    string operations per row."""
    admin_center = _("Admin center")
    devices = _("Devices")
    devices_shape = reverse("customers:devices", args=[_TENANT_PLACEHOLDER])
    role_maps = any(kind in DelegatedAdminGrant.ROLE_OF_GROUP for kind in group_kinds)
    no_role = _("Your role does not include this.")
    never_granted = _("No delegated admin privileges.")
    url_shape = reverse("admincenter:home", args=[_TENANT_PLACEHOLDER])
    placeholder = str(_TENANT_PLACEHOLDER)
    granular_roles = granular_roles or {}
    for row in rows:
        if getattr(row, "has_granular", False):
            if granular_roles.get(row.customer_id):
                portal = AdminPortal(admin_center, url=url_shape.replace(placeholder, str(row.customer.public_id)))
            else:
                portal = AdminPortal(
                    admin_center, reason=_("Your security groups hold no roles in this customer's admin relationships.")
                )
        elif not role_maps:
            portal = AdminPortal(admin_center, reason=no_role)
        elif row.has_delegated_admin:
            portal = AdminPortal(admin_center, url=url_shape.replace(placeholder, str(row.customer.public_id)))
        elif row.delegated_admin_removed_at is not None:
            removed_on = date_format(localtime(row.delegated_admin_removed_at), "DATE_FORMAT")
            portal = AdminPortal(
                admin_center,
                reason=_("Delegated admin was removed by the customer on %(date)s.") % {"date": removed_on},
            )
        else:
            portal = AdminPortal(admin_center, reason=never_granted)
        if row.is_active:
            devices_portal = AdminPortal(devices, url=devices_shape.replace(placeholder, str(row.customer.public_id)))
        else:
            devices_portal = AdminPortal(devices, reason=_("Windows Autopilot needs a reseller relationship."))
        row.admin_portals = [portal, devices_portal]


SEARCH_SORT_AFTER_FILTER_MIN_LENGTH = 3


def customers_search(queryset: QuerySet[ResellerRelationship], q: str) -> QuerySet[ResellerRelationship]:
    """Filter by company name, domain or Microsoft ID (a whole or partial ID), case-insensitive. The order stays
    customers_for's; the page sorts a search's matches after filtering them (see search_sorts_after_filter)."""
    q = q.strip()
    if not q:
        return queryset
    # The copies on the partner's own rows (ResellerRelationship.customer_name), with trigram indexes on PostgreSQL
    # (customers' migration 0008).
    return queryset.filter(
        Q(customer_name__icontains=q) | Q(customer_domain__icontains=q) | Q(customer_public_id__icontains=q)
    )


def search_sorts_after_filter(q: str) -> bool:
    """Whether a search of the Customers page is sorted after filtering, not read in order from the partner's
    (partner, name) index.

    For three characters or more: on PostgreSQL the matches come from the trigram indexes (customers' migration
    0008), and a name search's matches sort together (every "Woodgrove …" after every "Contoso …"), so walking the
    partner's names in order and testing each customer until 50 match can read nearly all of them."""
    return len(q.strip()) >= SEARCH_SORT_AFTER_FILTER_MIN_LENGTH


def azure_portal_availability(*, user: User, rows: Iterable) -> None:
    """The Azure portal of each customer on the partner's Customers rows (rows of customers_for,
    after admin_portal_availability): a link to the customer's Azure subscriptions the agent may open, when it holds
    a role on at least one — delegated admin has nothing to do with it; otherwise disabled with the reason. Rows
    annotated with has_azure_role cost no query; others one query together."""
    rows = list(rows)
    if all(hasattr(row, "has_azure_role") for row in rows):
        with_role = {row.customer_id for row in rows if row.has_azure_role}
    else:
        with_role = set(
            azure_assignments_of(user)
            .filter(subscription__tenant_id__in=[row.customer_id for row in rows])
            .values_list("subscription__tenant_id", flat=True)
        )
    name = _("Azure")
    reason = str(NO_AZURE_ROLE)
    for row in rows:
        if row.customer_id in with_role:
            portal = AdminPortal(name, url=reverse("admincenter:azure_subscriptions", args=[row.customer.public_id]))
        else:
            portal = AdminPortal(name, reason=reason)
        if not hasattr(row, "admin_portals"):
            row.admin_portals = []
        row.admin_portals.append(portal)


class CustomerRows:
    """The Customers page's rows (CUSTOMER_ROW_FIELDS, and their sort key), in one query written by hand, for
    listing.paginate (a RowSource) on PostgreSQL.

    The page is the one partner agents live on, and building its rows' query with the ORM (customers_for,
    with_delegated_admin, with_lost_admin_relationship, the search, the sort key and the cursor) took more time than
    PostgreSQL took to run it: about 1.5 ms of Python per request. This is the same query, as SQL text put together
    from a few fixed pieces; every value goes as a parameter. customers_page_rows chooses it on PostgreSQL, and the
    embedded default (SQLite) reads the ORM's query; tests/customers/test_customer_rows_sql.py holds the two to the
    same rows, page after page, in every order, filter and search."""

    model = ResellerRelationship

    def __init__(self, partner: Partner, kind: str, q: str) -> None:
        self.partner, self.kind, self.q = partner, kind, q.strip()

    def _where(self) -> tuple[str, list]:
        rr = _table(ResellerRelationship)
        # The partner's key in the text (an integer of our own, not input): see rows().
        partner = int(self.partner.pk)
        sql = [f"{rr}.partner_id = {partner} AND ({rr}.is_active OR {rr}.granular_admin_since IS NOT NULL)"]
        params: list = []
        if self.kind in ("delegated", "reseller"):
            sql.append(f"{active_grant_sql(rr)} IS {'NOT ' if self.kind == 'delegated' else ''}NULL")
        if self.q:
            # As the ORM's icontains: the expressions of the trigram indexes (customers' migration 0008).
            pattern = "%" + connection.ops.prep_for_like_query(self.q) + "%"
            sql.append("(" + " OR ".join(f"UPPER({rr}.{c}::text) LIKE UPPER(%s)" for c in _SEARCHED) + ")")
            params += [pattern] * len(_SEARCHED)
        return " AND ".join(sql), params

    def count(self, cap: int) -> int:
        where, params = self._where()
        # The names are the models'; the values are parameters.
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {_table(ResellerRelationship)} WHERE {where} LIMIT %s) AS matches"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, cap + 1])
            return cursor.fetchone()[0]

    def rows(self, read: Read) -> list[tuple]:
        """The page's rows in two steps: the matches, sorted, counted and cut to the page (the inner query), then the
        facts of those rows alone (the outer one). In one query, a search's per-row facts were worked out for every
        match before the sort and the count, and a search matches hundreds.

        Only input goes as parameters (a search, a cursor); the partner's key and the statuses are in the text. So
        a page without a search or a cursor is a query without parameters, which PostgreSQL plans once per connection
        for that partner and keeps (the settings plan every execution with parameters for its own values): planning
        had become a tenth of the page's time."""
        rr = _table(ResellerRelationship)
        where, params = self._where()
        keys = [_SORT_KEYS[field] for field in read.fields]
        if read.unindexed:  # sorts as the column does, but no index holds it (paginate's sort_after_filter)
            keys = [f"({k} || '')" if f in _TEXT_KEYS else k for f, k in zip(read.fields, keys, strict=True)]
        if read.key is not None:
            # After the cursor in the order read, with its first column's bound repeated on its own (see paginate).
            sign = "<" if read.descending else ">"
            where += f" AND ({', '.join(keys)}) {sign} ({', '.join(['%s'] * len(keys))}) AND {keys[0]} {sign}= %s"
            params += [*read.key, read.key[0]]
        direction = " DESC" if read.descending else " ASC"
        aliases = [f"k{n}" for n in range(len(keys))]
        # The names are the models'; the values are parameters.
        inner = (
            f"SELECT {rr}.customer_public_id, {rr}.customer_name, {rr}.customer_domain, {rr}.is_active,"  # noqa: S608
            f" {rr}.partner_id, {rr}.customer_id, "
            + ", ".join(f"{key} AS {alias}" for key, alias in zip(keys, aliases, strict=True))
            + (", COUNT(*) OVER () AS total" if read.count else "")
            + f" FROM {rr} WHERE {where}"
            + " ORDER BY "
            + ", ".join(f"{n}{direction}" for n in range(7, 7 + len(keys)))
            # Numbers in the text, as the ORM writes them: a LIMIT the planner cannot see makes it sort every match.
            + f" LIMIT {int(read.limit)} OFFSET {int(read.offset)}"
        )
        outer = (
            "SELECT page.customer_public_id, page.customer_name, page.customer_domain,"  # noqa: S608
            f" {active_grant_sql('page')} IS NOT NULL,"
            f" page.is_active, {_last_admin_relationship('status', 'page', literal=True)},"
            f" {_last_admin_relationship('ends', 'page', literal=True)}, "
            + ", ".join(f"page.{alias}" for alias in aliases)
            + (", page.total" if read.count else "")
            + f" FROM ({inner}) AS page ORDER BY "
            + ", ".join(f"page.{alias}{direction}" for alias in aliases)
        )
        with connection.cursor() as cursor:
            cursor.execute(outer, params)
            return cursor.fetchall()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# The columns a search reads (customers_search), and each sort field's SQL (CUSTOMER_SORTING).
_SEARCHED = ("customer_name", "customer_domain", "customer_public_id")
_SORT_KEYS = {
    field: f"{_table(ResellerRelationship)}.{field}" for field in ("customer_name", "customer_domain", "customer_id")
}
_TEXT_KEYS = {"customer_name", "customer_domain"}


def customers_page_rows(partner: Partner, kind: str, q: str) -> RowSource | None:
    """The Customers page's rows as CustomerRows on PostgreSQL; None elsewhere (read the ORM's query)."""
    return CustomerRows(partner, kind, q) if connection.vendor == "postgresql" else None
