"""The reseller relationship and the delegated admin grant now belong to the core (partnercenter 0002): this app
forgets them. Only Django's state changes; the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0003_request_link_sent_at"),
        ("partnercenter", "0002_reseller_relationship_and_grant"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ResellerRelationship"),
                migrations.DeleteModel(name="DelegatedAdminGrant"),
            ],
            database_operations=[],
        ),
    ]
