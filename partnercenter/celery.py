"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (see settings)."""

import os

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnercenter.settings")

app = Celery("partnercenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
