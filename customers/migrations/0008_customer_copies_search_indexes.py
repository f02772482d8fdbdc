"""The Customers page's search reads the partner's own rows now: the copies of each customer's name, domain and
Microsoft ID on its reseller relationship (partnercenter 0021). On PostgreSQL, trigram GIN indexes on those copies,
with the expressions of the query (UPPER(col::text) LIKE UPPER('%q%'), as 0001's on the tenants), so that a search
no longer joins every customer of the partner to its tenant. Without pg_trgm (0001 says when) the search works
without them, only slower."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

TRIGRAM_INDEXES = {
    "customers_reseller_name_trgm": 'UPPER("customer_name"::text)',
    "customers_reseller_domain_trgm": 'UPPER("customer_domain"::text)',
    "customers_reseller_public_id_trgm": 'UPPER("customer_public_id"::text)',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("partnercenter", "ResellerRelationship")._meta.db_table)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logger.warning("pg_trgm is not available (%s); the customer search runs without its indexes.", exc)
        return
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON {table} USING gin ({expression} gin_trgm_ops)')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_subscription_list_orders"),
        ("partnercenter", "0021_reseller_relationship_customer_copies"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
