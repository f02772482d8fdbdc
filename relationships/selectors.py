"""Reads that cross tables: customers of a partner, delegated admin state, the partners of a customer, the admin
portals a partner agent may open, requests by token."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnercenter.listing import Column, Read, RowSource, Sorting
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
class _RelationshipFacts:
    """What Settings > Partner relationships says of a partner, from the dates its relationships began."""

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


@dataclass(frozen=True)
class PartnerRelationship(_RelationshipFacts):
    """One partner of a customer, as Settings > Partner relationships' details pane shows it."""

    partner: Partner


@dataclass(frozen=True)
class PartnerRow(_RelationshipFacts):
    """A row of Settings > Partner relationships: the partner's key, Microsoft ID and name, and its facts."""

    partner_pk: int
    public_id: UUID
    name: str


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


# Settings > Partner relationships, by the partner's name: on PostgreSQL from the partners' (tenant_name, tenant)
# index (PartnerRelationshipRows), elsewhere by the tenants' names (the same: Partner.tenant_name is a copy).
PARTNER_RELATIONSHIP_SORTING = Sorting(
    columns=(Column("name", gettext_lazy("Partner"), ("tenant__name",)),), default="name", tiebreaker="tenant_id"
)
# What each row of the page reads (partner_relationships_of's values, and PartnerRelationshipRows' columns).
PARTNER_ROW_FIELDS = ("tenant__public_id", "tenant__name", "pk", "reseller_since", "delegated_admin_since")


def partner_rows(values: Iterable[tuple]) -> list[PartnerRow]:
    """PartnerRows from rows of PARTNER_ROW_FIELDS."""
    return [
        PartnerRow(
            partner_pk=pk,
            public_id=public_id,
            name=name,
            reseller_since=reseller_since,
            delegated_admin_since=delegated_admin_since,
        )
        for public_id, name, pk, reseller_since, delegated_admin_since in values
    ]


class PartnerRelationshipRows:
    """Settings > Partner relationships' rows (PARTNER_ROW_FIELDS, and their sort key) and count, in queries written
    by hand, for listing.paginate (a RowSource) on PostgreSQL.

    A customer's partners are the partners with an active reseller relationship or an active delegated admin grant
    with it, in the order of their names, which neither table holds. Two ways to read a page, chosen by how many
    partners the customer has (the count, which paginate asks for first):

    - **few** (GATHER_MAX or fewer, as nearly every customer): gather them from the (customer, partner) indexes of
      the two tables, sort them by name and keep a page. It costs what the customer's partners count, and no more.
    - **many**: walk the partners' (tenant_name, tenant) index from the cursor, keeping those with a relationship
      with the customer (an index probe into each table), until a page is full: dense enough, with that many, that
      a page costs about what a page of them costs. Gathering 100,000 to sort them cost a second.

    Either way the facts of a row (when each relationship began) are read for the page's rows alone. The ORM's query
    (partner_relationships_of, the embedded default's) walks the tenants' name index instead, every tenant: a
    customer whose partners' names come after many other tenants' paid for them all.
    tests/relationships/test_partner_relationship_rows_sql.py holds the two to the same pages."""

    model = Partner
    # Up to this many partners, a page is gathered and sorted; beyond, walked in order (see the docstring).
    GATHER_MAX = 2000

    def __init__(self, customer: Tenant) -> None:
        self.customer = customer
        self._count: int | None = None

    def count(self, cap: int) -> int:
        rr, grants = _table(ResellerRelationship), _table(DelegatedAdminGrant)
        # Its active reseller relationships, and its active grants of partners without one (no partner twice), from
        # the two (customer, partner) indexes alone. Each in the index's order: without one, PostgreSQL counted a
        # customer with half the relationships by reading the table from its start, past every other customer's.
        sql = (
            "SELECT COUNT(*) FROM ("  # noqa: S608 -- the names are the models'; the values are parameters
            f"(SELECT 1 FROM {rr} r WHERE r.customer_id = %s AND r.is_active ORDER BY r.partner_id LIMIT %s)"
            f" UNION ALL (SELECT 1 FROM {grants} g WHERE g.customer_id = %s AND g.removed_at IS NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {rr} r WHERE r.customer_id = g.customer_id"
            " AND r.partner_id = g.partner_id AND r.is_active) ORDER BY g.partner_id LIMIT %s)"
            " LIMIT %s) AS partners"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.customer.pk, cap + 1, self.customer.pk, cap + 1, cap + 1])
            self._count = cursor.fetchone()[0]
        return self._count

    def rows(self, read: Read) -> list[tuple]:
        if self._count is None:
            self.count(self.GATHER_MAX)
        assert self._count is not None
        rr, grants, partner, tenant = (
            _table(ResellerRelationship),
            _table(DelegatedAdminGrant),
            _table(Partner),
            _table(Tenant),
        )
        keys = [_PARTNER_SORT_KEYS[field] for field in read.fields]
        direction = " DESC" if read.descending else " ASC"
        params: list = [self.customer.pk, self.customer.pk]
        if self._count <= self.GATHER_MAX:
            where = [
                f"p.id IN (SELECT r.partner_id FROM {rr} r WHERE r.customer_id = %s AND r.is_active"  # noqa: S608
                f" UNION ALL SELECT g.partner_id FROM {grants} g WHERE g.customer_id = %s AND g.removed_at IS NULL)"
            ]
        else:
            where = [f"({_reseller_since('p')} IS NOT NULL OR {_delegated_admin_since('p')} IS NOT NULL)"]
        if read.key is not None:
            # After the cursor in the order read, with its first column's bound repeated on its own (see paginate).
            sign = "<" if read.descending else ">"
            where.append(f"({', '.join(keys)}) {sign} ({', '.join(['%s'] * len(keys))}) AND {keys[0]} {sign}= %s")
            params += [*read.key, read.key[0]]
        # The page's partners, sorted and cut (the inner query), then their tenants and facts (the outer one).
        inner = (
            "SELECT p.id, p.tenant_id, "  # noqa: S608 -- the names are the models'; the values are parameters
            + ", ".join(f"{key} AS k{n}" for n, key in enumerate(keys))
            + f" FROM {partner} p WHERE "
            + " AND ".join(where)
            + " ORDER BY "
            + ", ".join(f"{key}{direction}" for key in keys)
            # Numbers in the text, as the ORM writes them: a LIMIT the planner cannot see makes it sort every match.
            + f" LIMIT {int(read.limit)} OFFSET {int(read.offset)}"
        )
        outer = (
            f"SELECT t.public_id, t.name, page.id, {_reseller_since('page')}, {_delegated_admin_since('page')}, "  # noqa: S608
            + ", ".join(f"page.k{n}" for n in range(len(keys)))
            + f" FROM ({inner}) AS page INNER JOIN {tenant} t ON t.id = page.tenant_id ORDER BY "
            + ", ".join(f"page.k{n}{direction}" for n in range(len(keys)))
        )
        with connection.cursor() as cursor:
            cursor.execute(outer, [self.customer.pk, self.customer.pk, *params])
            return cursor.fetchall()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# When the partner `row` (an alias with its id) began each relationship with the customer (a parameter), or NULL:
# scalar subqueries, one probe of a (customer, partner) index each, not EXISTS, which PostgreSQL may answer, in an
# OR, by hashing every relationship of the customer on every page (as for with_delegated_admin).
def _reseller_since(row: str) -> str:
    return (
        f"(SELECT r.created_at FROM {_table(ResellerRelationship)} r"  # noqa: S608 -- names only
        f" WHERE r.customer_id = %s AND r.partner_id = {row}.id AND r.is_active LIMIT 1)"
    )


def _delegated_admin_since(row: str) -> str:
    return (
        f"(SELECT g.granted_at FROM {_table(DelegatedAdminGrant)} g"  # noqa: S608 -- names only
        f" WHERE g.customer_id = %s AND g.partner_id = {row}.id AND g.removed_at IS NULL LIMIT 1)"
    )


# Each sort field's SQL (PARTNER_RELATIONSHIP_SORTING), on the partner: its copy of its tenant's name.
_PARTNER_SORT_KEYS = {"tenant__name": "p.tenant_name", "tenant_id": "p.tenant_id"}


def partner_relationship_source(customer: Tenant) -> RowSource | None:
    """Settings > Partner relationships' rows as PartnerRelationshipRows on PostgreSQL; None elsewhere (read the
    ORM's query, partner_relationships_of)."""
    return PartnerRelationshipRows(customer) if connection.vendor == "postgresql" else None


def partner_relationship_of(customer: Tenant, partner_tenant_id: UUID) -> PartnerRelationship | None:
    """One partner of the customer, by the partner's Microsoft ID; None unless it has a relationship with it now."""
    partner = partner_relationships_of(customer).filter(tenant__public_id=partner_tenant_id).first()
    if partner is None:
        return None
    return PartnerRelationship(
        partner=partner, reseller_since=partner.reseller_since, delegated_admin_since=partner.delegated_admin_since
    )


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
