"""partner_relationship_for reads its row with hand-written SQL on PostgreSQL and with the ORM elsewhere: both
readings give the same row, customer, partner and facts, or nothing, for every partner persona and tenant."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from azure_subscriptions.rules import has_azure_role
from partnercenter.access import _relationship_by_orm, _relationship_by_sql, _relationship_facts
from partnercenter.models import DelegatedAdminGrant, ResellerRelationship, User
from tests.conftest import build_world
from tests.factories import TenantFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL reading is PostgreSQL's"),
]

AGENTS = ["a_admin", "a_sales", "a_helpdesk", "a_tier1", "b_admin", "x_ga"]
FACTS = ["has_delegated_admin", "delegated_admin_removed_at", "has_granular", "agent_group_kinds", "has_azure_role"]


def fresh(user: User) -> User:
    """The user as a request loads it (partnercenter/backends.py): with its tenant and partner."""
    return User.objects.select_related("tenant__partner").get(pk=user.pk)


def reading(read, user: User, tenant_id):
    user = fresh(user)
    facts = _relationship_facts(user, True)
    annotations = {"has_azure_role": has_azure_role(user)}
    if read is _relationship_by_sql:
        row = read(user, tenant_id, {**facts, **annotations})
    else:
        row = read(user, tenant_id, facts, annotations)
    if row is None:
        return None
    fields = [f.attname for f in ResellerRelationship._meta.concrete_fields]
    customer_fields = [f.attname for f in row.customer._meta.concrete_fields]
    return (
        {name: getattr(row, name) for name in fields},
        {name: getattr(row.customer, name) for name in customer_fields},
        row.partner.pk,
        {name: getattr(row, name) for name in FACTS},
    )


def test_both_readings_agree_for_every_agent_and_tenant(db):
    world = build_world(customer_x_admins=True)
    # A customer whose delegated admin was removed, and one through GDAP alone is customer X's relationship above.
    lapsed = TenantFactory(name="Wingtip")
    ResellerRelationship.objects.create(partner=world.partner_a, customer=lapsed)
    DelegatedAdminGrant.objects.create(partner=world.partner_a, customer=lapsed, removed_at=timezone.now())
    tenants = [
        world.customer_x.public_id,
        world.customer_y.public_id,
        lapsed.public_id,
        world.partner_a.tenant.public_id,
        world.partner_b.tenant.public_id,
        uuid.uuid4(),
    ]
    found = 0
    for persona in AGENTS:
        for tenant_id in tenants:
            by_sql = reading(_relationship_by_sql, world.user(persona), tenant_id)
            by_orm = reading(_relationship_by_orm, world.user(persona), tenant_id)
            assert by_sql == by_orm, (persona, tenant_id)
            found += by_sql is not None
    # Partner A's four agents see customer X and Wingtip; partner B's Admin agent customer Y; X's Global admin none.
    assert found == 4 * 2 + 1


def test_the_sql_reading_costs_one_query(django_assert_num_queries, world):
    user = fresh(world.a_admin)
    facts = _relationship_facts(user, True)
    with django_assert_num_queries(1):
        row = _relationship_by_sql(user, world.customer_x.public_id, facts)
    assert row is not None
    assert row.customer.name == "Contoso"
    assert row.has_delegated_admin is True
    assert row.agent_group_kinds == "admin_agents"
