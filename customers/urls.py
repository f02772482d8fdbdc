"""Partner Center > Customers: the list, its export, a customer's page and Add subscription, under customers/ (names
in the customers namespace, which the project's URL conf composes with each service's pages of a customer)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("<uuid:tenant_id>/", views.customer_detail, name="detail"),
    path("<uuid:tenant_id>/details/", views.customer_details, name="details"),
    path("<uuid:tenant_id>/subscriptions/new/", views.subscription_new, name="subscription_new"),
]
