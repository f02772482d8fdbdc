"""Celery tasks: they take ids, load rows and call the outbox functions."""

from celery import shared_task
from celery.signals import worker_init

from .emails import outbox_dispatch
from .outbox import TransientEmailError, outbox_claim, outbox_deliver, outbox_due_ids


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_outbox_email(self, email_id: int) -> str:
    email = outbox_claim(email_id)
    if email is None:
        return "not claimable"  # already sent, failed for good, being sent by another worker, or not yet due
    try:
        return outbox_deliver(email)
    except TransientEmailError as error:
        # In-process (eager) mode must not spin on a broken mail server: the sweep retries there. The row already
        # says when the next try is due; the retry below is queued for that moment.
        if self.request.is_eager:
            return "retry later"
        raise self.retry(countdown=error.retry_in) from None


@shared_task
def outbox_sweep() -> int:
    """Queue again what was never queued (broker down) or is due for another try. Returns how many were queued."""
    queued = 0
    for email_id in outbox_due_ids():
        if not outbox_dispatch(email_id):
            break  # the broker refused one, it will refuse the rest: the next sweep tries again
        queued += 1
    return queued


@worker_init.connect
def _worker_waits_for_a_stalled_broker(sender, **kwargs) -> None:
    """The broker's short socket timeout (settings) is for publishers: a web request must not hang on Redis. A worker
    drops it. When a stalled Redis makes a worker give up acknowledging a task, kombu keeps counting that task as in
    hand, and once that has happened as many times as the prefetch limit the worker never takes another task. A
    worker loses nothing by waiting for Redis to answer again."""
    options = dict(sender.app.conf.broker_transport_options)
    options.pop("socket_timeout", None)
    sender.app.conf.broker_transport_options = options
