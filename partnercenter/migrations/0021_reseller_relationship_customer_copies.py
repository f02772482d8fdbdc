"""Copies of the customer's name, primary domain and Microsoft ID on each reseller relationship (the partner's
Customers page sorts and searches them in the partner's own rows), filled for the rows that exist."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_customers(apps, schema_editor):
    ResellerRelationship = apps.get_model("partnercenter", "ResellerRelationship")
    Tenant = apps.get_model("partnercenter", "Tenant")
    customer = Tenant.objects.filter(pk=OuterRef("customer_id"))
    # One UPDATE, whatever the number of rows.
    ResellerRelationship.objects.update(
        customer_name=Subquery(customer.values("name")[:1]),
        customer_domain=Subquery(customer.values("primary_domain")[:1]),
        customer_public_id=Subquery(customer.values("public_id")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('partnercenter', '0020_relationship_request_draft_actions'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='resellerrelationship',
            options={'ordering': ['customer_name', 'customer_id'], 'verbose_name': 'reseller relationship', 'verbose_name_plural': 'reseller relationships'},
        ),
        migrations.AddField(
            model_name='resellerrelationship',
            name='customer_domain',
            field=models.CharField(default='', editable=False, max_length=253),
        ),
        migrations.AddField(
            model_name='resellerrelationship',
            name='customer_name',
            field=models.CharField(default='', editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name='resellerrelationship',
            name='customer_public_id',
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(copy_customers, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='resellerrelationship',
            index=models.Index(fields=['partner', 'customer_name', 'customer_id'], name='reseller_partner_name'),
        ),
        migrations.AddIndex(
            model_name='resellerrelationship',
            index=models.Index(fields=['partner', 'customer_domain', 'customer_id'], name='reseller_partner_domain'),
        ),
    ]
