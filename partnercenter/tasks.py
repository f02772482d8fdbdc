"""Celery tasks: they take ids, load rows and call the outbox functions."""

from celery import shared_task
from django.conf import settings

from .emails import outbox_dispatch
from .outbox import TransientEmailError, backoff_delay, outbox_claim, outbox_deliver, outbox_due_ids


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_outbox_email(self, email_id: int) -> str:
    email = outbox_claim(email_id)
    if email is None:
        return "not claimable"  # already sent, failed for good, or being sent by another worker
    try:
        outbox_deliver(email)
    except TransientEmailError:
        # In-process (eager) mode must not spin on a broken mail server: the sweep retries there.
        if self.request.is_eager or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            return "retry later"
        raise self.retry(countdown=backoff_delay(email.attempts)) from None
    return "sent"


@shared_task
def outbox_sweep() -> int:
    """Queue again what was never queued (broker down) or is due for another try."""
    ids = outbox_due_ids()
    for email_id in ids:
        outbox_dispatch(email_id)
    return len(ids)
