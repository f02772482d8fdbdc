"""What the partner's and the customer's Autopilot pages share: the device table's rows, a device list's report and
progress, the sample file and the CSV downloads. Access is the callers' (views.py, admin_center_views.py)."""

import base64
from dataclasses import dataclass
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnercenter.csv_export import csv_response
from partnercenter.models import Partner, Tenant
from partnercenter.other_partners import ANOTHER_PARTNER, partner_name_as_seen
from partnercenter.templatetags.when import when

from . import csv_import, selectors
from .models import Device, DeviceBatch, DeviceSource

DEVICES_PAGE_SIZE = 50
REPORT_PAGE_SIZE = 100
# What the Add devices page says about the file.
UPLOAD_HELP = {"max_rows": f"{csv_import.MAX_ROWS:,}", "partner_center_header": csv_import.PARTNER_CENTER_HEADER}


def added_by_label(device: Device, *, viewer_partner: Partner | None) -> str:
    """Who added the device, as the viewer reads it: a partner sees its own organization and "another partner" (never
    which one: partnercenter.other_partners); the customer sees every partner's name."""
    source = device.added_by_source
    if source == DeviceSource.PARTNER:
        if viewer_partner is not None and device.added_by_partner_id == viewer_partner.pk:
            return _("Your organization")
        if device.added_by_partner is None:
            return _("A partner") if viewer_partner is None else str(ANOTHER_PARTNER)
        return partner_name_as_seen(device.added_by_partner, viewer=viewer_partner)
    if source == DeviceSource.OEM:
        return str(DeviceSource.OEM.label)
    if viewer_partner is None:
        return _("Your organization, through %(source)s") % {"source": DeviceSource(source).label}
    return _("The customer, through %(source)s") % {"source": DeviceSource(source).label}


def list_name(device: Device, *, viewer_partner: Partner | None) -> str:
    """The name of the device's list, if the viewer may know it: the customer knows every list, a partner its own."""
    if device.batch is None or (viewer_partner is not None and device.batch.partner_id != viewer_partner.pk):
        return ""
    return device.batch.name


def batch_for(tenant: Tenant, batch_id: UUID, *, partner: Partner | None = None, own: bool = False) -> DeviceBatch:
    """A device list of the tenant (404 for any other): for a partner, one it uploaded; with own=True on the
    customer side, one the customer uploaded itself."""
    batches = DeviceBatch.objects.filter(tenant=tenant, public_id=batch_id).select_related(
        "partner__tenant", "uploaded_by"
    )
    if partner is not None:
        batches = batches.filter(partner=partner)
    elif own:
        batches = batches.filter(partner__isnull=True)
    batch = batches.defer("content").first()
    if batch is None:
        raise Http404
    return batch


@dataclass(frozen=True)
class ReportRow:
    row: int
    values: dict
    problems: list[tuple[str, str]]  # (code label, reason)


def report_page(request: HttpRequest, batch: DeviceBatch) -> Page:
    page = Paginator(batch.report, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [
        ReportRow(
            row=entry["row"],
            values=entry,
            problems=[
                (csv_import.code_label(p.get("code", "")), csv_import.problem_reason(p)) for p in entry["problems"]
            ],
        )
        for entry in page.object_list
    ]
    return page


def batch_status_text(batch: DeviceBatch) -> str:
    if batch.state == DeviceBatch.State.VALIDATING:
        return _("Checked %(checked)s of %(total)s rows.") % {
            "checked": number_format(batch.checked_rows, force_grouping=True),
            "total": number_format(batch.total_rows, force_grouping=True),
        }
    return _("Done: %(state)s.") % {"state": batch.get_state_display()}


def batch_status_response(batch: DeviceBatch) -> JsonResponse:
    """What the progress page asks for while a worker checks the list (see static/js/app.js)."""
    response = JsonResponse(
        {
            "state": batch.state,
            "done": batch.is_done,
            "percent": batch.progress_percent,
            "checked": batch.checked_rows,
            "total": batch.total_rows,
            "text": batch_status_text(batch),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def failure_message(batch: DeviceBatch) -> str:
    return {
        "no_valid_rows": _("No row of this device list can be registered: every row has a problem."),
        "changed": _(
            "Some devices of this list were registered elsewhere after it was checked, so nothing was registered. "
            "The report now shows them."
        ),
        "unreadable": _("The file of this device list could not be read. Upload it again."),
    }.get(batch.failure, "")


def discard_confirmation(batch: DeviceBatch) -> dict:
    """What Discard the list asks, on either side: the list, and that none of its rows will be registered (not even
    the valid ones, which is what the other button would do)."""
    return {
        "question": _("Discard the device list %(name)s?") % {"name": batch.name},
        "facts": [
            (_("Device list"), batch.name),
            (_("File"), batch.file_name or "—"),
            (_("Uploaded"), when(batch.uploaded_at)),
            (_("Rows"), number_format(batch.total_rows, force_grouping=True)),
            (_("Rows with problems"), number_format(batch.invalid_rows, force_grouping=True)),
        ],
        "consequence": ngettext(
            "No device of this list is registered, not even the %(count)s row that could be. Its file is deleted and "
            "its report of problems kept. This can't be undone: to register these devices, upload a corrected file.",
            "No device of this list is registered, not even the %(count)s rows that could be. Its file is deleted and "
            "its report of problems kept. This can't be undone: to register these devices, upload a corrected file.",
            batch.valid_rows,
        )
        % {"count": number_format(batch.valid_rows, force_grouping=True)},
        "confirm_label": _("Discard the list"),
    }


def report_csv_response(batch: DeviceBatch) -> StreamingHttpResponse:
    """The report as a spreadsheet: one line per problem. Values from the file are neutralised if they start like a
    formula (csv_response)."""
    header = [
        _("Row"),
        _("Code"),
        _("Reason"),
        csv_import.COLUMN_TITLES[csv_import.SERIAL],
        csv_import.COLUMN_TITLES[csv_import.PRODUCT_ID],
        csv_import.COLUMN_TITLES[csv_import.MANUFACTURER],
        csv_import.COLUMN_TITLES[csv_import.MODEL],
    ]

    def rows():
        for entry in batch.report:
            for problem in entry["problems"]:
                yield (
                    entry["row"],
                    problem.get("code", ""),
                    csv_import.problem_reason(problem),
                    entry.get("serial_number", ""),
                    entry.get("windows_product_id", ""),
                    entry.get("manufacturer", ""),
                    entry.get("model", ""),
                )

    return csv_response(filename=f"device-list-report-{batch.public_id}.csv", header=header, rows=rows())


def devices_csv_response(tenant: Tenant, *, viewer_partner: Partner | None) -> StreamingHttpResponse:
    """Every device of the tenant (without its hardware hash), neutralised like every CSV download."""
    devices = selectors.devices_of(tenant)

    def rows():
        for device in devices.iterator(chunk_size=2000):
            yield (
                device.serial_number,
                device.windows_product_id,
                device.manufacturer,
                device.model,
                list_name(device, viewer_partner=viewer_partner),
                added_by_label(device, viewer_partner=viewer_partner),
                device.added_at.date().isoformat(),
                device.profile.name if device.profile else "",
            )

    return csv_response(
        filename="autopilot-devices.csv",
        header=[
            "Device Serial Number",
            "Windows Product ID",
            "Manufacturer name",
            "Device model",
            _("Device list"),
            _("Added by"),
            _("Added"),
            _("Profile"),
        ],
        rows=rows(),
    )


def _sample_hash(seed: int) -> str:
    # Made-up bytes the size of a real hardware hash: the sample's rows pass the checks.
    return base64.b64encode(bytes((seed * 31 + i * 7) % 256 for i in range(1024))).decode()


SAMPLE_ROWS = [
    ("PF3ZK8T1", "", _sample_hash(1), "Contoso Devices", "Contoso Laptop 14"),
    ("R90ZX2K4", "3283402215734", "", "Contoso Devices", "Contoso Tablet 10"),
    ("0F4RTY6", "", "", "Fabrikam", "Fabrikam Desktop Pro"),
]


def sample_csv_response() -> HttpResponse:
    """A sample device file: one device by hardware hash, one by serial number, manufacturer and model with its
    Windows product ID, one by serial number, manufacturer and model alone."""
    lines = [csv_import.PARTNER_CENTER_HEADER, *(",".join(row) for row in SAMPLE_ROWS)]
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="autopilot-devices-sample.csv"'
    return response
