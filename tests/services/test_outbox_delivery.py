"""The outbox against a real SMTP listener: the task sends both parts, retries a passing refusal after its backoff,
gives up on a permanent one with the reason on the agent's page, never sends a row twice, and sends email after email
over one connection.

The tasks run in this process here (as in the embedded default); test_worker_delivery.py runs them in a worker."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from partnercenter.models import OutboxEmail
from partnercenter.outbox import SWEEP_GRACE, outbox_claim
from partnercenter.tasks import outbox_sweep, send_outbox_email
from relationships.tokens import invitation_link

from .conftest import agent_sends_invitation, queued_email

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _time_passes(email: OutboxEmail, seconds: float) -> None:
    """Move the row's clock back instead of sleeping."""
    past = timedelta(seconds=seconds)
    OutboxEmail.objects.filter(pk=email.pk).update(
        created_at=email.created_at - past,
        next_attempt_at=email.next_attempt_at - past if email.next_attempt_at else None,
    )


def _parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_sent_invitation_arrives_with_text_and_html_parts_in_its_language(smtp, world, client_for, language):
    response = agent_sends_invitation(client_for("a_admin"), world, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 302
    [message] = smtp.wait_for_messages(1, timeout=5)
    email = OutboxEmail.objects.get()
    with translation.override(language):
        subject = gettext("%(partner_name)s invites you to a reseller relationship") % {"partner_name": "Fabrikam"}
    assert message["Subject"] == subject
    assert message["To"] == "ga@litware.test"
    assert message["Message-ID"] == email.message_id
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    link = invitation_link(world.pending.token)
    assert link in parts["text/plain"]
    assert f'href="{link}"' in parts["text/html"]
    assert f'<html lang="{language}">' in parts["text/html"]
    # The row is the record: sent, once, and its copy no longer holds a usable link.
    assert (email.state, email.attempts, email.last_error, email.language) == ("sent", 1, "", language)
    assert email.sent_at is not None
    assert world.pending.token not in email.body_text + email.body_html
    assert "/invitations/[redacted]" in email.body_text
    assert "/invitations/[redacted]" in email.body_html


def test_transient_refusal_is_retried_after_its_backoff_and_sent_once(smtp, world, client_for, settings):
    smtp.fail_next("451 4.3.0 Mailbox temporarily unavailable")
    agent = client_for("a_admin")
    before = timezone.now()

    agent_sends_invitation(agent, world)

    email = OutboxEmail.objects.get()
    assert (email.state, email.attempts) == ("queued", 1)
    assert email.last_error == "451 4.3.0 Mailbox temporarily unavailable"
    backoff = timedelta(seconds=settings.EMAIL_RETRY_DELAY)
    assert before + backoff <= email.next_attempt_at <= timezone.now() + backoff
    assert smtp.messages == []
    # The agent sees it is being retried, and why.
    assert "451 4.3.0 Mailbox temporarily unavailable" in agent.get(reverse("relationships:request_list")).text
    # Before its time, neither a stray task nor the sweep sends it.
    assert send_outbox_email.apply(args=[email.pk]).result == "not claimable"
    assert outbox_sweep.apply().result == 0

    _time_passes(email, SWEEP_GRACE.total_seconds() + backoff.total_seconds() + 1)
    assert outbox_sweep.apply().result == 1

    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("sent", 2, "")
    [message] = smtp.messages
    # The same message both times, so a receiving server can tell a resend from a new email.
    assert smtp.refused_message_ids == [email.message_id] == [message["Message-ID"]]


def test_permanent_refusal_fails_the_email_with_the_reason_shown_to_the_agent(smtp, world, client_for):
    smtp.fail_next("550 5.1.1 Mailbox does not exist")
    agent = client_for("a_admin")

    agent_sends_invitation(agent, world)

    email = OutboxEmail.objects.get()
    assert (email.state, email.attempts) == ("failed", 1)
    assert email.last_error == "550 5.1.1 Mailbox does not exist"
    assert smtp.messages == []
    assert world.pending.token not in email.body_text + email.body_html
    page = agent.get(reverse("relationships:request_list"))
    assert page.status_code == 200
    assert "550 5.1.1 Mailbox does not exist" in page.text
    # Failed for good: no task and no sweep tries it again.
    _time_passes(email, 3600)
    assert send_outbox_email.apply(args=[email.pk]).result == "not claimable"
    assert outbox_sweep.apply().result == 0
    assert smtp.messages == []


def test_recipient_refused_at_rcpt_is_a_permanent_failure(smtp, world, client_for):
    smtp.fail_next("550 5.1.1 No such user here", at="RCPT")

    agent_sends_invitation(client_for("a_admin"), world)

    email = OutboxEmail.objects.get()
    assert email.state == "failed"
    assert email.last_error == "ga@litware.test: 550 5.1.1 No such user here"
    assert smtp.messages == []


def test_a_sent_email_is_never_sent_again(smtp, world, client_for):
    agent_sends_invitation(client_for("a_admin"), world)
    email = OutboxEmail.objects.get()
    assert email.state == "sent"

    assert send_outbox_email.apply(args=[email.pk]).result == "not claimable"
    _time_passes(email, 3600)
    assert outbox_sweep.apply().result == 0

    email.refresh_from_db()
    assert email.attempts == 1
    assert len(smtp.messages) == 1


def test_emails_sent_one_after_another_go_over_one_connection(smtp):
    emails = [queued_email(f"customer{i}@litware.test") for i in range(3)]

    for email in emails:
        assert send_outbox_email.apply(args=[email.pk]).result == "sent"

    assert [message["To"] for message in smtp.messages] == [email.to for email in emails]
    assert len(set(smtp.peers)) == 1


def test_after_a_refusal_the_next_email_goes_over_a_new_connection(smtp):
    first, refused, third = (queued_email(f"customer{i}@litware.test") for i in range(3))
    assert send_outbox_email.apply(args=[first.pk]).result == "sent"
    smtp.fail_next("451 4.3.0 Try again later")

    assert send_outbox_email.apply(args=[refused.pk]).result == "retry later"
    assert send_outbox_email.apply(args=[third.pk]).result == "sent"

    assert [message["To"] for message in smtp.messages] == [first.to, third.to]
    assert smtp.peers[0] != smtp.peers[1]


def _run_concurrently(count: int, target) -> list:
    """Run target() in `count` threads released at the same moment; each thread has its own database connection."""
    barrier = threading.Barrier(count, timeout=10)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not errors, errors
    assert len(results) == count
    return results


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent claims: needs PostgreSQL, where two transactions really run at the same time")


def test_of_concurrent_claims_exactly_one_wins(postgresql):
    email = queued_email()

    claims = _run_concurrently(8, lambda: outbox_claim(email.pk))

    assert sum(claim is not None for claim in claims) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("sending", 1)


def test_two_tasks_sending_the_same_email_at_once_deliver_it_once(postgresql, smtp):
    emails = [queued_email(f"customer{i}@litware.test") for i in range(5)]

    for email in emails:
        results = _run_concurrently(2, lambda email=email: send_outbox_email.apply(args=[email.pk]).result)
        assert sorted(results) == ["not claimable", "sent"]

    assert sorted(message["To"] for message in smtp.messages) == sorted(email.to for email in emails)
    assert set(OutboxEmail.objects.values_list("state", "attempts")) == {("sent", 1)}
