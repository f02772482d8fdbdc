"""Windows Autopilot in the rest of the portal: the Devices link on the Customers page, the admin center's
navigation, the Django admin, the demo data."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
from partnercenter.models import DirectoryRole

from ..autopilot_data import device
from ..conftest import staff_user
from ..factories import UserFactory


@pytest.mark.parametrize("persona", ["a_admin", "a_sales", "a_helpdesk"])
def test_every_agent_finds_the_customers_devices_on_the_customers_page_and_its_detail(world, client_for, persona):
    client = client_for(persona)
    devices = reverse("customers:devices", args=[world.customer_x.public_id])
    # The Customers page's row, expanded: its details.
    row = client.get(reverse("customers:details", args=[world.customer_x.public_id])).content.decode()
    assert f'<a href="{devices}">Devices</a>' in row
    detail = client.get(reverse("customers:detail", args=[world.customer_x.public_id])).content.decode()
    assert f'<a href="{devices}">Devices</a>' in detail
    assert client.get(devices).status_code == 200


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (DirectoryRole.GLOBAL_ADMINISTRATOR, True),
        (DirectoryRole.GLOBAL_READER, True),
        (DirectoryRole.USER_ADMINISTRATOR, False),
        (DirectoryRole.HELPDESK_ADMINISTRATOR, False),
    ],
)
def test_the_admin_center_offers_devices_to_global_admins_and_readers(world, role, shown):
    user = UserFactory(tenant=world.customer_x, email=f"{role}@contoso.test", roles=[role])
    client = Client()
    client.force_login(user)
    x = world.customer_x.public_id
    home = client.get(reverse("admincenter:home", args=[x])).content.decode()
    assert (reverse("admincenter:devices", args=[x]) in home) == shown
    assert client.get(reverse("admincenter:devices", args=[x])).status_code == (200 if shown else 403)


def test_the_devices_nav_entry_is_current_on_device_pages(world, client_for):
    page = client_for("x_ga").get(reverse("admincenter:devices", args=[world.customer_x.public_id])).content.decode()
    assert f'href="{reverse("admincenter:devices", args=[world.customer_x.public_id])}" aria-current="page"' in page


def test_the_django_admin_shows_devices_lists_and_profiles(world):
    client = Client()
    client.force_login(staff_user())
    d = device(world.customer_x, 1, partner=world.partner_a)
    batch = DeviceBatch.objects.create(tenant=world.customer_x, name="List", source=DeviceSource.INTUNE)
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    for name, obj in [("device", d), ("devicebatch", batch), ("autopilotprofile", profile)]:
        assert client.get(reverse(f"admin:autopilot_{name}_change", args=[obj.pk])).status_code == 200
        assert client.get(reverse(f"admin:autopilot_{name}_changelist"), {"q": "SN000001"}).status_code == 200


def test_demo_data_gives_contoso_devices_and_profiles_once(db):
    call_command("demo_data", extra_customers=0, stdout=io.StringIO())
    counts = (Device.objects.count(), DeviceBatch.objects.count(), AutopilotProfile.objects.count())
    call_command("demo_data", extra_customers=0, stdout=io.StringIO())
    assert (Device.objects.count(), DeviceBatch.objects.count(), AutopilotProfile.objects.count()) == counts
    assert counts == (6, 3, 2)
    assert Device.objects.filter(profile__name="Standard").count() == 4
    assert DeviceBatch.objects.filter(state=DeviceBatch.State.NEEDS_CONFIRMATION).count() == 1
    assert Device.objects.filter(added_by_source=DeviceSource.INTUNE).count() == 2
