"""State changes of Windows Autopilot: uploading, checking and registering device lists, removing devices, and
profiles (create, edit, delete, apply, remove). Each writes one audit event, bulk actions included (with the counts
and the ids, never one event per device); bulk changes are single statements, but for registering a device list's
devices, which inserts them a thousand at a time.

Who may do it is the caller's to check (autopilot/rules.py); the bulk actions take the rules' queryset filter
(`allowed`) so that they touch only the devices the user may manage.
"""

import io
import itertools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import BinaryIO
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnercenter.audit import audit_record
from partnercenter.models import AuditAction, Partner, Tenant, User

from . import csv_import, selectors
from .models import AutopilotProfile, Device, DeviceBatch, DeviceBatchChunk, DeviceSource

log = logging.getLogger(__name__)

# Files of more devices than this are checked by a worker (autopilot.tasks.validate_batch), with a progress page;
# smaller ones in the request.
SYNC_MAX_ROWS = 500
# Devices per INSERT statement. A file's devices are inserted this many at a time, read again from the file for each
# batch: a process holds one batch of rows and one statement (a few megabytes with real hardware hashes), not the
# whole file's (20,000 rows of kilobytes each, and a statement of as many). The queries grow by one per batch, never by
# one per row.
INSERT_CHUNK = 1_000
# How many devices one bulk action may name (a page shows 50; whole device lists are named by the list).
MAX_SELECTION = 500
# How often a worker reports its progress: at each tenth of the rows.
PROGRESS_STEPS = 10

State = DeviceBatch.State


# --- device lists -----------------------------------------------------------------------------------------------------


@transaction.atomic
def device_batch_upload(
    *,
    customer: Tenant,
    name: str,
    data: bytes | BinaryIO,
    file_name: str,
    source: str,
    uploaded_by: User,
    partner: Partner | None,
) -> DeviceBatch:
    """Take a device list's file (its bytes, or a binary file such as an upload) for the customer: refuse it whole
    (ValidationError) if it is not a usable device file; otherwise keep it and check its rows, in this request for a
    small file (registering it at once when every row is good), or by a worker after commit for a large one.

    The file is read a chunk at a time, never whole, and refused as soon as a limit is passed: a file of up to
    100 MB is answered in seconds with little memory. Only a small file's rows are kept here; a large file's are
    counted, and read again by the worker from the kept text.

    `partner` is the partner whose agent uploads it (source PARTNER); None when the customer's own administrator
    does (source INTUNE or a Microsoft Store)."""
    if (source == DeviceSource.PARTNER) != (partner is not None):
        raise ValueError("A partner uploads as a partner; the customer through Intune or a Microsoft Store.")
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    rows: list[csv_import.RawRow] = []
    total = 0
    try:
        encoding = csv_import.inspect(stream)
        for row in csv_import.read_rows(csv_import.text_chunks(stream, encoding)):
            total += 1
            if total <= SYNC_MAX_ROWS:
                rows.append(row)
            elif rows:
                rows = []  # a worker checks it: let the rows go
    except csv_import.CsvFileError as error:
        raise ValidationError(error.message, code=error.code) from None
    batch = DeviceBatch(
        tenant=customer,
        name=name,
        source=source,
        partner=partner,
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        total_rows=total,
    )
    batch.full_clean(exclude=["content"])
    batch.save()
    _keep_file(batch, csv_import.text_chunks(stream, encoding))
    audit_record(
        actor=uploaded_by,
        action=AuditAction.AUTOPILOT_DEVICE_LIST_UPLOAD,
        target_tenant=customer,
        obj=batch,
        details={"name": name, "rows": total, "source": source},
        acting_for=partner,
    )
    if total <= SYNC_MAX_ROWS:
        _validate(batch, lambda: rows, csv_import.check_file(rows))
    else:
        transaction.on_commit(lambda: batch_dispatch(batch.pk))
    return batch


def _keep_file(batch: DeviceBatch, pieces: Iterable[str]) -> None:
    """Store the file's text piece by piece as it is read (one statement, executed once per piece): bulk_create()
    would build every piece first, and a query per piece would grow with the file."""
    with connection.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO "autopilot_devicebatchchunk" ("batch_id", "index", "text") VALUES (%s, %s, %s)',
            # An iterator, so that the pieces are not all held at once. The stubs ask for a Sequence; Django and the
            # drivers take any iterable.
            ((batch.pk, index, piece) for index, piece in enumerate(pieces)),  # type: ignore[arg-type]  # any iterable
        )


def _kept_file(batch: DeviceBatch) -> Iterator[str]:
    """The kept file's text, piece by piece; a list uploaded before files were kept in pieces has it whole."""
    if batch.content:
        yield batch.content
    yield from (
        DeviceBatchChunk.objects.filter(batch_id=batch.pk)
        .order_by("index")
        .values_list("text", flat=True)
        .iterator(chunk_size=1)
    )


def _forget_file(batch: DeviceBatch) -> None:
    """The file is not needed any more (its devices are registered, or nothing will be): delete it. The caller saves
    the batch."""
    batch.content = ""
    DeviceBatchChunk.objects.filter(batch_id=batch.pk).delete()


def batch_dispatch(batch_id: int) -> None:
    """Hand the check of a large device list to a worker. A broker that is down must not leave the list waiting
    forever: it is then checked here, in this process."""
    from .tasks import validate_batch  # noqa: PLC0415 -- tasks import this module (tasks call services)

    try:
        validate_batch.delay(batch_id)
    except Exception:  # any broker or connection error
        log.warning("Could not queue the check of device list %s; checking it in process.", batch_id, exc_info=True)
        device_batch_validate(batch_id=batch_id)


# A way to read a device list's rows from the start, as often as needed: its kept file (read in pieces), or the
# rows a request holds already.
RowSource = Callable[[], Iterable[csv_import.RawRow]]


def device_batch_validate(*, batch_id: int) -> DeviceBatch | None:
    """A worker's check of a device list that is waiting for one: its rows, then the database in bulk, reporting its
    progress as it goes; then registered at once if every row is good. Safe to run twice (a redelivered task):
    only the first one to finish changes the list.

    The kept file is read a piece at a time, as often as needed, and never held: checking keeps each row's identity
    keys only, the report and the registration read the rows they need again."""
    batch = DeviceBatch.objects.filter(pk=batch_id, state=State.VALIDATING).first()
    if batch is None:
        return None

    def rows() -> Iterable[csv_import.RawRow]:
        return csv_import.read_rows(_kept_file(batch))

    try:
        identities = csv_import.check_file(rows(), on_progress=_progress_reporter(batch.pk, batch.total_rows))
    except csv_import.CsvFileError:  # checked on upload, so only a file changed since (by site staff) gets here
        with transaction.atomic():
            DeviceBatch.objects.filter(pk=batch.pk, state=State.VALIDATING).update(
                state=State.FAILED, failure="unreadable", content="", finished_at=timezone.now()
            )
            DeviceBatchChunk.objects.filter(batch_id=batch.pk).delete()
        return None
    with transaction.atomic():
        # Without the file's text: a list kept whole before pieces is read from `batch`, which has it.
        locked = (
            DeviceBatch.objects.select_for_update().defer("content").filter(pk=batch.pk, state=State.VALIDATING).first()
        )
        if locked is None:
            return None  # another worker finished it first
        _validate(locked, rows, identities)
    return locked


def _progress_reporter(batch_id: int, total: int) -> Callable[[int], None]:
    step = max(1, -(-total // PROGRESS_STEPS))

    def report(checked: int) -> None:
        if total and (checked % step == 0 or checked == total):
            DeviceBatch.objects.filter(pk=batch_id, state=State.VALIDATING).update(checked_rows=checked)

    return report


def _mark_registered(identities: list[csv_import.RowIdentity], *, tenant_id: int) -> None:
    """Add to the rows that name a registered device the problem that says so: in bulk, a query per kind of key."""
    digests, product_ids, serials = csv_import.file_keys(identities)
    registered = selectors.registered_matching(digests=digests, product_ids=product_ids, serials=serials)
    csv_import.mark_registered(identities, registered, tenant_id=tenant_id)


def _report(rows: RowSource, problems: dict[int, list[dict]]) -> list[dict]:
    """The report's entries of the rows with problems (by row number), their values read again from the file."""
    if not problems:
        return []
    entries = []
    for raw in rows():
        if raw.number in problems:
            row = csv_import.check_row(raw)
            row.problems = problems[raw.number]
            entries.append(csv_import.report_entry(row))
    return entries


def _validate(batch: DeviceBatch, rows: RowSource, identities: list[csv_import.RowIdentity]) -> None:
    """Check the rows (checked already, each one's identity given) against the registered devices, in bulk; keep the
    report, and register the devices if every row is good. Runs inside the caller's transaction, with the batch row
    locked or new."""
    _mark_registered(identities, tenant_id=batch.tenant_id)
    problems = {row.number: row.problems for row in identities if row.problems}
    batch.total_rows = len(identities)
    batch.checked_rows = len(identities)
    batch.invalid_rows = len(problems)
    batch.report = _report(rows, problems)
    if not problems:
        _register(batch, rows)
        return
    if len(problems) == len(identities):
        batch.state = State.FAILED
        batch.failure = "no_valid_rows"
        _forget_file(batch)
        batch.finished_at = timezone.now()
    else:
        batch.state = State.NEEDS_CONFIRMATION
    batch.save()


def _device(batch: DeviceBatch, row: csv_import.DeviceRow) -> Device:
    # Every value was checked by csv_import against the models' limits; full_clean() on each device would cost a
    # query per unique constraint per device, and the constraints protect the table anyway.
    return Device(
        public_id=uuid.uuid4(),
        tenant_id=batch.tenant_id,
        serial_number=row.serial_number,
        windows_product_id=row.windows_product_id,
        hardware_hash=row.hardware_hash,
        hardware_hash_digest=row.digest,
        manufacturer=row.manufacturer,
        model=row.model,
        batch_id=batch.pk,
        added_by_source=batch.source,
        added_by_partner_id=batch.partner_id,
        added_by_id=batch.uploaded_by_id,
    )


def _register(batch: DeviceBatch, rows: RowSource, *, actor: User | None = None) -> bool:
    """Register the devices of the good rows that are not in the batch's report, all or none, INSERT_CHUNK at a time,
    and say so on the batch (saved). A device that another upload registered since the rows were checked breaks a
    unique constraint: then nothing is registered, the rows are checked again, and the batch waits for confirmation
    again (or fails, if no row is left). Returns whether the devices were registered."""
    reported = {entry["row"] for entry in batch.report}

    def registrable() -> Iterator[csv_import.DeviceRow]:
        return (row for row in csv_import.checked_rows(rows()) if row.is_valid and row.number not in reported)

    registered = 0
    try:
        with transaction.atomic():
            for chunk in itertools.batched(registrable(), INSERT_CHUNK):
                Device.objects.bulk_create([_device(batch, row) for row in chunk])
                registered += len(chunk)
    except IntegrityError:
        identities = [row.identity() for row in registrable()]
        _mark_registered(identities, tenant_id=batch.tenant_id)
        newly_bad = {row.number: row.problems for row in identities if row.problems}
        if not newly_bad:
            raise  # not a device registered meanwhile: a fault, not the file's
        batch.report = sorted([*batch.report, *_report(rows, newly_bad)], key=lambda entry: entry["row"])
        batch.invalid_rows = len(batch.report)
        batch.failure = "changed"
        if batch.invalid_rows >= batch.total_rows:
            batch.state = State.FAILED
            _forget_file(batch)
            batch.finished_at = timezone.now()
        else:
            batch.state = State.NEEDS_CONFIRMATION
        batch.save()
        return False
    batch.state = State.REGISTERED
    batch.registered_rows = registered
    batch.failure = ""
    _forget_file(batch)
    batch.finished_at = timezone.now()
    batch.save()
    audit_record(
        actor=actor or batch.uploaded_by,
        action=AuditAction.AUTOPILOT_DEVICES_REGISTER,
        target_tenant=batch.tenant,
        obj=batch,
        details={
            "name": batch.name,
            "count": registered,
            "skipped": batch.invalid_rows,
            "source": batch.source,
        },
        acting_for=batch.partner,
    )
    return True


def _waiting_batch(batch: DeviceBatch, *, with_file: bool = False) -> DeviceBatch:
    batches = DeviceBatch.objects.select_for_update()
    locked = (batches if with_file else batches.defer("content")).get(pk=batch.pk)
    if locked.state != State.NEEDS_CONFIRMATION:
        raise ValidationError(_("This device list is not waiting for confirmation."), code="not_waiting")
    return locked


@transaction.atomic
def device_batch_confirm(*, batch: DeviceBatch, confirmed_by: User) -> tuple[DeviceBatch, bool]:
    """Register only the valid rows of a list that has bad ones, all or nothing: the rows are read again from the
    kept file, without those of the report. Returns the list and whether its devices were registered: not when some
    of them were registered elsewhere since the list was checked (the report then shows them, and the list waits for
    confirmation again, unless no row is left)."""
    locked = _waiting_batch(batch, with_file=True)
    if not locked.valid_rows:  # every row is in the report
        raise ValidationError(_("No row of this device list can be registered."), code="no_valid_rows")
    return locked, _register(locked, lambda: csv_import.read_rows(_kept_file(locked)), actor=confirmed_by)


@transaction.atomic
def device_batch_discard(*, batch: DeviceBatch, discarded_by: User, partner: Partner | None = None) -> DeviceBatch:
    """Register nothing of a list waiting for confirmation; its file is deleted, its report kept."""
    locked = _waiting_batch(batch)
    locked.state = State.DISCARDED
    _forget_file(locked)
    locked.finished_at = timezone.now()
    locked.save(update_fields=["state", "content", "finished_at"])
    audit_record(
        actor=discarded_by,
        action=AuditAction.AUTOPILOT_DEVICE_LIST_DISCARD,
        target_tenant=locked.tenant,
        obj=locked,
        details={"name": locked.name, "rows": locked.total_rows},
        acting_for=partner,
    )
    return locked


# --- devices ----------------------------------------------------------------------------------------------------------


def _selected(customer: Tenant, device_ids: Sequence[UUID]):
    if len(device_ids) > MAX_SELECTION:
        raise ValidationError(
            _("Select at most %(max)s devices at a time.") % {"max": f"{MAX_SELECTION:,}"}, code="too_many"
        )
    return Device.objects.filter(tenant=customer, public_id__in=list(device_ids))


@transaction.atomic
def devices_remove(
    *,
    customer: Tenant,
    device_ids: Sequence[UUID],
    allowed: Q,
    removed_by: User,
    partner: Partner | None = None,
) -> tuple[int, int]:
    """Deregister the selected devices the user may remove (`allowed`); returns (removed, skipped). One DELETE."""
    selected = _selected(customer, device_ids)
    removable = list(
        selected.filter(allowed).values_list("pk", "public_id", "serial_number", "windows_product_id", "batch_id")
    )
    skipped = selected.count() - len(removable)
    if not removable:
        return 0, skipped
    Device.objects.filter(pk__in=[r[0] for r in removable]).delete()
    audit_record(
        actor=removed_by,
        action=AuditAction.AUTOPILOT_DEVICES_REMOVE,
        target_tenant=customer,
        details={
            "count": len(removable),
            "skipped": skipped,
            "devices": [str(r[1]) for r in removable],
            "serial_numbers": [r[2] for r in removable if r[2]],
            "windows_product_ids": [r[3] for r in removable if r[3]],
        },
        acting_for=partner,
    )
    return len(removable), skipped


def _targets(customer: Tenant, device_ids: Sequence[UUID], batch_ids: Sequence[UUID]):
    """The devices a profile action names: selected devices, or every device of whole device lists."""
    if batch_ids:
        batches = list(
            DeviceBatch.objects.filter(tenant=customer, public_id__in=list(batch_ids)).values_list("pk", "public_id")
        )
        return Device.objects.filter(tenant=customer, batch_id__in=[b[0] for b in batches]), [
            str(b[1]) for b in batches
        ]
    return _selected(customer, device_ids), []


@transaction.atomic
def profile_apply(
    *,
    customer: Tenant,
    profile: AutopilotProfile | None,
    allowed: Q,
    applied_by: User,
    device_ids: Sequence[UUID] = (),
    batch_ids: Sequence[UUID] = (),
    partner: Partner | None = None,
) -> tuple[int, int]:
    """Apply `profile` (None: remove their profile) to the selected devices or to every device of the named device
    lists, those the user may manage (`allowed`); returns (changed, skipped). One UPDATE whatever the number of
    devices."""
    if profile is not None and profile.tenant_id != customer.pk:
        raise ValueError("The profile is another tenant's.")
    if not device_ids and not batch_ids:
        raise ValidationError(_("Select devices or device lists first."), code="no_selection")
    targets, lists = _targets(customer, device_ids, batch_ids)
    if profile is None:
        targets = targets.filter(profile__isnull=False)
    total = targets.count()
    manageable = targets.filter(allowed)
    ids: list[str] = []
    if device_ids:  # a selection from a page: name the devices in the audit event
        ids = [str(i) for i in manageable.values_list("public_id", flat=True)]
        changed = Device.objects.filter(tenant=customer, public_id__in=ids).update(profile=profile)
    else:
        changed = manageable.update(profile=profile)
    if not changed:  # nothing the user may manage was named (e.g. another tenant's devices): nothing to record
        return 0, total
    audit_record(
        actor=applied_by,
        action=AuditAction.AUTOPILOT_PROFILE_APPLY if profile is not None else AuditAction.AUTOPILOT_PROFILE_UNASSIGN,
        target_tenant=customer,
        obj=profile,
        details={
            **({"profile": profile.name} if profile is not None else {}),
            "count": changed,
            "skipped": total - changed,
            **({"devices": ids} if device_ids else {"device_lists": lists}),
        },
        acting_for=partner,
    )
    return changed, total - changed


# --- profiles ---------------------------------------------------------------------------------------------------------

PROFILE_SETTINGS = ("skip_privacy_settings", "disable_local_admin", "skip_setup_pages", "skip_eula")


def _profile_snapshot(profile: AutopilotProfile) -> dict:
    return {"name": profile.name, **{name: getattr(profile, name) for name in PROFILE_SETTINGS}}


@transaction.atomic
def profile_create(
    *,
    customer: Tenant,
    name: str,
    description: str = "",
    skip_privacy_settings: bool = False,
    disable_local_admin: bool = False,
    skip_setup_pages: bool = False,
    skip_eula: bool = False,
    created_by: User,
    partner: Partner | None = None,
) -> AutopilotProfile:
    profile = AutopilotProfile(
        tenant=customer,
        name=name,
        description=description,
        skip_privacy_settings=skip_privacy_settings,
        disable_local_admin=disable_local_admin,
        skip_setup_pages=skip_setup_pages,
        skip_eula=skip_eula,
        created_by=created_by,
    )
    profile.full_clean()
    profile.save()
    audit_record(
        actor=created_by,
        action=AuditAction.AUTOPILOT_PROFILE_CREATE,
        target_tenant=customer,
        obj=profile,
        details=_profile_snapshot(profile),
        acting_for=partner,
    )
    return profile


@transaction.atomic
def profile_update(
    *,
    profile: AutopilotProfile,
    name: str,
    description: str,
    skip_privacy_settings: bool,
    disable_local_admin: bool,
    skip_setup_pages: bool,
    skip_eula: bool,
    updated_by: User,
    partner: Partner | None = None,
) -> AutopilotProfile:
    profile = AutopilotProfile.objects.select_for_update().get(pk=profile.pk)
    before = _profile_snapshot(profile)
    profile.name = name
    profile.description = description
    profile.skip_privacy_settings = skip_privacy_settings
    profile.disable_local_admin = disable_local_admin
    profile.skip_setup_pages = skip_setup_pages
    profile.skip_eula = skip_eula
    profile.full_clean()
    profile.save()
    after = _profile_snapshot(profile)
    audit_record(
        actor=updated_by,
        action=AuditAction.AUTOPILOT_PROFILE_UPDATE,
        target_tenant=profile.tenant,
        obj=profile,
        details={
            "name": profile.name,
            "changed": {key: [before[key], after[key]] for key in after if before[key] != after[key]},
        },
        acting_for=partner,
    )
    return profile


@transaction.atomic
def profile_delete(*, profile: AutopilotProfile, deleted_by: User, partner: Partner | None = None) -> int:
    """Delete the profile; its devices keep no profile. Returns how many devices had it.

    The deletion unassigns them in one UPDATE (SET_NULL: Django's collector updates them by the profile's key, without
    loading them)."""
    profile = AutopilotProfile.objects.select_for_update().get(pk=profile.pk)
    unassigned = Device.objects.filter(profile=profile).count()
    audit_record(
        actor=deleted_by,
        action=AuditAction.AUTOPILOT_PROFILE_DELETE,
        target_tenant=profile.tenant,
        obj=profile,
        details={"name": profile.name, "count": unassigned},
        acting_for=partner,
    )
    profile.delete()
    return unassigned
