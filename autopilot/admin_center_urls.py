"""Admin center > Devices, under admin-center/<tenant_id>/devices/ (names in the admincenter namespace)."""

from django.urls import path

from . import admin_center_views as views

urlpatterns = [
    path("", views.device_list, name="devices"),
    path("export.csv", views.device_export, name="device_export"),
    path("add/", views.device_add, name="device_add"),
    path("sample.csv", views.sample_csv, name="device_sample"),
    path("remove/", views.device_remove, name="device_remove"),
    path("lists/<uuid:batch_id>/", views.batch_detail, name="device_list"),
    path("lists/<uuid:batch_id>/status/", views.batch_status, name="device_list_status"),
    path("lists/<uuid:batch_id>/report.csv", views.batch_report_csv, name="device_list_report"),
    path("lists/<uuid:batch_id>/register/", views.batch_confirm, name="device_list_confirm"),
    path("lists/<uuid:batch_id>/discard/", views.batch_discard, name="device_list_discard"),
]
