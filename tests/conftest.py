"""Personas (DESIGN.md §6): partner A's admin, sales and helpdesk agents; partner B's admin agent; customer X's
Global admin and a plain user; customer Y's Global admin; and the anonymous visitor. The isolation matrix's world also
has customer X's User Administrator, Helpdesk Administrator and Global Reader (the tests of the admin center's pages
build their own, with the same addresses).

Partner A has a reseller relationship with delegated admin with customer X; partner B a reseller relationship
(no delegated admin) with customer Y. Customer Y's Global admin is invited by partner A (a pending request: its
draft marked as sent).

The isolation matrix's world (build_world(customer_x_admins=True)) adds customer X's Security Reader (a role of the
catalogue beyond the first four) and partner A's "Tier 1" user, a member of a custom security group only (no
built-in group), to which partner A's active admin relationship with X (GDAP) gives User Administrator. Since GDAP
wins over delegated admin for partner A in X, that relationship also gives its Admin Agents Global Administrator and
its Helpdesk Agents Helpdesk Administrator: the roles delegated admin gave them, so that every other column keeps its
answer."""

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client

from admin_relationships.services import (
    access_assignment_activate,
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import AdminRelationship, DirectoryRole, Partner, SecurityGroup, Tenant, User
from relationships.models import RelationshipRequest, ShareMethod
from relationships.services import IssuedRequest, relationship_request_create, relationship_request_mark_sent

from .factories import (
    PASSWORD,
    DelegatedAdminGrantFactory,
    PartnerFactory,
    ResellerRelationshipFactory,
    TenantFactory,
    UserFactory,
    mfa_enable,
)

Kind = SecurityGroup.Kind
GA = DirectoryRole.GLOBAL_ADMINISTRATOR
UA = DirectoryRole.USER_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR
GR = DirectoryRole.GLOBAL_READER
SR = DirectoryRole.SECURITY_READER


def pytest_report_header(config):
    from django.conf import settings

    from tests import settings as test_settings

    return [f"database: {test_settings.DATABASE_NOTE} ({settings.DATABASES['default']['ENGINE']})"]


@dataclass
class World:
    partner_a: Partner
    partner_b: Partner
    customer_x: Tenant
    customer_y: Tenant
    a_admin: User
    a_sales: User
    a_helpdesk: User
    b_admin: User
    x_ga: User
    x_user: User
    y_ga: User
    pending: IssuedRequest
    # Only in build_world(customer_x_admins=True).
    x_useradmin: User | None = None
    x_helpdesk: User | None = None
    x_reader: User | None = None
    x_secreader: User | None = None
    a_tier1: User | None = None
    a_x_relationship: AdminRelationship | None = None

    def user(self, persona: str) -> User | None:
        if persona == "anon":
            return None
        user = getattr(self, persona)
        if user is None:  # not signed out: a persona this world was built without
            raise LookupError(f"{persona} is only in build_world(customer_x_admins=True)")
        return user


# The isolation matrix's columns: every persona of build_world(customer_x_admins=True).
PERSONAS = [
    "a_admin",
    "a_sales",
    "a_helpdesk",
    "a_tier1",
    "b_admin",
    "x_ga",
    "x_useradmin",
    "x_helpdesk",
    "x_reader",
    "x_secreader",
    "x_user",
    "y_ga",
    "anon",
]


def build_world(*, customer_x_admins: bool = False) -> World:
    """The personas and their tenants, written to the database; with `customer_x_admins`, also customer X's User
    Administrator, Helpdesk Administrator and Global Reader."""
    partner_a = PartnerFactory(name="Fabrikam", primary_domain="fabrikam.test")
    partner_b = PartnerFactory(name="Northwind", primary_domain="northwind.test")
    customer_x = TenantFactory(name="Contoso", primary_domain="contoso.test")
    customer_y = TenantFactory(name="Litware", primary_domain="litware.test")
    a_admin = UserFactory(tenant=partner_a.tenant, email="admin@fabrikam.test", group_kinds=[Kind.ADMIN_AGENTS])
    world = World(
        partner_a=partner_a,
        partner_b=partner_b,
        customer_x=customer_x,
        customer_y=customer_y,
        a_admin=a_admin,
        a_sales=UserFactory(tenant=partner_a.tenant, email="sales@fabrikam.test", group_kinds=[Kind.SALES_AGENTS]),
        a_helpdesk=UserFactory(
            tenant=partner_a.tenant, email="helpdesk@fabrikam.test", group_kinds=[Kind.HELPDESK_AGENTS]
        ),
        b_admin=UserFactory(tenant=partner_b.tenant, email="admin@northwind.test", group_kinds=[Kind.ADMIN_AGENTS]),
        x_ga=UserFactory(tenant=customer_x, email="ga@contoso.test", roles=[GA]),
        x_user=UserFactory(tenant=customer_x, email="user@contoso.test"),
        y_ga=UserFactory(tenant=customer_y, email="ga@litware.test", roles=[GA]),
        pending=_pending_request(partner_a, a_admin),
    )
    for agent in (world.a_admin, world.a_sales, world.a_helpdesk, world.b_admin):
        mfa_enable(agent)
    ResellerRelationshipFactory(partner=partner_a, customer=customer_x)
    DelegatedAdminGrantFactory(partner=partner_a, customer=customer_x)
    ResellerRelationshipFactory(partner=partner_b, customer=customer_y)
    if customer_x_admins:
        world.x_useradmin = UserFactory(tenant=customer_x, email="useradmin@contoso.test", roles=[UA])
        world.x_helpdesk = UserFactory(tenant=customer_x, email="helpdesk@contoso.test", roles=[HA])
        world.x_reader = UserFactory(tenant=customer_x, email="reader@contoso.test", roles=[GR])
        world.x_secreader = UserFactory(tenant=customer_x, email="securityreader@contoso.test", roles=[SR])
        _granular_admin_for_x(world)
    return world


def _pending_request(partner: Partner, agent: User) -> IssuedRequest:
    """A request whose link the agent let out (Done on its draft): an invitation the customer holds."""
    issued = relationship_request_create(partner=partner, created_by=agent, include_delegated_admin=True)
    relationship_request_mark_sent(
        relationship_request=issued.request, marked_by=agent, token=issued.token, how=ShareMethod.DONE
    )
    return issued


def _granular_admin_for_x(world: World) -> None:
    """Partner A's active admin relationship with customer X, and its "Tier 1" user (see the module's docstring).
    The assignments are activated here rather than by their task, which runs only after a commit."""
    tier1 = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(tier1)
    group = SecurityGroup.objects.create(tenant=world.partner_a.tenant, name="Contoso tier 1", kind=Kind.CUSTOM)
    group.members.add(tier1)
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Contoso administration",
        roles=[GA, UA, HA],
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    groups = {g.kind: g for g in SecurityGroup.objects.filter(tenant=world.partner_a.tenant)}
    for assigned, roles in (
        (groups[Kind.ADMIN_AGENTS], [GA]),
        (groups[Kind.HELPDESK_AGENTS], [HA]),
        (group, [UA]),
    ):
        assignment = access_assignment_create(
            relationship=relationship, security_group=assigned, roles=roles, created_by=world.a_admin
        )
        access_assignment_activate(assignment_id=assignment.pk)
    world.a_tier1 = tier1
    world.a_x_relationship = relationship


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="module")
def world_per_module(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The personas' world, with customer X's administrators, built once for a whole test module, inside a
    transaction rolled back at the module's end.

    Not for tests to use directly: a module overrides `world` with a function-scoped fixture that asks for `db`
    (whose transaction, nested in this one, becomes a savepoint rolled back after each test) and returns
    `world_copy(world_per_module)`, so that neither rows nor Python objects one test changes reach the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world(customer_x_admins=True)
        yield world
        transaction.set_rollback(True)


def world_copy(world: World) -> World:
    """A copy of the world's Python objects: what a test caches on them (users' per-request caches such as
    `_partner_cache`, a route's `w._azure`, a signed-in user's `last_login`) stays with that test."""
    return copy.deepcopy(world)


@pytest.fixture
def client_for(world):
    """A signed-in client for a persona ("anon" is signed out)."""

    def make(persona: str) -> Client:
        client = Client()
        user = world.user(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make


def staff_user(email: str = "staff@site.test", *, authenticator: bool = True) -> User:
    """Site staff: a superuser with an authenticator, as the Django admin requires."""
    staff = User.objects.create_superuser(email, PASSWORD)
    if authenticator:
        mfa_enable(staff)
    return staff


@pytest.fixture
def staff_client(db) -> Client:
    """A client signed in as site staff."""
    client = Client()
    client.force_login(staff_user())
    return client


def pending_request(world: World) -> RelationshipRequest:
    return world.pending.request
