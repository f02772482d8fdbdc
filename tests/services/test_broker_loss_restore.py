"""A worker whose connection to Redis is gone closes its channels without dying: kombu's Redis transport used to raise
AttributeError ("'NoneType' object has no attribute 'hostname'") there, which the worker takes as unrecoverable (see
partnercenter/celery.py)."""

import pytest
from kombu import Connection

import partnercenter.celery  # noqa: F401  (installs the workaround, as every worker does)

pytestmark = pytest.mark.services


def test_closing_a_channel_with_tasks_in_hand_after_its_connection_is_closed(redis_up):
    connection = Connection(redis_up.url)
    transport = connection.transport
    channel = transport.create_channel(transport)
    channel.qos._delivered["delivery-tag"] = object()  # a task in hand, not yet acknowledged
    channel._pool = None  # dropped when the connection to Redis was lost
    connection._do_close_transport()  # the worker closes the connection first

    channel.close()  # then the channel: must not raise

    assert channel.closed
