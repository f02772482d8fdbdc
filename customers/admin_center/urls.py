"""The admin center of one tenant, under admin-center/<tenant_id>/."""

from django.urls import include, path

from relationships import partner_relationships_views as partner_relationships

from . import activity, licences, overview, roles, users

app_name = "admincenter"

urlpatterns = [
    path("", overview.home, name="home"),
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/<uuid:user_id>/", users.user_edit, name="user_edit"),
    path("users/<uuid:user_id>/reset-password/", users.user_reset_password, name="user_reset_password"),
    path("users/<uuid:user_id>/delete/", users.user_delete, name="user_delete"),
    path("roles/", roles.role_list, name="roles"),
    path("roles/<slug:role>/", roles.role_detail, name="role_detail"),
    path("roles/<slug:role>/assign/", roles.role_assign, name="role_assign"),
    path("roles/<slug:role>/remove/<uuid:user_id>/", roles.role_remove, name="role_remove"),
    path("subscriptions/", licences.subscription_list, name="subscriptions"),
    path("subscriptions/<uuid:subscription_id>/", licences.subscription_detail, name="subscription_detail"),
    path("subscriptions/<uuid:subscription_id>/assign/", licences.license_assign, name="license_assign"),
    path(
        "subscriptions/<uuid:subscription_id>/unassign/<uuid:user_id>/",
        licences.license_unassign,
        name="license_unassign",
    ),
    path("activity/", activity.activity_list, name="activity"),
    path(
        "settings/partner-relationships/",
        partner_relationships.partner_relationship_list,
        name="partner_relationships",
    ),
    path(
        "settings/partner-relationships/<uuid:partner_tenant_id>/",
        partner_relationships.partner_relationship_detail,
        name="partner_relationship_detail",
    ),
    path(
        "settings/partner-relationships/<uuid:partner_tenant_id>/remove-delegated-admin/",
        partner_relationships.delegated_admin_remove,
        name="delegated_admin_remove",
    ),
    path("azure/", include("azure_subscriptions.admin_center_urls")),  # Azure subscriptions
    path("devices/", include("autopilot.admin_center_urls")),  # Windows Autopilot
]
