"""The email outbox, without services: rendering and queueing, the claim, how each kind of failure is recorded, the
sweep, and the worker's broker options. tests/services/ runs the same paths against SMTP, Redis and a worker."""

import contextlib
import smtplib
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from celery import Celery
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from partnercenter import emails, outbox
from partnercenter.emails import email_enqueue, outbox_dispatch
from partnercenter.models import OutboxEmail
from partnercenter.outbox import (
    ABANDONED_CLAIM,
    EARLY_RETRY_TOLERANCE,
    STALE_CLAIM,
    SWEEP_GRACE,
    TransientEmailError,
    backoff_delay,
    outbox_claim,
    outbox_deliver,
    outbox_due_ids,
)
from partnercenter.tasks import _worker_waits_for_a_stalled_broker, outbox_sweep, send_outbox_email
from relationships.tokens import invitation_link

TOKEN = "abcdefghijklmnopqrstuvwxyz0123456789_-ABCDE"
LINK = f"http://testserver/invitations/{TOKEN}/"


class ScriptedBackend(BaseEmailBackend):
    """A mailer that raises the scripted errors, in order, then accepts."""

    errors: list[Exception] = []
    sent: list = []

    def send_messages(self, email_messages):
        if ScriptedBackend.errors:
            raise ScriptedBackend.errors.pop(0)
        ScriptedBackend.sent.extend(email_messages)
        return len(email_messages)


class CountingBackend(BaseEmailBackend):
    """A mailer that logs the connections it opens, closes (QUIT) and that are dropped, and the emails it sends over
    them; raises the scripted errors first."""

    log: list[str] = []
    errors: list[Exception] = []

    class Connection:
        def __init__(self, log: list[str]) -> None:
            self.log = log

        def close(self) -> None:
            self.log.append("drop")

    def __init__(self, *, server: str = "mail.example", **kwargs):
        super().__init__(**kwargs)
        self.server = server
        self.connection: CountingBackend.Connection | None = None

    def open(self):
        if self.connection is not None:
            return False
        self.connection = CountingBackend.Connection(CountingBackend.log)
        CountingBackend.log.append("open")
        return True

    def close(self):
        if self.connection is not None:
            CountingBackend.log.append("quit")
            self.connection = None

    def send_messages(self, email_messages):
        assert self.connection is not None, "sent without a connection"
        if CountingBackend.errors:
            raise CountingBackend.errors.pop(0)
        CountingBackend.log.extend("send" for _ in email_messages)
        return len(email_messages)


@pytest.fixture
def connections(settings, monkeypatch):
    """The counting mailer, and no connection kept from an earlier test."""
    CountingBackend.log = []
    CountingBackend.errors = []
    settings.MAILERS = {"default": {"BACKEND": "tests.partnercenter.test_outbox.CountingBackend"}}
    monkeypatch.setattr(outbox, "_held", outbox._HeldMailer())
    return CountingBackend


@pytest.fixture
def mailer(settings):
    ScriptedBackend.errors = []
    ScriptedBackend.sent = []
    settings.MAILERS = {"default": {"BACKEND": "tests.partnercenter.test_outbox.ScriptedBackend"}}
    return ScriptedBackend


def make_email(**fields) -> OutboxEmail:
    defaults = {
        "to": "ga@litware.test",
        "subject": "Fabrikam invites you to a reseller relationship",
        "body_text": f"Accept here: {LINK}",
        "body_html": f'<p><a href="{LINK}">{LINK}</a></p>',
        "language": "en",
    }
    return OutboxEmail.objects.create(**(defaults | fields))


def claimed(**fields) -> OutboxEmail:
    email = outbox_claim(make_email(**fields).pk)
    assert email is not None
    return email


def test_backoff_doubles_from_the_retry_delay_and_stops_at_an_hour(settings):
    settings.EMAIL_RETRY_DELAY = 30
    assert [backoff_delay(n) for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert backoff_delay(20) == 3600


# Rendering and queueing


def test_enqueued_email_is_written_to_the_outbox_and_queued_only_after_commit(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    dispatched = []
    monkeypatch.setattr(emails, "outbox_dispatch", dispatched.append)

    with django_capture_on_commit_callbacks() as callbacks:
        email = email_enqueue(
            to="ga@litware.test",
            template="relationship_request",
            context={"message": f"Join us: {LINK}", "partner_name": "Fabrikam", "link": LINK},
            language="en",
        )
        assert dispatched == []

    for callback in callbacks:
        callback()
    assert dispatched == [email.pk]
    assert (email.state, email.attempts, email.to) == ("queued", 0, "ga@litware.test")
    assert email.subject == "Fabrikam invites you to a reseller relationship"
    assert LINK in email.body_text
    assert f'href="{LINK}"' in email.body_html


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_email_is_rendered_in_its_language(db, django_capture_on_commit_callbacks, language):
    with django_capture_on_commit_callbacks():
        email = email_enqueue(
            to="ga@litware.test",
            template="relationship_request",
            context={"message": "Hello", "partner_name": "Fabrikam", "link": LINK},
            language=language,
        )

    with translation.override(language):
        subject = gettext("%(partner_name)s invites you to a reseller relationship") % {"partner_name": "Fabrikam"}
        accept = gettext("Accept the invitation")
    assert email.language == language
    assert email.subject == subject
    assert f'<html lang="{language}">' in email.body_html
    assert accept in email.body_html


def test_agent_sends_and_the_email_goes_out_in_process(world, client_for, django_capture_on_commit_callbacks):
    """The embedded default: no broker, the task runs in-process once the agent's transaction has committed."""
    issued = world.pending
    link = invitation_link(issued.token)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("a_admin").post(
            reverse("relationships:request_send", args=[issued.request.public_id]),
            {"token": issued.token, "recipient_email": "ga@litware.test", "message": f"Accept here: {link}"},
        )

    assert response.status_code == 302
    [message] = mail.outbox
    email = OutboxEmail.objects.get()
    assert message.subject == email.subject == "Fabrikam invites you to a reseller relationship"
    assert message.to == ["ga@litware.test"]
    assert link in message.body
    assert [mimetype for _, mimetype in message.alternatives] == ["text/html"]
    assert link in message.alternatives[0][0]
    assert message.extra_headers["Message-ID"] == email.message_id
    assert (email.state, email.attempts) == ("sent", 1)
    assert issued.token not in email.body_text + email.body_html


# The claim


def test_a_queued_email_is_claimed_once(db):
    email = make_email()

    first = outbox_claim(email.pk)

    assert (first.state, first.attempts) == ("sending", 1)
    assert first.claimed_at is not None
    assert outbox_claim(email.pk) is None


@pytest.mark.parametrize("state", ["sent", "failed"])
def test_a_finished_email_is_never_claimed(db, state):
    assert outbox_claim(make_email(state=state).pk) is None


def test_an_email_is_not_claimed_before_its_next_attempt(db):
    later = make_email(next_attempt_at=timezone.now() + timedelta(minutes=1))
    due = make_email(next_attempt_at=timezone.now() + EARLY_RETRY_TOLERANCE / 2)

    assert outbox_claim(later.pk) is None
    assert outbox_claim(due.pk) is not None


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(db):
    """A worker holds its row locked while it sends; one that died holds nothing, so its claim is free once it is
    older than ABANDONED_CLAIM (on a database without row locks, STALE_CLAIM)."""
    fresh = make_email(state="sending", claimed_at=timezone.now(), attempts=1)
    abandoned_age = ABANDONED_CLAIM if connection.features.has_select_for_update_skip_locked else STALE_CLAIM
    stale = make_email(state="sending", claimed_at=timezone.now() - abandoned_age - timedelta(seconds=1), attempts=1)

    assert outbox_claim(fresh.pk) is None
    assert outbox_claim(stale.pk).attempts == 2


# Delivery outcomes


def test_delivered_email_is_sent_and_its_link_redacted(db, mailer):
    email = claimed()

    assert outbox_deliver(email) == "sent"

    [message] = mailer.sent
    assert LINK in message.body
    email.refresh_from_db()
    assert (email.state, email.last_error) == ("sent", "")
    assert email.sent_at is not None
    assert TOKEN not in email.body_text + email.body_html
    assert email.body_text == "Accept here: http://testserver/invitations/[redacted]/"


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
        smtplib.SMTPRecipientsRefused({"ga@litware.test": (450, b"4.2.1 Mailbox busy")}),
    ],
    ids=["451", "rcpt-450"],
)
def test_passing_failure_queues_the_email_again_after_its_backoff(db, mailer, settings, error):
    mailer.errors = [error]
    email = claimed()
    before = timezone.now()

    with pytest.raises(TransientEmailError):
        outbox_deliver(email)

    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 1)
    assert email.last_error
    delay = timedelta(seconds=settings.EMAIL_RETRY_DELAY)
    assert before + delay <= email.next_attempt_at <= timezone.now() + delay
    assert LINK in email.body_text  # still needed for the next try


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"4.3.2 Service not available"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
    ids=["disconnected", "connect-421", "refused", "timeout"],
)
def test_an_unreachable_mail_server_costs_no_attempt_and_is_tried_again_soon(db, mailer, settings, error):
    """However long the server is away, the email is neither failed nor pushed back further: it goes out within
    EMAIL_RETRY_DELAY of the server's return."""
    settings.EMAIL_MAX_ATTEMPTS = 2
    email = make_email()
    for _ in range(3):
        mailer.errors = [error]
        email = outbox_claim(email.pk)
        before = timezone.now()

        with pytest.raises(TransientEmailError) as raised:
            outbox_deliver(email)

        email.refresh_from_db()
        assert (email.state, email.attempts) == ("queued", 0)
        delay = timedelta(seconds=settings.EMAIL_RETRY_DELAY)
        assert before + delay <= email.next_attempt_at <= timezone.now() + delay
        assert raised.value.retry_in == settings.EMAIL_RETRY_DELAY
        OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=None)


def test_reasons_are_recorded_readably(db, mailer):
    mailer.errors = [
        smtplib.SMTPDataError(451, b"4.3.0 Try again later"),
        ConnectionRefusedError(111, "Connection refused"),
        smtplib.SMTPRecipientsRefused({"ga@litware.test": (550, b"5.1.1 No such user")}),
    ]
    reasons = []
    for _ in range(3):
        email = claimed()
        with contextlib.suppress(TransientEmailError):
            outbox_deliver(email)
        email.refresh_from_db()
        reasons.append(email.last_error)

    assert reasons == [
        "451 4.3.0 Try again later",
        "ConnectionRefusedError: [Errno 111] Connection refused",
        "ga@litware.test: 550 5.1.1 No such user",
    ]


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (smtplib.SMTPDataError(550, b"5.7.1 Message rejected as spam"), "550 5.7.1 Message rejected as spam"),
        (
            smtplib.SMTPRecipientsRefused({"ga@litware.test": (550, b"5.1.1 No such user")}),
            "ga@litware.test: 550 5.1.1 No such user",
        ),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "no-reply@partnercenter.example"),
            "553 5.7.1 Sender not allowed",
        ),
    ],
    ids=["data-550", "rcpt-550", "sender-553"],
)
def test_permanent_rejection_fails_the_email_with_its_reason(db, mailer, error, reason):
    mailer.errors = [error]
    email = claimed()

    assert outbox_deliver(email) == "failed"

    email.refresh_from_db()
    assert (email.state, email.last_error) == ("failed", reason)
    # It will never be sent, so its copy keeps no usable link either.
    assert TOKEN not in email.body_text + email.body_html
    assert outbox_claim(email.pk) is None


def test_the_last_allowed_attempt_fails_the_email(db, mailer, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    mailer.errors = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    email = claimed(attempts=2)

    assert outbox_deliver(email) == "failed"

    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == ("failed", 3, "451 4.3.0 Try again later")


def test_a_worker_that_lost_its_claim_sends_nothing_and_changes_nothing(db, mailer):
    """A worker stalled between its claim and sending; another took the row over and sent it. The first one must
    neither send it a second time nor touch the outcome."""
    slow = claimed()
    OutboxEmail.objects.filter(pk=slow.pk).update(state="sent", claimed_at=timezone.now(), sent_at=timezone.now())

    assert outbox_deliver(slow) == "sent"

    assert mailer.sent == []
    slow.refresh_from_db()
    assert (slow.state, slow.last_error) == ("sent", "")


# The connection to the mail server


def test_emails_one_after_another_go_over_one_connection(db, connections):
    for _ in range(3):
        assert outbox_deliver(claimed()) == "sent"

    assert connections.log == ["open", "send", "send", "send"]


def test_after_an_error_the_connection_is_closed_and_the_next_email_opens_another(db, connections):
    outbox_deliver(claimed())
    connections.errors = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    with pytest.raises(TransientEmailError):
        outbox_deliver(claimed())

    assert outbox_deliver(claimed()) == "sent"

    assert connections.log == ["open", "send", "quit", "open", "send"]


def test_a_connection_unused_for_a_while_is_dropped_without_quit_and_another_opened(db, connections):
    outbox_deliver(claimed())
    outbox._held.last_used -= outbox.MAILER_IDLE_LIMIT + 1  # as if it had been unused that long

    assert outbox_deliver(claimed()) == "sent"

    assert connections.log == ["open", "send", "drop", "open", "send"]


def test_a_connection_is_closed_after_its_share_of_emails(db, connections, monkeypatch):
    monkeypatch.setattr(outbox, "MAILER_MAX_MESSAGES", 2)

    for _ in range(3):
        outbox_deliver(claimed())

    assert connections.log == ["open", "send", "send", "quit", "open", "send"]


def test_a_changed_mailer_setting_applies_from_the_next_email(db, connections, settings):
    outbox_deliver(claimed())
    settings.MAILERS = {"default": {**settings.MAILERS["default"], "OPTIONS": {"server": "relay.example"}}}

    outbox_deliver(claimed())

    assert connections.log == ["open", "send", "drop", "open", "send"]
    assert outbox._held.mailer.server == "relay.example"


def test_each_thread_has_a_connection_of_its_own(db, connections):
    """Two emails sent at the same moment from two threads must not share a conversation with the server."""
    here = outbox._held_mailer()
    there = []
    thread = threading.Thread(target=lambda: there.append(outbox._held_mailer()))
    thread.start()
    thread.join(timeout=10)

    assert there and there[0] is not here


# The task, dispatch and the sweep


def test_task_reports_what_it_did(db, mailer):
    sent, failing, done = make_email(), make_email(), make_email(state="sent")

    assert send_outbox_email.apply(args=[sent.pk]).result == "sent"
    assert send_outbox_email.apply(args=[done.pk]).result == "not claimable"
    mailer.errors = [smtplib.SMTPDataError(451, b"4.3.0 Try again later")]
    # In-process there is no broker to retry through: the sweep tries again when the row is due.
    assert send_outbox_email.apply(args=[failing.pk]).result == "retry later"
    assert len(mailer.sent) == 1


def test_dispatch_survives_a_broker_error(db, monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(send_outbox_email, "delay", broker_down)

    assert outbox_dispatch(42) is False
    assert "Could not queue email 42" in caplog.text


def age(email: OutboxEmail, **delta) -> OutboxEmail:
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(**delta))
    return email


def test_sweep_picks_what_is_due_and_leaves_the_rest(db):
    now = timezone.now()
    never_queued = age(make_email(), minutes=5)
    retry_due = age(make_email(attempts=1, next_attempt_at=now - timedelta(seconds=1)), minutes=5)
    abandoned = age(make_email(state="sending", attempts=1, claimed_at=now - STALE_CLAIM * 2), minutes=30)
    age(make_email(), seconds=SWEEP_GRACE.total_seconds() / 2)  # its own task is still on the way
    age(make_email(attempts=1, next_attempt_at=now + timedelta(minutes=1)), minutes=5)  # not yet due
    age(make_email(state="sending", attempts=1, claimed_at=now), minutes=5)  # being sent
    age(make_email(state="sent"), minutes=5)
    age(make_email(state="failed"), minutes=5)

    assert sorted(outbox_due_ids()) == sorted([never_queued.pk, retry_due.pk, abandoned.pk])


def test_sweep_stops_at_the_first_email_the_broker_refuses(db, monkeypatch):
    for _ in range(3):
        age(make_email(), minutes=5)
    calls = []

    def broker_down(email_id):
        calls.append(email_id)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(send_outbox_email, "delay", broker_down)

    assert outbox_sweep() == 0
    assert len(calls) == 1


def test_sweep_sends_what_it_queues(db, mailer):
    age(make_email(), minutes=5)
    age(make_email(), minutes=5)

    assert outbox_sweep() == 2

    assert len(mailer.sent) == 2
    assert set(OutboxEmail.objects.values_list("state", flat=True)) == {"sent"}


# Broker options


def test_publishers_time_out_on_a_stuck_broker_but_workers_wait(settings):
    """Web processes publish with the short socket timeout; a worker drops it (see the task module)."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_timeout"] <= 5
    assert options["socket_connect_timeout"] <= 5
    assert settings.CELERY_TASK_PUBLISH_RETRY is False
    app = Celery(set_as_current=False)
    app.conf.broker_transport_options = dict(options)

    _worker_waits_for_a_stalled_broker(sender=SimpleNamespace(app=app))

    assert "socket_timeout" not in app.conf.broker_transport_options
    assert app.conf.broker_transport_options["socket_connect_timeout"] == options["socket_connect_timeout"]
    assert "socket_timeout" in settings.CELERY_BROKER_TRANSPORT_OPTIONS  # what web processes use is unchanged


def test_the_sweep_command_sends_what_is_due_without_a_broker(world, settings):
    """Without Celery beat (no broker), `manage.py outbox_sweep` is the sweep."""
    import io
    from datetime import timedelta

    from django.core import mail
    from django.core.management import call_command
    from django.utils import timezone

    from partnercenter.emails import email_enqueue
    from partnercenter.models import OutboxEmail

    email = email_enqueue(
        to="later@customer.test",
        template="relationship_request",
        context={"message": "hi", "partner_name": "P", "link": "http://testserver/x"},
        language="en",
    )
    OutboxEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    out = io.StringIO()
    call_command("outbox_sweep", stdout=out)
    assert "1 email(s)" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["later@customer.test"]]
    assert OutboxEmail.objects.get(pk=email.pk).state == OutboxEmail.State.SENT
