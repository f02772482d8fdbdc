"""Customer side of Windows Autopilot, in the admin center: Devices (every device of the tenant and who added it),
adding devices as the organization, removing any device. Access: partnercenter.access.admin_center_for, then
autopilot/rules.py."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.access import CAN_MANAGE_DEVICES, CAN_VIEW_DEVICES, AdminCenter, admin_center_for
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import paginate

from . import pages, rules, selectors, services
from .forms import CustomerDeviceUploadForm, selected_ids
from .models import DeviceBatch


def _center(request: AuthenticatedRequest, tenant_id: UUID, allowed: frozenset[str] = CAN_VIEW_DEVICES) -> AdminCenter:
    return admin_center_for(request, tenant_id, allowed)


def _require_can_add(center: AdminCenter) -> None:
    if not rules.customer_can_add_devices(center):
        if center.on_behalf:
            raise PermissionDenied(_("Partners add devices in Partner Center, as themselves, not as the organization."))
        raise PermissionDenied(_("Only Global admins can add devices."))


@require_GET
def device_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = _center(request, tenant_id)
    status = request.GET.get("status", "")
    devices = selectors.devices_with_status(selectors.devices_of(center.tenant), status)
    page = paginate(request, devices, selectors.DEVICE_SORTING, per_page=pages.DEVICES_PAGE_SIZE)
    for device in page.rows:
        # A partner acting on the customer's behalf reads who added each device as a partner does: other partners are
        # not named to it (nor their device lists), as Settings > Partner relationships is not shown to it either.
        device.added_by_label = pages.added_by_label(device, viewer_partner=center.partner)
        device.list_name = pages.list_name(device, viewer_partner=center.partner)
    context = {
        "center": center,
        "page": page,
        "status": status if status in selectors.PROFILE_STATUSES else "",
        "statuses": selectors.PROFILE_STATUSES.items(),
        "can_add": rules.customer_can_add_devices(center),
        "can_remove": rules.customer_can_remove_devices(center),
        "waiting": list(
            selectors.batches_of(center.tenant)
            .filter(
                partner__isnull=True, state__in=[DeviceBatch.State.VALIDATING, DeviceBatch.State.NEEDS_CONFIRMATION]
            )
            .select_related(None)
            .only("public_id", "name", "state")[:20]
        ),
    }
    return render(request, "autopilot/admin_center/devices.html", context)


@require_GET
def device_export(request: AuthenticatedRequest, tenant_id: UUID) -> StreamingHttpResponse:
    center = _center(request, tenant_id)
    return pages.devices_csv_response(center.tenant, viewer_partner=center.partner)


@require_GET
def sample_csv(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    _center(request, tenant_id)
    return pages.sample_csv_response()


@require_http_methods(["GET", "POST"])
def device_add(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = _center(request, tenant_id, CAN_MANAGE_DEVICES)
    _require_can_add(center)
    form = (
        CustomerDeviceUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else CustomerDeviceUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.device_batch_upload(
                customer=center.tenant,
                name=form.cleaned_data["name"],
                data=upload,  # read a chunk at a time, never whole
                file_name=upload.name or "",
                source=form.cleaned_data["source"],
                uploaded_by=request.user,
                partner=None,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("admincenter:device_list", center.tenant.public_id, batch.public_id)
    status = 400 if form.is_bound else 200
    context = {"center": center, "form": form, **pages.UPLOAD_HELP}
    return render(request, "autopilot/admin_center/device_add.html", context, status=status)


@require_GET
def batch_detail(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    center = _center(request, tenant_id)
    batch = pages.batch_for(center.tenant, batch_id, own=True)
    context = {
        "center": center,
        "batch": batch,
        "report": pages.report_page(request, batch),
        "failure": pages.failure_message(batch),
        "status_text": pages.batch_status_text(batch),
        "can_confirm": rules.customer_can_add_devices(center),
        "devices_url": reverse("admincenter:devices", args=[center.tenant.public_id]),
        "add_url": reverse("admincenter:device_add", args=[center.tenant.public_id])
        if rules.customer_can_add_devices(center)
        else "",
    }
    return render(request, "autopilot/admin_center/batch.html", context)


@require_GET
def batch_status(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    center = _center(request, tenant_id)
    return pages.batch_status_response(pages.batch_for(center.tenant, batch_id, own=True))


@require_GET
def batch_report_csv(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> StreamingHttpResponse:
    center = _center(request, tenant_id)
    return pages.report_csv_response(pages.batch_for(center.tenant, batch_id, own=True))


@require_POST
def batch_confirm(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    center = _center(request, tenant_id, CAN_MANAGE_DEVICES)
    batch = pages.batch_for(center.tenant, batch_id, own=True)
    _require_can_add(center)
    try:
        batch, registered = services.device_batch_confirm(batch=batch, confirmed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registered:
            messages.success(
                request,
                ngettext(
                    "%(count)s device was registered.", "%(count)s devices were registered.", batch.registered_rows
                )
                % {"count": batch.registered_rows},
            )
        else:
            messages.error(request, pages.failure_message(batch))
    return redirect("admincenter:device_list", center.tenant.public_id, batch.public_id)


@require_http_methods(["GET", "POST"])
def batch_discard(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    """Discard the list. GET: what it does (none of its rows is registered), to confirm. POST: discard it."""
    center = _center(request, tenant_id, CAN_MANAGE_DEVICES)
    batch = pages.batch_for(center.tenant, batch_id, own=True)
    _require_can_add(center)
    back = reverse("admincenter:device_list", args=[center.tenant.public_id, batch.public_id])
    if request.method == "GET":
        if batch.state != DeviceBatch.State.NEEDS_CONFIRMATION:
            messages.error(request, _("This device list is not waiting for confirmation."))
            return redirect(back)
        context = {
            "center": center,
            "breadcrumb": [
                (_("Devices"), reverse("admincenter:devices", args=[center.tenant.public_id])),
                (batch.name, back),
            ],
            "cancel_url": back,
            **pages.discard_confirmation(batch),
        }
        return render(request, "admin_center/confirm.html", context)
    try:
        services.device_batch_discard(batch=batch, discarded_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The device list was discarded. No device was registered."))
    return redirect(back)


@require_POST
def device_remove(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """Remove the selected devices, whoever added them: a confirmation page first, then the removal."""
    center = _center(request, tenant_id, CAN_MANAGE_DEVICES)
    back = reverse("admincenter:devices", args=[center.tenant.public_id])
    ids = selected_ids(request.POST.getlist("device"))
    if not ids:
        messages.error(request, _("Select the devices to remove first."))
        return redirect(back)
    if request.POST.get("confirm") != "yes":
        selected = list(selectors.devices_of(center.tenant).filter(public_id__in=ids[: services.MAX_SELECTION]))
        for device in selected:
            device.can_remove = True  # the tenant's Global admins remove any device
        context = {"center": center, "devices": selected, "removable_count": len(selected), "cancel_url": back}
        return render(request, "autopilot/admin_center/device_remove.html", context)
    try:
        removed, skipped = services.devices_remove(
            customer=center.tenant,
            device_ids=ids,
            allowed=Q(),
            removed_by=request.user,
            partner=center.partner,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if removed:
        messages.success(
            request,
            ngettext("%(count)s device was removed.", "%(count)s devices were removed.", removed) % {"count": removed},
        )
    else:
        messages.info(request, _("Nothing changed."))
    return redirect(back)
