from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import BulkRequest, BulkRequestItem, RoleTemplate, RoleTemplateEntry, TemplatedRelationship


class RoleTemplateEntryInline(ReadOnlyInline):
    model = RoleTemplateEntry


@admin.register(RoleTemplate)
class RoleTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "partner", "created_by", "updated_at"]
    list_select_related = ["partner__tenant", "created_by"]
    search_fields = ["name", "partner__tenant__name"]
    inlines = [RoleTemplateEntryInline]


@admin.register(TemplatedRelationship)
class TemplatedRelationshipAdmin(ReadOnlyAdmin):
    list_display = ["relationship", "template_name", "snapshot_at", "applied_at"]
    list_select_related = ["relationship__partner__tenant", "relationship__customer"]
    search_fields = ["template_name", "relationship__display_name"]


@admin.register(BulkRequest)
class BulkRequestAdmin(ReadOnlyAdmin):
    list_display = ["base_name", "partner", "template_name", "status", "created_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["partner__tenant"]
    search_fields = ["base_name", "template_name", "partner__tenant__name"]


@admin.register(BulkRequestItem)
class BulkRequestItemAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "customer", "status", "failure", "recipients"]
    list_filter = ["status", "failure"]
    list_select_related = ["customer"]
    search_fields = ["display_name", "customer__name"]
