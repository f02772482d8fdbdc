"""The migration that adds the copies of each customer to its reseller relationships fills them for the rows that
exist, in one UPDATE."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("partnercenter", "0020_relationship_request_draft_actions"), ("customers", "0007_subscription_list_orders")]
AFTER = [
    ("partnercenter", "0021_reseller_relationship_customer_copies"),
    ("customers", "0008_customer_copies_search_indexes"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_relationships_get_their_customers_copies():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Tenant = old.get_model("partnercenter", "Tenant")
        partner = old.get_model("partnercenter", "Partner").objects.create(
            tenant=Tenant.objects.create(name="Fabrikam", primary_domain="fabrikam.test"), partner_id="5000001"
        )
        customers = [
            Tenant.objects.create(name="Contoso", primary_domain="contoso.test"),
            Tenant.objects.create(name="Litware", primary_domain="litware.test"),
        ]
        for customer in customers:
            old.get_model("partnercenter", "ResellerRelationship").objects.create(partner=partner, customer=customer)

        executor = MigrationExecutor(connection)  # the graph as it is now
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        rows = new.get_model("partnercenter", "ResellerRelationship").objects.order_by("customer_id")
        assert [(r.customer_name, r.customer_domain, r.customer_public_id) for r in rows] == [
            (c.name, c.primary_domain, c.public_id) for c in customers
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


REQUIRED_BEFORE = [("partnercenter", "0024_reseller_partner_newest_index")]
REQUIRED_AFTER = [("partnercenter", "0025_reseller_customer_public_id_required")]


@pytest.mark.django_db(transaction=True)
def test_the_microsoft_id_copy_becomes_required_and_a_row_without_it_takes_it():
    executor = MigrationExecutor(connection)
    executor.migrate(REQUIRED_BEFORE)
    try:
        old = executor.loader.project_state(REQUIRED_BEFORE).apps
        Tenant = old.get_model("partnercenter", "Tenant")
        partner = old.get_model("partnercenter", "Partner").objects.create(
            tenant=Tenant.objects.create(name="Fabrikam", primary_domain="fabrikam.test"), partner_id="5000001"
        )
        customer = Tenant.objects.create(name="Contoso", primary_domain="contoso.test")
        relationships = old.get_model("partnercenter", "ResellerRelationship").objects
        relationships.create(partner=partner, customer=customer, customer_name="Contoso")  # no Microsoft ID copied

        executor = MigrationExecutor(connection)
        executor.migrate(REQUIRED_AFTER)
        new = executor.loader.project_state(REQUIRED_AFTER).apps
        row = new.get_model("partnercenter", "ResellerRelationship").objects.get()
        assert row.customer_public_id == customer.public_id
        assert not row._meta.get_field("customer_public_id").null
        # The column refuses a row without it.
        with pytest.raises(IntegrityError), transaction.atomic():
            new.get_model("partnercenter", "ResellerRelationship").objects.filter(pk=row.pk).update(
                customer_public_id=None
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
