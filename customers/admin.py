from django.contrib import admin

from .models import LicenseAssignment, Subscription


class LicenseAssignmentInline(admin.TabularInline):
    model = LicenseAssignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["product", "tenant", "seats", "provisioned_by", "created_at"]
    list_filter = ["product"]
    list_select_related = ["tenant", "provisioned_by__tenant"]
    search_fields = ["tenant__name", "tenant__primary_domain", "public_id"]
    autocomplete_fields = ["tenant", "provisioned_by", "created_by"]
    inlines = [LicenseAssignmentInline]


@admin.register(LicenseAssignment)
class LicenseAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "subscription", "assigned_at"]
    list_select_related = ["user", "subscription__tenant"]
    search_fields = ["user__email", "subscription__tenant__name"]
    autocomplete_fields = ["user", "subscription"]
