from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_tenant_names(apps, schema_editor):
    Partner = apps.get_model("partnercenter", "Partner")
    Tenant = apps.get_model("partnercenter", "Tenant")
    Partner.objects.update(tenant_name=Subquery(Tenant.objects.filter(pk=OuterRef("tenant_id")).values("name")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("partnercenter", "0021_reseller_relationship_customer_copies"),
    ]

    operations = [
        migrations.AddField(
            model_name="partner",
            name="tenant_name",
            field=models.CharField(default="", editable=False, max_length=200),
            preserve_default=False,
        ),
        migrations.RunPython(copy_tenant_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="partner",
            index=models.Index(fields=["tenant_name", "tenant"], name="partner_tenant_name"),
        ),
    ]
