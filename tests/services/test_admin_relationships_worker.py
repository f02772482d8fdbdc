"""A real Celery worker on a real Redis runs the admin relationships' lifecycle task, as beat queues it: a
relationship past its end expires there, and its notices are written once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from admin_relationships.tasks import admin_relationships_lifecycle_run
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole

from .conftest import wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_worker_runs_the_lifecycle_task_as_beat_queues_it(celery_worker, redis_up, publish_to, world):
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Contoso helpdesk",
        roles=[DirectoryRole.USER_ADMINISTRATOR],
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    publish_to(redis_up.url)

    # Beat sends the task by the name in CELERY_BEAT_SCHEDULE; twice, as two beats (or a retry) might.
    admin_relationships_lifecycle_run.delay()
    admin_relationships_lifecycle_run.delay()

    expired = wait_until(
        lambda: AdminRelationship.objects.get(pk=relationship.pk).status == AdminRelationship.Status.EXPIRED,
        timeout=30,
        interval=0.2,
    )
    assert expired, celery_worker.log()
    assert wait_until(lambda: celery_worker.log(last=400).count("admin_relationships_lifecycle_run") >= 4, 30)
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_EXPIRE).count() == 1
