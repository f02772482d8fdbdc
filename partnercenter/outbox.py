"""Delivering outbox emails: claim a row, send it once, record how it went.

Idempotent by construction: a row is claimed with a conditional UPDATE, so two workers (or a worker and the sweep)
never both send it, and a row already sent is never sent again.
"""

import copy
import re
import smtplib
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxEmail

# A worker that died while sending leaves a row in SENDING. A worker holds its row locked in the database from just
# after the claim until the outcome is recorded, and a worker that dies releases the lock with its database session
# (PostgreSQL notices at once when the process is gone): a row in SENDING for longer than ABANDONED_CLAIM that nobody
# holds locked is abandoned, and is taken over at once. Where the database has no row locks (SQLite, the embedded
# default with one process) nothing tells a dead worker from a slow one, and a claim is abandoned after STALE_CLAIM.
ABANDONED_CLAIM = timedelta(seconds=5)
STALE_CLAIM = timedelta(minutes=10)
# Rows younger than this are left to the task that was queued with them.
SWEEP_GRACE = timedelta(seconds=30)
# A retry may arrive a little before its row's next attempt time (clocks of different workers differ slightly).
EARLY_RETRY_TOLERANCE = timedelta(seconds=2)

# A worker sends email after email over one connection to the mail server: opening one takes more round trips than
# sending an email over it (the TCP handshake, the greeting, EHLO, and in production STARTTLS, EHLO again and AUTH;
# QUIT at the end). Not for long: a connection unused for MAILER_IDLE_LIMIT is dropped before the next email, without
# QUIT (servers close idle connections, Postfix after 10 seconds when busy, and a firewall may forget one without a
# word: QUIT would then wait for the timeout); one is closed after MAILER_MAX_MESSAGES emails (servers may limit the
# emails of a connection) and after any error. Each thread keeps its own: a process of the worker's pool is one thread.
MAILER_IDLE_LIMIT = 5.0  # seconds
MAILER_MAX_MESSAGES = 100

# Personalized links in the stored copy are blanked once the email is out (or will never go out): the database
# keeps no usable token. Invitation links, and the links new partner users get to choose their password.
_INVITATION_TOKEN = re.compile(r"(/invitations/|/accounts/password/reset/key/)[A-Za-z0-9_-]{20,}")


def _abandoned_claim_age() -> timedelta:
    return ABANDONED_CLAIM if connection.features.has_select_for_update_skip_locked else STALE_CLAIM


class TransientEmailError(Exception):
    """Delivery failed in a way that may succeed later (connection refused, 4xx reply); `retry_in` seconds from now
    the row is due again."""

    def __init__(self, reason: str, retry_in: int) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


def backoff_delay(attempts: int) -> int:
    """Seconds before the next try: EMAIL_RETRY_DELAY (30 s), then twice as long each time, capped at an hour."""
    return min(settings.EMAIL_RETRY_DELAY * 2 ** max(attempts - 1, 0), 3600)


def outbox_claim(email_id: int) -> OutboxEmail | None:
    """Take the row for sending, or None when it is not ours to send: already sent, failed for good, being sent by
    another worker, or not yet due. The last case matters: the sweep may queue a row that also has a retry waiting
    in the broker, and the extra task must not spend an attempt before the backoff has passed."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_RETRY_TOLERANCE)
    abandoned = Q(state=OutboxEmail.State.SENDING, claimed_at__lt=now - _abandoned_claim_age())
    claimable = (Q(state=OutboxEmail.State.QUEUED) & due) | abandoned
    with transaction.atomic():
        # SKIP LOCKED: a row a live worker is sending is not ours to take, however long it takes.
        free = OutboxEmail.objects.select_for_update(skip_locked=True).filter(claimable, pk=email_id)
        if not list(free.values_list("pk", flat=True)):
            return None
        OutboxEmail.objects.filter(pk=email_id).update(
            state=OutboxEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return OutboxEmail.objects.get(pk=email_id)


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _is_unreachable(error: Exception) -> bool:
    """The mail server could not be reached or went away (refused, timed out, disconnected): that says nothing about
    this email, so it costs no attempt and is tried again soon, however long the server is away."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        msg = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {msg}"
    return f"{type(error).__name__}: {error}"


def _redacted(body: str) -> str:
    return _INVITATION_TOKEN.sub(r"\1[redacted]", body)


def outbox_deliver(email: OutboxEmail) -> str:
    """Send a claimed email and return the row's new state (sent or failed). Raises TransientEmailError when a later
    try may succeed (the row is queued again with its next attempt time); a permanent rejection or the last allowed
    attempt marks the row failed with the reason.

    The row stays locked while the email is sent. Every outcome is recorded only while the claim is still ours: a
    worker that stalled between its claim and the lock may have been overtaken, and putting a row that the other
    worker sent back in the queue would send it twice."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Message-ID": email.message_id},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    ours = OutboxEmail.objects.filter(pk=email.pk, state=OutboxEmail.State.SENDING, claimed_at=email.claimed_at)
    mailer = _held_mailer()
    keep = False  # the connection, for the next email: only once this one went out (or was not ours to send)
    try:
        with transaction.atomic():
            # Held until the outcome is recorded: while it is, nobody takes the claim over (see ABANDONED_CLAIM).
            if not list(ours.select_for_update().values_list("pk", flat=True)):
                keep = True
                return OutboxEmail.objects.get(pk=email.pk).state  # overtaken before we began: not ours to send
            state, reason, retry_in = _send(email, message, ours, mailer)
        keep = state == OutboxEmail.State.SENT
    finally:
        # The mail server has the email once it accepts the message; a worker that dies between that and the commit
        # above leaves a claim that is sent again. That moment is kept as short as it can be: nothing is said to the
        # server after the message until the outcome is recorded (the connection stays open for the next email, or
        # is closed, QUIT and all, only now).
        _mailer_release(mailer, keep=keep)
    if reason is not None:
        raise TransientEmailError(reason, retry_in)
    return state


class _HeldMailer(threading.local):
    """This thread's mailer, kept open from one email to the next (see MAILER_IDLE_LIMIT)."""

    mailer: BaseEmailBackend | None = None
    config: dict | None = None  # the MAILERS entry it was made from
    messages = 0
    last_used = 0.0


_held = _HeldMailer()


def _held_mailer() -> BaseEmailBackend:
    """The mailer for the next email: this thread's, still open from the last one, if it may be used again; else a new
    one (opened when the email is sent)."""
    config = settings.MAILERS.get("default")
    if _held.mailer is not None:
        if _held.config == config and time.monotonic() - _held.last_used <= MAILER_IDLE_LIMIT:
            return _held.mailer
        smtp = getattr(_held.mailer, "connection", None)  # Django's SMTP mailer; the others hold no connection
        if smtp is not None:
            smtp.close()  # no QUIT: see MAILER_IDLE_LIMIT
    _held.mailer, _held.config, _held.messages = mailers.default, copy.deepcopy(config), 0
    return _held.mailer


def _mailer_release(mailer: BaseEmailBackend, *, keep: bool) -> None:
    """After an email: the mailer stays open for the next one if `keep` and it has not sent its share; else it is
    closed (QUIT)."""
    if keep and mailer is _held.mailer:
        _held.messages += 1
        _held.last_used = time.monotonic()
        if _held.messages < MAILER_MAX_MESSAGES:
            return
    if mailer is _held.mailer:
        _held.mailer = None
    mailer.close()


def _send(email: OutboxEmail, message: EmailMultiAlternatives, ours, mailer) -> tuple[str, str | None, int]:
    """Send and record the outcome on our claim; the reason and the delay when a later try may succeed."""
    try:
        mailer.open()  # kept open by send_messages, closed by the caller after the commit
        mailer.send_messages([message])
    except Exception as error:  # classified below: SMTP replies, sockets, anything the mailer raises
        reason = _describe(error)[:2000]
        if _is_unreachable(error):
            ours.update(
                state=OutboxEmail.State.QUEUED,
                last_error=reason,
                attempts=F("attempts") - 1,
                next_attempt_at=timezone.now() + timedelta(seconds=settings.EMAIL_RETRY_DELAY),
            )
            return OutboxEmail.State.QUEUED, reason, settings.EMAIL_RETRY_DELAY
        if _is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            ours.update(
                state=OutboxEmail.State.FAILED,
                last_error=reason,
                body_text=_redacted(email.body_text),
                body_html=_redacted(email.body_html),
            )
            return OutboxEmail.State.FAILED, None, 0
        ours.update(
            state=OutboxEmail.State.QUEUED,
            last_error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=backoff_delay(email.attempts)),
        )
        return OutboxEmail.State.QUEUED, reason, backoff_delay(email.attempts)
    ours.update(
        state=OutboxEmail.State.SENT,
        sent_at=timezone.now(),
        last_error="",
        body_text=_redacted(email.body_text),
        body_html=_redacted(email.body_html),
    )
    return OutboxEmail.State.SENT, None, 0


def outbox_due_ids(limit: int = 500) -> list[int]:
    """Rows the sweep should queue again: queued and due (or never queued successfully), or stale claims."""
    now = timezone.now()
    due = Q(state=OutboxEmail.State.QUEUED, created_at__lt=now - SWEEP_GRACE) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(state=OutboxEmail.State.SENDING, claimed_at__lt=now - _abandoned_claim_age())
    with transaction.atomic():
        rows = OutboxEmail.objects.select_for_update(skip_locked=True).filter(due | abandoned).order_by("created_at")
        return list(rows.values_list("pk", flat=True)[:limit])
