"""Partner Center > Customers > a customer > Add Azure subscription, under customers/<tenant_id>/azure/ (names in the
customers namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("new/", views.azure_subscription_new, name="azure_subscription_new"),
]
