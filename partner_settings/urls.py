"""The partner's own settings: its users and their roles, its activity log."""

from django.urls import path

from . import activity_views, security_group_views, views

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
    path("activity/", activity_views.activity_log, name="activity"),
    path("activity/export.csv", activity_views.activity_export, name="activity_export"),
]
