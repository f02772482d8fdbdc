"""Reads: a tenant's devices, device lists and profiles; which devices of a file are registered already."""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypedDict

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Upper
from django.utils.translation import gettext_lazy

from partnercenter.listing import Column, Sorting
from partnercenter.models import Tenant

from . import csv_import
from .models import AutopilotProfile, Device, DeviceBatch

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # a test dependency: the types only, not at run time

# Values per lookup query: a whole file, so that any file costs one query per kind of identity; fewer where the
# database limits the parameters of one statement (SQLite).
LOOKUP_CHUNK = csv_import.MAX_ROWS


def _chunks(values: Sequence, size: int) -> Iterable[Sequence]:
    limit = getattr(connection.features, "max_query_params", None)
    if limit:
        size = max(1, min(size, limit - 10))
    for start in range(0, len(values), size):
        yield values[start : start + size]


def registered_matching(*, digests: set[str], product_ids: set[str], serials: set[str]) -> csv_import.Registered:
    """The registered devices, in any tenant, that share an identity with a file: one query per kind of identity
    (hardware hash, product ID, serial number), each with every value of the file (in chunks of LOOKUP_CHUNK)."""
    by_digest: dict[str, int] = {}
    for chunk in _chunks(sorted(digests), LOOKUP_CHUNK):
        by_digest.update(
            Device.objects.filter(hardware_hash_digest__in=chunk).values_list("hardware_hash_digest", "tenant_id")
        )
    by_product_id: dict[str, int] = {}
    for chunk in _chunks(sorted(product_ids), LOOKUP_CHUNK):
        by_product_id.update(
            Device.objects.filter(windows_product_id__in=chunk).values_list("windows_product_id", "tenant_id")
        )
    by_serial: dict[tuple[str, str, str], int] = {}
    for chunk in _chunks(sorted(serials), LOOKUP_CHUNK):
        # The same expression as the unique constraint's (upper-cased serial number), so its index serves the query.
        matches = (
            Device.objects.annotate(serial_upper=Upper("serial_number"))
            .filter(serial_upper__in=chunk)
            .exclude(manufacturer="")
            .exclude(model="")
            .values_list("serial_upper", "manufacturer", "model", "tenant_id")
        )
        by_serial.update(((serial, manufacturer, model), tenant) for serial, manufacturer, model, tenant in matches)
    return csv_import.Registered(by_digest=by_digest, by_product_id=by_product_id, by_serial=by_serial)


# The device tables' orders (partner side and admin center), each read from a (tenant, column…, id) index of the
# devices (autopilot's migration 0004).
DEVICE_SORTING = Sorting(
    columns=(
        Column("added", gettext_lazy("Added"), ("added_at",)),
        Column("serial", gettext_lazy("Serial number"), ("serial_number",)),
        Column("model", gettext_lazy("Model"), ("manufacturer", "model")),
    ),
    default="-added",
)
# The Profile status filter: ?status=…
PROFILE_STATUSES = {"assigned": gettext_lazy("Profile assigned"), "unassigned": gettext_lazy("No profile")}


def devices_with_status(devices: QuerySet[Device], status: str) -> QuerySet[Device]:
    """Devices with a profile ("assigned"), without ("unassigned"), or all (anything else)."""
    if status == "assigned":
        return devices.filter(profile__isnull=False)
    if status == "unassigned":
        return devices.filter(profile__isnull=True)
    return devices


def devices_of(tenant: Tenant) -> QuerySet[Device]:
    """A tenant's devices, newest first, with what the device table shows (one query per page)."""
    return (
        Device.objects.filter(tenant=tenant)
        .select_related("batch", "profile", "added_by_partner__tenant")
        .defer("hardware_hash", "batch__content", "batch__report")
        .order_by("-added_at", "-id")
    )


def batches_of(tenant: Tenant) -> QuerySet[DeviceBatch]:
    """A tenant's device lists, newest first, without the stored file and report."""
    return (
        DeviceBatch.objects.filter(tenant=tenant)
        .select_related("partner__tenant", "uploaded_by")
        .defer("content", "report")
        .order_by("-uploaded_at", "-id")
    )


class _DeviceCount(TypedDict):
    device_count: int


def registered_batches_of(tenant: Tenant) -> QuerySet["WithAnnotations[DeviceBatch, _DeviceCount]"]:
    """The device lists whose devices are registered, with how many of them remain."""
    return (
        batches_of(tenant)
        .filter(state=DeviceBatch.State.REGISTERED)
        .annotate(device_count=Count("devices"))
        .filter(device_count__gt=0)
    )


def profiles_of(tenant: Tenant) -> QuerySet[AutopilotProfile]:
    return AutopilotProfile.objects.filter(tenant=tenant).order_by("name", "pk")


# The device lists' orders, each read from a (tenant, partner, column, id) index; the profiles', from the unique
# (tenant, name).
BATCH_SORTING = Sorting(
    columns=(
        Column("uploaded", gettext_lazy("Uploaded"), ("uploaded_at",)),
        Column("name", gettext_lazy("Device list name"), ("name",)),
    ),
    default="-uploaded",
)
PROFILE_SORTING = Sorting(columns=(Column("name", gettext_lazy("Profile name"), ("name",)),), default="name")


# The Apply profile select offers this many of the customer's profiles, by name (a customer with thousands of them
# would otherwise get every one as an option on every page of devices).
PROFILE_CHOICES = 200


def profile_choices(tenant: Tenant) -> list[AutopilotProfile]:
    """The profiles the Apply profile select offers: the first PROFILE_CHOICES by name."""
    return list(profiles_of(tenant).only("public_id", "name")[:PROFILE_CHOICES])


def profiles_with_counts(tenant: Tenant) -> QuerySet[AutopilotProfile]:
    """The tenant's profiles, each with how many devices it is applied to: a count per profile on the page (a scalar
    subquery from the devices' profile index), not a GROUP BY over every device of every profile."""
    devices = (
        Device.objects.filter(profile=OuterRef("pk")).order_by().values("profile").annotate(n=Count("pk")).values("n")
    )
    return (
        profiles_of(tenant)
        .select_related("created_by")
        .annotate(device_count=Coalesce(Subquery(devices, output_field=IntegerField()), 0))
    )
