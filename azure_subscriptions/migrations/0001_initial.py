"""Azure subscriptions, resource groups and role assignments, moved here from the customers app: only Django's
state moves; the tables keep their names (db_table) and rows."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import uuid
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    """Existing admin history and permissions keep pointing at the same models, now under this app's label."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("azuresubscription", "resourcegroup", "azureroleassignment"):
        if not content_type.objects.filter(app_label="azure_subscriptions", model=model).exists():
            content_type.objects.filter(app_label="customers", model=model).update(app_label="azure_subscriptions")

class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('customers', '0003_azure_subscriptions'),
        ('partnercenter', '0002_reseller_relationship_and_grant'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AzureSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='subscription ID')),
                        ('name', models.CharField(max_length=64, verbose_name='subscription name')),
                        ('state', models.CharField(choices=[('active', 'Active'), ('disabled', 'Disabled')], default='active', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('provisioned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partnercenter.partner', verbose_name='partner')),
                        ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='azure_subscriptions', to='partnercenter.tenant', verbose_name='directory')),
                    ],
                    options={
                        'verbose_name': 'Azure subscription',
                        'verbose_name_plural': 'Azure subscriptions',
                        'db_table': 'customers_azuresubscription',
                        'ordering': ['tenant__name', 'name', 'created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='AzureRoleAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('contributor', 'Contributor'), ('reader', 'Reader')], max_length=20, verbose_name='role')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='assigned')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='azure_role_assignments', to='partnercenter.securitygroup', verbose_name='group')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='azure_role_assignments', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_assignments', to='azure_subscriptions.azuresubscription')),
                    ],
                    options={
                        'verbose_name': 'Azure role assignment',
                        'verbose_name_plural': 'Azure role assignments',
                        'db_table': 'customers_azureroleassignment',
                        'ordering': ['subscription', 'role', 'created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ResourceGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('name', models.CharField(max_length=90, validators=[django.core.validators.RegexValidator('^[-\\w._()]*[-\\w_()]$', "A resource group name can use letters, digits, underscores, hyphens, periods and parentheses, and can't end with a period.")], verbose_name='resource group name')),
                        ('region', models.CharField(choices=[('eastus', 'East US'), ('westus2', 'West US 2'), ('northeurope', 'North Europe'), ('westeurope', 'West Europe'), ('eastasia', 'East Asia'), ('southeastasia', 'Southeast Asia'), ('japaneast', 'Japan East'), ('australiaeast', 'Australia East')], max_length=20, verbose_name='region')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('subscription', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resource_groups', to='azure_subscriptions.azuresubscription')),
                    ],
                    options={
                        'verbose_name': 'resource group',
                        'verbose_name_plural': 'resource groups',
                        'db_table': 'customers_resourcegroup',
                        'ordering': ['subscription', 'name'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='azuresubscription',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('tenant'), name='unique_azure_subscription_name_per_tenant', violation_error_message='This organisation already has an Azure subscription with this name.'),
                ),
                migrations.AddConstraint(
                    model_name='azureroleassignment',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('group__isnull', True), ('user__isnull', False)), models.Q(('group__isnull', False), ('user__isnull', True)), _connector='OR'), name='azure_role_assignment_one_principal', violation_error_message='A role assignment is for either a user or a group.'),
                ),
                migrations.AddConstraint(
                    model_name='azureroleassignment',
                    constraint=models.UniqueConstraint(condition=models.Q(('user__isnull', False)), fields=('subscription', 'role', 'user'), name='unique_azure_role_per_user', violation_error_message='This user already has this role on the subscription.'),
                ),
                migrations.AddConstraint(
                    model_name='azureroleassignment',
                    constraint=models.UniqueConstraint(condition=models.Q(('group__isnull', False)), fields=('subscription', 'role', 'group'), name='unique_azure_role_per_group', violation_error_message='This group already has this role on the subscription.'),
                ),
                migrations.AddConstraint(
                    model_name='resourcegroup',
                    constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('subscription'), name='unique_resource_group_name_per_subscription', violation_error_message='This subscription already has a resource group with this name.'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, migrations.RunPython.noop),
    ]
