"""Partner side of Windows Autopilot: Customers > a customer > Devices (the devices, the device lists, Add devices
and a list's report, profiles). Every view starts from the access module (a reseller relationship, else 404) and
asks autopilot/rules.py what the agent may do (else 403)."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnercenter.access import partner_customer_for, partner_group_kinds
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import paginate
from partnercenter.models import Partner, Tenant
from partnercenter.selectors import has_active_delegated_admin

from . import pages, rules, selectors, services
from .forms import DeviceUploadForm, ProfileForm, profile_choice, selected_ids
from .models import AutopilotProfile, DeviceBatch, DeviceSource
from .rules import PROFILE, REMOVE, PartnerRights


def _customer(request: AuthenticatedRequest, tenant_id: UUID, *kinds: str) -> tuple[Partner, Tenant, PartnerRights]:
    """The customer (404 without an active reseller relationship; 403 without one of `kinds`) and what the agent may
    do with its Autopilot devices and profiles."""
    partner, customer = partner_customer_for(request, tenant_id, *kinds)
    rights = rules.partner_rights(
        partner=partner,
        kinds=partner_group_kinds(request.user),
        has_dap=has_active_delegated_admin(partner=partner, customer=customer),
    )
    return partner, customer, rights


def _require(allowed: bool, reason: str) -> None:
    if not allowed:
        raise PermissionDenied(reason or _("Your role does not include this."))


def _profile_for(customer: Tenant, profile_id: UUID) -> AutopilotProfile:
    profile = selectors.profiles_of(customer).filter(public_id=profile_id).first()
    if profile is None:
        raise Http404
    return profile


def _context(customer: Tenant, partner: Partner, rights: PartnerRights, **extra) -> dict:
    return {"customer": customer, "partner": partner, "rights": rights, **extra}


# --- devices ----------------------------------------------------------------------------------------------------------


@require_GET
def device_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    devices = selectors.devices_of(customer)
    own_lists = selectors.batches_of(customer).filter(partner=partner, state=DeviceBatch.State.REGISTERED)
    selected_list = None
    list_id = request.GET.get("list", "")
    if list_id:
        try:
            selected_list = own_lists.filter(public_id=UUID(list_id)).first()
        except ValueError:
            selected_list = None
        if selected_list is not None:
            devices = devices.filter(batch=selected_list)
    status = request.GET.get("status", "")
    devices = selectors.devices_with_status(devices, status)
    page = paginate(request, devices, selectors.DEVICE_SORTING, per_page=pages.DEVICES_PAGE_SIZE)
    for device in page.rows:
        device.added_by_label = pages.added_by_label(device, viewer_partner=partner)
        device.can_assign = rights.may(device, PROFILE)
        device.can_remove = rights.may(device, REMOVE)
        device.reason = rights.reason(device)
        device.own_list = device.batch is not None and device.batch.partner_id == partner.pk
    context = _context(
        customer,
        partner,
        rights,
        page=page,
        profiles=selectors.profile_choices(customer) if rights.can_manage_profiles else [],
        own_lists=list(own_lists.select_related(None).only("public_id", "name")[:200]),
        selected_list=selected_list,
        status=status if status in selectors.PROFILE_STATUSES else "",
        statuses=selectors.PROFILE_STATUSES.items(),
    )
    return render(request, "autopilot/devices.html", context)


@require_GET
def device_export(request: AuthenticatedRequest, tenant_id: UUID) -> StreamingHttpResponse:
    partner, customer, _rights = _customer(request, tenant_id)
    return pages.devices_csv_response(customer, viewer_partner=partner)


def _return_to(request: AuthenticatedRequest, customer: Tenant) -> str:
    """Back to the page the bulk action came from: the device lists, or the devices (of one list)."""
    if request.POST.get("return") == "lists":
        return reverse("customers:device_lists", args=[customer.public_id])
    url = reverse("customers:devices", args=[customer.public_id])
    list_id = request.POST.get("list", "")
    try:
        return f"{url}?list={UUID(list_id)}" if list_id else url
    except ValueError:
        return url


def _report_bulk(request: AuthenticatedRequest, changed: int, skipped: int, done: str) -> None:
    """The outcome of a bulk action: what changed (`done`, already in words), and how many selected devices the user
    may not manage were left alone."""
    if changed:
        messages.success(request, done)
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s device was left as it was: you can't manage it.",
                "%(count)s devices were left as they were: you can't manage them.",
                skipped,
            )
            % {"count": skipped},
        )
    if not changed and not skipped:
        messages.info(request, _("Nothing changed."))


@require_POST
def profile_apply(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    _require(rights.can_manage_profiles, rights.profiles_reason)
    back = _return_to(request, customer)
    profile = profile_choice(customer, request.POST.get("profile", ""))
    if profile is None:
        messages.error(request, _("Choose the profile to apply."))
        return redirect(back)
    result = _set_profile(request, customer, rights, partner, profile)
    if result is None:
        return redirect(back)
    changed, skipped = result
    done = ngettext(
        "Profile “%(name)s” was applied to %(count)s device.",
        "Profile “%(name)s” was applied to %(count)s devices.",
        changed,
    ) % {"name": profile.name, "count": changed}
    _report_bulk(request, changed, skipped, done)
    return redirect(back)


def _set_profile(request, customer, rights, partner, profile) -> tuple[int, int] | None:
    """Apply `profile` (None: remove the profile) to the selected devices and device lists the agent may manage;
    (changed, skipped), or None with an error message when the selection is refused."""
    try:
        return services.profile_apply(
            customer=customer,
            profile=profile,
            allowed=rights.q(PROFILE),
            applied_by=request.user,
            device_ids=selected_ids(request.POST.getlist("device")),
            batch_ids=selected_ids(request.POST.getlist("device_list")),
            partner=partner,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


@require_POST
def profile_unassign(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """Remove the profile of the selected devices, or of every device of the selected device lists: first a
    confirmation page that names them and says what follows, then (confirmed) the change."""
    partner, customer, rights = _customer(request, tenant_id)
    _require(rights.can_manage_profiles, rights.profiles_reason)
    back = _return_to(request, customer)
    if request.POST.get("confirm") != "yes":
        return _profile_unassign_confirmation(request, customer, partner, rights, back)
    result = _set_profile(request, customer, rights, partner, None)
    if result is None:
        return redirect(back)
    changed, skipped = result
    done = ngettext(
        "The profile was removed from %(count)s device.", "The profile was removed from %(count)s devices.", changed
    ) % {"count": changed}
    _report_bulk(request, changed, skipped, done)
    return redirect(back)


def _profile_unassign_confirmation(request, customer, partner, rights, back: str) -> HttpResponse:
    device_ids = selected_ids(request.POST.getlist("device"))[: services.MAX_SELECTION]
    list_ids = selected_ids(request.POST.getlist("device_list"))[: services.MAX_SELECTION]
    if not device_ids and not list_ids:
        messages.error(request, _("Select devices or device lists first."))
        return redirect(back)
    hidden: list[tuple[str, object]] = [("confirm", "yes")]
    if request.POST.get("return") == "lists":
        hidden.append(("return", "lists"))
    hidden += [("list", i) for i in selected_ids([request.POST.get("list", "")])]
    if list_ids:
        lists = list(selectors.registered_batches_of(customer).filter(partner=partner, public_id__in=list_ids))
        hidden += [("device_list", b.public_id) for b in lists]
        targets = len(lists)
        question = ngettext(
            "Remove the profile from every device of %(count)s device list?",
            "Remove the profile from every device of %(count)s device lists?",
            len(lists),
        ) % {"count": len(lists)}
        details = {"lists": lists, "details_template": "autopilot/_profile_unassign_lists.html"}
    else:
        devices = list(selectors.devices_of(customer).filter(public_id__in=device_ids))
        for device in devices:
            device.can_assign = rights.may(device, PROFILE)
            device.reason = rights.reason(device)
        hidden += [("device", d.public_id) for d in devices if d.can_assign]
        count = targets = sum(d.can_assign for d in devices)
        question = ngettext(
            "Remove the profile from %(count)s device?", "Remove the profile from %(count)s devices?", count
        ) % {"count": count}
        details = {"devices": devices, "details_template": "autopilot/_profile_unassign_devices.html"}
    if not details.get("lists") and not details.get("devices"):
        # Nothing selected exists here (gone since the page was shown, or never this customer's).
        messages.error(request, _("Select devices or device lists first."))
        return redirect(back)
    context = _context(
        customer,
        partner,
        rights,
        question=question,
        consequence=_(
            "The devices stay registered with Windows Autopilot, without a profile: the next time one is set up, it "
            "gets the default setup. To give them a profile again, apply one."
        ),
        confirm_label=_("Remove profile") if targets else "",
        cancel_url=back,
        hidden=hidden,
        tab="lists" if list_ids else "devices",
        **details,
    )
    return render(request, "autopilot/confirm.html", context)


@require_POST
def device_remove(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """Remove the selected devices: first a confirmation page that lists them, then (confirmed) the removal."""
    partner, customer, rights = _customer(request, tenant_id)
    _require(rights.can_remove_devices, _("Only Admin agents can remove devices."))
    back = _return_to(request, customer)
    ids = selected_ids(request.POST.getlist("device"))
    if not ids:
        messages.error(request, _("Select the devices to remove first."))
        return redirect(back)
    if request.POST.get("confirm") != "yes":
        selected = list(selectors.devices_of(customer).filter(public_id__in=ids[: services.MAX_SELECTION]))
        for device in selected:
            device.can_remove = rights.may(device, REMOVE)
            device.reason = rights.reason(device)
        list_ids = selected_ids([request.POST.get("list", "")])
        context = _context(
            customer,
            partner,
            rights,
            devices=selected,
            removable_count=sum(device.can_remove for device in selected),
            cancel_url=back,
            list_id=list_ids[0] if list_ids else "",
        )
        return render(request, "autopilot/device_remove.html", context)
    try:
        removed, skipped = services.devices_remove(
            customer=customer, device_ids=ids, allowed=rights.q(REMOVE), removed_by=request.user, partner=partner
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    done = ngettext("%(count)s device was removed.", "%(count)s devices were removed.", removed) % {"count": removed}
    _report_bulk(request, removed, skipped, done)
    return redirect(back)


# --- device lists -----------------------------------------------------------------------------------------------------


@require_GET
def batch_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    batches = selectors.batches_of(customer).filter(partner=partner)
    page = paginate(request, batches, selectors.BATCH_SORTING, per_page=25, count=False)  # the page shows no count
    counts = dict(
        selectors.registered_batches_of(customer)
        .filter(pk__in=[b.pk for b in page.rows])
        .values_list("pk", "device_count")
    )
    for batch in page.rows:
        batch.device_count = counts.get(batch.pk, 0)
    context = _context(
        customer,
        partner,
        rights,
        page=page,
        profiles=selectors.profile_choices(customer) if rights.can_manage_profiles else [],
    )
    return render(request, "autopilot/batches.html", context)


@require_http_methods(["GET", "POST"])
def device_add(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id, *rules.DEVICE_ADDERS)
    form = DeviceUploadForm(request.POST, request.FILES) if request.method == "POST" else DeviceUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.device_batch_upload(
                customer=customer,
                name=form.cleaned_data["name"],
                data=upload,  # read a chunk at a time, never whole
                file_name=upload.name or "",
                source=DeviceSource.PARTNER,
                uploaded_by=request.user,
                partner=partner,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("customers:device_list", customer.public_id, batch.public_id)
    status = 400 if form.is_bound else 200
    context = _context(customer, partner, rights, form=form, **pages.UPLOAD_HELP)
    return render(request, "autopilot/device_add.html", context, status=status)


@require_GET
def sample_csv(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    _customer(request, tenant_id)
    return pages.sample_csv_response()


@require_GET
def batch_detail(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    batch = pages.batch_for(customer, batch_id, partner=partner)
    context = _context(
        customer,
        partner,
        rights,
        batch=batch,
        report=pages.report_page(request, batch),
        failure=pages.failure_message(batch),
        status_text=pages.batch_status_text(batch),
        can_confirm=rights.can_add_devices,
        devices_url=reverse("customers:devices", args=[customer.public_id]) + f"?list={batch.public_id}",
        add_url=reverse("customers:device_add", args=[customer.public_id]) if rights.can_add_devices else "",
    )
    return render(request, "autopilot/batch.html", context)


@require_GET
def batch_status(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    partner, customer, _rights = _customer(request, tenant_id)
    return pages.batch_status_response(pages.batch_for(customer, batch_id, partner=partner))


@require_GET
def batch_report_csv(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> StreamingHttpResponse:
    partner, customer, _rights = _customer(request, tenant_id)
    return pages.report_csv_response(pages.batch_for(customer, batch_id, partner=partner))


@require_POST
def batch_confirm(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    """Register only the valid rows."""
    partner, customer, _rights = _customer(request, tenant_id, *rules.DEVICE_ADDERS)
    batch = pages.batch_for(customer, batch_id, partner=partner)
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
    return redirect("customers:device_list", customer.public_id, batch.public_id)


@require_http_methods(["GET", "POST"])
def batch_discard(request: AuthenticatedRequest, tenant_id: UUID, batch_id: UUID) -> HttpResponse:
    """Discard the list. GET: what it does (none of its rows is registered), to confirm. POST: discard it."""
    partner, customer, rights = _customer(request, tenant_id, *rules.DEVICE_ADDERS)
    batch = pages.batch_for(customer, batch_id, partner=partner)
    back = reverse("customers:device_list", args=[customer.public_id, batch.public_id])
    if request.method == "GET":
        if batch.state != DeviceBatch.State.NEEDS_CONFIRMATION:
            messages.error(request, _("This device list is not waiting for confirmation."))
            return redirect(back)
        context = _context(customer, partner, rights, tab="lists", cancel_url=back, **pages.discard_confirmation(batch))
        return render(request, "autopilot/confirm.html", context)
    try:
        services.device_batch_discard(batch=batch, discarded_by=request.user, partner=partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The device list was discarded. No device was registered."))
    return redirect(back)


# --- profiles ---------------------------------------------------------------------------------------------------------


@require_GET
def profile_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    page = paginate(
        request, selectors.profiles_with_counts(customer), selectors.PROFILE_SORTING, per_page=50, count=False
    )
    return render(request, "autopilot/profiles.html", _context(customer, partner, rights, page=page))


def _profile_values(form: ProfileForm) -> dict:
    data = form.cleaned_data
    return {key: data[key] for key in ("name", "description", *services.PROFILE_SETTINGS)}


@require_http_methods(["GET", "POST"])
def profile_new(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    return _profile_form(request, tenant_id, profile_id=None)


@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedRequest, tenant_id: UUID, profile_id: UUID) -> HttpResponse:
    return _profile_form(request, tenant_id, profile_id=profile_id)


def _profile_form(request: AuthenticatedRequest, tenant_id: UUID, profile_id: UUID | None) -> HttpResponse:
    """Create a profile (no profile_id) or edit one: the same form, and one service call either way."""
    partner, customer, rights = _customer(request, tenant_id)
    profile = _profile_for(customer, profile_id) if profile_id else None
    _require(rights.can_manage_profiles, rights.profiles_reason)
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=profile, tenant=customer)
    if request.method == "POST" and form.is_valid():
        try:
            if profile is None:
                saved = services.profile_create(
                    customer=customer, created_by=request.user, partner=partner, **_profile_values(form)
                )
                done = _("Profile “%(name)s” was created.")
            else:
                saved = services.profile_update(
                    profile=profile, updated_by=request.user, partner=partner, **_profile_values(form)
                )
                done = _("Profile “%(name)s” was saved.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done % {"name": saved.name})
            return redirect("customers:profiles", customer.public_id)
    return render(
        request,
        "autopilot/profile_form.html",
        _context(customer, partner, rights, form=form, profile=profile),
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def profile_delete(request: AuthenticatedRequest, tenant_id: UUID, profile_id: UUID) -> HttpResponse:
    partner, customer, rights = _customer(request, tenant_id)
    profile = _profile_for(customer, profile_id)
    _require(rights.can_manage_profiles, rights.profiles_reason)
    if request.method == "POST":
        unassigned = services.profile_delete(profile=profile, deleted_by=request.user, partner=partner)
        messages.success(
            request,
            ngettext(
                "Profile “%(name)s” was deleted; %(count)s device no longer has a profile.",
                "Profile “%(name)s” was deleted; %(count)s devices no longer have a profile.",
                unassigned,
            )
            % {"name": profile.name, "count": unassigned},
        )
        return redirect("customers:profiles", customer.public_id)
    device_count = profile.devices.count()
    return render(
        request,
        "autopilot/profile_delete.html",
        _context(customer, partner, rights, profile=profile, device_count=device_count),
    )
