"""The customer's side of granular delegated admin: the page behind a request's personalized link."""

from django.urls import path

from . import approval_views

app_name = "adminrelationships"

urlpatterns = [
    path("<str:token>/", approval_views.approval, name="approval"),
    path("<str:token>/approve/", approval_views.approval_approve, name="approval_approve"),
    path("<str:token>/reject/", approval_views.approval_reject, name="approval_reject"),
]
