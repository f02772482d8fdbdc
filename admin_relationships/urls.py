"""Partner Center > Customers > a customer > Admin relationships, under customers/<tenant_id>/admin-relationships/
(names in the customers namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("new/", views.relationship_new, name="admin_relationship_new"),
    path("<uuid:relationship_id>/", views.relationship_detail, name="admin_relationship"),
    path("<uuid:relationship_id>/finalize/", views.relationship_finalize, name="admin_relationship_finalize"),
    path("<uuid:relationship_id>/send/", views.relationship_send, name="admin_relationship_send"),
    path("<uuid:relationship_id>/auto-extend/", views.relationship_auto_extend, name="admin_relationship_auto_extend"),
    path(
        "<uuid:relationship_id>/remove-global-admin/",
        views.relationship_remove_global_admin,
        name="admin_relationship_remove_global_admin",
    ),
    path("<uuid:relationship_id>/terminate/", views.relationship_terminate, name="admin_relationship_terminate"),
    path("<uuid:relationship_id>/security-groups/add/", views.assignment_new, name="access_assignment_new"),
    path(
        "<uuid:relationship_id>/security-groups/<uuid:assignment_id>/edit/",
        views.assignment_edit,
        name="access_assignment_edit",
    ),
    path(
        "<uuid:relationship_id>/security-groups/<uuid:assignment_id>/remove/",
        views.assignment_remove,
        name="access_assignment_remove",
    ),
]
