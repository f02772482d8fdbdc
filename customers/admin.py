from django.contrib import admin

from .models import AzureRoleAssignment, AzureSubscription, LicenseAssignment, ResourceGroup, Subscription


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


class ResourceGroupInline(admin.TabularInline):
    model = ResourceGroup
    extra = 0
    fields = ["name", "region", "created_at"]
    readonly_fields = ["created_at"]


class AzureRoleAssignmentInline(admin.TabularInline):
    model = AzureRoleAssignment
    extra = 0
    fields = ["role", "user", "group", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user", "group"]


@admin.register(AzureSubscription)
class AzureSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "public_id", "tenant", "state", "provisioned_by", "created_at"]
    list_filter = ["state", ("provisioned_by", admin.EmptyFieldListFilter)]
    list_select_related = ["tenant", "provisioned_by__tenant"]
    search_fields = ["name", "public_id", "tenant__name", "tenant__primary_domain"]
    readonly_fields = ["public_id", "created_at"]
    autocomplete_fields = ["tenant", "provisioned_by", "created_by"]
    inlines = [ResourceGroupInline, AzureRoleAssignmentInline]


@admin.register(ResourceGroup)
class ResourceGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "subscription", "region", "created_at"]
    list_filter = ["region"]
    list_select_related = ["subscription"]
    search_fields = ["name", "subscription__name", "subscription__public_id", "subscription__tenant__name"]
    autocomplete_fields = ["subscription", "created_by"]


@admin.register(AzureRoleAssignment)
class AzureRoleAssignmentAdmin(admin.ModelAdmin):
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
    autocomplete_fields = ["subscription", "user", "group", "created_by"]
