"""Windows Autopilot in a real browser: a partner's Admin agent opens a customer's Devices from the Customers page,
uploads a CSV file with good and bad rows, reads the report, registers only the good ones, creates a profile and
applies it; and a device list checked by a worker shows its progress until it is done (static/js/app.js).

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import threading
import time

import pytest
from playwright.sync_api import expect

from tests.autopilot_data import csv_file, good_row

from .test_phone_width import OVERFLOW
from .test_reseller_flow import Labels, screenshot, sign_in

pytestmark = pytest.mark.browser

t = Labels("en")


def agent_page(site, world, new_context):
    context = new_context("en-US")
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, world.a_admin.email, with_authenticator=True)
    return page, context.checker.check


def test_admin_agent_uploads_devices_registers_the_good_ones_and_applies_a_profile(site, live_world, new_context):
    world = live_world
    page, check = agent_page(site, world, new_context)

    # Customers → the customer's row → its Devices.
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Contoso", exact=True))
    row.get_by_role("button").click()
    page.locator(".details-row").get_by_role("link", name=t("Devices"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Devices of Contoso")
    expect(page.get_by_text("This customer has no Autopilot devices yet.")).to_be_visible()
    check(page, "Devices (empty)")

    # Add devices: three good rows, two bad ones.
    page.get_by_role("link", name=t("Add devices")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Add devices"))
    expect(page.get_by_role("link", name=t("Download a sample CSV file"))).to_be_visible()
    check(page, "Add devices")
    page.get_by_label(t("Device list name")).fill("Spring laptops")
    data = csv_file(good_row(1), good_row(2), "SN9,,not-a-hash,Contoso,Laptop", good_row(3), good_row(1))
    page.get_by_label(t("CSV file")).set_input_files(
        files=[{"name": "spring.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name=t("Upload"), exact=True).click()

    # The report: nothing registered yet; each bad row with its number, code and reason.
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring laptops")
    expect(page.get_by_role("heading", name=t("Some rows have problems"))).to_be_visible()
    report = page.locator("table.report")
    expect(report.get_by_role("row")).to_have_count(3)
    expect(report).to_contain_text("Invalid hardware hash: The hardware hash is not valid base64 text.")
    expect(report).to_contain_text("Duplicate in the file: The same device is on row 2 of this file.")
    expect(report.get_by_role("rowheader")).to_have_text(["4", "6"])
    check(page, "device list report")
    screenshot(page, "autopilot-report")

    page.get_by_role("button", name="Register only the valid rows (3)").click()
    expect(page.locator(".messages")).to_contain_text("3 devices were registered.")
    check(page, "device list registered")

    # Profiles → Create profile.
    page.get_by_role("navigation", name=t("Windows Autopilot")).get_by_role("link", name=t("Profiles")).click()
    page.get_by_role("link", name=t("Create profile")).click()
    check(page, "Create profile")
    page.get_by_label(t("Profile name")).fill("Standard")
    page.get_by_label(t("Skip privacy settings in setup")).check()
    page.get_by_label(t("Skip end user license agreement (EULA)")).check()
    page.get_by_role("button", name=t("Create profile")).click()
    expect(page.locator(".messages")).to_contain_text("Profile “Standard” was created.")
    check(page, "Profiles")

    # Devices: select all, apply the profile.
    page.get_by_role("navigation", name=t("Windows Autopilot")).get_by_role("link", name=t("Devices")).click()
    expect(page.locator("p.count")).to_have_text("3 devices")
    page.get_by_label(t("Select all devices on this page")).check()
    expect(page.locator('input[name="device"]:checked')).to_have_count(3)
    page.get_by_label(t("Profile"), exact=True).select_option(label="Standard")
    page.get_by_role("button", name=t("Apply profile")).click()
    expect(page.locator(".messages")).to_contain_text("Profile “Standard” was applied to 3 devices.")
    expect(page.locator("table.devices").get_by_role("cell", name="Standard", exact=True)).to_have_count(3)
    check(page, "Devices with the profile")
    screenshot(page, "autopilot-devices")

    # On a phone: nothing sticks out sideways but the table, which scrolls in its own frame.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(OVERFLOW) is None, page.evaluate(OVERFLOW)
    check(page, "Devices on a phone")


@pytest.fixture
def waiting_list(live_world):
    """A large device list of partner A for customer X, uploaded but not yet checked by a worker."""
    from autopilot.models import DeviceBatch, DeviceSource

    world = live_world
    data = csv_file(*(f"SN{n:06d},{n:013d},,Contoso,Laptop" for n in range(2000)))
    return DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Autumn desktops",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        content=data.decode(),
        total_rows=2000,
    )


def _worker(batch_id: int, delay: float) -> None:
    """What a Celery worker does, in a thread (the browser's event loop keeps the ORM out of the main thread)."""
    from django.db import connection

    from autopilot.services import device_batch_validate

    time.sleep(delay)
    try:
        device_batch_validate(batch_id=batch_id)
    finally:
        connection.close()


def test_a_list_checked_by_a_worker_shows_its_progress_and_then_its_outcome(site, waiting_list, new_context):
    world_batch = waiting_list
    from tests.conftest import World  # noqa: F401 -- the personas are built by live_world

    context = new_context("en-US")
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, "admin@fabrikam.test", with_authenticator=True)
    tenant_id = world_batch.tenant.public_id
    page.goto(f"{site}/customers/{tenant_id}/devices/lists/{world_batch.public_id}/")
    expect(page.get_by_role("heading", name=t("Checking the devices"))).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    expect(page.locator("[data-status-text]")).to_have_text("Checked 0 of 2,000 rows.")
    context.checker.check(page, "device list being checked")

    worker = threading.Thread(target=_worker, args=(world_batch.pk, 1.0))
    worker.start()
    try:
        # The page asks for the status by itself and reloads when the worker is done.
        expect(page.get_by_text("2000 devices of this list were registered.")).to_be_visible(timeout=20_000)
    finally:
        worker.join()
    expect(page.locator("progress")).to_have_count(0)
    context.checker.check(page, "device list checked by the worker")


def test_the_customers_global_admin_adds_devices_as_the_organisation_in_the_admin_center(site, live_world, new_context):
    world = live_world
    context = new_context("en-US")
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, world.x_ga.email)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Admin center")).click()
    page.get_by_role("navigation", name=t("Admin center")).get_by_role("link", name=t("Devices")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Devices"))
    check(page, "admin center Devices (empty)")

    page.get_by_role("link", name=t("Add devices")).click()
    check(page, "admin center Add devices")
    page.get_by_label(t("Device list name")).fill("Office desktops")
    page.get_by_label("Microsoft Store for Business").check()
    page.get_by_label(t("CSV file")).set_input_files(
        files=[{"name": "office.csv", "mimeType": "text/csv", "buffer": csv_file(good_row(7), good_row(8))}]
    )
    page.get_by_role("button", name=t("Upload"), exact=True).click()
    expect(page.get_by_text("2 devices of this list were registered.")).to_be_visible()
    check(page, "admin center device list")

    page.get_by_role("link", name=t("See the devices")).click()
    table = page.locator("table.devices")
    expect(table.get_by_role("cell", name="Your organization, through Microsoft Store for Business")).to_have_count(2)
    check(page, "admin center Devices")
