"""Autopilot profiles on the partner side: create, edit, delete (which unassigns its devices), apply to selected
devices or to whole device lists, remove; bulk changes are single statements, and each writes one audit event."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
from partnercenter.models import AuditEvent

from ..autopilot_data import device


def url(world, name, *args):
    return reverse(f"customers:{name}", args=[world.customer_x.public_id, *args])


def text(response) -> str:
    return html.unescape(response.content.decode())


def device_list(world, name: str, count: int, start: int) -> DeviceBatch:
    """A registered device list of partner A for customer X with `count` devices."""
    batch = DeviceBatch.objects.create(
        tenant=world.customer_x,
        name=name,
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        state=DeviceBatch.State.REGISTERED,
        total_rows=count,
        registered_rows=count,
    )
    Device.objects.bulk_create(
        Device(
            tenant=world.customer_x,
            windows_product_id=str(n),
            batch=batch,
            added_by_source=DeviceSource.PARTNER,
            added_by_partner=world.partner_a,
        )
        for n in range(start, start + count)
    )
    return batch


def updates_of_devices(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "autopilot_device"')]


# --- create, edit, delete ---------------------------------------------------------------------------------------------


def test_create_a_profile_with_its_settings(world, client_for):
    client = client_for("a_admin")
    page = text(client.get(url(world, "profile_new")))
    for label in [
        "Skip privacy settings in setup",
        "Disable local admin account in setup",
        "Automatically skip pages in setup",
        "Skip end user license agreement (EULA)",
    ]:
        assert label in page
    response = client.post(
        url(world, "profile_new"),
        {
            "name": "  Standard  ",
            "description": "For the office",
            "disable_local_admin": "on",
            "skip_setup_pages": "on",
        },
        follow=True,
    )
    assert "Profile “Standard” was created." in text(response)
    profile = AutopilotProfile.objects.get()
    assert (profile.name, profile.description, profile.tenant) == ("Standard", "For the office", world.customer_x)
    assert (
        profile.skip_privacy_settings,
        profile.disable_local_admin,
        profile.skip_setup_pages,
        profile.skip_eula,
    ) == (
        False,
        True,
        True,
        False,
    )
    event = AuditEvent.objects.get(action="autopilot.profile.create")
    assert event.details["name"] == "Standard" and event.details["partner"] == "Fabrikam"


def test_profile_names_are_unique_per_customer_whatever_their_case(world, client_for):
    AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    AutopilotProfile.objects.create(tenant=world.customer_y, name="Kiosk")
    client = client_for("a_admin")
    response = client.post(url(world, "profile_new"), {"name": "STANDARD"})
    assert response.status_code == 400
    assert "This customer already has a profile with this name." in text(response)
    assert client.post(url(world, "profile_new"), {"name": "Kiosk"}).status_code == 302  # another customer's name
    assert AutopilotProfile.objects.filter(tenant=world.customer_x).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter a name for the profile."),
        ({"name": "x" * 101}, "A profile name has at most 100 characters."),
        # Refused before the form sees it, as every field with a NUL is (partnercenter/middleware.py).
        ({"name": "Bad\x00name"}, "a character that is not allowed (a null character)"),
        ({"name": "Bad\u202ename"}, "Use letters, digits, spaces and punctuation only."),
        ({"name": "Ok", "description": "d" * 1001}, "A description has at most 1000 characters."),
    ],
    ids=["empty", "too-long", "nul", "bidi", "long-description"],
)
def test_bad_profile_input_gets_a_message_and_nothing_is_saved(world, client_for, data, message):
    response = client_for("a_admin").post(url(world, "profile_new"), data)
    assert response.status_code == 400 and message in text(response)
    assert not AutopilotProfile.objects.exists()


def test_edit_a_profile_records_what_changed(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard", skip_eula=True)
    client = client_for("a_admin")
    assert 'value="Standard"' in text(client.get(url(world, "profile_edit", profile.public_id)))
    client.post(url(world, "profile_edit", profile.public_id), {"name": "Standard", "skip_privacy_settings": "on"})
    profile.refresh_from_db()
    assert profile.skip_privacy_settings and not profile.skip_eula
    event = AuditEvent.objects.get(action="autopilot.profile.update")
    assert event.details["changed"] == {"skip_privacy_settings": [False, True], "skip_eula": [True, False]}


def test_another_customers_profile_is_404(world, client_for):
    theirs = AutopilotProfile.objects.create(tenant=world.customer_y, name="Theirs")
    client = client_for("a_admin")
    assert client.get(url(world, "profile_edit", theirs.public_id)).status_code == 404
    assert client.post(url(world, "profile_delete", theirs.public_id)).status_code == 404
    mine = device(world.customer_x, 1, partner=world.partner_a)
    response = client.post(url(world, "profile_apply"), {"profile": theirs.public_id, "device": [mine.public_id]})
    assert "Choose the profile to apply." in [str(m) for m in response.wsgi_request._messages]
    assert AutopilotProfile.objects.filter(pk=theirs.pk).exists()
    mine.refresh_from_db()
    assert mine.profile is None


def test_deleting_a_profile_unassigns_its_devices_in_one_statement(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    batch = device_list(world, "Spring", 300, 0)
    Device.objects.filter(batch=batch).update(profile=profile)
    client = client_for("a_admin")
    page = text(client.get(url(world, "profile_delete", profile.public_id)))
    assert "300 devices have this profile; they will have no profile." in page
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(world, "profile_delete", profile.public_id), follow=True)
    assert "Profile “Standard” was deleted; 300 devices no longer have a profile." in text(response)
    assert len(updates_of_devices(queries)) == 1
    assert not AutopilotProfile.objects.exists()
    assert Device.objects.filter(profile__isnull=True).count() == 300
    event = AuditEvent.objects.get(action="autopilot.profile.delete")
    assert event.details["count"] == 300


# --- apply and remove -------------------------------------------------------------------------------------------------


def test_apply_a_profile_to_selected_devices_and_see_it_in_the_table(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    a, b, c = (device(world.customer_x, n, partner=world.partner_a) for n in (1, 2, 3))
    client = client_for("a_admin")
    response = client.post(
        url(world, "profile_apply"), {"profile": profile.public_id, "device": [a.public_id, b.public_id]}
    )
    assert response["Location"] == url(world, "devices")
    assert set(Device.objects.filter(profile=profile).values_list("pk", flat=True)) == {a.pk, b.pk}
    event = AuditEvent.objects.get(action="autopilot.profile.apply")
    assert event.details["count"] == 2 and set(event.details["devices"]) == {str(a.public_id), str(b.public_id)}
    assert event.object_id == str(profile.public_id)
    page = text(client.get(url(world, "devices")))
    assert page.count("<td>Standard</td>") == 2

    client.post(url(world, "profile_unassign"), {"device": [a.public_id, c.public_id], "confirm": "yes"})
    assert list(Device.objects.filter(profile=profile).values_list("pk", flat=True)) == [b.pk]
    event = AuditEvent.objects.get(action="autopilot.profile.unassign")
    assert event.details["count"] == 1 and event.details["devices"] == [str(a.public_id)]


def test_apply_a_profile_to_whole_device_lists_in_one_statement(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    small, large = device_list(world, "Small", 10, 0), device_list(world, "Large", 1000, 100)
    other = device_list(world, "Other", 5, 5000)
    client = client_for("a_admin")
    client.get(url(world, "device_lists"))  # the first request of a session may warm caches; not measured

    def apply(batch):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                url(world, "profile_apply"),
                {"profile": profile.public_id, "device_list": [batch.public_id], "return": "lists"},
            )
        assert response["Location"] == url(world, "device_lists")
        return queries

    few, many = apply(small), apply(large)
    assert len(few) == len(many), "the queries do not grow with the devices"
    assert len(updates_of_devices(many)) == 1
    assert Device.objects.filter(profile=profile).count() == 1010
    assert not Device.objects.filter(batch=other, profile__isnull=False).exists()
    event = AuditEvent.objects.filter(action="autopilot.profile.apply").first()
    assert event.details["count"] == 1000 and event.details["device_lists"] == [str(large.public_id)]
    assert "devices" not in event.details

    client.post(
        url(world, "profile_unassign"),
        {"device_list": [small.public_id, large.public_id], "return": "lists", "confirm": "yes"},
    )
    assert not Device.objects.filter(profile=profile).exists()


def test_remove_profile_asks_first_naming_the_devices_and_the_question_changes_nothing(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    a, b = device(world.customer_x, 1, partner=world.partner_a), device(world.customer_x, 2, partner=world.partner_a)
    Device.objects.filter(pk__in=[a.pk, b.pk]).update(profile=profile)
    client = client_for("a_admin")
    events = AuditEvent.objects.count()
    page = text(client.post(url(world, "profile_unassign"), {"device": [a.public_id]}))
    assert "<h1>Remove the profile from 1 device?</h1>" in page
    assert a.serial_number in page and b.serial_number not in page
    assert "The devices stay registered with Windows Autopilot, without a profile" in page
    assert f'name="device" value="{a.public_id}"' in page and 'name="confirm" value="yes"' in page
    assert Device.objects.filter(profile=profile).count() == 2 and AuditEvent.objects.count() == events

    response = client.post(url(world, "profile_unassign"), {"device": [a.public_id], "confirm": "yes"})
    assert response["Location"] == url(world, "devices")
    assert list(Device.objects.filter(profile=profile).values_list("pk", flat=True)) == [b.pk]


def test_remove_profile_from_whole_lists_asks_first_naming_the_lists(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    spring = device_list(world, "Spring laptops", 3, 0)
    Device.objects.filter(batch=spring).update(profile=profile)
    client = client_for("a_admin")
    page = text(client.post(url(world, "profile_unassign"), {"device_list": [spring.public_id], "return": "lists"}))
    assert "<h1>Remove the profile from every device of 1 device list?</h1>" in page
    assert "Spring laptops" in page and 'name="return" value="lists"' in page
    assert f'name="device_list" value="{spring.public_id}"' in page
    assert Device.objects.filter(profile=profile).count() == 3

    response = client.post(
        url(world, "profile_unassign"), {"device_list": [spring.public_id], "return": "lists", "confirm": "yes"}
    )
    assert response["Location"] == url(world, "device_lists")
    assert not Device.objects.filter(profile=profile).exists()


def test_the_device_lists_page_offers_lists_and_their_devices(world, client_for):
    AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    batch = device_list(world, "Spring laptops", 3, 0)
    page = text(client_for("a_admin").get(url(world, "device_lists")))
    assert "Spring laptops" in page and f'name="device_list" value="{batch.public_id}"' in page
    assert "Apply profile to the whole lists" in page
    page = text(client_for("a_admin").get(url(world, "devices"), {"list": batch.public_id}))
    assert "3 devices" in page


def test_a_bulk_action_without_a_selection_says_so(world, client_for):
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    response = client_for("a_admin").post(url(world, "profile_apply"), {"profile": profile.public_id}, follow=True)
    assert "Select devices or device lists first." in text(response)
    response = client_for("a_admin").post(url(world, "device_remove"), {}, follow=True)
    assert "Select the devices to remove first." in text(response)


def test_removing_devices_is_confirmed_first_and_audited_once(world, client_for):
    devices = [device(world.customer_x, n, partner=world.partner_a) for n in range(3)]
    client = client_for("a_admin")
    ids = [d.public_id for d in devices]
    confirm = client.post(url(world, "device_remove"), {"device": ids})
    assert confirm.status_code == 200 and "Remove 3 devices" in text(confirm)
    assert Device.objects.count() == 3
    response = client.post(url(world, "device_remove"), {"device": ids, "confirm": "yes"}, follow=True)
    assert "3 devices were removed." in text(response)
    assert not Device.objects.exists()
    [event] = AuditEvent.objects.filter(action="autopilot.devices.remove")
    assert event.details["count"] == 3 and sorted(event.details["serial_numbers"]) == [
        "SN000000",
        "SN000001",
        "SN000002",
    ]


def test_a_selection_is_bounded(world, client_for):
    from uuid import uuid4

    response = client_for("a_admin").post(
        url(world, "device_remove"), {"device": [uuid4() for _ in range(501)], "confirm": "yes"}, follow=True
    )
    assert "Select at most 500 devices at a time." in text(response)
