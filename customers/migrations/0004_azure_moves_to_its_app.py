"""Azure subscriptions now belong to their own app (azure_subscriptions 0001): this app forgets them. Only Django's
state changes; the tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('azure_subscriptions', '0001_initial'),
        ('customers', '0003_azure_subscriptions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='azureroleassignment',
                    name='azure_role_assignment_one_principal',
                ),
                migrations.RemoveConstraint(
                    model_name='azureroleassignment',
                    name='unique_azure_role_per_user',
                ),
                migrations.RemoveConstraint(
                    model_name='azureroleassignment',
                    name='unique_azure_role_per_group',
                ),
                migrations.RemoveConstraint(
                    model_name='azuresubscription',
                    name='unique_azure_subscription_name_per_tenant',
                ),
                migrations.RemoveConstraint(
                    model_name='resourcegroup',
                    name='unique_resource_group_name_per_subscription',
                ),
                migrations.RemoveField(
                    model_name='azuresubscription',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='azuresubscription',
                    name='provisioned_by',
                ),
                migrations.RemoveField(
                    model_name='azuresubscription',
                    name='tenant',
                ),
                migrations.RemoveField(
                    model_name='resourcegroup',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='resourcegroup',
                    name='subscription',
                ),
                migrations.DeleteModel(
                    name='AzureRoleAssignment',
                ),
                migrations.DeleteModel(
                    name='AzureSubscription',
                ),
                migrations.DeleteModel(
                    name='ResourceGroup',
                ),
            ],
            database_operations=[],
        ),
    ]
