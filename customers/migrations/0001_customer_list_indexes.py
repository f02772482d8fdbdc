"""Indexes for the Customers page, on the tenants table.

- (name, id): the page lists a partner's customers by company name, 50 at a time; with this index the first page
  reads 50 index entries instead of sorting every customer of the partner.
- On PostgreSQL, trigram (pg_trgm) GIN indexes on UPPER(name), UPPER(primary_domain) and UPPER(public_id::text): the
  search is a case-insensitive substring match on these three (Django's `icontains`, which PostgreSQL runs as
  `UPPER(col::text) LIKE UPPER('%q%')`), which no b-tree can serve. The index expressions are exactly those of the
  query. Where the extension cannot be created (no privilege), the search keeps working without them, only slower.

Database-level only: the models do not change, so there is no state to migrate.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

NAME_INDEX = "customers_tenant_name_id"
TRIGRAM_INDEXES = {
    "customers_tenant_name_trgm": 'UPPER("name"::text)',
    "customers_tenant_domain_trgm": 'UPPER("primary_domain"::text)',
    "customers_tenant_public_id_trgm": 'UPPER("public_id"::text)',
}


def create_indexes(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("partnercenter", "Tenant")._meta.db_table)
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{NAME_INDEX}" ON {table} ("name", "id")')
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        logger.warning("pg_trgm is not available (%s); the customer search runs without its indexes.", exc)
        return
    for name, expression in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON {table} USING gin ({expression} gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    for name in [NAME_INDEX, *TRIGRAM_INDEXES]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("partnercenter", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
