"""A worker with the product's settings keeps its connection to PostgreSQL from one task to the next (Celery alone
would connect anew for each: CELERY_DB_REUSE_MAX in the settings says why it does not), and still delivers the next
email when that connection was cut."""

import os
import time
from collections.abc import Iterator

import pytest
from django.db import connection

from partnercenter.emails import outbox_dispatch
from partnercenter.models import OutboxEmail

from .conftest import ROOT, Worker, queued_email, start_worker, wait_for_state

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Long enough for a connection closed after its task to be gone (it goes in the instant after the row is saved).
SETTLE = 0.5


@pytest.fixture(scope="module")
def product_worker(shared_database_url, smtp_listener, redis_server, tmp_path_factory) -> Iterator[tuple[Worker, str]]:
    """A worker with the product's settings, whose database connections last CONN_MAX_AGE (the suite's own worker
    runs with tests.settings, which closes them), with a prefork pool as in production, on a Redis database of its
    own: the suite's worker takes none of its tasks. Returns the worker and its broker."""
    broker = f"redis://127.0.0.1:{redis_server.port}/7"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_"))} | {
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "SECRET_KEY": "worker-database-test-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": shared_database_url,
        "CONN_MAX_AGE": "60",  # the product's default, whatever a .env says
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": smtp_listener.url,
        "EMAIL_TIMEOUT": "5",
    }
    worker = start_worker(
        env,
        tmp_path_factory.mktemp("celery-product") / "worker.log",
        "--concurrency=1",
        "--hostname",
        f"database-tests-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    try:
        yield worker, broker
    finally:
        worker.stop()


@pytest.fixture
def worker(product_worker, redis_up, publish_to) -> Worker:
    """The worker, with this process publishing to its broker."""
    worker, broker = product_worker
    publish_to(broker)
    return worker


def worker_connections() -> set[int]:
    """The server processes of the connections to the test database other than this test's own: the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


def deliver(to: str, worker: Worker) -> OutboxEmail:
    email = queued_email(to)
    assert outbox_dispatch(email.pk)
    email = wait_for_state(email.pk, "sent", worker)
    time.sleep(SETTLE)
    return email


def test_the_worker_keeps_its_database_connection_from_one_email_to_the_next(worker, smtp):
    deliver("first@litware.test", worker)
    [kept] = worker_connections()

    deliver("second@litware.test", worker)
    deliver("third@litware.test", worker)

    assert worker_connections() == {kept}
    assert len(smtp.messages) == 3


def test_a_worker_whose_database_connection_was_cut_delivers_the_next_email(worker, smtp):
    deliver("first@litware.test", worker)
    [kept] = worker_connections()

    # As when PostgreSQL restarts, or a proxy drops an idle connection: the next task finds the connection dead
    # before its first query, and connects again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept])
    email = deliver("second@litware.test", worker)

    assert email.attempts == 1
    assert len(worker_connections() - {kept}) == 1
    assert [message["To"] for message in smtp.messages] == ["first@litware.test", "second@litware.test"]
