"""Partner Center > Customers > a customer > Devices, under customers/<tenant_id>/devices/ (names in the customers
namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.device_list, name="devices"),
    path("export.csv", views.device_export, name="device_export"),
    path("add/", views.device_add, name="device_add"),
    path("sample.csv", views.sample_csv, name="device_sample"),
    path("apply-profile/", views.profile_apply, name="profile_apply"),
    path("remove-profile/", views.profile_unassign, name="profile_unassign"),
    path("remove/", views.device_remove, name="device_remove"),
    path("lists/", views.batch_list, name="device_lists"),
    path("lists/<uuid:batch_id>/", views.batch_detail, name="device_list"),
    path("lists/<uuid:batch_id>/status/", views.batch_status, name="device_list_status"),
    path("lists/<uuid:batch_id>/report.csv", views.batch_report_csv, name="device_list_report"),
    path("lists/<uuid:batch_id>/register/", views.batch_confirm, name="device_list_confirm"),
    path("lists/<uuid:batch_id>/discard/", views.batch_discard, name="device_list_discard"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_new, name="profile_new"),
    path("profiles/<uuid:profile_id>/", views.profile_edit, name="profile_edit"),
    path("profiles/<uuid:profile_id>/delete/", views.profile_delete, name="profile_delete"),
]
