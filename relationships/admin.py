from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import DelegatedAdminGrant, RelationshipRequest, ResellerRelationship


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["partner", "created_by", "created_at", "include_delegated_admin", "state", "expires_at", "customer"]
    list_filter = ["state", "include_delegated_admin"]
    list_select_related = ["partner__tenant", "created_by", "customer"]
    search_fields = ["public_id", "partner__tenant__name", "recipient_email", "customer__name"]
    readonly_fields = ["public_id", "token_hash", "created_at", "decided_at", "decided_by"]
    date_hierarchy = "created_at"


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(ReadOnlyAdmin):
    list_display = ["partner", "customer", "is_active", "created_at", "removed_at"]
    list_filter = ["is_active"]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["partner__tenant__name", "customer__name", "customer__primary_domain"]


@admin.register(DelegatedAdminGrant)
class DelegatedAdminGrantAdmin(ReadOnlyAdmin):
    list_display = ["partner", "customer", "granted_at", "removed_at"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["partner__tenant__name", "customer__name"]
