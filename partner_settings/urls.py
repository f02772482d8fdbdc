"""The partner's own settings: its users and their roles, its activity log."""

from django.urls import path

from . import activity_views, views

app_name = "partnersettings"

urlpatterns = [
    path("users/", views.team_list, name="users"),
    path("users/new/", views.team_user_new, name="user_new"),
    path("users/<uuid:user_id>/", views.team_user_edit, name="user_edit"),
    path("users/<uuid:user_id>/remove/", views.team_user_remove, name="user_remove"),
    path("activity/", activity_views.activity_log, name="activity"),
    path("activity/export.csv", activity_views.activity_export, name="activity_export"),
]
