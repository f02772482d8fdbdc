from django.db import migrations, models
from django.db.models import Min


def mark_customers_through_granular_admin(apps, schema_editor):
    """Every tenant that approved an admin relationship of a partner becomes (or stays) that partner's customer."""
    AdminRelationship = apps.get_model("partnercenter", "AdminRelationship")
    ResellerRelationship = apps.get_model("partnercenter", "ResellerRelationship")
    approved = (
        AdminRelationship.objects.filter(activated_at__isnull=False, customer__isnull=False)
        .values("partner_id", "customer_id")
        .annotate(since=Min("activated_at"))
        .order_by()
    )
    for row in approved.iterator():
        relationship, created = ResellerRelationship.objects.get_or_create(
            partner_id=row["partner_id"],
            customer_id=row["customer_id"],
            defaults={"is_active": False, "granular_admin_since": row["since"]},
        )
        if not created and relationship.granular_admin_since is None:
            relationship.granular_admin_since = row["since"]
            relationship.save(update_fields=["granular_admin_since"])


class Migration(migrations.Migration):
    dependencies = [
        ("partnercenter", "0012_role_template_audit_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="resellerrelationship",
            name="granular_admin_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="granular delegated admin since"),
        ),
        migrations.RunPython(mark_customers_through_granular_admin, migrations.RunPython.noop),
    ]
