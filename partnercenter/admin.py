"""The Django admin: site staff's window on every model.

It is a write path like any other, so it may change only what no rule of the product depends on. Everything that
decides who administers whose tenant (tenants and their domains, partners, groups and their members, directory roles,
relationships and grants, Azure role assignments, who added a device) is read-only here: those rows change only through
the product's services, which keep their invariants and write their audit events. The two things staff do here go
through a service or write the same audit event one would: adding a partner (with its built-in groups), and changing a
user's name, language, whether it may sign in, and its staff rights.

Staff sign in here as everyone else signs in to the portal, through the portal's sign-in with two-step verification
(see AdminSite below).
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .models import (
    AccessAssignment,
    AdminRelationship,
    ApiApplication,
    ApiClientSecret,
    AuditAction,
    AuditEvent,
    DelegatedAdminGrant,
    DirectoryRoleAssignment,
    LocalMailboxMessage,
    OutboxEmail,
    Partner,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
    User,
)
from .services import partner_create


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only the product's services write: staff look, never edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Tenant)
class TenantAdmin(ReadOnlyAdmin):
    """Read-only: a tenant's primary domain decides which addresses its users may have."""

    list_display = ["name", "primary_domain", "public_id", "created_at"]
    search_fields = ["name", "primary_domain", "public_id"]
    readonly_fields = ["public_id", "created_at"]
    date_hierarchy = "created_at"


class RoleInline(ReadOnlyInline):
    """A user's directory roles: assigned on the admin center's Roles page, which audits them."""

    model = DirectoryRoleAssignment


# What staff may change about a user, and how the audit event names it.
STAFF_EDITABLE_USER_FIELDS = ["first_name", "last_name", "preferred_language", "is_active", "is_staff", "is_superuser"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users are added by their own tenant (the admin center, User management, an accepted invitation) and by
    `createsuperuser` for staff; they are never deleted here (clear "active" to stop a sign-in). Their tenant and
    address are fixed here: moving a user to another tenant, or giving it another tenant's address, would hand it
    that tenant's rights. Every change staff make writes the event the admin center's "Edit a user" writes."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "tenant", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "role_assignments__role", "security_groups__kind"]
    list_select_related = ["tenant"]
    search_fields = ["email", "first_name", "last_name", "tenant__name"]
    inlines = [RoleInline]
    readonly_fields = ["email", "tenant", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "tenant", "preferred_language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = User.objects.filter(pk=obj.pk).values(*STAFF_EDITABLE_USER_FIELDS).first() or {}
        super().save_model(request, obj, form, change)
        changes = {
            name: [before.get(name), getattr(obj, name)]
            for name in STAFF_EDITABLE_USER_FIELDS
            if before.get(name) != getattr(obj, name)
        }
        if changes:
            audit_record(
                actor=request.user,
                action=AuditAction.USER_UPDATE,
                target_tenant=obj.tenant,
                obj=obj,
                details={"email": obj.email, **changes},
            )

    def user_change_password(self, request, id, form_url=""):
        # The password form saves the user itself; the event is written in the same transaction.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                audit_record(
                    actor=request.user,
                    action=AuditAction.USER_PASSWORD_RESET,
                    target_tenant=user.tenant,
                    obj=user,
                    details={"email": user.email, "generated": False},
                )
        return response


class PartnerCreateForm(forms.ModelForm):
    """A new partner: its organization and its partner ID. The service makes the tenant and the built-in groups."""

    name = forms.CharField(label=_("Organization name"), max_length=200)
    primary_domain = forms.CharField(label=_("Primary domain"), max_length=253)

    class Meta:
        model = Partner
        fields = ["partner_id"]

    def clean(self):
        data = super().clean()
        # The tenant's own rules (a valid, unused domain), checked here so that the service is not asked to fail.
        tenant = Tenant(
            name=data.get("name", "").strip(), primary_domain=data.get("primary_domain", "").strip().lower()
        )
        try:
            tenant.full_clean()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    """Added through the service (with its Admin, Helpdesk and Sales Agents groups, audited); never changed or
    deleted here."""

    list_display = ["__str__", "partner_id", "tenant"]
    list_select_related = ["tenant"]
    search_fields = ["partner_id", "tenant__name", "tenant__primary_domain"]
    form = PartnerCreateForm
    fields = ["name", "primary_domain", "partner_id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        partner = partner_create(
            name=form.cleaned_data["name"],
            primary_domain=form.cleaned_data["primary_domain"],
            partner_id=form.cleaned_data["partner_id"],
            created_by=request.user,
        )
        obj.pk, obj.tenant = partner.pk, partner.tenant

    def save_related(self, request, form, formsets, change):
        pass  # the service made everything the partner has


@admin.register(SecurityGroup)
class SecurityGroupAdmin(ReadOnlyAdmin):
    """Read-only: a partner's group membership is its agents' roles (User management changes them, audited)."""

    list_display = ["name", "kind", "tenant"]
    list_filter = ["kind"]
    list_select_related = ["tenant"]
    search_fields = ["name", "tenant__name"]


@admin.register(DirectoryRoleAssignment)
class DirectoryRoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "assigned_at"]
    list_filter = ["role"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__tenant__name"]


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(ReadOnlyAdmin):
    list_display = ["partner", "customer", "is_active", "created_at", "removed_at", "granular_admin_since"]
    list_filter = ["is_active", ("granular_admin_since", admin.EmptyFieldListFilter)]
    list_select_related = ["partner__tenant", "customer"]
    # The copies of the tenants' names on the rows themselves (with trigram indexes on PostgreSQL), not a join.
    search_fields = ["partner__tenant_name", "customer_name", "customer_domain", "customer_public_id"]


@admin.register(DelegatedAdminGrant)
class DelegatedAdminGrantAdmin(ReadOnlyAdmin):
    list_display = ["partner", "customer", "granted_at", "removed_at"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["partner__tenant__name", "customer__name"]


class AccessAssignmentInline(ReadOnlyInline):
    model = AccessAssignment
    fields = ("security_group", "roles", "status", "created_at", "updated_at")
    readonly_fields = ("security_group", "roles", "status", "created_at", "updated_at")


@admin.register(AdminRelationship)
class AdminRelationshipAdmin(ReadOnlyAdmin):
    """Read-only, as everything that gives access: GDAP relationships change through admin_relationships' services."""

    list_display = ["display_name", "partner", "customer", "status", "activated_at", "ends_at", "ended_at"]
    list_filter = ["status"]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["display_name", "public_id", "partner__tenant__name", "customer__name"]
    exclude = ["token_hash"]
    readonly_fields = ["notice_ends_at", "notice_days"]  # which notice of its end went out last (not editable)
    inlines = [AccessAssignmentInline]


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


# The libraries' own admin pages. Sign-in addresses are the users' own (a second address would be a second way in),
# Django's permission groups are not how this product gives rights, and authenticators are set up and removed by their
# users: staff see authenticators, nothing more.
admin.site.unregister(EmailAddress)
admin.site.unregister(Group)
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]


class ApiClientSecretInline(ReadOnlyInline):
    """An app's secrets as Settings › Apps shows them: never the secret, which is not kept, nor its hash."""

    model = ApiClientSecret
    fields = ("public_id", "description", "hint", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = fields


@admin.register(ApiApplication)
class ApiApplicationAdmin(ReadOnlyAdmin):
    """Partners' apps for the Graph-compatible API; registered, changed and revoked only by their partners' Admin
    agents (Settings › Apps), so that every change has its audit event."""

    list_display = ("display_name", "partner", "public_id", "created_at")
    list_select_related = ("partner__tenant",)
    search_fields = ("display_name", "public_id", "partner__tenant__name")
    inlines = [ApiClientSecretInline]
