"""The Graph-compatible API's routes, as Microsoft Graph v1.0 spells them (no trailing slash)."""

from django.urls import path

from . import views

app_name = "graphapi"

BASE = "v1.0/tenantRelationships/"
RELATIONSHIP = BASE + "delegatedAdminRelationships/<str:relationship_id>"

urlpatterns = [
    path("developers/graph-api/", views.docs, name="docs"),
    path("developers/graph-api/openapi.json", views.openapi_document, name="openapi"),
    path("<str:tenant>/oauth2/v2.0/token", views.token, name="token"),
    path(BASE + "delegatedAdminRelationships", views.relationships, name="relationships"),
    path(RELATIONSHIP, views.relationship, name="relationship"),
    path(RELATIONSHIP + "/requests", views.relationship_requests, name="relationship_requests"),
    path(RELATIONSHIP + "/requests/<str:request_id>", views.relationship_request, name="relationship_request"),
    path(RELATIONSHIP + "/accessAssignments", views.access_assignments, name="access_assignments"),
    path(RELATIONSHIP + "/accessAssignments/<str:assignment_id>", views.access_assignment, name="access_assignment"),
    path(RELATIONSHIP + "/operations", views.operations, name="operations"),
    path(RELATIONSHIP + "/operations/<str:operation_id>", views.operation, name="operation"),
    path(BASE + "delegatedAdminCustomers", views.customers, name="customers"),
    path(BASE + "delegatedAdminCustomers/<str:customer_id>", views.customer, name="customer"),
    path(
        BASE + "delegatedAdminCustomers/<str:customer_id>/serviceManagementDetails",
        views.service_management_details,
        name="service_management_details",
    ),
]
