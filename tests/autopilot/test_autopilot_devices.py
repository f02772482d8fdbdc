"""Adding Autopilot devices with a CSV file, on the partner side and in the admin center: the report, confirming the
valid rows, large files on a worker, files refused whole, and what the device tables and downloads show."""

import csv
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from autopilot import csv_import as ci
from autopilot import services
from autopilot.models import Device, DeviceBatch, DeviceSource
from partnercenter.models import AuditEvent, DirectoryRole

from ..autopilot_data import csv_file, device, good_row, hardware_hash
from ..factories import UserFactory
from .test_autopilot_csv import MALFORMED_FILES

State = DeviceBatch.State


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, tenant, data: bytes, *, name="Spring laptops", admin_center=False, source=None, follow=False):
    url = reverse("admincenter:device_add" if admin_center else "customers:device_add", args=[tenant.public_id])
    payload = {"name": name, "file": SimpleUploadedFile("devices.csv", data, content_type="text/csv")}
    if source:
        payload["source"] = source
    return client.post(url, payload, follow=follow)


def batch_url(tenant, batch, name="device_list", admin_center=False):
    return reverse(f"{'admincenter' if admin_center else 'customers'}:{name}", args=[tenant.public_id, batch.public_id])


def download(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- a good file ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["a_admin", "a_sales"])
def test_admin_and_sales_agents_upload_a_good_file_and_it_is_registered_at_once(world, client_for, persona):
    x = world.customer_x
    response = upload(client_for(persona), x, csv_file(good_row(1), good_row(2), "SN3,3283402215734,,Contoso,Tablet"))
    batch = DeviceBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch_url(x, batch)
    assert batch.state == State.REGISTERED and batch.registered_rows == 3 and batch.content == ""
    devices = Device.objects.filter(tenant=x)
    assert devices.count() == 3
    assert {(d.added_by_source, d.added_by_partner_id, d.batch_id) for d in devices} == {
        (DeviceSource.PARTNER, world.partner_a.pk, batch.pk)
    }
    assert set(AuditEvent.objects.filter(target_tenant=x).values_list("action", flat=True)) == {
        "autopilot.device_list.upload",
        "autopilot.devices.register",
    }
    event = AuditEvent.objects.get(action="autopilot.devices.register")
    assert event.details["count"] == 3 and event.details["partner"] == "Fabrikam" and event.on_behalf
    page = page_text(client_for(persona).get(batch_url(x, batch)))
    assert "3 devices of this list were registered." in page


def test_helpdesk_agent_cannot_add_devices(world, client_for):
    response = upload(client_for("a_helpdesk"), world.customer_x, csv_file(good_row(1)))
    assert response.status_code == 403
    assert not Device.objects.exists() and not DeviceBatch.objects.exists()


def test_partner_without_a_reseller_relationship_gets_404(world, client_for):
    response = upload(client_for("b_admin"), world.customer_x, csv_file(good_row(1)))
    assert response.status_code == 404
    assert not Device.objects.exists()


# --- a file with bad rows ---------------------------------------------------------------------------------------------


def mixed_file(world) -> bytes:
    device(world.customer_x, 50, source=DeviceSource.PARTNER, partner=world.partner_a)  # already this customer's
    device(world.customer_y, 60, source=DeviceSource.PARTNER, partner=world.partner_b)  # another organization's
    return csv_file(
        good_row(1),  # 2
        good_row(2),  # 3
        good_row(1).replace("SN000001", "SN999"),  # 4: the hash of row 2 again
        "SN3,,not-a-hash,Contoso,Laptop",  # 5
        good_row(50),  # 6
        good_row(60),  # 7
        "SN4,,,,",  # 8
        "=cmd|' /C calc'!A0,,,Contoso,Laptop",  # 9
    )


def test_a_file_with_bad_rows_registers_nothing_until_the_agent_confirms(world, client_for):
    client = client_for("a_admin")
    x = world.customer_x
    response = upload(client, x, mixed_file(world), follow=True)
    batch = DeviceBatch.objects.get()
    assert batch.state == State.NEEDS_CONFIRMATION
    assert (batch.total_rows, batch.invalid_rows, batch.valid_rows) == (8, 6, 2)
    assert Device.objects.filter(tenant=x).count() == 1  # only the one registered before

    page = page_text(response)
    assert "6 rows have problems and can't be registered; 2 can. Nothing is registered until you confirm." in page
    assert "Register only the valid rows (2)" in page
    for expected in [
        "Duplicate in the file</strong>: The same device is on row 2 of this file.",
        "Invalid hardware hash</strong>: The hardware hash is not valid base64 text.",
        "Already registered to this customer</strong>: This device is already registered to this customer.",
        "Registered to another organization</strong>: This device is registered to another organization.",
        "No usable identity</strong>: Without a hardware hash, a device needs its serial number, manufacturer name",
        "Malformed value</strong>: Device Serial Number starts with =, +, - or @, like a spreadsheet formula.",
    ]:
        assert expected in page, expected
    assert "Litware" not in page  # the other organization is never named
    report_rows = [entry["row"] for entry in batch.report]
    assert report_rows == [4, 5, 6, 7, 8, 9]

    response = client.post(batch_url(x, batch, "device_list_confirm"), follow=True)
    assert "2 devices were registered." in page_text(response)
    batch.refresh_from_db()
    assert batch.state == State.REGISTERED and batch.registered_rows == 2 and batch.content == ""
    assert set(Device.objects.filter(batch=batch).values_list("serial_number", flat=True)) == {"SN000001", "SN000002"}
    event = AuditEvent.objects.get(action="autopilot.devices.register")
    assert (event.details["count"], event.details["skipped"]) == (2, 6)
    # The report stays, to fix the other rows.
    assert "Rows with problems" in page_text(client.get(batch_url(x, batch)))


def test_confirming_again_changes_nothing(world, client_for):
    client = client_for("a_admin")
    upload(client, world.customer_x, mixed_file(world))
    batch = DeviceBatch.objects.get()
    client.post(batch_url(world.customer_x, batch, "device_list_confirm"))
    response = client.post(batch_url(world.customer_x, batch, "device_list_confirm"), follow=True)
    assert "This device list is not waiting for confirmation." in page_text(response)
    assert Device.objects.filter(batch=batch).count() == 2


def test_discarding_a_list_registers_nothing(world, client_for):
    client = client_for("a_sales")
    upload(client, world.customer_x, mixed_file(world))
    batch = DeviceBatch.objects.get()
    response = client.post(batch_url(world.customer_x, batch, "device_list_discard"), follow=True)
    assert "The device list was discarded. No device was registered." in page_text(response)
    batch.refresh_from_db()
    assert batch.state == State.DISCARDED and batch.content == ""
    assert not Device.objects.filter(batch=batch).exists()
    assert AuditEvent.objects.filter(action="autopilot.device_list.discard").count() == 1


def test_helpdesk_agent_sees_the_report_but_cannot_confirm(world, client_for):
    upload(client_for("a_admin"), world.customer_x, mixed_file(world))
    batch = DeviceBatch.objects.get()
    page = page_text(client_for("a_helpdesk").get(batch_url(world.customer_x, batch)))
    assert "Rows with problems" in page and "Register only the valid rows" not in page
    assert client_for("a_helpdesk").post(batch_url(world.customer_x, batch, "device_list_confirm")).status_code == 403


def test_a_file_where_every_row_is_bad_fails_with_the_report(world, client_for):
    upload(client_for("a_admin"), world.customer_x, csv_file("SN1,,,,", "SN2,,bad,,"))
    batch = DeviceBatch.objects.get()
    assert batch.state == State.FAILED and batch.content == ""
    page = page_text(client_for("a_admin").get(batch_url(world.customer_x, batch)))
    assert "No row of this device list can be registered: every row has a problem." in page


def test_devices_registered_elsewhere_meanwhile_make_the_registration_register_nothing(world, client_for):
    """The unique constraints guard the race between checking and confirming: all or nothing, and the report says
    why."""
    client = client_for("a_admin")
    x = world.customer_x
    upload(client, x, csv_file(good_row(1), good_row(2), good_row(3), "SN4,,,,"))
    batch = DeviceBatch.objects.get()
    device(world.customer_y, 2)  # meanwhile, someone registers the device of row 3 elsewhere

    response = client.post(batch_url(x, batch, "device_list_confirm"), follow=True)
    assert "Some devices of this list were registered elsewhere after it was checked" in page_text(response)
    batch.refresh_from_db()
    assert batch.state == State.NEEDS_CONFIRMATION and batch.failure == "changed"
    assert not Device.objects.filter(tenant=x).exists()
    assert [(e["row"], [p["code"] for p in e["problems"]]) for e in batch.report] == [
        (3, [ci.OTHER_TENANT]),
        (5, [ci.NO_IDENTITY]),
    ]

    client.post(batch_url(x, batch, "device_list_confirm"))
    assert set(Device.objects.filter(tenant=x).values_list("serial_number", flat=True)) == {"SN000001", "SN000003"}


# --- files refused whole ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "message"), [m[1:] for m in MALFORMED_FILES], ids=[m[0] for m in MALFORMED_FILES])
def test_malformed_files_get_their_message_and_nothing_is_registered(world, client_for, data, message):
    response = upload(client_for("a_admin"), world.customer_x, data)
    assert response.status_code == 400
    page = page_text(response)
    assert message in page
    assert 'role="alert"' in page
    assert not DeviceBatch.objects.exists() and not Device.objects.exists()


def test_a_missing_name_or_file_is_asked_for(world, client_for):
    client = client_for("a_admin")
    url = reverse("customers:device_add", args=[world.customer_x.public_id])
    page = page_text(client.post(url, {"name": ""}))
    assert "Enter a name for the device list." in page and "Choose the CSV file of the devices." in page
    page = page_text(upload(client, world.customer_x, csv_file(good_row(1)), name="Bad\x07name"))
    assert "Use letters, digits, spaces and punctuation only." in page
    assert not DeviceBatch.objects.exists()


def test_the_sample_file_is_a_good_device_file(world, client_for):
    response = client_for("a_sales").get(reverse("customers:device_sample", args=[world.customer_x.public_id]))
    assert response["Content-Disposition"] == 'attachment; filename="autopilot-devices-sample.csv"'
    rows = ci.read_device_file(response.content)
    assert len(rows) == 3 and all(r.is_valid for r in rows)
    page = page_text(client_for("a_sales").get(reverse("customers:device_add", args=[world.customer_x.public_id])))
    assert "Download a sample CSV file" in page and ci.PARTNER_CENTER_HEADER in page


# --- large files: a worker, with progress -----------------------------------------------------------------------------


def big_file(count: int, start: int = 0) -> bytes:
    return csv_file(*(f"SN{n:06d},{n:013d},,Contoso,Laptop" for n in range(start, start + count)))


def test_a_large_file_is_checked_by_a_worker_while_the_page_shows_progress(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for("a_admin")
    x = world.customer_x
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, x, big_file(services.SYNC_MAX_ROWS + 100))
    batch = DeviceBatch.objects.get()
    assert response.status_code == 302 and batch.state == State.VALIDATING and len(callbacks) == 1
    assert not Device.objects.exists()

    page = page_text(client.get(batch_url(x, batch)))
    status_url = batch_url(x, batch, "device_list_status")
    assert f'data-status-url="{status_url}"' in page and "<progress" in page and "Checked 0 of 600 rows." in page
    status = client.get(status_url).json()
    assert status == {
        "state": "validating",
        "done": False,
        "percent": 0,
        "checked": 0,
        "total": 600,
        "text": "Checked 0 of 600 rows.",
    }

    callbacks[0]()  # the worker (in-process here: no broker in the tests)
    status = client.get(status_url).json()
    assert status["done"] is True and status["percent"] == 100 and status["state"] == "registered"
    assert Device.objects.filter(tenant=x, batch=batch).count() == 600
    assert "data-status-url" not in page_text(client.get(batch_url(x, batch)))


def test_the_worker_reports_progress_a_tenth_at_a_time(world):
    batch = DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Big",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        content=big_file(1000).decode(),
        total_rows=1000,
    )
    with CaptureQueriesContext(connection) as queries:
        services.device_batch_validate(batch_id=batch.pk)
    progress = [q for q in queries.captured_queries if 'SET "checked_rows" =' in q["sql"]]
    assert len(progress) == services.PROGRESS_STEPS
    batch.refresh_from_db()
    assert batch.state == State.REGISTERED and batch.registered_rows == 1000


def test_the_task_is_idempotent(world):
    from autopilot.tasks import validate_batch

    batch = DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Big",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        content=big_file(10).decode(),
        total_rows=10,
    )
    assert validate_batch(batch.pk) == State.REGISTERED
    assert validate_batch(batch.pk) == "not waiting"
    assert Device.objects.count() == 10


def test_a_broker_that_is_down_does_not_leave_the_list_waiting(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from autopilot import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.validate_batch, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for("a_admin"), world.customer_x, big_file(services.SYNC_MAX_ROWS + 1))
    assert DeviceBatch.objects.get().state == State.REGISTERED


def waiting_batch(world, data: bytes, **fields) -> DeviceBatch:
    """A large list as an upload leaves it for the worker (kept whole: the worker reads either)."""
    return DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Big",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        content=data.decode(),
        **fields,
    )


def test_the_worker_registers_a_batch_of_devices_at_a_time(world, monkeypatch):
    """A statement per INSERT_CHUNK devices: its queries grow with the batches, never with the rows."""
    monkeypatch.setattr(services, "INSERT_CHUNK", 100)

    def inserts_and_others(count: int, start: int) -> tuple[int, int]:
        batch = waiting_batch(world, big_file(count, start), total_rows=count)
        with CaptureQueriesContext(connection) as queries:
            services.device_batch_validate(batch_id=batch.pk)
        batch.refresh_from_db()
        assert batch.state == State.REGISTERED and batch.registered_rows == count
        inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "autopilot_device"')]
        return len(inserts), len(queries) - len(inserts)

    assert inserts_and_others(250, 0) == (3, inserts_and_others(1000, 1000)[1])
    assert inserts_and_others(1000, 5000)[0] == 10
    assert Device.objects.filter(tenant=world.customer_x).count() == 2250


def test_a_device_registered_meanwhile_in_a_later_batch_registers_none_of_the_earlier_ones(world, monkeypatch):
    monkeypatch.setattr(services, "INSERT_CHUNK", 100)
    batch = waiting_batch(world, csv_file(*(good_row(n) for n in range(1, 351))), total_rows=350)
    real_report = services._report

    def register_row_300_elsewhere_after_the_check(rows, problems):
        if not Device.objects.exists():
            device(world.customer_y, 300)
        return real_report(rows, problems)

    monkeypatch.setattr(services, "_report", register_row_300_elsewhere_after_the_check)
    services.device_batch_validate(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == State.NEEDS_CONFIRMATION and batch.failure == "changed"
    assert not Device.objects.filter(tenant=world.customer_x).exists()
    assert [(e["row"], e["serial_number"], [p["code"] for p in e["problems"]]) for e in batch.report] == [
        (301, "SN000300", [ci.OTHER_TENANT])
    ]


def test_the_worker_reports_bad_rows_with_their_values_and_confirming_registers_the_rest(world, client_for):
    """The worker keeps only each row's keys while it checks; the report's values are read again from the file."""
    device(world.customer_y, 7)
    rows = [f"SN{n:06d},{n:013d},,Contoso,Laptop" for n in range(services.SYNC_MAX_ROWS + 10)]
    rows[3] = rows[1]  # a duplicate, on the file's row 5 (the header is row 1)
    rows[7] = good_row(7)  # registered to another organization, on row 9
    batch = waiting_batch(world, csv_file(*rows), total_rows=len(rows))
    services.device_batch_validate(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == State.NEEDS_CONFIRMATION and batch.invalid_rows == 2
    assert [(e["row"], e["serial_number"], e["problems"]) for e in batch.report] == [
        (5, "SN000001", [{"code": ci.DUPLICATED, "first_row": 3}]),
        (9, "SN000007", [{"code": ci.OTHER_TENANT}]),
    ]

    client_for("a_admin").post(batch_url(world.customer_x, batch, "device_list_confirm"))
    batch.refresh_from_db()
    assert batch.state == State.REGISTERED and batch.registered_rows == len(rows) - 2
    assert Device.objects.filter(batch=batch).count() == len(rows) - 2


def test_checking_a_file_looks_registered_devices_up_in_bulk(world):
    """One query per kind of identity whatever the number of rows, never one per row."""

    def queries_for(count: int, start: int) -> int:
        rows = ci.read_device_file(
            csv_file(*(f"SN{n:06d},{n:013d},{hardware_hash(n)},Contoso,Laptop" for n in range(start, start + count)))
        )
        with CaptureQueriesContext(connection) as queries:
            from autopilot.selectors import registered_matching

            registered_matching(
                *(), **dict(zip(("digests", "product_ids", "serials"), ci.file_keys(rows), strict=True))
            )
        return len(queries)

    for n in range(5):
        device(world.customer_y, 10_000 + n, windows_product_id=f"{10_000 + n:013d}")
    assert queries_for(10, 10_000) == queries_for(2000, 10_000) == 3


def test_upload_costs_the_same_queries_for_ten_rows_and_four_hundred(world, client_for):
    client = client_for("a_admin")

    def cost(count: int, start: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            upload(client, world.customer_x, big_file(count, start))
        return len(queries)

    cost(1, 90_000)  # the first request of a session warms caches; not measured
    assert cost(10, 0) == cost(400, 1000)


# --- one tenant per device --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "same",
    [
        {"hardware_hash": hardware_hash(1), "serial_number": "A"},
        {"windows_product_id": "123", "serial_number": "B"},
        {"serial_number": "sn-1", "manufacturer": "Contoso", "model": "Laptop"},
    ],
    ids=["hash", "product-id", "serial-manufacturer-model"],
)
def test_a_device_is_registered_to_at_most_one_tenant(world, same):
    first = {
        "serial_number": "SN-1",
        "manufacturer": "Contoso",
        "model": "Laptop",
        "windows_product_id": "123",
        "hardware_hash": hardware_hash(1),
    }
    Device.objects.create(tenant=world.customer_x, added_by_source=DeviceSource.OEM, **first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Device.objects.create(tenant=world.customer_y, added_by_source=DeviceSource.OEM, **same)


def test_empty_identities_do_not_collide(world):
    for tenant in (world.customer_x, world.customer_y):
        Device.objects.create(tenant=tenant, added_by_source=DeviceSource.OEM, serial_number="SAME", model="M")
        Device.objects.create(tenant=tenant, added_by_source=DeviceSource.OEM, windows_product_id=f"{tenant.pk}")
    assert Device.objects.count() == 4


def test_manufacturer_and_model_are_case_sensitive_in_the_constraint(world):
    Device.objects.create(
        tenant=world.customer_x, added_by_source=DeviceSource.OEM, serial_number="S", manufacturer="Contoso", model="L"
    )
    Device.objects.create(
        tenant=world.customer_y, added_by_source=DeviceSource.OEM, serial_number="S", manufacturer="CONTOSO", model="L"
    )


# --- device tables and downloads --------------------------------------------------------------------------------------


def test_the_partner_device_table_shows_who_added_each_without_naming_other_partners(world, client_for):
    x = world.customer_x
    device(x, 1, partner=world.partner_a)
    device(x, 2, partner=world.partner_b)
    device(x, 3, source=DeviceSource.INTUNE)
    device(x, 4, source=DeviceSource.OEM)
    page = page_text(client_for("a_admin").get(reverse("customers:devices", args=[x.public_id])))
    for label in [
        "Your organization",
        "Another partner",
        "The customer, through Microsoft Intune",
        "Manufacturer (OEM)",
    ]:
        assert label in page
    assert "Northwind" not in page


def test_the_customer_sees_every_device_and_who_added_it(world, client_for):
    x = world.customer_x
    device(x, 1, partner=world.partner_a)
    device(x, 3, source=DeviceSource.STORE_EDUCATION)
    device(world.customer_y, 9, partner=world.partner_b)
    page = page_text(client_for("x_ga").get(reverse("admincenter:devices", args=[x.public_id])))
    assert "Fabrikam" in page and "Your organization, through Microsoft Store for Education" in page
    assert "SN000001" in page and "SN000003" in page and "SN000009" not in page
    assert "2 devices" in page


def test_downloads_neutralise_formula_cells(world, client_for):
    x = world.customer_x
    device(x, 1, partner=world.partner_a, manufacturer="=cmd|' /C calc'!A0", model="@SUM(A1)")
    rows = download(client_for("x_ga").get(reverse("admincenter:device_export", args=[x.public_id])))
    assert rows[1][2] == "'=cmd|' /C calc'!A0" and rows[1][3] == "'@SUM(A1)"

    upload(client_for("a_admin"), x, csv_file(good_row(2), "=cmd|' /C calc'!A0,,,+Contoso,-Laptop"))
    batch = DeviceBatch.objects.get()
    rows = download(client_for("a_admin").get(batch_url(x, batch, "device_list_report")))
    assert rows[0][:3] == ["Row", "Code", "Reason"]
    assert {tuple(r[3:6]) for r in rows[1:]} == {("'=cmd|' /C calc'!A0", "", "'+Contoso")}
    assert all(r[6] == "'-Laptop" for r in rows[1:])


def test_another_partners_device_list_is_404(world, client_for):
    from ..factories import PartnerFactory, ResellerRelationshipFactory

    other = PartnerFactory(name="Tailspin")
    ResellerRelationshipFactory(partner=other, customer=world.customer_x)
    batch = DeviceBatch.objects.create(
        tenant=world.customer_x, name="Theirs", source=DeviceSource.PARTNER, partner=other
    )
    for name in ("device_list", "device_list_status", "device_list_report"):
        assert client_for("a_admin").get(batch_url(world.customer_x, batch, name)).status_code == 404
    assert client_for("a_admin").post(batch_url(world.customer_x, batch, "device_list_confirm")).status_code == 404


def test_device_tables_cost_the_same_queries_for_few_and_many_devices(world, client_for):
    x = world.customer_x
    partner_client, customer_client = client_for("a_admin"), client_for("x_ga")
    partner_url = reverse("customers:devices", args=[x.public_id])
    customer_url = reverse("admincenter:devices", args=[x.public_id])
    partner_client.get(partner_url), customer_client.get(customer_url)

    def cost(client, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    sources = [DeviceSource.PARTNER, DeviceSource.INTUNE, DeviceSource.OEM]
    for n in range(5):
        device(x, n, source=sources[n % 3], partner=world.partner_a if n % 3 == 0 else None)
    few = cost(partner_client, partner_url), cost(customer_client, customer_url)
    for n in range(5, 130):
        device(x, n, source=sources[n % 3], partner=world.partner_a if n % 3 == 0 else None)
    many = cost(partner_client, partner_url), cost(customer_client, customer_url)
    assert few == many, f"{few} queries for 5 devices, {many} for 130"


# --- the customer's own uploads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [DeviceSource.INTUNE, DeviceSource.STORE_BUSINESS, DeviceSource.STORE_EDUCATION])
def test_the_customers_global_admin_adds_devices_as_the_organisation(world, client_for, source):
    x = world.customer_x
    response = upload(client_for("x_ga"), x, csv_file(good_row(1)), admin_center=True, source=source)
    batch = DeviceBatch.objects.get()
    assert response["Location"] == batch_url(x, batch, admin_center=True)
    d = Device.objects.get()
    assert (d.added_by_source, d.added_by_partner, d.added_by) == (source, None, world.x_ga)
    event = AuditEvent.objects.get(action="autopilot.devices.register")
    assert event.actor == world.x_ga and "partner" not in event.details


def test_the_customer_must_say_how_it_adds_the_devices(world, client_for):
    response = upload(client_for("x_ga"), world.customer_x, csv_file(good_row(1)), admin_center=True, source="partner")
    assert response.status_code == 400
    assert "Choose Microsoft Intune, Microsoft Store for Business or Microsoft Store for Education." in page_text(
        response
    )
    assert not DeviceBatch.objects.exists()


def test_the_customers_global_admin_confirms_its_own_list_in_the_admin_center(world, client_for):
    x = world.customer_x
    client = client_for("x_ga")
    upload(client, x, csv_file(good_row(1), "SN2,,,,"), admin_center=True, source=DeviceSource.INTUNE)
    batch = DeviceBatch.objects.get()
    page = page_text(client.get(reverse("admincenter:devices", args=[x.public_id])))
    assert "Device lists not registered yet" in page and batch.name in page
    response = client.post(batch_url(x, batch, "device_list_confirm", admin_center=True), follow=True)
    assert "1 device was registered." in page_text(response)
    assert Device.objects.get().added_by_source == DeviceSource.INTUNE


def test_a_global_reader_sees_devices_but_changes_nothing(world):
    from django.test import Client

    reader = UserFactory(tenant=world.customer_x, email="reader@contoso.test", roles=[DirectoryRole.GLOBAL_READER])
    d = device(world.customer_x, 1, partner=world.partner_a)
    client = Client()
    client.force_login(reader)
    x = world.customer_x
    page = page_text(client.get(reverse("admincenter:devices", args=[x.public_id])))
    assert "SN000001" in page and "Remove devices" not in page and "Add devices" not in page
    assert client.get(reverse("admincenter:device_add", args=[x.public_id])).status_code == 403
    response = client.post(reverse("admincenter:device_remove", args=[x.public_id]), {"device": [d.public_id]})
    assert response.status_code == 403
    assert Device.objects.filter(pk=d.pk).exists()


# --- the file is kept in pieces ---------------------------------------------------------------------------------------


def test_a_large_file_is_kept_in_pieces_for_the_worker_and_deleted_once_registered(
    world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from autopilot.models import DeviceBatchChunk

    monkeypatch.setattr(ci, "CHUNK_BYTES", 4096)
    data = big_file(services.SYNC_MAX_ROWS + 100)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client_for("a_admin"), world.customer_x, data)
    batch = DeviceBatch.objects.get()
    pieces = list(DeviceBatchChunk.objects.filter(batch=batch).values_list("text", flat=True))
    assert batch.content == "" and len(pieces) == -(-len(data) // 4096)
    assert "".join(pieces) == data.decode()

    callbacks[0]()  # the worker reads the pieces
    batch.refresh_from_db()
    assert batch.state == State.REGISTERED and batch.registered_rows == services.SYNC_MAX_ROWS + 100
    assert not DeviceBatchChunk.objects.exists()


def test_a_list_kept_whole_before_pieces_is_still_confirmed_from_its_text(world, client_for):
    batch = DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Kept whole",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        content=csv_file(good_row(1), "SN2,,,,").decode(),
        total_rows=2,
        invalid_rows=1,
        report=[{"row": 3, "problems": [{"code": ci.NO_IDENTITY, "detail": "serial_incomplete"}]}],
        state=State.NEEDS_CONFIRMATION,
    )
    client_for("a_admin").post(batch_url(world.customer_x, batch, "device_list_confirm"))
    batch.refresh_from_db()
    assert batch.state == State.REGISTERED and batch.content == ""
    assert list(Device.objects.filter(batch=batch).values_list("serial_number", flat=True)) == ["SN000001"]
