"""Real components for the services tests: an SMTP listener (aiosmtpd), private Redis servers, a Celery worker
subprocess on the test database, and a switch that makes this process publish tasks to a broker.

Each component is checked before use; when one is missing the tests that need it skip and say why. Every
subprocess is stopped in a finalizer, and every wait is bounded."""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from partnercenter.emails import email_render
from partnercenter.models import OutboxEmail
from relationships.tokens import invitation_link

ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 30.0
DELIVERY_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


# SMTP


class ScriptedSMTPHandler:
    """Accepts mail, unless told to answer the next messages with a given reply (e.g. "451 4.3.0 Try later") at
    RCPT or DATA time, or to take `data_delay` seconds to answer DATA. Keeps what it accepted, with the client's
    address and port for each (which connection it came over), and the Message-ID of every message it refused at
    DATA."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: list[tuple[str, str]] = []
        self.data_delay = 0.0
        self.messages: list[email.message.EmailMessage] = []
        self.peers: list[tuple[str, int]] = []
        self.refused_message_ids: list[str] = []

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.data_delay = 0.0
            self.messages.clear()
            self.peers.clear()
            self.refused_message_ids.clear()

    def fail_next(self, reply: str, count: int = 1, at: str = "DATA") -> None:
        assert at in ("RCPT", "DATA")
        with self._lock:
            self._script.extend([(at, reply)] * count)

    def _scripted_reply(self, phase: str) -> str | None:
        with self._lock:
            if self._script and self._script[0][0] == phase:
                return self._script.pop(0)[1]
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd calls it by this name
        reply = self._scripted_reply("RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        if self.data_delay:
            await asyncio.sleep(self.data_delay)  # a slow server: the sending task takes this long
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        reply = self._scripted_reply("DATA")
        if reply:
            with self._lock:
                self.refused_message_ids.append(message["Message-ID"])
            return reply
        with self._lock:
            self.messages.append(message)
            self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    def wait_for_messages(self, count: int, timeout: float = DELIVERY_TIMEOUT) -> list[email.message.EmailMessage]:
        wait_until(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)


class SMTPListener:
    def __init__(self, controller, handler: ScriptedSMTPHandler) -> None:
        self.controller = controller
        self.handler = handler
        self.host = controller.hostname
        self.port = controller.port

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 5},
            }
        }


@pytest.fixture(scope="session")
def smtp_listener() -> Iterator[SMTPListener]:
    controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
    handler = ScriptedSMTPHandler()
    controller = controller_module.Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    try:
        controller.start()
    except Exception as error:  # any reason the listener cannot start is a reason to skip
        pytest.skip(f"SMTP listener (aiosmtpd) could not start on 127.0.0.1: {error}")
    try:
        yield SMTPListener(controller, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_listener: SMTPListener, settings) -> Iterator[ScriptedSMTPHandler]:
    """The SMTP listener, emptied, as this process's mailer. Django's test environment swaps every MAILERS entry
    for the locmem backend (django.test.utils.setup_test_environment); the settings fixture overrides that for this
    test and puts locmem back afterwards."""
    smtp_listener.handler.reset()
    settings.MAILERS = smtp_listener.mailers
    yield smtp_listener.handler
    smtp_listener.handler.reset()


# Redis


class RedisServer:
    """A private redis-server on a free port, which a test may stop, start again, freeze (SIGSTOP: connections stay
    open and nothing answers) and thaw. The machine's own Redis is never touched."""

    def __init__(self, binary: str, workdir: str) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(self.ping, timeout=5):
            self.stop()
            raise RuntimeError(f"redis-server did not answer on port {self.port} within 5 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot exit
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def queue_length(self, queue: str = "celery") -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(f"LLEN {queue}\r\n".encode())
            return int(conn.recv(64).strip().lstrip(b":"))


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis: redis-server is not installed (apt-get install redis-server); these tests start their own")
    with tempfile.TemporaryDirectory(prefix="pc-redis-") as workdir:
        server = RedisServer(binary, workdir)
        try:
            server.start()
        except RuntimeError as error:
            pytest.skip(f"Redis: {error}")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def redis_up(redis_server: RedisServer) -> RedisServer:
    """The private Redis, running and unfrozen whatever the previous test left it like."""
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()
    redis_server.thaw()
    assert wait_until(redis_server.ping, timeout=5), "the private redis-server does not answer"
    return redis_server


class BlackHoleServer:
    """A TCP server that accepts connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.socket.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self._connections.append(conn)

    def close(self) -> None:
        self.socket.close()
        for conn in self._connections:
            conn.close()


@pytest.fixture
def hanging_redis() -> Iterator[BlackHoleServer]:
    server = BlackHoleServer()
    yield server
    server.close()


# Publishing from this process


@pytest.fixture
def publish_to(settings) -> Iterator[Callable[[str], None]]:
    """Make `.delay` in this process publish to a broker instead of running in-process. Celery reads Django's
    settings once, so its own configuration is switched (and put back), and its connection pools are dropped so
    that no connection to this test's broker outlives it."""
    from kombu import pools

    from partnercenter.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url")}

    def reset_pools() -> None:
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    def switch(broker_url: str) -> None:
        reset_pools()
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = broker_url
        app.conf.task_always_eager = False
        app.conf.broker_url = broker_url

    yield switch
    reset_pools()
    for key, value in saved.items():
        app.conf[key] = value


# The Celery worker


class Worker:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    def log(self, last: int = 60) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-last:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'], safe='')}"


@pytest.fixture(scope="session")
def shared_database_url(django_db_setup) -> str:
    """The test database that pytest-django created, as a URL another process can use."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(
            "Celery worker: the worker must read the test database, and SQLite in memory cannot be shared between "
            "processes; run with PostgreSQL (DATABASE_URL, or PostgreSQL at 127.0.0.1:5432)"
        )
    return _database_url(connection.settings_dict)


def start_worker(env: dict[str, str], log_path: Path, *options: str) -> Worker:
    """A `celery -A partnercenter worker` subprocess with `env` and `options`, once it says it is ready; the test
    fails if it is not within WORKER_READY_TIMEOUT."""
    command = [sys.executable, "-m", "celery", "-A", "partnercenter", "worker", "-l", "info", *options]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    worker = Worker(process, log_path)
    ready = wait_until(
        lambda: " ready." in log_path.read_text(errors="replace") or process.poll() is not None,
        WORKER_READY_TIMEOUT,
    )
    if process.poll() is not None or not ready:
        worker.stop()
        pytest.fail(f"The Celery worker did not start within {WORKER_READY_TIMEOUT:.0f} s:\n{worker.log()}")
    return worker


@pytest.fixture(scope="session")
def celery_worker(shared_database_url, smtp_listener, redis_server, tmp_path_factory) -> Iterator[Worker]:
    """A real `celery worker` subprocess on the private Redis, the test database that pytest-django created and the
    SMTP listener."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": shared_database_url,
        "CELERY_BROKER_URL": redis_server.url,
        "EMAIL_URL": smtp_listener.url,
        "EMAIL_TIMEOUT": "5",
        # Seconds, not minutes, between tries: the worker's own retries must happen within the test.
        "EMAIL_RETRY_DELAY": "1",
    }
    worker = start_worker(
        env,
        tmp_path_factory.mktemp("celery") / "worker.log",
        "--pool=solo",
        "--concurrency=1",  # one task in hand at a time: a single lost acknowledgement would stop it
        "--hostname",
        f"outbox-tests-{os.getpid()}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    try:
        yield worker
    finally:
        worker.stop()


# The agent's side


def agent_sends_invitation(client: Client, world, recipient: str = "ga@litware.test", **headers) -> object:
    """Partner A's agent sends the pending request's draft through the Send view."""
    issued = world.pending
    link = invitation_link(issued.token)
    return client.post(
        reverse("relationships:request_send", args=[issued.request.public_id]),
        {
            "token": issued.token,
            "recipient_email": recipient,
            "message": f"Hello,\n\nFabrikam would like to be your partner. Accept here:\n{link}\n\nThanks",
        },
        **headers,
    )


def queued_email(to: str = "ga@litware.test") -> OutboxEmail:
    """An outbox row waiting to be sent, written without queueing a task."""
    subject, text, html = email_render(
        template="relationship_request",
        context={"message": "Join us: http://testserver/invitations/abcdefghijklmnopqrstuvwxyz012345/", "link": "#"},
        language="en",
    )
    return OutboxEmail.objects.create(to=to, subject=subject, body_text=text, body_html=html, language="en")


def wait_for_state(email_id: int, state: str, worker: Worker) -> OutboxEmail:
    arrived = wait_until(lambda: OutboxEmail.objects.get(pk=email_id).state == state, DELIVERY_TIMEOUT, interval=0.1)
    email = OutboxEmail.objects.get(pk=email_id)
    assert arrived, f"email still {email.state} after {DELIVERY_TIMEOUT:.0f} s; worker log:\n{worker.log()}"
    return email
