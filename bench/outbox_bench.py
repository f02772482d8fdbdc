"""Benchmark of the email outbox: invitation emails created by the service and delivered by a real Celery worker.

What it does:

1. creates a dedicated database (partnercenter_outbox_bench), migrates it and seeds a partner, its Admin agent and
   1,000 pending relationship requests (`--emails`), each with its link's token kept in memory for its draft;
2. starts a loopback SMTP listener (aiosmtpd) in this process, on a free port, which counts the messages it accepts
   and notes when each arrives;
3. starts one real Celery worker (`celery -A partnercenter worker`, prefork, `--concurrency` 2: what each worker of
   `make serve` runs, CELERY_CONCURRENCY) with production-like settings (DEBUG off, the product's Celery settings),
   on Redis at 127.0.0.1:6379 in a database of its own (`--redis-url`, db 13) and on a queue named for this run, so
   that it takes no one else's tasks and no one else takes its own; waits until it is ready;
4. sends every request's draft through the service the Send button calls (relationship_request_send): each call
   writes the email to the outbox and queues its task when its transaction commits, as the product does;
5. waits for the last message to reach the listener, checks that each email arrived once and that every outbox row
   is sent, and prints: the messages created, the time the service calls took, the time from the first task queued
   to the last message received (the aim: 20 seconds or less for 1,000), and the messages per second; and the CPU
   time the worker's processes and this one used meanwhile, per email (less sensitive than the times to what else
   the machine is doing);
6. stops the worker and the listener, removes its queue from Redis and drops the database (unless --keep), whatever
   happened.

    .venv/bin/python bench/outbox_bench.py [--emails 1000] [--concurrency 2] [--redis-url URL] [--keep]

The figure against the aim is reported, not asserted: the benchmark exits 0 when every email was delivered once,
whether or not within the aim.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.database import create_database, drop_database, say  # noqa: E402  (after the path is set)
from bench.harness import configure_environment, free_port, vacuum_analyze  # noqa: E402

TARGET_SECONDS = 20.0
# The aim is for 1,000 emails; a run with another count is held to the same rate.
TARGET_EMAILS = 1000
WORKER_READY_TIMEOUT = 60.0
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=TARGET_EMAILS, help="invitation emails to send (default 1000)")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="the worker's processes (default 2: CELERY_CONCURRENCY's default in scripts/serve.sh)",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="the broker; the run's queue is its own (default redis://127.0.0.1:6379/13)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for delivery (default 300)")
    parser.add_argument(
        "--db-name", default="partnercenter_outbox_bench", help="database to create and drop (default %(default)s)"
    )
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- the SMTP listener -------------------------------------------------------------------------------------------


class CountingHandler:
    """Accepts every message; keeps each one's Message-ID and when it arrived (time.monotonic, as the rest of the
    benchmark). Reads the header with a regular expression rather than parsing the message: the listener shares
    this process with the service calls, and should take as little of it as it can."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        now = time.monotonic()
        content = envelope.original_content or envelope.content
        match = MESSAGE_ID.search(content.split(b"\r\n\r\n", 1)[0])
        with self.lock:
            self.arrivals.append((now, match.group(1).decode() if match else ""))
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def start_listener(handler: CountingHandler):
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    return controller


# --- the worker --------------------------------------------------------------------------------------------------


def start_worker(args: argparse.Namespace, queue: str, log_path: Path) -> subprocess.Popen:
    """`celery -A partnercenter worker` as supervisord.conf runs it (prefork, info log), on this run's queue. The
    environment is this process's: the production-like settings, the broker, the listener as EMAIL_URL."""
    env = {**os.environ}
    env.pop("CONN_MAX_AGE", None)  # the product's default (60 s), as a worker runs in production
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "partnercenter",
        "worker",
        "-l",
        "info",
        "--concurrency",
        str(args.concurrency),
        "--hostname",
        f"{queue}@%h",
        "--queues",
        queue,
    ]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_ready(proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + WORKER_READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The Celery worker exited ({proc.returncode}):\n{tail(log_path)}")
        if " ready." in log_path.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise SystemExit(f"The Celery worker was not ready within {WORKER_READY_TIMEOUT:.0f} s:\n{tail(log_path)}")


def stop_worker(proc: subprocess.Popen) -> None:
    """A warm shutdown (SIGTERM to the worker and its pool), then SIGKILL if it does not end."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def tail(log_path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def check_broker(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        raise SystemExit(f"Redis does not answer at {redis_url}: {error}") from None
    finally:
        client.close()


def remove_queue(redis_url: str, queue: str) -> None:
    """What the run left in Redis under its own names: its queue (and its priority levels) and the queue's binding
    tables. The rest of the database is left alone: anyone else's keys, and the worker's control and event bindings,
    which kombu gives an expiry and sweeps itself."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        keys = [*client.scan_iter(match=f"{queue}*"), f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        client.delete(*keys)
    finally:
        client.close()


# --- seeding and sending -----------------------------------------------------------------------------------------


def seed(count: int):
    """The benchmarks' partner with its Admin agent, and `count` pending relationship requests of its own, written
    as relationship_request_create writes them (a link's token is kept only in memory: here, for the drafts).
    Returns the agent and the (request, token) pairs."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from bench.harness import partner_with_customers
    from relationships.models import RelationshipRequest
    from relationships.tokens import token_hash, token_new

    with transaction.atomic():
        partner, agent, _ = partner_with_customers([])
        tokens = [token_new() for _ in range(count)]
        expires_at = timezone.now() + timedelta(days=settings.RELATIONSHIP_REQUEST_LIFETIME_DAYS)
        requests = RelationshipRequest.objects.bulk_create(
            (
                RelationshipRequest(
                    partner=partner,
                    created_by=agent,
                    include_delegated_admin=n % 2 == 0,
                    token_hash=token_hash(token),
                    expires_at=expires_at,
                )
                for n, token in enumerate(tokens)
            ),
            batch_size=1000,
        )
    # As the Send view reads it (its partner too, whose name the email carries).
    by_id = RelationshipRequest.objects.select_related("created_by", "partner").in_bulk([r.pk for r in requests])
    return agent, [(by_id[r.pk], token) for r, token in zip(requests, tokens, strict=True)]


def draft_message(relationship_request, agent, token: str, language: str) -> str:
    """The draft the Send page shows (relationships.views._render_draft), unedited."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from relationships.tokens import invitation_link

    with translation.override(language):
        return render_to_string(
            "relationships/draft_message.txt",
            {
                "partner": relationship_request.partner,
                "agent": agent,
                "link": invitation_link(token),
                "request": relationship_request,
            },
        ).strip()


def send_all(agent, drafts) -> tuple[float, float, list[float]]:
    """Every draft sent through relationship_request_send, one call (one transaction) each, as the Send button
    does. Returns when the calls began and ended, and when each task was queued (Celery's after_task_publish, in
    this process: the product's own enqueue, observed)."""
    from celery.signals import after_task_publish

    from relationships.services import relationship_request_send

    published: list[float] = []

    def on_publish(sender=None, **kwargs) -> None:
        if sender == "partnercenter.tasks.send_outbox_email":
            published.append(time.monotonic())

    after_task_publish.connect(on_publish, weak=False)
    try:
        began = time.monotonic()
        for n, (relationship_request, token, message, language) in enumerate(drafts):
            relationship_request_send(
                relationship_request=relationship_request,
                sent_by=agent,
                token=token,
                recipient_email=f"admin{n:05d}@customer{n:05d}.example",
                message=message,
                language=language,
            )
        ended = time.monotonic()
    finally:
        after_task_publish.disconnect(on_publish)
    return began, ended, published


def wait_for(condition, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


# --- the run -----------------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a run measured (times are time.monotonic, in this process)."""

    created: int  # outbox rows written by the service calls
    began: float  # the first service call began
    ended: float  # the last service call returned
    published: list[float]  # when each task was queued
    arrivals: list[tuple[float, str]]  # when each message reached the listener, and its Message-ID
    delivered: bool  # every message arrived within --timeout
    states: dict[str, int]  # outbox rows by state, at the end
    expected_ids: set[str]  # the Message-IDs of the outbox rows
    worker_cpu: float | None  # seconds of CPU the worker's processes used from ready to the last message
    own_cpu: float  # seconds of CPU this process used meanwhile (the service calls and the listener)


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user and system) of a process and its children, from /proc (Linux); None where there is none."""
    tick = os.sysconf("SC_CLK_TCK")
    pids, total = [pid], 0.0
    try:
        for p in pids:  # grows as children are found: the worker's pool processes
            for task in os.listdir(f"/proc/{p}/task"):
                pids.extend(int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split())
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError):
        return None
    return total


def run(args: argparse.Namespace) -> int:
    check_broker(args.redis_url)
    queue = f"outbox-bench-{os.getpid()}-{os.urandom(3).hex()}"
    handler = CountingHandler()
    listener = start_listener(handler)
    worker = None
    workdir = Path(tempfile.mkdtemp(prefix="partnercenter-outbox-bench-"))
    log_path = workdir / "worker.log"
    try:
        configure_environment(args)
        # After configure_environment, which empties both: this run's broker, and the listener as the mailer.
        os.environ["CELERY_BROKER_URL"] = args.redis_url
        os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{listener.port}"
        say(f"Creating database {args.db_name}")
        create_database(args.db_url, args.db_name)

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from partnercenter.celery import app
        from partnercenter.models import OutboxEmail

        # This process publishes to the run's queue, which only the run's worker reads.
        app.conf.task_default_queue = queue

        say("Migrating")
        call_command("migrate", interactive=False, verbosity=0)
        say(f"Seeding: a partner, its Admin agent and {args.emails:,} pending relationship requests")
        agent, requests = seed(args.emails)
        vacuum_analyze()
        languages = ["en", "zh-hant"]
        drafts = [
            (r, token, draft_message(r, agent, token, languages[n % 2]), languages[n % 2])
            for n, (r, token) in enumerate(requests)
        ]
        connections.close_all()

        say(
            f"Starting a Celery worker (prefork, concurrency {args.concurrency}) on {args.redis_url}, queue {queue}; "
            f"SMTP listener on 127.0.0.1:{listener.port}"
        )
        worker = start_worker(args, queue, log_path)
        wait_until_ready(worker, log_path)

        say(f"Sending {args.emails:,} drafts through relationship_request_send")
        worker_cpu, own_cpu = cpu_seconds(worker.pid), time.process_time()
        began, ended, published = send_all(agent, drafts)
        created = OutboxEmail.objects.count()
        say(f"Waiting for {args.emails:,} messages at the listener (at most {args.timeout:.0f} s)")
        delivered = wait_for(lambda: handler.count() >= args.emails, args.timeout)
        worker_cpu_after, own_cpu = cpu_seconds(worker.pid), time.process_time() - own_cpu
        # The last row is marked sent just after its message is accepted; a duplicate would arrive about as late.
        wait_for(lambda: not OutboxEmail.objects.exclude(state=OutboxEmail.State.SENT).exists(), 10, interval=0.1)
        time.sleep(1)
        with handler.lock:
            arrivals = list(handler.arrivals)
        figures = Figures(
            created=created,
            began=began,
            ended=ended,
            published=published,
            arrivals=arrivals,
            delivered=delivered,
            states=dict(sorted(Counter(OutboxEmail.objects.values_list("state", flat=True)).items())),
            expected_ids={f"<{u}@partnercenter>" for u in OutboxEmail.objects.values_list("public_id", flat=True)},
            worker_cpu=None if worker_cpu is None or worker_cpu_after is None else worker_cpu_after - worker_cpu,
            own_cpu=own_cpu,
        )
        ok = report(args, figures)
        if not ok:
            print(f"The worker's log, last lines:\n{tail(log_path)}")
        return 0 if ok else 1
    finally:
        if worker is not None:
            stop_worker(worker)
        listener.stop()
        try:
            remove_queue(args.redis_url, queue)
        except Exception as error:  # a broker that went away must not keep the database from being dropped
            say(f"Could not remove the queue {queue} from Redis: {error}")
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet
            pass
        if args.keep:
            say(f"Kept database {args.db_name}; the worker's log: {log_path}")
        else:
            drop_database(args.db_url, args.db_name)
            say(f"Dropped database {args.db_name}")
            shutil.rmtree(workdir, ignore_errors=True)


def report(args: argparse.Namespace, f: Figures) -> bool:
    """Prints the figures; True when every email arrived once and every outbox row is sent."""
    received = Counter(message_id for _, message_id in f.arrivals)
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    missing = len(f.expected_ids - received.keys())
    unknown = len(received.keys() - f.expected_ids)
    n = max(args.emails, 1)

    from django.conf import settings

    acks = "late acks" if settings.CELERY_TASK_ACKS_LATE else "early acks"
    print()
    print(
        f"{args.emails:,} invitation emails; one Celery worker (prefork, concurrency {args.concurrency}, prefetch "
        f"multiplier {settings.CELERY_WORKER_PREFETCH_MULTIPLIER}, {acks}) on Redis; loopback SMTP listener; "
        f"PostgreSQL; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'messages created (outbox rows)':<44} {f.created:>10,}")
    print(f"{'tasks queued (published to the broker)':<44} {len(f.published):>10,}")
    print(f"{'messages received (SMTP listener)':<44} {len(f.arrivals):>10,}")
    calls = f.ended - f.began
    print(f"{'time to create (the service calls)':<44} {calls:>9.2f}s  ({calls / n * 1000:.1f} ms each)")
    if f.published and f.arrivals and f.delivered:
        last_received = max(at for at, _ in f.arrivals)
        span = last_received - f.published[0]
        rate = len(f.arrivals) / span if span > 0 else float("inf")
        print(f"{'first enqueue to last message received':<44} {span:>9.2f}s")
        print(f"{'  of which after the last service call':<44} {last_received - f.ended:>9.2f}s")
        print(f"{'messages per second':<44} {rate:>10.1f}")
    if f.worker_cpu is not None:
        print(f"{'CPU, the worker (its processes)':<44} {f.worker_cpu:>9.2f}s  ({f.worker_cpu / n * 1000:.1f} ms each)")
    print(f"{'CPU, this process (calls and listener)':<44} {f.own_cpu:>9.2f}s  ({f.own_cpu / n * 1000:.1f} ms each)")
    print()
    if f.published and f.arrivals and f.delivered:
        aim = TARGET_SECONDS * args.emails / TARGET_EMAILS
        verdict = "meets" if span <= aim else "MISSES"
        print(
            f"Delivery: {span:.1f} s from the first enqueue to the last message received, {rate:.0f} messages/s "
            f"({verdict} the aim of {aim:.3g} s or less for {args.emails:,}"
            + (f", {TARGET_SECONDS:.0f} s for {TARGET_EMAILS:,}" if args.emails != TARGET_EMAILS else "")
            + ")"
        )
    else:
        print(f"Delivery: only {len(f.arrivals):,} of {args.emails:,} messages arrived within {args.timeout:.0f} s")
    print(f"Outbox rows by state: {f.states}")
    problems = []
    if f.created != args.emails or len(f.published) != args.emails:
        problems.append(f"{f.created} rows written and {len(f.published)} tasks queued for {args.emails} emails")
    if duplicates or missing or unknown:
        problems.append(f"{duplicates} duplicate, {missing} missing and {unknown} unknown messages")
    if f.states.get("sent", 0) != args.emails:
        problems.append("not every outbox row is sent")
    if problems:
        print("PROBLEM: " + "; ".join(problems))
        return False
    print("Every email arrived once, and every outbox row is sent.")
    return True


def main() -> int:
    return run(parse_args())


if __name__ == "__main__":
    sys.exit(main())
