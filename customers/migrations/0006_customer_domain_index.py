"""The Customers page sorts by primary domain too: a (primary_domain, id) index of the tenants serves that order and
its next pages (the row comparison of keyset paging), as customers_tenant_name_id (0001) serves the name's.
Database-level only, like 0001: the models do not change."""

from django.db import migrations

DOMAIN_INDEX = "customers_tenant_domain_id"


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_us_spelling_in_labels"),
    ]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS "{DOMAIN_INDEX}" ON partnercenter_tenant (primary_domain, id)',
            f'DROP INDEX IF EXISTS "{DOMAIN_INDEX}"',
            elidable=False,
        ),
    ]
