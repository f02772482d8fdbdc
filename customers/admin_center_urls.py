"""The admin center's own pages of the tenant's directory and subscriptions, under admin-center/<tenant_id>/ (names in
the admincenter namespace, which the project's URL conf composes from every app's admin center pages)."""

from django.urls import path

from . import admin_center_views as views

urlpatterns = [
    path("", views.home, name="home"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<uuid:user_id>/", views.user_edit, name="user_edit"),
    path("users/<uuid:user_id>/reset-password/", views.user_reset_password, name="user_reset_password"),
    path("users/<uuid:user_id>/delete/", views.user_delete, name="user_delete"),
    path("roles/", views.role_list, name="roles"),
    path("roles/<slug:role>/", views.role_detail, name="role_detail"),
    path("roles/<slug:role>/assign/", views.role_assign, name="role_assign"),
    path("roles/<slug:role>/remove/<uuid:user_id>/", views.role_remove, name="role_remove"),
    path("subscriptions/", views.subscription_list, name="subscriptions"),
    path("subscriptions/<uuid:subscription_id>/", views.subscription_detail, name="subscription_detail"),
    path("subscriptions/<uuid:subscription_id>/assign/", views.license_assign, name="license_assign"),
    path(
        "subscriptions/<uuid:subscription_id>/unassign/<uuid:user_id>/",
        views.license_unassign,
        name="license_unassign",
    ),
    path("activity/", views.activity_list, name="activity"),
]
