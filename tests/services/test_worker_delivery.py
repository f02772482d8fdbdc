"""A real Celery worker on a real Redis delivers what the agent sends, and retries a passing refusal itself."""

import pytest

from partnercenter.models import OutboxEmail

from .conftest import agent_sends_invitation, wait_for_state

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_delivers_the_email_the_agent_sends(celery_worker, redis_up, publish_to, smtp, world, client_for):
    publish_to(redis_up.url)

    response = agent_sends_invitation(client_for("a_admin"), world)

    assert response.status_code == 302
    email = wait_for_state(OutboxEmail.objects.get().pk, "sent", celery_worker)
    assert email.attempts == 1
    [message] = smtp.messages
    assert message["Message-ID"] == email.message_id
    assert message["To"] == "ga@litware.test"


def test_worker_retries_a_transient_refusal_after_its_backoff(
    celery_worker, redis_up, publish_to, smtp, world, client_for
):
    smtp.fail_next("451 4.7.1 Greylisted, try again later")
    publish_to(redis_up.url)

    agent_sends_invitation(client_for("a_admin"), world)

    # The worker runs with EMAIL_RETRY_DELAY=1: its retry comes a second later, through the broker.
    email = wait_for_state(OutboxEmail.objects.get().pk, "sent", celery_worker)
    assert email.attempts == 2
    assert email.next_attempt_at is not None
    [message] = smtp.messages
    assert smtp.refused_message_ids == [email.message_id] == [message["Message-ID"]]
    assert "Retry in 1s" in celery_worker.log(last=200)
