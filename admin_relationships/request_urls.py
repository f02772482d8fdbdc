"""Partner Center > Customers > Admin relationship requests: requests for customers who are not yet customers, under
customers/admin-relationships/ (names in the customers namespace). Once a customer's Global admin approves one, it
lives under that customer's page (urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.request_list, name="admin_relationship_requests"),
    path("new/", views.request_new, name="admin_relationship_request_new"),
    path("<uuid:relationship_id>/", views.request_detail, name="admin_relationship_request"),
    path("<uuid:relationship_id>/finalize/", views.request_finalize, name="admin_relationship_request_finalize"),
    path("<uuid:relationship_id>/send/", views.request_send, name="admin_relationship_request_send"),
]
