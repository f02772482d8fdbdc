"""Partner Center > Customers > Expiring granular relationships, under customers/expiring-granular-relationships/
(names in the customers namespace)."""

from django.urls import path

from . import expiring_views

urlpatterns = [
    path("", expiring_views.expiring_list, name="expiring_relationships"),
    path("export.csv", expiring_views.expiring_export, name="expiring_relationships_export"),
]
