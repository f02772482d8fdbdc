"""The migrations of the copies of each customer on its reseller relationships: the first fills them for the rows that
exist, in one UPDATE; a later one makes the Microsoft ID's copy required, filling any row still without it."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("partnercenter", "0020_relationship_request_draft_actions"), ("customers", "0007_subscription_list_orders")]
AFTER = [
    ("partnercenter", "0021_reseller_relationship_customer_copies"),
    ("customers", "0008_customer_copies_search_indexes"),
]
REQUIRED_BEFORE = [("partnercenter", "0024_reseller_partner_newest_index")]
REQUIRED_AFTER = [("partnercenter", "0025_reseller_customer_public_id_required")]


@contextmanager
def migrated_back_to(targets) -> Iterator:
    """The database at `targets`, with a partner (Fabrikam): its models and the partner; forward to the latest
    migrations afterwards, whatever happens."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    try:
        apps = executor.loader.project_state(targets).apps
        tenants = apps.get_model("partnercenter", "Tenant").objects
        partner = apps.get_model("partnercenter", "Partner").objects.create(
            tenant=tenants.create(name="Fabrikam", primary_domain="fabrikam.test"), partner_id="5000001"
        )
        yield apps, partner
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_to(targets):
    """The models once migrated to `targets` (the graph as it is now)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_relationships_get_their_customers_copies():
    with migrated_back_to(BEFORE) as (old, partner):
        Tenant = old.get_model("partnercenter", "Tenant")
        customers = [
            Tenant.objects.create(name="Contoso", primary_domain="contoso.test"),
            Tenant.objects.create(name="Litware", primary_domain="litware.test"),
        ]
        for customer in customers:
            old.get_model("partnercenter", "ResellerRelationship").objects.create(partner=partner, customer=customer)

        new = migrate_to(AFTER)
        rows = new.get_model("partnercenter", "ResellerRelationship").objects.order_by("customer_id")
        assert [(r.customer_name, r.customer_domain, r.customer_public_id) for r in rows] == [
            (c.name, c.primary_domain, c.public_id) for c in customers
        ]


@pytest.mark.django_db(transaction=True)
def test_the_microsoft_id_copy_becomes_required_and_a_row_without_it_takes_it():
    with migrated_back_to(REQUIRED_BEFORE) as (old, partner):
        tenants = old.get_model("partnercenter", "Tenant").objects
        customer = tenants.create(name="Contoso", primary_domain="contoso.test")
        relationships = old.get_model("partnercenter", "ResellerRelationship").objects
        relationships.create(partner=partner, customer=customer, customer_name="Contoso")  # no Microsoft ID copied

        new = migrate_to(REQUIRED_AFTER)
        relationships = new.get_model("partnercenter", "ResellerRelationship").objects
        row = relationships.get()
        assert row.customer_public_id == customer.public_id
        assert not row._meta.get_field("customer_public_id").null
        # The column refuses a row without it.
        with pytest.raises(IntegrityError), transaction.atomic():
            relationships.filter(pk=row.pk).update(customer_public_id=None)
