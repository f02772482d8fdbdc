"""A real Celery worker on a real Redis checks and registers a large device list that an agent uploads, while the
list's page reports the progress."""

import pytest
from django.urls import reverse

from autopilot.models import Device, DeviceBatch
from autopilot.services import SYNC_MAX_ROWS

from ..autopilot.test_autopilot_devices import big_file, upload
from .conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_checks_and_registers_a_large_device_list(celery_worker, redis_up, publish_to, world, client_for):
    publish_to(redis_up.url)
    client = client_for("a_admin")

    response = upload(client, world.customer_x, big_file(SYNC_MAX_ROWS * 4))

    assert response.status_code == 302
    batch = DeviceBatch.objects.get()
    status_url = reverse("customers:device_list_status", args=[world.customer_x.public_id, batch.public_id])
    assert client.get(status_url).json()["total"] == SYNC_MAX_ROWS * 4
    done = wait_until(lambda: client.get(status_url).json()["done"], timeout=30, interval=0.2)
    assert done, celery_worker.log()
    batch.refresh_from_db()
    assert batch.state == DeviceBatch.State.REGISTERED and batch.content == ""
    assert Device.objects.filter(batch=batch).count() == SYNC_MAX_ROWS * 4
    assert "autopilot.tasks.validate_batch" in celery_worker.log(last=400)
