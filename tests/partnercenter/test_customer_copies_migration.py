"""The migration that adds the copies of each customer to its reseller relationships fills them for the rows that
exist, in one UPDATE."""

import pytest
from django.db import connection
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
