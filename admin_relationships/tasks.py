"""Celery tasks of granular delegated admin: they take ids, load rows and call the services."""

from dataclasses import asdict

from celery import shared_task

from .services import (
    access_assignment_activate,
    admin_relationships_bulk_run,
    admin_relationships_lifecycle,
    bulk_requests_due,
)


@shared_task(acks_late=True)
def activate_access_assignment(assignment_id: int) -> str:
    """Activate a pending access assignment. Idempotent: one already active (or gone) is left alone."""
    assignment = access_assignment_activate(assignment_id=assignment_id)
    return assignment.status if assignment is not None else "not pending"


@shared_task(acks_late=True)
def run_bulk_request(bulk_id: int) -> str:
    """Create, finalize and email each waiting customer's admin relationship of a bulk request. Idempotent: customers
    already done are skipped, so a second run (or a redelivery) finishes what the first left."""
    bulk = admin_relationships_bulk_run(bulk_id=bulk_id)
    return bulk.status if bulk is not None else "gone"


@shared_task
def bulk_request_sweep() -> int:
    """Queue again the bulk requests whose task was lost (broker down, a worker killed). Returns how many."""
    due = bulk_requests_due()
    for bulk_id in due:
        run_bulk_request.delay(bulk_id)
    return len(due)


@shared_task
def admin_relationships_lifecycle_run() -> dict[str, int]:
    """Expiry, auto-extension and the notices of admin relationships (CELERY_BEAT_SCHEDULE runs it). Safe to run
    twice, or in two workers at once: each step happens once."""
    return asdict(admin_relationships_lifecycle())
