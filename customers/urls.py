from django.urls import include, path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("<uuid:tenant_id>/", views.customer_detail, name="detail"),
    path("<uuid:tenant_id>/subscriptions/new/", views.subscription_new, name="subscription_new"),
    path("<uuid:tenant_id>/devices/", include("autopilot.urls")),  # Windows Autopilot
    path("<uuid:tenant_id>/azure/", include("azure_subscriptions.urls")),  # Add Azure subscription
]
