"""Windows Autopilot: devices registered to customer tenants, the device lists (uploads) they came in, and the
profiles (out-of-box experience settings) applied to them."""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Partner, Tenant, User

from . import csv_import


class DeviceSource(models.TextChoices):
    """Who added a device: a partner (in Partner Center), the customer itself (through Microsoft Intune or the
    Microsoft Store for Business or Education), or the manufacturer."""

    PARTNER = "partner", _("Partner")
    INTUNE = "intune", _("Microsoft Intune")
    STORE_BUSINESS = "store_business", _("Microsoft Store for Business")
    STORE_EDUCATION = "store_education", _("Microsoft Store for Education")
    OEM = "oem", _("Manufacturer (OEM)")


# The ways a customer adds devices itself.
CUSTOMER_SOURCES = frozenset({DeviceSource.INTUNE, DeviceSource.STORE_BUSINESS, DeviceSource.STORE_EDUCATION})


class AutopilotProfile(models.Model):
    """A customer's out-of-box experience settings, applied to its devices."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="autopilot_profiles")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    skip_privacy_settings = models.BooleanField(_("Skip privacy settings in setup"), default=False)
    disable_local_admin = models.BooleanField(_("Disable local admin account in setup"), default=False)
    skip_setup_pages = models.BooleanField(_("Automatically skip pages in setup"), default=False)
    skip_eula = models.BooleanField(_("Skip end user license agreement (EULA)"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["tenant", "name"]
        # The profiles page and the Apply profile select, by name, page after page.
        indexes = [models.Index(fields=["tenant", "name", "id"], name="autopilot_profile_tenant_name")]
        verbose_name = _("Autopilot profile")
        verbose_name_plural = _("Autopilot profiles")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "tenant",
                name="autopilot_profile_name_unique_per_tenant",
                violation_error_message=_("This customer already has a profile with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeviceBatch(models.Model):
    """One upload of a device list: its name, the file until its devices are registered or it is discarded, the
    counts, and the report of the rows that could not be registered."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        NEEDS_CONFIRMATION = "needs_confirmation", _("Waiting for confirmation")
        REGISTERED = "registered", _("Registered")
        FAILED = "failed", _("Nothing registered")
        DISCARDED = "discarded", _("Discarded")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="device_batches")
    name = models.CharField(_("device list name"), max_length=100)
    source = models.CharField(_("added through"), max_length=20, choices=DeviceSource.choices)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.VALIDATING)
    # The whole text of a file uploaded before files were kept in chunks (DeviceBatchChunk); empty for newer lists.
    # Still read while such a list waits for a worker or a confirmation. Stored uncompressed (migration 0002).
    content = models.TextField(blank=True, editable=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    registered_rows = models.PositiveIntegerField(_("registered"), default=0)
    # The rows that could not be registered: [{"row": 7, "problems": [{"code": …}], "serial_number": …}, …].
    report = models.JSONField(default=list, blank=True, editable=False)
    # Why nothing was registered, when it is not the rows' fault: a code (see services.BATCH_FAILURES).
    failure = models.CharField(max_length=40, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("device list")
        verbose_name_plural = _("device lists")
        # The partner's device lists in either order of selectors.BATCH_SORTING.
        indexes = [
            models.Index(fields=["tenant", "-uploaded_at"]),
            models.Index(fields=["tenant", "partner", "uploaded_at", "id"], name="autopilot_batch_partner_up"),
            models.Index(fields=["tenant", "partner", "name", "id"], name="autopilot_batch_partner_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_done(self) -> bool:
        return self.state != self.State.VALIDATING

    @property
    def progress_percent(self) -> int:
        if self.state != self.State.VALIDATING:
            return 100
        return min(99, self.checked_rows * 100 // self.total_rows) if self.total_rows else 0

    @property
    def valid_rows(self) -> int:
        return max(0, self.total_rows - self.invalid_rows)


class DeviceBatchChunk(models.Model):
    """A piece of a device list's file, as text, in the file's order: the file is kept until its valid rows are
    registered (or the list is discarded), because a worker checks it and confirming registers the rows that passed,
    read again from it. In pieces, so that no process ever holds the whole file (up to 100 MB) to write or read it."""

    batch = models.ForeignKey(DeviceBatch, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="autopilot_batch_chunk_unique_index")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.index}"


class Device(models.Model):
    """A device registered to a customer tenant. A device is registered to at most one tenant in the whole system:
    each of its identities (hardware hash, Windows product ID, serial number with manufacturer and model) is unique
    across every tenant."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="devices")
    serial_number = models.CharField(_("serial number"), max_length=csv_import.SERIAL_MAX, blank=True)
    windows_product_id = models.CharField(_("Windows product ID"), max_length=csv_import.PRODUCT_ID_MAX, blank=True)
    hardware_hash = models.TextField(_("hardware hash"), max_length=csv_import.HASH_MAX_CHARS, blank=True)
    # SHA-256 of the hardware hash, which carries its uniqueness (kept by save() and by the services' bulk inserts).
    hardware_hash_digest = models.CharField(max_length=64, blank=True, editable=False)
    manufacturer = models.CharField(_("manufacturer"), max_length=csv_import.MANUFACTURER_MAX, blank=True)
    model = models.CharField(_("model"), max_length=csv_import.MODEL_MAX, blank=True)
    batch = models.ForeignKey(
        DeviceBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("device list"),
    )
    added_by_source = models.CharField(_("added through"), max_length=20, choices=DeviceSource.choices)
    added_by_partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("added by partner")
    )
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    profile = models.ForeignKey(
        AutopilotProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("profile"),
    )

    class Meta:
        ordering = ["tenant", "-added_at", "-id"]
        verbose_name = _("Autopilot device")
        verbose_name_plural = _("Autopilot devices")
        # One per order of the device tables (selectors.DEVICE_SORTING), page after page by keyset.
        indexes = [
            models.Index(fields=["tenant", "-added_at", "-id"], name="autopilot_device_tenant_added"),
            models.Index(fields=["tenant", "serial_number", "id"], name="autopilot_device_tenant_serial"),
            models.Index(fields=["tenant", "manufacturer", "model", "id"], name="autopilot_device_tenant_model"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["hardware_hash_digest"],
                condition=~Q(hardware_hash_digest=""),
                name="autopilot_device_unique_hardware_hash",
            ),
            models.UniqueConstraint(
                fields=["windows_product_id"],
                condition=~Q(windows_product_id=""),
                name="autopilot_device_unique_product_id",
            ),
            models.UniqueConstraint(
                Upper("serial_number"),
                "manufacturer",
                "model",
                condition=~Q(serial_number="") & ~Q(manufacturer="") & ~Q(model=""),
                name="autopilot_device_unique_serial_manufacturer_model",
            ),
            models.CheckConstraint(
                condition=Q(hardware_hash="", hardware_hash_digest="")
                | (~Q(hardware_hash="") & ~Q(hardware_hash_digest="")),
                name="autopilot_device_hash_has_digest",
            ),
        ]

    def __str__(self) -> str:
        return self.serial_number or self.windows_product_id or self.public_id.hex[:12]

    def save(self, *args, **kwargs):
        self.hardware_hash_digest = csv_import.hash_digest(self.hardware_hash)
        super().save(*args, **kwargs)

    @property
    def added_by_customer(self) -> bool:
        return self.added_by_source in CUSTOMER_SOURCES
