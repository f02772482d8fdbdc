"""Settings > Role templates, under settings/role-templates/ (names in the roletemplates namespace)."""

from django.urls import path

from . import template_views

app_name = "roletemplates"

urlpatterns = [
    path("", template_views.template_list, name="list"),
    path("new/", template_views.template_new, name="new"),
    path("<uuid:template_id>/", template_views.template_edit, name="edit"),
    path("<uuid:template_id>/delete/", template_views.template_delete, name="delete"),
]
