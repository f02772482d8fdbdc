"""Celery tasks of granular delegated admin: they take ids, load rows and call the services."""

from celery import shared_task

from .services import access_assignment_activate


@shared_task(acks_late=True)
def activate_access_assignment(assignment_id: int) -> str:
    """Activate a pending access assignment. Idempotent: one already active (or gone) is left alone."""
    assignment = access_assignment_activate(assignment_id=assignment_id)
    return assignment.status if assignment is not None else "not pending"
