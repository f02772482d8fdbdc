from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import LicenseAssignment, Subscription


class LicenseAssignmentInline(ReadOnlyInline):
    model = LicenseAssignment


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["product", "tenant", "seats", "provisioned_by", "created_at"]
    list_filter = ["product"]
    list_select_related = ["tenant", "provisioned_by__tenant"]
    search_fields = ["tenant__name", "tenant__primary_domain", "public_id"]
    inlines = [LicenseAssignmentInline]


@admin.register(LicenseAssignment)
class LicenseAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "subscription", "assigned_at"]
    list_select_related = ["user", "subscription__tenant"]
    search_fields = ["user__email", "subscription__tenant__name"]
