"""Redis down, hung or frozen: the agent's request still succeeds within a few seconds (the broker timeouts in settings
bound it), the email stays queued in its row, and once Redis is back the sweep queues it and the worker sends it,
once."""

import time
from datetime import timedelta

import pytest

from partnercenter.models import OutboxEmail
from partnercenter.outbox import SWEEP_GRACE
from partnercenter.tasks import outbox_sweep, send_outbox_email

from .conftest import agent_sends_invitation, queued_email, wait_for_state, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# CELERY_BROKER_TIMEOUT is 2 s: one connection attempt or one unanswered command, never a retry loop.
REQUEST_TIME_LIMIT = 5.0


def timed_send(client, world):
    started = time.monotonic()
    response = agent_sends_invitation(client, world)
    return response, time.monotonic() - started


def assert_waiting_in_outbox(response, elapsed: float) -> OutboxEmail:
    assert response.status_code == 302, "the agent's request must not fail because the broker is unavailable"
    assert elapsed < REQUEST_TIME_LIMIT, f"the agent waited {elapsed:.1f} s for an unavailable broker"
    email = OutboxEmail.objects.get()
    assert (email.state, email.attempts) == ("queued", 0)
    return email


def sweep_later(email: OutboxEmail) -> int:
    """Run the periodic sweep as if its grace period had passed (the row is made older instead of sleeping)."""
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=email.created_at - SWEEP_GRACE - timedelta(seconds=1))
    return outbox_sweep()


def assert_sent_once(email: OutboxEmail, smtp, redis, worker) -> None:
    email = wait_for_state(email.pk, "sent", worker)
    # Anything still queued (a duplicate) must have been consumed and found nothing to send.
    assert wait_until(lambda: redis.queue_length() == 0, timeout=5)
    time.sleep(0.5)
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sent", 1)
    assert len(smtp.messages) == 1


def warm_up_connection_pool() -> None:
    """Publish once while Redis is up, so the web process holds pooled connections when it goes away."""
    send_outbox_email.delay(0)  # no such row: the worker finds nothing to claim


def test_agent_can_send_while_redis_is_down_and_the_email_goes_out_when_it_is_back(
    celery_worker, redis_up, publish_to, smtp, world, client_for
):
    publish_to(redis_up.url)
    warm_up_connection_pool()
    redis_up.stop()

    response, elapsed = timed_send(client_for("a_admin"), world)

    email = assert_waiting_in_outbox(response, elapsed)
    assert smtp.messages == []

    redis_up.start()
    assert sweep_later(email) == 1
    assert_sent_once(email, smtp, redis_up, celery_worker)


def test_agent_can_send_while_redis_is_frozen_and_the_email_goes_out_once(
    celery_worker, redis_up, publish_to, smtp, world, client_for
):
    publish_to(redis_up.url)
    warm_up_connection_pool()
    redis_up.freeze()  # connections stay open, nothing answers

    try:
        response, elapsed = timed_send(client_for("a_admin"), world)
    finally:
        redis_up.thaw()

    email = assert_waiting_in_outbox(response, elapsed)
    # The command that timed out may still reach Redis now that it runs again; with the sweep's task that makes two
    # tasks for one row, and the claim lets only one of them send.
    sweep_later(email)
    assert_sent_once(email, smtp, redis_up, celery_worker)


def test_agent_can_send_while_redis_accepts_connections_but_never_answers(
    hanging_redis, publish_to, smtp, world, client_for
):
    publish_to(hanging_redis.url)

    response, elapsed = timed_send(client_for("a_admin"), world)

    assert_waiting_in_outbox(response, elapsed)
    assert smtp.messages == []


def test_worker_keeps_delivering_after_redis_stalls_while_it_sends(
    celery_worker, redis_up, publish_to, smtp, world, client_for
):
    """Redis freezes while the worker is sending, so acknowledging the task has to wait for it. The worker must
    carry on once Redis answers again: a worker that gave up on the acknowledgement would count the task as still
    in hand and, allowed one at a time, never take another."""
    publish_to(redis_up.url)
    smtp.data_delay = 1.0
    agent_sends_invitation(client_for("a_admin"), world)
    first = OutboxEmail.objects.get()
    assert wait_until(lambda: OutboxEmail.objects.get(pk=first.pk).state == "sending", timeout=10)

    redis_up.freeze()
    try:
        # The task finishes about a second from now; its acknowledgement then waits longer than the broker timeout.
        wait_for_state(first.pk, "sent", celery_worker)
        time.sleep(3.0)
    finally:
        redis_up.thaw()

    smtp.data_delay = 0.0
    second = queued_email("second@litware.test")
    send_outbox_email.delay(second.pk)
    wait_for_state(second.pk, "sent", celery_worker)
    assert [message["To"] for message in smtp.messages] == ["ga@litware.test", "second@litware.test"]
