"""Delivering outbox emails: claim a row, send it once, record how it went.

Idempotent by construction: a row is claimed with a conditional UPDATE, so two workers (or a worker and the sweep)
never both send it, and a row already sent is never sent again.
"""

import re
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxEmail

# A worker that died while sending leaves a row in SENDING; after this long it may be tried again.
STALE_CLAIM = timedelta(minutes=10)
# Rows younger than this are left to the task that was queued with them.
SWEEP_GRACE = timedelta(seconds=30)
# A retry may arrive a little before its row's next attempt time (clocks of different workers differ slightly).
EARLY_RETRY_TOLERANCE = timedelta(seconds=2)

# Personalised links in the stored copy are blanked once the email is out (or will never go out): the database
# keeps no usable token. Invitation links, and the links new partner users get to choose their password.
_INVITATION_TOKEN = re.compile(r"(/invitations/|/accounts/password/reset/key/)[A-Za-z0-9_-]{20,}")


class TransientEmailError(Exception):
    """Delivery failed in a way that may succeed later (connection refused, 4xx reply)."""


def backoff_delay(attempts: int) -> int:
    """Seconds before the next try: EMAIL_RETRY_DELAY (30 s), then twice as long each time, capped at an hour."""
    return min(settings.EMAIL_RETRY_DELAY * 2 ** max(attempts - 1, 0), 3600)


def outbox_claim(email_id: int) -> OutboxEmail | None:
    """Take the row for sending, or None when it is not ours to send: already sent, failed for good, being sent by
    another worker, or not yet due. The last case matters: the sweep may queue a row that also has a retry waiting
    in the broker, and the extra task must not spend an attempt before the backoff has passed."""
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_RETRY_TOLERANCE)
    stale = Q(state=OutboxEmail.State.SENDING, claimed_at__lt=now - STALE_CLAIM)
    claimable = (Q(state=OutboxEmail.State.QUEUED) & due) | stale
    claimed = OutboxEmail.objects.filter(claimable, pk=email_id).update(
        state=OutboxEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return OutboxEmail.objects.get(pk=email_id) if claimed else None


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


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

    Every outcome is recorded only while the claim is still ours: a worker that stalled past STALE_CLAIM may have
    been overtaken, and putting a row that the other worker sent back in the queue would send it twice."""
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
    try:
        message.send()
    except Exception as error:  # classified below: SMTP replies, sockets, anything the mailer raises
        reason = _describe(error)[:2000]
        if _is_permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            ours.update(
                state=OutboxEmail.State.FAILED,
                last_error=reason,
                body_text=_redacted(email.body_text),
                body_html=_redacted(email.body_html),
            )
            return OutboxEmail.State.FAILED
        ours.update(
            state=OutboxEmail.State.QUEUED,
            last_error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=backoff_delay(email.attempts)),
        )
        raise TransientEmailError(reason) from error
    ours.update(
        state=OutboxEmail.State.SENT,
        sent_at=timezone.now(),
        last_error="",
        body_text=_redacted(email.body_text),
        body_html=_redacted(email.body_html),
    )
    return OutboxEmail.State.SENT


def outbox_due_ids(limit: int = 500) -> list[int]:
    """Rows the sweep should queue again: queued and due (or never queued successfully), or stale claims."""
    now = timezone.now()
    due = Q(state=OutboxEmail.State.QUEUED, created_at__lt=now - SWEEP_GRACE) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stale = Q(state=OutboxEmail.State.SENDING, claimed_at__lt=now - STALE_CLAIM)
    return list(OutboxEmail.objects.filter(due | stale).order_by("created_at").values_list("pk", flat=True)[:limit])
