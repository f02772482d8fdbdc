"""Admin center > Azure subscriptions, under admin-center/<tenant_id>/azure/ (names in the admincenter namespace)."""

from django.urls import path

from . import admin_center_views as azure

urlpatterns = [
    path("", azure.subscription_list, name="azure_subscriptions"),
    path("new/", azure.subscription_new, name="azure_subscription_new"),
    path("<uuid:subscription_id>/", azure.subscription_overview, name="azure_subscription"),
    path(
        "<uuid:subscription_id>/resource-groups/new/",
        azure.resource_group_new,
        name="azure_resource_group_new",
    ),
    path(
        "<uuid:subscription_id>/resource-groups/<uuid:resource_group_id>/delete/",
        azure.resource_group_delete,
        name="azure_resource_group_delete",
    ),
    path("<uuid:subscription_id>/access-control/", azure.access_control, name="azure_access_control"),
    path(
        "<uuid:subscription_id>/access-control/add/",
        azure.role_assignment_add,
        name="azure_role_assignment_add",
    ),
    path(
        "<uuid:subscription_id>/access-control/<uuid:assignment_id>/remove/",
        azure.role_assignment_remove,
        name="azure_role_assignment_remove",
    ),
]
