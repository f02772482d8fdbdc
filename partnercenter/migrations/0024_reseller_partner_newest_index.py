"""The partner's newest customers by (partner, date, id): see ResellerRelationship's indexes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnercenter', '0023_partner_relationship_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='resellerrelationship',
            name='reseller_partner_id',
        ),
        migrations.AddIndex(
            model_name='resellerrelationship',
            index=models.Index(fields=['partner', 'created_at', 'id'], name='reseller_partner_newest'),
        ),
    ]
