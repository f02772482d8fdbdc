from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    AuditEvent,
    DirectoryRoleAssignment,
    LocalMailboxMessage,
    OutboxEmail,
    Partner,
    SecurityGroup,
    Tenant,
    User,
)


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "primary_domain", "public_id", "created_at"]
    search_fields = ["name", "primary_domain", "public_id"]
    readonly_fields = ["public_id", "created_at"]
    date_hierarchy = "created_at"


class RoleInline(admin.TabularInline):
    model = DirectoryRoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "tenant", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "role_assignments__role", "security_groups__kind"]
    list_select_related = ["tenant"]
    search_fields = ["email", "first_name", "last_name", "tenant__name"]
    autocomplete_fields = ["tenant"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "tenant", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "tenant", "password1", "password2"]})]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner_id", "tenant"]
    list_select_related = ["tenant"]
    search_fields = ["partner_id", "tenant__name", "tenant__primary_domain"]
    autocomplete_fields = ["tenant"]


@admin.register(SecurityGroup)
class SecurityGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "tenant"]
    list_filter = ["kind"]
    list_select_related = ["tenant"]
    search_fields = ["name", "tenant__name"]
    autocomplete_fields = ["tenant", "members"]


@admin.register(DirectoryRoleAssignment)
class DirectoryRoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "assigned_at"]
    list_filter = ["role"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__tenant__name"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written by the product only, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor_email", "actor_tenant", "target_tenant", "on_behalf", "object_type"]
    list_filter = ["action", "on_behalf", "at"]
    list_select_related = ["actor_tenant", "target_tenant"]
    search_fields = ["action", "actor_email", "object_id", "actor_tenant__name", "target_tenant__name"]
    date_hierarchy = "at"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "to", "subject", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "language"]
    search_fields = ["to", "subject", "topic_id"]
    date_hierarchy = "created_at"


@admin.register(LocalMailboxMessage)
class LocalMailboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "to", "subject"]
    search_fields = ["to", "subject"]
