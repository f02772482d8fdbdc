"""The partner's own settings: its users and their roles, its activity log."""

from django.urls import path

from . import activity_views, app_views, security_group_views, views

app_name = "partnersettings"

urlpatterns = [
    path("users/", views.team_list, name="users"),
    path("users/new/", views.team_user_new, name="user_new"),
    path("users/<uuid:user_id>/", views.team_user_edit, name="user_edit"),
    path("users/<uuid:user_id>/remove/", views.team_user_remove, name="user_remove"),
    path("security-groups/", security_group_views.group_list, name="security_groups"),
    path("security-groups/new/", security_group_views.group_new, name="security_group_new"),
    path("security-groups/<uuid:group_id>/", security_group_views.group_detail, name="security_group"),
    path(
        "security-groups/<uuid:group_id>/members/<uuid:user_id>/remove/",
        security_group_views.group_member_remove,
        name="security_group_member_remove",
    ),
    path("apps/", app_views.app_list, name="apps"),
    path("apps/new/", app_views.app_new, name="app_new"),
    path("apps/<uuid:app_id>/", app_views.app_detail, name="app"),
    path("apps/<uuid:app_id>/permissions/", app_views.app_permissions, name="app_permissions"),
    path("apps/<uuid:app_id>/secrets/", app_views.app_secret_new, name="app_secret_new"),
    path("apps/<uuid:app_id>/secrets/<uuid:secret_id>/revoke/", app_views.app_secret_revoke, name="app_secret_revoke"),
    path("apps/<uuid:app_id>/remove/", app_views.app_remove, name="app_remove"),
    path("activity/", activity_views.activity_log, name="activity"),
    path("activity/export.csv", activity_views.activity_export, name="activity_export"),
]
