"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (see settings)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")

app = Celery("partnercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _database_connections_as_between_requests(task=None, **kwargs) -> None:
    """What Django does before and after each request, before and after each task: a connection older than
    CONN_MAX_AGE, or that failed, is closed, and one kept is checked (CONN_HEALTH_CHECKS) before its next query. A
    worker's connection to PostgreSQL then serves task after task (see CELERY_DB_REUSE_MAX in settings). Not for a
    task run in-process: it runs inside the caller's request, perhaps inside its transaction."""
    if task is not None and not task.request.is_eager:
        close_old_connections()


_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_closed(self: kombu_redis.QoS, client=None) -> None:
    """Workaround for kombu's Redis transport (5.7.0, the latest): when Redis goes away while tasks are in hand, the
    worker closes the connection (which drops the transport's link to it, `client = None`) before it closes every
    channel, and closing a channel that still holds unacknowledged tasks tries to put them back in the queue through
    that link: AttributeError("'NoneType' object has no attribute 'hostname'") in `_connparams`. The error is not a
    connection error, so the worker takes it as unrecoverable and exits. Upstream reports:
    https://github.com/celery/kombu/issues/582 (the same error on closing a channel after its connection) and
    https://github.com/celery/kombu/issues/970 (restore_unacked failing at shutdown).

    With the connection gone there is nothing to put them back through anyway. The tasks are not lost: Redis keeps
    them in its unacknowledged set, which a worker restores after the visibility timeout, and every email is in the
    outbox, whose sweep queues it again within a minute (partnercenter/outbox.py)."""
    if client is None and getattr(self.channel.connection, "client", None) is None:
        return None
    return _restore_unacked(self, client)


kombu_redis.QoS.restore_unacked = _restore_unacked_unless_closed  # type: ignore[method-assign]  # a deliberate patch
