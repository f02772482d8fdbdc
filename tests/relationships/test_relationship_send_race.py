"""Two posts of the same draft at the same moment (a double click, two tabs, two web processes) email the customer
once. Runs with real transactions on PostgreSQL: each thread has its own database connection, as two web processes
would."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from partnercenter.models import AuditEvent, OutboxEmail
from relationships import services

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def test_two_concurrent_posts_of_one_draft_send_one_email(transactional_db, world):
    relationship_request, token = world.pending.request, world.pending.token
    url = reverse("relationships:request_send", args=[relationship_request.public_id])
    data = {"token": token, "recipient_email": "it@customer.test", "message": world.pending.link}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.a_admin)

    # Both posts must have passed every check that reads the request before either writes: that is the race. The
    # checks end with the address's validation, so both threads wait there for each other.
    both_checked = threading.Barrier(2, timeout=10)
    validate_email = services.validate_email

    def validate_then_wait(value):
        validate_email(value)
        both_checked.wait()

    statuses, errors = [], []

    def post(client):
        try:
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # surfaced below: an exception in a thread would otherwise be lost
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(services, "validate_email", validate_then_wait):
        threads = [threading.Thread(target=post, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors and statuses == [302, 302]
    assert OutboxEmail.objects.filter(topic_id=str(relationship_request.public_id)).count() == 1
    assert AuditEvent.objects.filter(action="relationship_request.send").count() == 1
