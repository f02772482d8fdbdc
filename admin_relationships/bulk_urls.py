"""Customers > Request admin relationships (several customers at once), under customers/admin-relationships/bulk/
(names in the customers namespace)."""

from django.urls import path

from . import bulk_views

urlpatterns = [
    path("", bulk_views.bulk_new, name="admin_relationships_bulk_new"),
    path("<uuid:bulk_id>/", bulk_views.bulk_results, name="admin_relationships_bulk"),
]
