from django.contrib import admin

from .models import DelegatedAdminGrant, RelationshipRequest, ResellerRelationship


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(admin.ModelAdmin):
    list_display = ["partner", "created_by", "created_at", "include_delegated_admin", "state", "expires_at", "customer"]
    list_filter = ["state", "include_delegated_admin"]
    list_select_related = ["partner__tenant", "created_by", "customer"]
    search_fields = ["public_id", "partner__tenant__name", "recipient_email", "customer__name"]
    readonly_fields = ["public_id", "token_hash", "created_at", "decided_at", "decided_by"]
    autocomplete_fields = ["partner", "created_by", "customer"]
    date_hierarchy = "created_at"


@admin.register(ResellerRelationship)
class ResellerRelationshipAdmin(admin.ModelAdmin):
    list_display = ["partner", "customer", "is_active", "created_at", "removed_at"]
    list_filter = ["is_active"]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["partner__tenant__name", "customer__name", "customer__primary_domain"]
    autocomplete_fields = ["partner", "customer"]


@admin.register(DelegatedAdminGrant)
class DelegatedAdminGrantAdmin(admin.ModelAdmin):
    list_display = ["partner", "customer", "granted_at", "removed_at"]
    list_filter = [("removed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner__tenant", "customer"]
    search_fields = ["partner__tenant__name", "customer__name"]
    autocomplete_fields = ["partner", "customer"]
