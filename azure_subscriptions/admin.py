"""Azure subscriptions in the Django admin: read-only, like everything that gives access (partnercenter/admin.py)."""

from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AzureRoleAssignment, AzureSubscription, ResourceGroup


class ResourceGroupInline(ReadOnlyInline):
    model = ResourceGroup
    fields = ["name", "region", "created_at"]
    readonly_fields = ["created_at"]


class AzureRoleAssignmentInline(ReadOnlyInline):
    model = AzureRoleAssignment
    fields = ["role", "user", "group", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(AzureSubscription)
class AzureSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["name", "public_id", "tenant", "state", "provisioned_by", "created_at"]
    list_filter = ["state", ("provisioned_by", admin.EmptyFieldListFilter)]
    list_select_related = ["tenant", "provisioned_by__tenant"]
    search_fields = ["name", "public_id", "tenant__name", "tenant__primary_domain"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [ResourceGroupInline, AzureRoleAssignmentInline]


@admin.register(ResourceGroup)
class ResourceGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "subscription", "region", "created_at"]
    list_filter = ["region"]
    list_select_related = ["subscription"]
    search_fields = ["name", "subscription__name", "subscription__public_id", "subscription__tenant__name"]


@admin.register(AzureRoleAssignment)
class AzureRoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["subscription", "role", "user", "group", "created_at"]
    list_filter = ["role"]
    list_select_related = ["subscription", "user", "group__tenant"]
    search_fields = [
        "subscription__name",
        "subscription__public_id",
        "user__email",
        "group__name",
        "group__tenant__name",
    ]
