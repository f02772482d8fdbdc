"""The customer's admin center pages of granular delegated admin, under
admin-center/<tenant_id>/settings/admin-relationships/ (names in the admincenter namespace)."""

from django.urls import path

from . import admin_center_views as views

urlpatterns = [
    path("<uuid:relationship_id>/remove-roles/", views.remove_roles, name="admin_relationship_remove_roles"),
]
