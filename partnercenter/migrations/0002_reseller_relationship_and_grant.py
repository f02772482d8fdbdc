"""The reseller relationship and the delegated admin grant move into the core, which decides access with them.
Only Django's state moves: the tables keep their names (db_table) and their rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """Existing admin history and permissions keep pointing at the same models, now under the core's label."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("resellerrelationship", "delegatedadmingrant"):
        if not content_type.objects.filter(app_label="partnercenter", model=model).exists():
            content_type.objects.filter(app_label="relationships", model=model).update(app_label="partnercenter")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnercenter", "0001_initial"),
        ("relationships", "0003_request_link_sent_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResellerRelationship",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="since")),
                        ("is_active", models.BooleanField(default=True)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reseller_relationships", to="partnercenter.tenant")),
                        ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reseller_relationships", to="partnercenter.partner")),
                    ],
                    options={
                        "verbose_name": "reseller relationship",
                        "verbose_name_plural": "reseller relationships",
                        "db_table": "relationships_resellerrelationship",
                        "ordering": ["customer__name"],
                        "indexes": [models.Index(fields=["partner", "is_active"], name="relationshi_partner_eadff8_idx")],
                        "constraints": [models.UniqueConstraint(fields=("partner", "customer"), name="one_reseller_relationship")],
                    },
                ),
                migrations.CreateModel(
                    name="DelegatedAdminGrant",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("granted_at", models.DateTimeField(auto_now_add=True, verbose_name="granted")),
                        ("removed_at", models.DateTimeField(blank=True, null=True, verbose_name="removed")),
                        ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="delegated_admin_grants", to="partnercenter.tenant")),
                        ("granted_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("partner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="delegated_admin_grants", to="partnercenter.partner")),
                        ("removed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "delegated admin grant",
                        "verbose_name_plural": "delegated admin grants",
                        "db_table": "relationships_delegatedadmingrant",
                        "ordering": ["-granted_at"],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("removed_at__isnull", True)), fields=("partner", "customer"), name="one_active_grant")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, migrations.RunPython.noop),
    ]
