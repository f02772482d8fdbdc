"""The production shape for real, with faults: `scripts/serve.sh` (gunicorn with two web processes, two Celery
workers and beat under supervisord) on the test database, a Redis of its own as broker and cache, and an SMTP
listener of its own. While agents' emails go out and visitors sign in, Redis is killed and started again empty, a
worker is killed with SIGKILL, and the SMTP server goes away and comes back. Every email must arrive exactly once,
within 60 seconds of the fault it met ending, and no web request may fail. Prints its figures."""

import asyncio
import email
import email.policy
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from partnercenter.emails import outbox_dispatch
from partnercenter.models import OutboxEmail, User
from tests.factories import PASSWORD

from .conftest import ROOT, RedisServer, free_port, queued_email, wait_until

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

RECOVERY_LIMIT = 60.0  # seconds after a fault ends by which every email has arrived
STARTUP_TIMEOUT = 90.0
BATCH = 15
SIGN_IN_INTERVAL = 2.5


class RecordingSMTPHandler:
    """Keeps the Message-ID of everything it accepts, with the moment it arrived. `rcpt_delay` makes it a slow server,
    as a remote one is: each recipient takes that long to be answered."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[tuple[str, float]] = []
        self.rcpt_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd calls it by this name
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.arrivals.append((message["Message-ID"], time.monotonic()))
        return "250 Message accepted for delivery"


class SMTPServer:
    """An SMTP listener on a fixed port that can go away and come back."""

    def __init__(self, controller_class) -> None:
        self.controller_class = controller_class
        self.handler = RecordingSMTPHandler()
        self.port = free_port()
        self.controller = None

    def start(self) -> None:
        self.controller = self.controller_class(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Visitors:
    """Sign-in traffic against the real web processes, counting every request that fails (a 5xx or no answer)."""

    def __init__(self, base_url: str, login: str) -> None:
        self.base_url = base_url
        self.login = login
        self.requests = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _request(self, opener, path: str, data: dict | None = None) -> tuple[int, str]:
        self.requests += 1
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(f"{self.base_url}{path}", data=body, timeout=10) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            if error.code >= 500:
                self.failures.append(f"{path}: {error.code}")
            return error.code, ""
        except OSError as error:
            self.failures.append(f"{path}: {error}")
            return 0, ""

    def _sign_in(self) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        _, page = self._request(opener, "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            self.failures.append("the sign-in page has no form")
            return
        form = {"csrfmiddlewaretoken": token.group(1), "login": self.login, "password": PASSWORD}
        status, signed_in = self._request(opener, "/accounts/login/", form)
        if "Sign out" not in signed_in:
            self.failures.append(f"sign-in did not sign in ({status})")

    def _run(self) -> None:
        # Sign-ins at a pace under the portal's limit of sign-ins per address (30 a minute); pages in between.
        next_sign_in = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_sign_in:
                self._sign_in()
                next_sign_in = time.monotonic() + SIGN_IN_INTERVAL
            opener = urllib.request.build_opener()
            self._request(opener, "/health/live/")
            self._request(opener, "/accounts/login/")
            self._stop.wait(0.2)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=20)


def _children(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            found.append((int(entry.name), cmdline))
    return found


class ProductionShape:
    def __init__(self, env: dict, log_path: Path) -> None:
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(ROOT / "scripts" / "serve.sh")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self, last: int = 80) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-last:])

    def worker_pid(self, name: str) -> int | None:
        for pid, cmdline in _children(self.process.pid):
            if f"--hostname {name}@" in cmdline:
                return pid
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("Redis: redis-server is not installed (apt-get install redis-server); this test starts its own")
    with tempfile.TemporaryDirectory(prefix="pc-prod-redis-") as workdir:
        server = RedisServer(binary, workdir)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def own_smtp():
    controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
    server = SMTPServer(controller_module.Controller)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def production(shared_database_url, own_redis, own_smtp, tmp_path):
    if not (ROOT / ".venv" / "bin" / "supervisord").exists():
        pytest.skip("supervisord is not installed in .venv (pip install -r requirements.txt)")
    port = free_port()
    redis_base = f"redis://127.0.0.1:{own_redis.port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_"))} | {
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
        "SECRET_KEY": "production-shape-test-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": shared_database_url,
        "CELERY_BROKER_URL": f"{redis_base}/0",
        "CACHE_URL": f"{redis_base}/1",
        "EMAIL_URL": f"smtp://127.0.0.1:{own_smtp.port}",
        "EMAIL_TIMEOUT": "5",
        "PORT": str(port),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "CELERY_WORKERS": "2",
        "CELERY_CONCURRENCY": "1",
        "SUPERVISOR_RUN_DIR": str(tmp_path / "run"),
    }
    shape = ProductionShape(env, tmp_path / "serve.log")
    try:

        def ready() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready/", timeout=2) as response:
                    return response.status == 200 and shape.worker_pid("worker1") is not None
            except OSError:
                return False

        if not wait_until(lambda: ready() or shape.process.poll() is not None, STARTUP_TIMEOUT, interval=0.5):
            pytest.fail(f"The production shape did not become ready within {STARTUP_TIMEOUT:.0f} s:\n{shape.log()}")
        if shape.process.poll() is not None:
            pytest.fail(f"scripts/serve.sh exited:\n{shape.log()}")
        time.sleep(3)  # the workers connect to Redis
        shape.base_url = f"http://127.0.0.1:{port}"
        yield shape
    finally:
        shape.stop()


def _production_password(user: User) -> None:
    """The test settings hash with MD5 for speed, which the production settings do not accept."""
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt(), iterations=1000)
    User.objects.filter(pk=user.pk).update(password=encoded)


def test_every_email_arrives_once_within_a_minute_of_each_fault_and_no_request_fails(
    production, own_redis, own_smtp, publish_to, world
):
    publish_to(own_redis.url)
    _production_password(world.user("x_ga"))
    visitors = Visitors(production.base_url, world.user("x_ga").email)
    visitors.start()
    batches: dict[str, list[OutboxEmail]] = {}
    fault_ended: dict[str, float] = {}

    def send_batch(name: str, count: int = BATCH) -> list[OutboxEmail]:
        rows = [queued_email(f"{name}-{n}@litware.test") for n in range(count)]
        for row in rows:
            outbox_dispatch(row.pk)  # as the web process does after commit; a broker that is down leaves it queued
        batches.setdefault(name, []).extend(rows)
        return rows

    def arrived(rows: list[OutboxEmail]) -> bool:
        ids = {message_id for message_id, _ in own_smtp.handler.arrivals}
        return all(row.message_id in ids for row in rows)

    def await_recovery(name: str) -> None:
        deadline = RECOVERY_LIMIT - (time.monotonic() - fault_ended[name]) + 5
        wait_until(lambda: arrived(batches[name]), max(deadline, 0), interval=0.5)

    try:
        # Redis is killed with tasks in flight, emails are queued while it is down, and it comes back empty.
        send_batch("redis")
        time.sleep(0.5)
        own_redis.process.kill()
        own_redis.process.wait(timeout=5)
        send_batch("redis", 5)
        time.sleep(5)
        own_redis.start()
        fault_ended["redis"] = time.monotonic()
        await_recovery("redis")

        # A worker is killed with SIGKILL while it sends. The mail server is slow to answer, so the worker dies in
        # the middle of the conversation, before the server has the message. (A worker that dies in the instant
        # between the server accepting a message and the database recording it leaves a claim that is sent again:
        # no mail protocol can tell that apart; partnercenter/outbox.py keeps that instant as short as it can.)
        own_smtp.handler.rcpt_delay = 1.0
        send_batch("worker")
        victim = production.worker_pid("worker0")
        assert wait_until(lambda: OutboxEmail.objects.filter(state="sending").exists(), 10, interval=0.02)
        time.sleep(0.3)
        os.kill(victim, signal.SIGKILL)
        fault_ended["worker"] = time.monotonic()
        own_smtp.handler.rcpt_delay = 0.0
        await_recovery("worker")
        assert wait_until(lambda: production.worker_pid("worker0") not in (None, victim), 30), production.log()

        # The SMTP server goes away with emails to send, and comes back.
        own_smtp.stop()
        send_batch("smtp")
        time.sleep(8)
        own_smtp.start()
        fault_ended["smtp"] = time.monotonic()
        await_recovery("smtp")
    finally:
        visitors.stop()

    time.sleep(3)  # anything sent a second time would arrive now
    arrivals = list(own_smtp.handler.arrivals)
    counts: dict[str, int] = {}
    first_arrival: dict[str, float] = {}
    for message_id, at in arrivals:
        counts[message_id] = counts.get(message_id, 0) + 1
        first_arrival.setdefault(message_id, at)
    every = [row for rows in batches.values() for row in rows]
    lost = [row.to for row in every if row.message_id not in counts]
    duplicated = [row.to for row in every if counts.get(row.message_id, 0) > 1]
    slowest = {
        name: max(first_arrival.get(row.message_id, float("inf")) for row in rows) - fault_ended[name]
        for name, rows in batches.items()
    }
    print(
        f"\nProduction shape under faults: {len(every)} emails sent, {len(lost)} lost, {len(duplicated)} duplicated; "
        "slowest delivery after recovery: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest.items())
        + f"; web requests: {visitors.requests}, failed: {len(visitors.failures)}"
    )

    assert not lost, f"lost: {lost}\n{production.log()}"
    assert not duplicated, f"duplicated: {duplicated}"
    assert all(seconds <= RECOVERY_LIMIT for seconds in slowest.values()), slowest
    assert not visitors.failures, visitors.failures[:10]
