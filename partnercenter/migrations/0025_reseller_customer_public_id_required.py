"""Every reseller relationship carries its customer's Microsoft ID: the copy becomes required (0021 made it nullable
only to add it to the rows that existed). Any row still without it takes it from its customer first."""

from django.db import migrations, models

FILL = (
    "UPDATE relationships_resellerrelationship SET customer_public_id ="
    " (SELECT t.public_id FROM partnercenter_tenant t WHERE t.id = relationships_resellerrelationship.customer_id)"
    " WHERE customer_public_id IS NULL"
)


class Migration(migrations.Migration):

    dependencies = [
        ('partnercenter', '0024_reseller_partner_newest_index'),
    ]

    operations = [
        migrations.RunSQL(FILL, reverse_sql=migrations.RunSQL.noop, elidable=True),
        migrations.AlterField(
            model_name='resellerrelationship',
            name='customer_public_id',
            field=models.UUIDField(editable=False),
        ),
    ]
