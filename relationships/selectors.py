"""Reads that cross tables: customers of a partner, delegated admin state, the partners of a customer, the admin
portals a partner agent may open, requests by token."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from partnercenter.models import (
    DelegatedAdminGrant,
    DirectoryRole,
    OutboxEmail,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
)

from .models import RelationshipRequest
from .tokens import token_hash


def customers_for(partner: Partner) -> QuerySet[ResellerRelationship]:
    """The partner's customers: its active reseller relationships, with the customer tenant, whether delegated
    admin is active, and when the customer last removed it (None if it never did). One query whatever the number of
    rows.

    Both are scalar subqueries (one index probe per row returned), not EXISTS: for an EXISTS PostgreSQL may choose
    to hash every active grant of the partner, on every page, although a page shows 50 rows."""
    active_grant = (
        DelegatedAdminGrant.objects.filter(partner=partner, customer=OuterRef("customer"), removed_at__isnull=True)
        .order_by()
        .values("pk")[:1]
    )
    last_removal = (
        DelegatedAdminGrant.objects.filter(partner=partner, customer=OuterRef("customer"), removed_at__isnull=False)
        .order_by("-removed_at")
        .values("removed_at")[:1]
    )
    return (
        ResellerRelationship.objects.filter(partner=partner, is_active=True)
        .select_related("customer")
        .annotate(
            has_delegated_admin=IsNull(Subquery(active_grant), False),
            delegated_admin_removed_at=Subquery(last_removal),
        )
        .order_by("customer__name", "customer_id")
    )


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


def admin_portal_availability(*, group_kinds: frozenset[str], rows: Iterable[ResellerRelationship]) -> None:
    """Which admin portals of each customer the signed-in agent may open, as `row.admin_portals` (a list of
    AdminPortal) on rows of customers_for. The one place that decides it, for every portal.

    The admin center opens when the agent has effective roles in the customer's tenant: an active delegated admin
    grant and membership of a group it maps to a role (as access.effective_roles, from what the rows already carry,
    without a query per row). Otherwise the reason: the agent's role (a Sales agent's never includes it), then the
    customer's grant: removed by the customer on a date, or never given.

    Windows Autopilot (Devices) opens for every agent of a partner with a reseller relationship, delegated admin or
    not: autopilot/rules.py decides what each agent may do there.

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
    for row in rows:
        if not role_maps:
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
        row.admin_portals = [
            portal,
            AdminPortal(devices, url=devices_shape.replace(placeholder, str(row.customer.public_id))),
        ]


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
            return _("Reseller, Delegated administrator")
        if self.has_delegated_admin:
            return _("Delegated administrator")
        return _("Reseller")

    @property
    def since(self) -> datetime:
        return min(d for d in (self.reseller_since, self.delegated_admin_since) if d is not None)

    @property
    def roles(self) -> list[tuple[str, str]]:
        """(directory role, partner group) pairs the partner holds implicitly: only while delegated admin is
        active."""
        if not self.has_delegated_admin:
            return []
        return [
            (DirectoryRole(role).label, SecurityGroup.Kind(kind).label)
            for kind, role in DelegatedAdminGrant.ROLE_OF_GROUP.items()
        ]


def partner_relationships_of(customer: Tenant) -> QuerySet[Partner]:
    """The partners with a relationship with the customer: an active reseller relationship, an active delegated admin
    grant, or both; with the dates they began (reseller_since, delegated_admin_since). One query. Only this
    customer's relationships: the subqueries and the filter are all on `customer`."""
    resellers = ResellerRelationship.objects.filter(customer=customer, is_active=True).order_by()
    grants = DelegatedAdminGrant.objects.filter(customer=customer, removed_at__isnull=True).order_by()
    return (
        Partner.objects.filter(Q(pk__in=resellers.values("partner")) | Q(pk__in=grants.values("partner")))
        .select_related("tenant")
        .annotate(
            reseller_since=Subquery(resellers.filter(partner=OuterRef("pk")).values("created_at")[:1]),
            delegated_admin_since=Subquery(grants.filter(partner=OuterRef("pk")).values("granted_at")[:1]),
        )
        .order_by("tenant__name", "pk")
    )


def partner_relationship_rows(partners: Iterable[Partner]) -> list[PartnerRelationship]:
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
