"""Celery tasks of Windows Autopilot: they take ids, load rows and call the services."""

from celery import shared_task

from .services import device_batch_validate


@shared_task(acks_late=True)
def validate_batch(batch_id: int) -> str:
    """Check a large device list (and register it, if every row is good). Idempotent: a list already checked is left
    alone."""
    batch = device_batch_validate(batch_id=batch_id)
    return batch.state if batch is not None else "not waiting"
