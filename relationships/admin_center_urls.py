"""Admin center > Settings > Partner relationships, under admin-center/<tenant_id>/settings/partner-relationships/
(names in the admincenter namespace)."""

from django.urls import path

from . import admin_center_views as views

urlpatterns = [
    path("", views.partner_relationship_list, name="partner_relationships"),
    path("<uuid:partner_tenant_id>/", views.partner_relationship_detail, name="partner_relationship_detail"),
    path(
        "<uuid:partner_tenant_id>/remove-delegated-admin/",
        views.delegated_admin_remove,
        name="delegated_admin_remove",
    ),
]
