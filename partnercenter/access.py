"""The one place that answers "may this user do this here?".

Views call these first. Objects the user has no business with raise Http404 (the same answer for "missing" and "not
yours"); actions the user may not take on objects it can see raise PermissionDenied (403).
"""

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, CharField, DateTimeField, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .http import AuthenticatedRequest
from .models import (
    AccessAssignment,
    AdminRelationship,
    DelegatedAdminGrant,
    DirectoryRole,
    DirectoryRoleAssignment,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from .plans import reused_plan
from .selectors import active_grant_sql, has_active_delegated_admin

Kind = SecurityGroup.Kind


def partner_of(user: User) -> Partner | None:
    """The partner the user works for, or None. Cached on the user object for the request."""
    if not user.is_authenticated or user.tenant_id is None:
        return None
    if not hasattr(user, "_partner_cache"):
        tenant = user.tenant if User.tenant.is_cached(user) else None
        if tenant is not None and Tenant.partner.related.is_cached(tenant):  # loaded with the user (backends.py)
            _remember_partner(user, cast(Partner | None, Tenant.partner.related.get_cached_value(tenant)))
        else:
            _remember_partner(user, Partner.objects.select_related("tenant").filter(tenant_id=user.tenant_id).first())
    return user._partner_cache


def _remember_partner(user: User, partner: Partner | None) -> None:
    user._partner_cache = partner
    if partner is not None and not User.tenant.is_cached(user):
        # The partner's tenant is the user's home tenant: the page shell (user.tenant.name) need not fetch it.
        User.tenant.field.set_cached_value(user, partner.tenant)


def _load_groups_and_roles(user: User) -> None:
    """The user's built-in partner groups and its own directory roles, in one query: every page's shell asks for
    both (the navigation), and most partner pages ask for the groups again to decide access. Kept on the user object
    for the request only."""
    if user.tenant_id is None:  # no home tenant (site staff): no groups, and its own roles alone
        user._group_kinds_cache = frozenset()
        user._own_roles_cache = frozenset(
            DirectoryRoleAssignment.objects.filter(user=user).values_list("role", flat=True)
        )
        return
    with connection.cursor() as cursor:
        # The user's keys in the text (integers of our own, not input): a query without parameters, which PostgreSQL
        # plans once per connection for that user and keeps, where one with parameters was planned on every request
        # (the settings: plan_cache_mode) for half its time.
        cursor.execute(_GROUPS_AND_ROLES_SQL.format(user=int(user.pk), tenant=int(user.tenant_id)))
        rows = cursor.fetchall()
    user._group_kinds_cache = frozenset(value for source, value in rows if source == "group")
    user._own_roles_cache = frozenset(value for source, value in rows if source == "role")


def _groups_and_roles_sql() -> str:
    """The query of _load_groups_and_roles, written once: every page asks it, and building the same UNION with the
    ORM took three times as long as running it (about 1 ms of Python per request). The names are the models'."""
    quote = connection.ops.quote_name
    groups, members = SecurityGroup._meta.db_table, SecurityGroup.members.through._meta.db_table
    roles = DirectoryRoleAssignment._meta.db_table
    return (
        f"SELECT 'group', g.kind FROM {quote(groups)} g JOIN {quote(members)} m ON m.securitygroup_id = g.id"  # noqa: S608
        f" WHERE m.user_id = {{user}} AND g.tenant_id = {{tenant}} AND g.kind <> '{Kind.CUSTOM.value}'"
        f" UNION ALL SELECT 'role', r.role FROM {quote(roles)} r WHERE r.user_id = {{user}}"
    )


_GROUPS_AND_ROLES_SQL = _groups_and_roles_sql()


def partner_group_kinds(user: User) -> frozenset[str]:
    """The built-in partner groups the user is a member of (its partner roles)."""
    if not user.is_authenticated or user.tenant_id is None:  # no home tenant (site staff): no groups
        return frozenset()
    if not hasattr(user, "_group_kinds_cache"):
        _load_groups_and_roles(user)
    return user._group_kinds_cache


def own_directory_roles(user: User) -> frozenset[str]:
    """The roles assigned directly to the user in its home tenant."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_own_roles_cache"):
        _load_groups_and_roles(user)
    return user._own_roles_cache


def live_admin_relationships(partner: Partner | OuterRef, tenant: Tenant | OuterRef) -> QuerySet[AdminRelationship]:
    """The partner's admin relationships with the tenant that give roles now: active and not past their end date
    (each given as the row, or as an OuterRef to it). The end date decides at the moment of asking, whether or not the
    periodic task has marked the relationship expired yet."""
    return AdminRelationship.objects.filter(
        partner=partner, customer=tenant, status=AdminRelationship.Status.ACTIVE, ends_at__gt=timezone.now()
    )


def assigned_granular_roles(user: User, live: QuerySet[AdminRelationship]) -> frozenset[str]:
    """The union of the roles of the active access assignments, in the given live relationships, whose security
    group the user is a member of. One query; a user just taken out of a group gets nothing from that moment."""
    assigned = AccessAssignment.objects.filter(
        relationship__in=live, status=AccessAssignment.Status.ACTIVE, security_group__members=user
    ).values_list("roles", flat=True)
    return frozenset(role for roles in assigned for role in roles)


def granular_roles(user: User, partner: Partner, tenant: Tenant) -> frozenset[str] | None:
    """The roles granular delegated admin (GDAP) gives `user`, of `partner`, in `tenant` (assigned_granular_roles of
    its live relationships); None when the partner has no live relationship with the tenant at all, so that
    delegated admin may apply instead. One query, two when the user holds no assignment."""
    live = live_admin_relationships(partner, tenant)
    assigned = assigned_granular_roles(user, live)
    if assigned:
        return assigned
    return frozenset() if live.exists() else None


def implied_roles(user: User) -> frozenset[str]:
    """The directory roles the user's partner groups imply in a customer tenant while its partner holds an active
    delegated admin grant there (DelegatedAdminGrant.ROLE_OF_GROUP)."""
    role_of_group = DelegatedAdminGrant.ROLE_OF_GROUP
    return frozenset(role_of_group[k] for k in partner_group_kinds(user) if k in role_of_group)


def effective_roles(user: User, tenant: Tenant) -> frozenset[str]:
    """User U's effective directory roles in tenant T: its own roles if T is its home tenant. Otherwise, for a user of
    partner P: the roles GDAP gives it (granular_roles) while P has an active admin relationship with T — GDAP wins
    for P: the roles delegated admin implies are then not added, so that a customer who moved a partner to least
    privilege gets least privilege; else, while P holds an active delegated admin grant for T, the roles its built-in
    groups imply. A reseller relationship alone gives none."""
    if not user.is_authenticated:
        return frozenset()
    if tenant.pk == user.tenant_id:
        return own_directory_roles(user)
    partner = partner_of(user)
    if partner is None:
        return frozenset()
    granular = granular_roles(user, partner, tenant)
    if granular is not None:
        return granular
    implied = implied_roles(user)
    if implied and has_active_delegated_admin(partner=partner, customer=tenant):
        return implied
    return frozenset()


def is_own_global_admin(user: User) -> bool:
    return DirectoryRole.GLOBAL_ADMINISTRATOR in own_directory_roles(user)


class MFARequired(Exception):
    """A partner user without two-step verification asked for a partner page (the middleware sends them to
    set it up)."""


def has_mfa(user: User) -> bool:
    if not hasattr(user, "_has_mfa_cache"):
        user._has_mfa_cache = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return user._has_mfa_cache


MFA_SESSION_KEY = "partner_mfa_ok"


def require_mfa(request: AuthenticatedRequest) -> None:
    """Partner Center requires two-step verification of partner users before they see customers or act for
    them. Once found, the answer is kept in the session (cleared when the user removes an authenticator), so partner
    pages do not pay a query for it on every request."""
    if not settings.PARTNER_MFA_REQUIRED or request.session.get(MFA_SESSION_KEY):
        return
    if not has_mfa(request.user):
        raise MFARequired
    request.session[MFA_SESSION_KEY] = True


def partner_for(request: AuthenticatedRequest) -> Partner:
    """The signed-in user's partner; the partner area is closed (403) to users of tenants that are not partners."""
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied(_("The partner area is for partner users."))
    require_mfa(request)
    return partner


def require_partner_role(request: AuthenticatedRequest, *kinds: str) -> Partner:
    """The user's partner, if the user is in one of the given partner groups; otherwise 403."""
    partner = partner_for(request)
    if not partner_group_kinds(request.user) & set(kinds):
        raise PermissionDenied(_("Your role does not include this."))
    return partner


NEEDS_RESELLER = gettext_lazy(
    "This needs a reseller relationship with the customer: you work with it through granular delegated admin only."
)


def partner_relationship_for(
    request: AuthenticatedRequest,
    tenant_id: UUID,
    *kinds: str,
    reseller: bool = True,
    annotations: dict[str, Any] | None = None,
) -> ResellerRelationship:
    """The user's partner's relationship with its customer `tenant_id` (ResellerRelationship.IS_CUSTOMER: an active
    reseller relationship, or an admin relationship the customer approved; 404 for any other tenant), with the
    customer, the delegated admin facts of with_delegated_admin and whether a live GDAP relationship exists
    (has_granular) read in the same query, if the user is in one of the given partner groups (403 otherwise; no
    groups given: any partner user). With `reseller` (the default: what resellers alone may do, such as
    subscriptions, Azure provisioning and Windows Autopilot), a customer through GDAP alone is refused too (403, with
    the reason); the customer's pages that GDAP opens ask with reseller=False.

    The partner is the one loaded with the signed-in user (partnercenter/backends.py); where it was not, it comes in
    that query too: a customer's pages (its details on the Customers page, its page, its admin center) start here,
    and a query less on each is worth the join.

    `annotations`: more facts about the row for the caller, read in the same query (RawSQL correlated with the
    relationship's table by its name, as has_azure_role). The agent's partner groups are one of them: with them, the
    answer needs no query of its own for partner_group_kinds."""
    user = request.user
    if not user.is_authenticated or user.tenant_id is None:
        raise Http404
    load_groups = not hasattr(user, "_group_kinds_cache")
    facts = _relationship_facts(user, load_groups)
    if connection.vendor == "postgresql":
        relationship = _relationship_by_sql(user, tenant_id, {**facts, **(annotations or {})})
    else:
        relationship = _relationship_by_orm(user, tenant_id, facts, annotations)
    if relationship is None:
        raise Http404
    if load_groups:
        kinds_found = relationship.agent_group_kinds  # type: ignore[attr-defined]  # a fact of the query
        user._group_kinds_cache = frozenset(kinds_found.split(",")) if kinds_found else frozenset()
    require_mfa(request)
    if kinds and not partner_group_kinds(user) & set(kinds):
        raise PermissionDenied(_("Your role does not include this."))
    if reseller and not relationship.is_active:
        raise PermissionDenied(NEEDS_RESELLER)
    return relationship


def _relationship_by_orm(
    user: User, tenant_id: UUID, facts: dict[str, RawSQL], annotations: dict[str, Any] | None
) -> ResellerRelationship | None:
    """partner_relationship_for's row, read with the ORM (the embedded default, SQLite; _relationship_by_sql says
    why PostgreSQL reads it otherwise)."""
    relationships = (
        ResellerRelationship.objects.select_related("customer")
        .annotate(**facts, **(annotations or {}))
        # The customer by its Microsoft ID first (a subquery PostgreSQL runs once), then its relationship by (partner,
        # customer): a join on the ID let the planner start from the partner's relationships, every one of them for
        # a partner with many customers.
        .filter(ResellerRelationship.IS_CUSTOMER, customer_id=_customer_by_public_id(tenant_id))
        .order_by()  # one row at most: (partner, customer) is unique
    )
    if hasattr(user, "_partner_cache"):
        if user._partner_cache is None:
            raise Http404
        relationship = next(iter(relationships.filter(partner=user._partner_cache)[:1]), None)
        if relationship is not None:
            relationship.partner = user._partner_cache  # the row partner_of read: no query to follow the key
    else:
        partners = relationships.select_related("partner__tenant").filter(partner__tenant=user.tenant_id)
        relationship = next(iter(partners[:1]), None)
        if relationship is not None:
            _remember_partner(user, relationship.partner)
    return relationship


def _relationship_by_sql(user: User, tenant_id: UUID, facts: dict[str, Any]) -> ResellerRelationship | None:
    """partner_relationship_for's row on PostgreSQL: the same query as _relationship_by_orm's, written by hand.

    Every customer page and every Customers row's details start with this query, and the ORM took longer to put it
    together (its select_related joins, its facts and its filters: about a millisecond of Python) than PostgreSQL took
    to plan and run it. Here it is SQL text joined from fixed pieces, every value a parameter, read into the same
    objects. `facts` are the RawSQL expressions of _relationship_facts and the caller's annotations, correlated with
    the relationship's table by its name. tests/partnercenter/test_relationship_sql.py holds the two readings to the
    same answers."""
    partner = partner_of(user)  # loaded with the user (partnercenter/backends.py): no query
    if partner is None:
        return None
    quote = connection.ops.quote_name
    row, tenants = quote(ResellerRelationship._meta.db_table), quote(Tenant._meta.db_table)
    names = list(facts)
    selected = [f"{row}.{quote(str(f.column))}" for f in _RELATIONSHIP_FIELDS] + [
        f"c.{quote(str(f.column))}" for f in _TENANT_FIELDS
    ]
    params: list[Any] = []
    for name in names:
        expression = facts[name]
        if not isinstance(expression, RawSQL):
            raise TypeError(f"{name}: partner_relationship_for takes RawSQL annotations")
        selected.append(f"({expression.sql})")
        params += expression.params
    public_id = Tenant._meta.get_field("public_id").get_db_prep_value(tenant_id, connection)
    sql = (
        f"SELECT {', '.join(selected)} FROM {row} JOIN {tenants} c ON c.id = {row}.customer_id"  # noqa: S608 -- names
        f" WHERE ({row}.is_active OR {row}.granular_admin_since IS NOT NULL)"
        # The customer by its Microsoft ID first, then its relationship by (partner, customer) (_relationship_by_orm).
        f" AND {row}.customer_id = (SELECT t.id FROM {tenants} t WHERE t.public_id = %s)"
        f" AND {row}.partner_id = %s LIMIT 1"
    )
    # A lookup by keys: one plan fits every customer and agent (partnercenter/plans.py).
    with reused_plan(), connection.cursor() as cursor:
        cursor.execute(sql, [*params, public_id, partner.pk])
        found = cursor.fetchone()
    if found is None:
        return None
    n, m = len(_RELATIONSHIP_FIELDS), len(_RELATIONSHIP_FIELDS) + len(_TENANT_FIELDS)
    relationship = ResellerRelationship.from_db(connection.alias, _RELATIONSHIP_NAMES, found[:n])
    relationship.customer = Tenant.from_db(connection.alias, _TENANT_NAMES, found[n:m])
    relationship.partner = partner
    for name, value in zip(names, found[m:], strict=True):
        setattr(relationship, name, value)
    return relationship


_RELATIONSHIP_FIELDS = ResellerRelationship._meta.concrete_fields
_RELATIONSHIP_NAMES = [f.attname for f in _RELATIONSHIP_FIELDS]
_TENANT_FIELDS = Tenant._meta.concrete_fields
_TENANT_NAMES = [f.attname for f in _TENANT_FIELDS]


def _relationship_facts(user: User, load_groups: bool) -> dict[str, RawSQL]:
    """What partner_relationship_for reads with the relationship, as SQL correlated with its row: the delegated admin
    facts of with_delegated_admin (has_delegated_admin, delegated_admin_removed_at), whether a live admin relationship
    gives roles now (has_granular, as live_admin_relationships), and with `load_groups` the user's built-in partner
    groups (agent_group_kinds, one text such as "admin_agents,sales_agents": the kinds are words without commas).

    Written as SQL, not built by the ORM: every customer page and every row's details start with this query, and the
    ORM spent several times longer putting its five subqueries together than PostgreSQL spent running them. The
    names are the models'; every value is a parameter."""
    quote = connection.ops.quote_name
    row = quote(ResellerRelationship._meta.db_table)
    grants, admin = quote(DelegatedAdminGrant._meta.db_table), quote(AdminRelationship._meta.db_table)
    same = f"partner_id = {row}.partner_id AND {{t}}.customer_id = {row}.customer_id"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    facts = {
        "has_delegated_admin": RawSQL(  # noqa: S611
            f"{active_grant_sql(row)} IS NOT NULL",
            (),
            output_field=BooleanField(),
        ),
        "delegated_admin_removed_at": RawSQL(  # noqa: S611
            f"(SELECT g.removed_at FROM {grants} g WHERE g.{same.format(t='g')} AND g.removed_at IS NOT NULL"  # noqa: S608
            " ORDER BY g.removed_at DESC LIMIT 1)",
            (),
            output_field=DateTimeField(),
        ),
        "has_granular": RawSQL(  # noqa: S611
            f"EXISTS (SELECT 1 FROM {admin} a WHERE a.{same.format(t='a')} AND a.status = %s AND a.ends_at > %s)",  # noqa: S608
            (AdminRelationship.Status.ACTIVE, now),
            output_field=BooleanField(),
        ),
    }
    if load_groups:
        groups, members = quote(SecurityGroup._meta.db_table), quote(SecurityGroup.members.through._meta.db_table)
        joined = "string_agg(g.kind, ',')" if connection.vendor == "postgresql" else "group_concat(g.kind, ',')"
        facts["agent_group_kinds"] = RawSQL(  # noqa: S611
            f"(SELECT {joined} FROM {groups} g JOIN {members} m ON m.securitygroup_id = g.id"  # noqa: S608
            " WHERE m.user_id = %s AND g.tenant_id = %s AND g.kind <> %s)",
            (user.pk, user.tenant_id, Kind.CUSTOM),
            output_field=CharField(),
        )
    return facts


def _customer_by_public_id(tenant_id: UUID) -> RawSQL:
    public_id = Tenant._meta.get_field("public_id")
    return RawSQL(  # noqa: S611 -- the names are the model's; the ID is a parameter
        f"(SELECT t.id FROM {connection.ops.quote_name(Tenant._meta.db_table)} t WHERE t.public_id = %s)",  # noqa: S608
        (public_id.get_db_prep_value(tenant_id, connection),),
    )


def partner_customer_for(
    request: AuthenticatedRequest, tenant_id: UUID, *kinds: str, reseller: bool = True
) -> tuple[Partner, Tenant]:
    """A customer of the user's partner, as partner_relationship_for finds it (404 for any other tenant; 403 without
    one of `kinds`, or, with `reseller`, for a customer through GDAP alone)."""
    relationship = partner_relationship_for(request, tenant_id, *kinds, reseller=reseller)
    return relationship.partner, relationship.customer


# What each directory role may do in the admin center. One table, so that pages and tests agree; the roles themselves
# (template IDs, what each is for) are the catalogue in partnercenter/roles.py. Every role of the catalogue is an
# administrator role and opens the admin center's Home; a role with no row here (Exchange, SharePoint, Teams, Service
# Support, Application Administrators…) opens nothing more, as its pages are not in this portal.
R = DirectoryRole
GA = R.GLOBAL_ADMINISTRATOR
UA = R.USER_ADMINISTRATOR
HA = R.HELPDESK_ADMINISTRATOR
GR = R.GLOBAL_READER
ADMIN_ROLES = frozenset(DirectoryRole)
CAN_VIEW_USERS = frozenset(
    {
        GA,
        UA,
        HA,
        GR,
        R.DIRECTORY_READERS,
        R.DIRECTORY_WRITERS,
        R.LICENSE_ADMINISTRATOR,
        R.AUTHENTICATION_ADMINISTRATOR,
        R.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
        R.PRIVILEGED_ROLE_ADMINISTRATOR,
    }
)
CAN_MANAGE_USERS = frozenset({GA, UA})
# Passwords: of anyone, for Global and Privileged Authentication Administrators; of anyone but Global Administrators,
# for User Administrators; of users who are not administrators, for Helpdesk and Authentication Administrators
# (customers/rules.py decides by the target's roles).
CAN_RESET_PASSWORDS = frozenset({GA, UA, HA, R.AUTHENTICATION_ADMINISTRATOR, R.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR})
RESET_ANY_PASSWORD = frozenset({GA, R.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR})
RESET_NON_ADMIN_PASSWORDS = frozenset({HA, R.AUTHENTICATION_ADMINISTRATOR})
CAN_VIEW_ROLES = frozenset(
    {GA, UA, HA, GR, R.DIRECTORY_READERS, R.PRIVILEGED_ROLE_ADMINISTRATOR, R.SECURITY_ADMINISTRATOR, R.SECURITY_READER}
)
CAN_MANAGE_ROLES = frozenset({GA, R.PRIVILEGED_ROLE_ADMINISTRATOR})
CAN_VIEW_LICENSES = frozenset({GA, UA, GR, R.LICENSE_ADMINISTRATOR, R.BILLING_ADMINISTRATOR})
CAN_MANAGE_LICENSES = frozenset({GA, UA, R.LICENSE_ADMINISTRATOR})
CAN_VIEW_ACTIVITY = frozenset({GA, GR, R.SECURITY_ADMINISTRATOR, R.SECURITY_READER, R.REPORTS_READER})
# Windows Autopilot devices (the rules of who may do what with them are in autopilot/rules.py).
CAN_VIEW_DEVICES = frozenset({GA, GR, R.INTUNE_ADMINISTRATOR})
CAN_MANAGE_DEVICES = frozenset({GA, R.INTUNE_ADMINISTRATOR})


@dataclass(frozen=True)
class AdminCenter:
    """The admin center of `tenant` as the signed-in user may use it: the user's effective roles there, and the
    partner it acts for when it is not the user's own tenant."""

    tenant: Tenant
    roles: frozenset[str]
    partner: Partner | None = None

    @property
    def on_behalf(self) -> bool:
        return self.partner is not None

    def can(self, allowed: frozenset[str]) -> bool:
        return bool(self.roles & allowed)

    @property
    def allows(self) -> dict[str, bool]:
        """What the pages may offer, for templates: {"manage_users": True, …}."""
        return {
            "view_users": self.can(CAN_VIEW_USERS),
            "manage_users": self.can(CAN_MANAGE_USERS),
            "reset_passwords": self.can(CAN_RESET_PASSWORDS),
            "view_roles": self.can(CAN_VIEW_ROLES),
            "manage_roles": self.can(CAN_MANAGE_ROLES),
            "view_licenses": self.can(CAN_VIEW_LICENSES),
            "manage_licenses": self.can(CAN_MANAGE_LICENSES),
            "view_activity": self.can(CAN_VIEW_ACTIVITY),
            "view_devices": self.can(CAN_VIEW_DEVICES),
            "manage_devices": self.can(CAN_MANAGE_DEVICES),
            "partner_relationships": not self.on_behalf and GA in self.roles,
        }

    def require(self, allowed: frozenset[str]) -> None:
        if not self.can(allowed):
            raise PermissionDenied(_("Your role does not include this."))


class CustomerAccessRefused(PermissionDenied):
    """A partner agent refused in a customer's tenant for a reason it can act on: the 403 page says it and links back
    to the customer's page."""

    def __init__(self, message: str, *, customer: Tenant):
        super().__init__(message)
        self.customer = customer


def _admin_center_refusal(relationship: ResellerRelationship) -> str:
    """Why an agent of the customer's partner has no role in its admin center, most telling first."""
    removed_at = getattr(relationship, "delegated_admin_removed_at", None)  # with_delegated_admin's annotation
    if relationship.has_granular:  # type: ignore[attr-defined]
        return _("None of your security groups has a role in this customer's admin relationships.")
    if removed_at is not None and not relationship.has_delegated_admin:  # type: ignore[attr-defined]
        return _("Delegated admin was removed by the customer on %(date)s.") % {
            "date": date_format(localtime(removed_at), "DATE_FORMAT")
        }
    return _("You have no administrator role in this customer's tenant.")


def admin_center_for(
    request: AuthenticatedRequest, tenant_id: UUID, allowed: frozenset[str] = ADMIN_ROLES
) -> AdminCenter:
    """The admin center of tenant `tenant_id` for the signed-in user.

    - Its own tenant: with an administrator role (a plain user is not let in: 403).
    - A customer of its partner: with the roles delegated admin gives it (none: 403 with the reason).
    - Any other tenant: 404, as if it did not exist.
    Then `allowed` is checked against the effective roles (403)."""
    user = request.user
    # Every admin-center request pays this check, so it costs at most three queries: the partner (which also
    # brings the user's home tenant), the relationship with its delegated admin and GDAP state, and either the
    # agent's access assignments (GDAP) or its groups (delegated admin). The roles are effective_roles', decided
    # from the relationship's row rather than queries of their own.
    partner = partner_of(user)
    if user.tenant is not None and user.tenant.public_id == tenant_id:
        center = AdminCenter(tenant=user.tenant, roles=own_directory_roles(user))
        if not center.can(ADMIN_ROLES):
            raise PermissionDenied(_("The admin center is for your organization's administrators."))
    else:
        relationship = partner_relationship_for(request, tenant_id, reseller=False)
        assert partner is not None  # partner_relationship_for answers 404 to a user of no partner
        # has_granular and has_delegated_admin are annotations of partner_relationship_for's query.
        if relationship.has_granular:  # type: ignore[attr-defined]  # GDAP wins over DAP (effective_roles)
            roles = assigned_granular_roles(user, live_admin_relationships(partner, relationship.customer))
        else:
            roles = implied_roles(user) if relationship.has_delegated_admin else frozenset()  # type: ignore[attr-defined]
        center = AdminCenter(tenant=relationship.customer, roles=roles, partner=partner)
        if not center.roles:
            raise CustomerAccessRefused(_admin_center_refusal(relationship), customer=relationship.customer)
    center.require(allowed)
    return center


def own_global_admin_center_for(request: AuthenticatedRequest, tenant_id: UUID) -> AdminCenter:
    """Pages only the tenant's own Global admins may use (Settings > Partner relationships): a partner acting on the
    customer's behalf, even as Global Administrator through delegated admin, may not (403; 404 for other tenants)."""
    user = request.user
    if user.tenant is None or user.tenant.public_id != tenant_id:
        partner_customer_for(request, tenant_id, reseller=False)  # 404 unless the tenant is a customer of the partner
        raise PermissionDenied(_("Only the customer's own Global admins can see its partner relationships."))
    if not is_own_global_admin(user):
        raise PermissionDenied(_("Only your organization's Global admins can do this."))
    return AdminCenter(tenant=user.tenant, roles=own_directory_roles(user))
