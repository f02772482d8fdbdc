from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import RelationshipRequest


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(ReadOnlyAdmin):
    list_display = ["partner", "created_by", "created_at", "include_delegated_admin", "state", "expires_at", "customer"]
    list_filter = ["state", "include_delegated_admin"]
    list_select_related = ["partner__tenant", "created_by", "customer"]
    search_fields = ["public_id", "partner__tenant__name", "recipient_email", "customer__name"]
    readonly_fields = ["public_id", "token_hash", "created_at", "decided_at", "decided_by"]
    date_hierarchy = "created_at"
