"""Windows Autopilot: the partner's pages of a customer's devices, device lists and profiles
(customers/<tenant_id>/devices/…), and the customer's Devices in the admin center (admin-center/<tenant_id>/devices/…).

Partner A resells to customer X with delegated admin: its Admin agent manages profiles and devices, its Sales agent
adds devices, its Helpdesk agent only looks. In the admin center, X's Global admin manages the devices and its Global
Reader sees them (its User and Helpdesk Administrators may not: 403); partner A's Admin agent is X's Global
Administrator through delegated admin and may remove devices there, but adds devices in Partner Center, not as the
organization."""

from django.urls import reverse

from autopilot.models import AutopilotProfile, DeviceBatch, DeviceSource

from . import SIGNED_IN_ONLY_405, Route, row

# Columns (see row()): a_admin a_sales a_helpdesk b_admin | x_ga x_useradmin x_helpdesk x_reader x_user | y_ga anon
PARTNER_VIEW = row("200 200 200 404 | 404 404 404 404 404 | 404 302")
PARTNER_ADD = row("200 200 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403)
PARTNER_ADD_BAD_FORM = row("400 400 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403)
PARTNER_ADD_ACTION = row("302 302 403 404 | 404 404 404 404 404 | 404 302", a_tier1=403)
PARTNER_MANAGE = row("200 403 403 404 | 404 404 404 404 404 | 404 302")
PARTNER_MANAGE_BAD_FORM = row("400 403 403 404 | 404 404 404 404 404 | 404 302")
PARTNER_MANAGE_ACTION = row("302 403 403 404 | 404 404 404 404 404 | 404 302")
CENTER_VIEW = row("200 403 403 404 | 200 403 403 200 403 | 404 302")
CENTER_ADD = row("403 403 403 404 | 200 403 403 403 403 | 404 302")
CENTER_ADD_BAD_FORM = row("403 403 403 404 | 400 403 403 403 403 | 404 302")
CENTER_ADD_ACTION = row("403 403 403 404 | 302 403 403 403 403 | 404 302")
CENTER_REMOVE = row("302 403 403 404 | 302 403 403 403 403 | 404 302")


def _x(w):
    return w.customer_x.public_id


def _partner_batch(w) -> str:
    """A device list partner A uploaded for customer X, still being checked."""
    batch = DeviceBatch.objects.create(
        tenant=w.customer_x,
        name="Spring laptops",
        source=DeviceSource.PARTNER,
        partner=w.partner_a,
        uploaded_by=w.a_admin,
    )
    return str(batch.public_id)


def _waiting(batch_of):
    """The same device list, checked, with a row that has a problem: waiting for its uploader to register only the
    valid rows or to discard it."""

    def batch_id(w) -> str:
        public_id = batch_of(w)
        DeviceBatch.objects.filter(public_id=public_id).update(
            state=DeviceBatch.State.NEEDS_CONFIRMATION, total_rows=2, checked_rows=2, invalid_rows=1
        )
        return public_id

    return batch_id


def _customer_batch(w) -> str:
    """A device list customer X's Global admin uploaded through Intune, still being checked."""
    batch = DeviceBatch.objects.create(
        tenant=w.customer_x, name="Office desktops", source=DeviceSource.INTUNE, uploaded_by=w.x_ga
    )
    return str(batch.public_id)


def _profile(w) -> str:
    return str(AutopilotProfile.objects.create(tenant=w.customer_x, name="Standard").public_id)


def _p(name, *args):
    return lambda w: reverse(f"customers:{name}", args=[_x(w), *(a(w) for a in args)])


def _c(name, *args):
    return lambda w: reverse(f"admincenter:{name}", args=[_x(w), *(a(w) for a in args)])


ROUTES: dict[str, Route] = {
    # Partner Center > Customers > X > Devices
    "customers:devices": Route(_p("devices"), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:device_export": Route(_p("device_export"), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:device_add": Route(_p("device_add"), get=PARTNER_ADD, post=PARTNER_ADD_BAD_FORM),
    "customers:device_sample": Route(_p("device_sample"), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:profile_apply": Route(_p("profile_apply"), get=SIGNED_IN_ONLY_405, post=PARTNER_MANAGE_ACTION),
    "customers:profile_unassign": Route(_p("profile_unassign"), get=SIGNED_IN_ONLY_405, post=PARTNER_MANAGE_ACTION),
    "customers:device_remove": Route(_p("device_remove"), get=SIGNED_IN_ONLY_405, post=PARTNER_MANAGE_ACTION),
    "customers:device_lists": Route(_p("device_lists"), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:device_list": Route(_p("device_list", _partner_batch), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:device_list_status": Route(
        _p("device_list_status", _partner_batch), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405
    ),
    "customers:device_list_report": Route(
        _p("device_list_report", _partner_batch), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405
    ),
    "customers:device_list_confirm": Route(
        _p("device_list_confirm", _partner_batch), get=SIGNED_IN_ONLY_405, post=PARTNER_ADD_ACTION
    ),
    # Discard the list: the question first (GET), then the list is discarded.
    "customers:device_list_discard": Route(
        _p("device_list_discard", _waiting(_partner_batch)), get=PARTNER_ADD, post=PARTNER_ADD_ACTION
    ),
    "customers:profiles": Route(_p("profiles"), get=PARTNER_VIEW, post=SIGNED_IN_ONLY_405),
    "customers:profile_new": Route(_p("profile_new"), get=PARTNER_MANAGE, post=PARTNER_MANAGE_BAD_FORM),
    "customers:profile_edit": Route(_p("profile_edit", _profile), get=PARTNER_MANAGE, post=PARTNER_MANAGE_BAD_FORM),
    "customers:profile_delete": Route(_p("profile_delete", _profile), get=PARTNER_MANAGE, post=PARTNER_MANAGE_ACTION),
    # Admin center > Devices
    "admincenter:devices": Route(_c("devices"), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405),
    "admincenter:device_export": Route(_c("device_export"), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405),
    "admincenter:device_sample": Route(_c("device_sample"), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405),
    "admincenter:device_add": Route(_c("device_add"), get=CENTER_ADD, post=CENTER_ADD_BAD_FORM),
    "admincenter:device_remove": Route(_c("device_remove"), get=SIGNED_IN_ONLY_405, post=CENTER_REMOVE),
    "admincenter:device_list": Route(_c("device_list", _customer_batch), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405),
    "admincenter:device_list_status": Route(
        _c("device_list_status", _customer_batch), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405
    ),
    "admincenter:device_list_report": Route(
        _c("device_list_report", _customer_batch), get=CENTER_VIEW, post=SIGNED_IN_ONLY_405
    ),
    "admincenter:device_list_confirm": Route(
        _c("device_list_confirm", _customer_batch), get=SIGNED_IN_ONLY_405, post=CENTER_ADD_ACTION
    ),
    "admincenter:device_list_discard": Route(
        _c("device_list_discard", _waiting(_customer_batch)), get=CENTER_ADD, post=CENTER_ADD_ACTION
    ),
}
