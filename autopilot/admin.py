from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import AutopilotProfile, Device, DeviceBatch


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = [
        "serial_number",
        "windows_product_id",
        "manufacturer",
        "model",
        "tenant",
        "added_by_source",
        "added_at",
    ]
    list_filter = ["added_by_source", "manufacturer"]
    list_select_related = ["tenant"]
    search_fields = ["serial_number", "windows_product_id", "public_id", "tenant__name", "tenant__primary_domain"]
    readonly_fields = ["public_id", "hardware_hash_digest", "added_at"]
    date_hierarchy = "added_at"


@admin.register(DeviceBatch)
class DeviceBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "tenant",
        "source",
        "partner",
        "state",
        "total_rows",
        "invalid_rows",
        "registered_rows",
        "uploaded_at",
    ]
    list_filter = ["state", "source"]
    list_select_related = ["tenant", "partner__tenant"]
    search_fields = ["name", "public_id", "file_name", "tenant__name", "tenant__primary_domain"]
    readonly_fields = ["public_id", "uploaded_at", "finished_at", "report"]
    date_hierarchy = "uploaded_at"


@admin.register(AutopilotProfile)
class AutopilotProfileAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "tenant",
        "skip_privacy_settings",
        "disable_local_admin",
        "skip_setup_pages",
        "skip_eula",
        "updated_at",
    ]
    list_filter = ["skip_privacy_settings", "disable_local_admin", "skip_setup_pages", "skip_eula"]
    list_select_related = ["tenant"]
    search_fields = ["name", "public_id", "tenant__name", "tenant__primary_domain"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
