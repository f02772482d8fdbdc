"""Who may do what with Windows Autopilot (autopilot/rules.py), each rule under the default rules and under the
stricter ones (AUTOPILOT_STRICT_PARTNER_RULES), through the pages that apply it.

Partner A resells to customer X with delegated admin (DAP); `without_dap` removes it, as the customer can."""

import html
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from autopilot import rules
from autopilot.models import AutopilotProfile, Device, DeviceSource
from partnercenter.models import AuditEvent, DelegatedAdminGrant, ResellerRelationship

from ..autopilot_data import csv_file, device, good_row

MODES = pytest.mark.parametrize("strict", [False, True], ids=["default-rules", "strict-rules"])


@pytest.fixture
def rules_mode(settings):
    def set_mode(strict: bool) -> None:
        settings.AUTOPILOT_STRICT_PARTNER_RULES = strict

    return set_mode


def without_dap(world) -> None:
    DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).update(
        removed_at=timezone.now()
    )


def devices_of_every_origin(world) -> dict[str, Device]:
    """One device of customer X per origin: partner A (mine), partner B (another partner), the manufacturer, and the
    customer through Intune and both Microsoft Stores."""
    x = world.customer_x
    return {
        "mine": device(x, 1, partner=world.partner_a),
        "other_partner": device(x, 2, partner=world.partner_b),
        "oem": device(x, 3, source=DeviceSource.OEM),
        "intune": device(x, 4, source=DeviceSource.INTUNE),
        "store_business": device(x, 5, source=DeviceSource.STORE_BUSINESS),
        "store_education": device(x, 6, source=DeviceSource.STORE_EDUCATION),
    }


def url(world, name, *args):
    return reverse(f"customers:{name}", args=[world.customer_x.public_id, *args])


def text(response) -> str:
    return html.unescape(response.content.decode())


def apply_profile(client, world, profile, devices):
    return client.post(
        url(world, "profile_apply"), {"profile": profile.public_id, "device": [d.public_id for d in devices]}
    )


def remove_devices(client, world, devices):
    return client.post(url(world, "device_remove"), {"device": [d.public_id for d in devices], "confirm": "yes"})


def with_profile(world) -> set[str]:
    return {d.serial_number for d in Device.objects.filter(tenant=world.customer_x, profile__isnull=False)}


def remaining(world) -> set[str]:
    return set(Device.objects.filter(tenant=world.customer_x).values_list("serial_number", flat=True))


ALL = {"SN000001", "SN000002", "SN000003", "SN000004", "SN000005", "SN000006"}
PARTNER_ADDED = {"SN000001", "SN000002", "SN000003"}


# --- partner roles ----------------------------------------------------------------------------------------------------


@MODES
@pytest.mark.parametrize("dap", [True, False], ids=["dap", "no-dap"])
@pytest.mark.parametrize(("persona", "status"), [("a_admin", 302), ("a_sales", 302), ("a_helpdesk", 403)])
def test_admin_and_sales_agents_add_devices_helpdesk_agents_do_not(
    world, client_for, rules_mode, strict, dap, persona, status
):
    rules_mode(strict)
    if not dap:
        without_dap(world)
    payload = {"name": "List", "file": SimpleUploadedFile("d.csv", csv_file(good_row(1)), content_type="text/csv")}
    response = client_for(persona).post(url(world, "device_add"), payload)
    assert response.status_code == status
    assert Device.objects.filter(tenant=world.customer_x).exists() == (status == 302)


@MODES
@pytest.mark.parametrize("persona", ["a_sales", "a_helpdesk"])
def test_only_admin_agents_manage_profiles_and_remove_devices(world, client_for, rules_mode, strict, persona):
    rules_mode(strict)
    d = device(world.customer_x, 1, partner=world.partner_a)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    client = client_for(persona)
    forbidden = [
        client.get(url(world, "profile_new")),
        client.post(url(world, "profile_new"), {"name": "New"}),
        client.get(url(world, "profile_edit", profile.public_id)),
        client.post(url(world, "profile_edit", profile.public_id), {"name": "Renamed"}),
        client.post(url(world, "profile_delete", profile.public_id)),
        apply_profile(client, world, profile, [d]),
        client.post(url(world, "profile_unassign"), {"device": [d.public_id]}),
        remove_devices(client, world, [d]),
    ]
    assert [r.status_code for r in forbidden] == [403] * len(forbidden)
    assert list(AutopilotProfile.objects.values_list("name", flat=True)) == ["Standard"]
    assert Device.objects.filter(pk=d.pk, profile__isnull=True).exists()
    page = text(client.get(url(world, "devices")))
    assert "Only Admin agents can manage Autopilot profiles and devices." in page
    assert 'name="device"' not in page and "Remove devices" not in page


# --- default rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dap", [True, False], ids=["dap", "no-dap"])
def test_default_rules_a_partner_manages_profiles_with_or_without_delegated_admin(world, client_for, dap):
    if not dap:
        without_dap(world)
    client = client_for("a_admin")
    assert client.post(url(world, "profile_new"), {"name": "Standard", "skip_eula": "on"}).status_code == 302
    profile = AutopilotProfile.objects.get()
    assert profile.skip_eula and not profile.skip_privacy_settings
    edited = client.post(
        url(world, "profile_edit", profile.public_id), {"name": "Kiosk", "skip_privacy_settings": "on"}
    )
    assert edited.status_code == 302
    profile.refresh_from_db()
    assert (profile.name, profile.skip_privacy_settings, profile.skip_eula) == ("Kiosk", True, False)
    assert client.post(url(world, "profile_delete", profile.public_id)).status_code == 302
    assert not AutopilotProfile.objects.exists()


def test_default_rules_without_delegated_admin_a_partner_manages_devices_it_or_another_partner_added(world, client_for):
    without_dap(world)
    devices = devices_of_every_origin(world)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    client = client_for("a_admin")

    response = apply_profile(client, world, profile, devices.values())
    assert with_profile(world) == PARTNER_ADDED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Profile “Standard” was applied to 3 devices.",
        "3 devices were left as they were: you can't manage them.",
    ]

    client.post(url(world, "profile_unassign"), {"device": [d.public_id for d in devices.values()], "confirm": "yes"})
    assert with_profile(world) == set()

    remove_devices(client, world, devices.values())
    assert remaining(world) == ALL - PARTNER_ADDED


def test_default_rules_devices_the_customer_added_are_shown_with_the_reason_instead_of_actions(world, client_for):
    without_dap(world)
    devices = devices_of_every_origin(world)
    page = text(client_for("a_admin").get(url(world, "devices")))
    for origin in ("mine", "other_partner", "oem"):
        assert f'value="{devices[origin].public_id}"' in page
    for origin, source in [
        ("intune", "Microsoft Intune"),
        ("store_business", "Microsoft Store for Business"),
        ("store_education", "Microsoft Store for Education"),
    ]:
        assert f'value="{devices[origin].public_id}"' not in page
        assert (
            f"Added by the customer through {source}. Partners without delegated admin privileges can't manage it."
            in page
        )
    # The confirmation of a removal says the same for each device it leaves.
    confirm = text(client_for("a_admin").post(url(world, "device_remove"), {"device": [devices["intune"].public_id]}))
    assert "Added by the customer through Microsoft Intune." in confirm and "Remove 1 device" not in confirm


@pytest.mark.parametrize("strict", [False, True], ids=["default-rules", "strict-rules"])
def test_with_delegated_admin_a_partners_admin_agents_manage_every_device(world, client_for, rules_mode, strict):
    rules_mode(strict)
    devices = devices_of_every_origin(world)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    client = client_for("a_admin")
    assert "Partners without delegated admin" not in text(client.get(url(world, "devices")))
    apply_profile(client, world, profile, devices.values())
    assert with_profile(world) == ALL
    remove_devices(client, world, devices.values())
    assert remaining(world) == set()


# --- strict rules -----------------------------------------------------------------------------------------------------


def test_strict_rules_require_delegated_admin_to_add_update_or_remove_profiles(world, client_for, rules_mode):
    rules_mode(True)
    without_dap(world)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    client = client_for("a_admin")
    reason = "requires delegated admin privileges from the customer"
    response = client.get(url(world, "profile_new"))
    assert response.status_code == 403 and reason in text(response)
    assert client.post(url(world, "profile_new"), {"name": "New"}).status_code == 403
    assert client.post(url(world, "profile_edit", profile.public_id), {"name": "Renamed"}).status_code == 403
    assert client.post(url(world, "profile_delete", profile.public_id)).status_code == 403
    assert list(AutopilotProfile.objects.values_list("name", flat=True)) == ["Standard"]
    page = text(client.get(url(world, "profiles")))
    assert reason in page and "Create profile" not in page


def test_strict_rules_require_delegated_admin_to_apply_or_remove_profiles_on_any_device(world, client_for, rules_mode):
    rules_mode(True)
    without_dap(world)
    mine = device(world.customer_x, 1, partner=world.partner_a)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    Device.objects.filter(pk=mine.pk).update(profile=profile)
    client = client_for("a_admin")
    assert apply_profile(client, world, profile, [mine]).status_code == 403
    assert (
        client.post(url(world, "profile_unassign"), {"device": [mine.public_id], "confirm": "yes"}).status_code == 403
    )
    assert with_profile(world) == {"SN000001"}
    page = text(client.get(url(world, "devices")))
    assert "Apply profile" not in page and "Remove profile" not in page


def test_strict_rules_without_delegated_admin_a_partner_removes_only_devices_it_added(world, client_for, rules_mode):
    rules_mode(True)
    without_dap(world)
    devices = devices_of_every_origin(world)
    client = client_for("a_admin")
    page = text(client.get(url(world, "devices")))
    assert f'value="{devices["mine"].public_id}"' in page
    assert f'value="{devices["other_partner"].public_id}"' not in page
    assert "Added by another partner. Without delegated admin privileges you can remove only devices you added." in page
    assert "Registered by the manufacturer. Without delegated admin privileges you can't remove it." in page

    response = remove_devices(client, world, devices.values())
    assert remaining(world) == ALL - {"SN000001"}
    assert [str(m) for m in response.wsgi_request._messages] == [
        "1 device was removed.",
        "5 devices were left as they were: you can't manage them.",
    ]


# --- no relationship --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["devices", "device_lists", "profiles", "device_add", "device_sample"])
def test_no_reseller_relationship_no_access(world, client_for, name):
    assert client_for("b_admin").get(url(world, name)).status_code == 404
    ResellerRelationship.objects.filter(partner=world.partner_a).update(is_active=False)
    assert client_for("a_admin").get(url(world, name)).status_code == 404


# --- customer side ----------------------------------------------------------------------------------------------------


def test_the_customers_global_admin_removes_any_device(world, client_for):
    devices = devices_of_every_origin(world)
    client = client_for("x_ga")
    remove_url = reverse("admincenter:device_remove", args=[world.customer_x.public_id])
    confirm = text(client.post(remove_url, {"device": [d.public_id for d in devices.values()]}))
    assert "Remove 6 devices" in confirm
    client.post(remove_url, {"device": [d.public_id for d in devices.values()], "confirm": "yes"})
    assert remaining(world) == set()
    event = AuditEvent.objects.get(action="autopilot.devices.remove")
    assert event.actor == world.x_ga and not event.on_behalf
    assert event.details["count"] == 6 and len(event.details["devices"]) == 6


def test_a_partner_in_the_admin_center_removes_devices_on_the_customers_behalf_but_adds_none(world, client_for):
    d = device(world.customer_x, 4, source=DeviceSource.INTUNE)
    client = client_for("a_admin")
    x = world.customer_x.public_id
    client.post(reverse("admincenter:device_remove", args=[x]), {"device": [d.public_id], "confirm": "yes"})
    assert not Device.objects.exists()
    event = AuditEvent.objects.get(action="autopilot.devices.remove")
    assert event.on_behalf and event.details["partner"] == "Fabrikam" and event.target_tenant == world.customer_x
    response = client.get(reverse("admincenter:device_add", args=[x]))
    assert response.status_code == 403 and "Partners add devices in Partner Center" in text(response)


def test_devices_of_another_tenant_are_never_touched(world, client_for):
    theirs = device(world.customer_y, 9, partner=world.partner_b)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    client = client_for("a_admin")
    apply_profile(client, world, profile, [theirs])
    remove_devices(client, world, [theirs])
    client_for("x_ga").post(
        reverse("admincenter:device_remove", args=[world.customer_x.public_id]),
        {"device": [theirs.public_id], "confirm": "yes"},
    )
    theirs.refresh_from_db()
    assert theirs.profile is None


# --- the rule and its queryset filter agree ---------------------------------------------------------------------------


def test_device_rule_and_queryset_filter_agree_in_every_case(world):
    devices = devices_of_every_origin(world)
    for strict, has_dap, action in itertools.product([False, True], [False, True], [rules.PROFILE, rules.REMOVE]):
        by_rule = {
            d.pk
            for d in devices.values()
            if rules.device_manageable_by_partner(
                source=d.added_by_source,
                added_by_partner_id=d.added_by_partner_id,
                partner=world.partner_a,
                has_dap=has_dap,
                strict=strict,
                action=action,
            )
        }
        q = rules.manageable_q(partner=world.partner_a, has_dap=has_dap, strict=strict, action=action)
        by_filter = set(Device.objects.filter(tenant=world.customer_x).filter(q).values_list("pk", flat=True))
        assert by_rule == by_filter, (strict, has_dap, action)


@pytest.mark.parametrize(
    ("strict", "has_dap", "action", "expected"),
    [
        (False, False, rules.PROFILE, {"mine", "other_partner", "oem"}),
        (False, False, rules.REMOVE, {"mine", "other_partner", "oem"}),
        (True, False, rules.PROFILE, set()),
        (True, False, rules.REMOVE, {"mine"}),
        (False, True, rules.PROFILE, {"mine", "other_partner", "oem", "intune", "store_business", "store_education"}),
        (True, True, rules.REMOVE, {"mine", "other_partner", "oem", "intune", "store_business", "store_education"}),
    ],
)
def test_the_table_of_rules(world, strict, has_dap, action, expected):
    devices = devices_of_every_origin(world)
    allowed = {
        origin
        for origin, d in devices.items()
        if rules.device_manageable_by_partner(
            source=d.added_by_source,
            added_by_partner_id=d.added_by_partner_id,
            partner=world.partner_a,
            has_dap=has_dap,
            strict=strict,
            action=action,
        )
    }
    assert allowed == expected


def test_role_rules():
    kind = rules.Kind
    assert rules.can_add_devices(frozenset({kind.SALES_AGENTS}))
    assert not rules.can_add_devices(frozenset({kind.HELPDESK_AGENTS}))
    assert rules.profile_actions_allowed(frozenset({kind.ADMIN_AGENTS}), has_dap=False, strict=False)
    assert not rules.profile_actions_allowed(frozenset({kind.ADMIN_AGENTS}), has_dap=False, strict=True)
    assert rules.profile_actions_allowed(frozenset({kind.ADMIN_AGENTS}), has_dap=True, strict=True)
    assert not rules.profile_actions_allowed(frozenset({kind.SALES_AGENTS}), has_dap=True, strict=False)


def test_the_setting_is_off_by_default():
    from django.conf import settings

    assert settings.AUTOPILOT_STRICT_PARTNER_RULES is False


def test_a_partner_in_the_admin_center_is_not_told_which_other_partners_added_devices(world, client_for):
    from autopilot.models import DeviceBatch

    theirs = DeviceBatch.objects.create(
        tenant=world.customer_x, name="Northwind order", source=DeviceSource.PARTNER, partner=world.partner_b
    )
    device(world.customer_x, 2, partner=world.partner_b, batch=theirs)
    device(world.customer_x, 1, partner=world.partner_a)
    x = world.customer_x.public_id
    page = text(client_for("a_admin").get(reverse("admincenter:devices", args=[x])))
    assert "Another partner" in page and "Your organization" in page
    assert "Northwind" not in page
    export = b"".join(client_for("a_admin").get(reverse("admincenter:device_export", args=[x])).streaming_content)
    assert b"Northwind" not in export
    # The customer's own Global admin is told.
    page = text(client_for("x_ga").get(reverse("admincenter:devices", args=[x])))
    assert "Northwind" in page and "Northwind order" in page
