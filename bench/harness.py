"""What the page benchmarks share: production-like settings, a signed-in agent, gunicorn on PostgreSQL, wrk against
each page and a bare Django page in the same run, and the report of each page's throughput beside the bare page's.

A benchmark gives its own arguments, seeds its data and names its pages; `run` does the rest:

1. creates a dedicated database, migrates it, collects static files and calls the benchmark's `seed`, which returns
   the signed-in agent's cookie and the pages to load (the bare page is added last);
2. serves the portal with gunicorn (sync workers) with production-like settings (DEBUG off, persistent database
   connections, collected static files), with ROOT_URLCONF=bench.urls so that the same server also answers
   /bench/bare/, a bare view that renders a 50-row table of tenants through a minimal template;
3. checks that every page answers 200 signed in with the expected content, then loads each with wrk from loopback,
   in turn, with the bare page loaded before the first and after each (so that every page is measured between two
   measurements of the bare page), for --rounds rounds, and prints each page's median requests/s, p50 and p99 beside
   the bare page's, with the ratio of throughputs: the median over the rounds of the page's requests/s over the mean
   of the two bare measurements around it, which takes out what the machine's other work adds or takes away over a
   round;
4. stops gunicorn and drops the database (unless --keep).
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bench.database import create_database, drop_database, say

ROOT = Path(__file__).resolve().parent.parent
BARE = ("Bare 50-row table", "/bench/bare/", ["<table>", "</table>"])


@dataclass
class Page:
    label: str
    path: str
    must_contain: list[str]


@dataclass
class Result:
    label: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str
    size_kb: float = 0.0
    # The bare page's requests/s around this measurement (the mean of the one before and the one after), the
    # reference its ratio is taken against; None for the bare page itself.
    bare_rps: float | None = None


def arguments(parser: argparse.ArgumentParser, *, db_name: str) -> argparse.ArgumentParser:
    """The options every page benchmark takes (the benchmark adds its own, such as how many rows to seed)."""
    parser.add_argument("--seconds", type=int, default=6, help="duration of each measurement (default 6)")
    # Five short rounds rather than three long ones: the median of five rounds' ratios moves less with what else the
    # machine does (one round in three read 20 points apart from the others on a quiet machine).
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every page; medians printed (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement (default 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--db-name", default=db_name, help=f"database to create and drop (default {db_name})")
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server, no db")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser


def configure_environment(args: argparse.Namespace, *, hosts: str = "127.0.0.1") -> dict[str, str]:
    """Production-like settings, read by partnercenter.settings from the environment (here and in gunicorn); `hosts`
    the ALLOWED_HOSTS (a benchmark that also counts queries in process adds the test client's)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "partnercenter.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": hosts,
        "SITE_URL": "http://127.0.0.1",
        "SECURE_COOKIES": "false",
        "DATABASE_URL": f"{args.db_url}/{args.db_name}",
        "CONN_MAX_AGE": "600",
        "ROOT_URLCONF": "bench.urls",
        "CACHE_URL": "locmemcache://",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # Whatever the shell or a .env file says about email, a broker or TLS must not change the measurement (the
        # settings read .env only for variables that are not set, so these are set, not removed).
        "EMAIL_URL": "",
        "CELERY_BROKER_URL": "",
        "SECURE_SSL_REDIRECT": "false",
        "BEHIND_TLS_PROXY": "false",
        "SECURE_HSTS_SECONDS": "0",
    }
    os.environ.update(env)
    return env


def signed_in_cookie(agent) -> str:
    """A Cookie header for `agent`, signed in by writing a session directly, with the authenticator that partner users
    must have (two-step verification)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session[SESSION_KEY] = str(agent.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    TOTP.activate(agent, generate_totp_secret())
    session.create()
    return f"sessionid={session.session_key}; csrftoken={get_random_string(32)}"


def partner_with_customers(names):
    """The benchmarks' partner, Fabrikam Bench, with an Admin agent and a reseller customer for each (name, domain) of
    `names`, bulk-created in the caller's transaction. Returns (partner, agent, tenants)."""
    from django.utils.crypto import get_random_string

    from partnercenter.models import ResellerRelationship, SecurityGroup, Tenant
    from partnercenter.services import partner_create, user_create

    partner = partner_create(name="Fabrikam Bench", primary_domain="fabrikam-bench.example", partner_id="9000001")
    agent = user_create(
        tenant=partner.tenant,
        email="admin@fabrikam-bench.example",
        password=get_random_string(32),
        first_name="Bench",
        last_name="Admin",
        group_kinds=[SecurityGroup.Kind.ADMIN_AGENTS],
    )
    tenants = Tenant.objects.bulk_create(
        (Tenant(name=name, primary_domain=domain) for name, domain in names), batch_size=2000
    )
    ResellerRelationship.objects.bulk_create(
        (ResellerRelationship(partner=partner, customer=t) for t in tenants), batch_size=2000
    )
    return partner, agent, tenants


def clean_up(args: argparse.Namespace, proc: subprocess.Popen | None, workdir: str) -> None:
    """After a run, whatever happened: gunicorn stopped, its files and (unless --keep) the database gone."""
    if proc is not None:
        stop_gunicorn(proc)
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django may not be set up yet
        pass
    if args.keep:
        say(f"Kept database {args.db_name}")
    else:
        drop_database(args.db_url, args.db_name)
        say(f"Dropped database {args.db_name}")


def vacuum_analyze() -> None:
    """The steady state that autovacuum keeps: statistics and visibility map."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


# --- server --------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "partnercenter.wsgi:application",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "sync",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def get(port: int, path: str, cookie: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until_up(proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}):\n{log_path.read_text()}")
        try:
            get(port, "/accounts/login/", "")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {timeout:.0f}s:\n{log_path.read_text()}")


def check(port: int, path: str, cookie: str, must_contain: list[str]) -> int:
    """The page answers 200, signed in, with the expected content; returns its size in bytes."""
    status, location, body = get(port, path, cookie)
    if status != 200:
        raise SystemExit(f"GET {path} answered {status} {location} (expected 200, signed in)")
    missing = [text for text in must_contain if text not in body]
    if missing:
        raise SystemExit(f"GET {path} answered 200 but without {missing!r}: not the expected page")
    return len(body.encode())


# --- load --------------------------------------------------------------------------------------------------------

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS_MS[unit]


def wrk(args: argparse.Namespace, port: int, path: str, cookie: str, seconds: int) -> str:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
        "-H",
        "Accept-Language: en",
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    return done.stdout


def measure(args: argparse.Namespace, port: int, label: str, path: str, cookie: str) -> Result:
    if args.warmup > 0:
        wrk(args, port, path, cookie, args.warmup)
    out = wrk(args, port, path, cookie, args.seconds)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = []
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{match.group(1)} non-2xx/3xx")
    if match := re.search(r"Socket errors: (.*)", out):
        errors.append(f"socket errors: {match.group(1)}")
    return Result(label, path, rps, p50, p99, requests, "; ".join(errors))


def median_result(results: list[Result]) -> Result:
    first = results[0]
    return Result(
        first.label,
        first.path,
        statistics.median(r.rps for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.requests for r in results),
        "; ".join(r.errors for r in results if r.errors),
        first.size_kb,
    )


def share_of_bare(result: Result, bare: Result) -> float:
    """A page's throughput as a share of the bare page's measured around it (the round's bare page, for itself)."""
    return result.rps / (result.bare_rps or bare.rps)


def report(
    rounds: list[list[Result]], args: argparse.Namespace, *, data: str, target: float, targets: dict[str, float]
) -> None:
    """Each page's medians over the rounds; its throughput ratio is the median of the rounds' ratios, each taken
    against the bare page of the same round. `data` says what was seeded; a page's aim is the first of `targets`
    whose key is in its label, else `target`."""
    results = [median_result(list(page)) for page in zip(*rounds, strict=True)]
    bare = results[-1]
    ratios = [statistics.median(share_of_bare(r[i], r[-1]) for r in rounds) for i in range(len(results))]
    print()
    print(
        f"{data}; gunicorn {args.workers} sync workers; "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s; PostgreSQL; {os.cpu_count()} CPUs; "
        f"medians of {len(rounds)} round(s)"
    )
    header = (
        f"{'page':<34} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'req/s vs bare':>14} {'p50 vs bare':>12}"
        f" {'KB':>6}"
    )
    print(header)
    print("-" * len(header))
    for r, ratio in zip(results, ratios, strict=True):
        print(
            f"{r.label:<34} {r.rps:>10.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
            f"{ratio:>14.0%} {r.p50_ms / bare.p50_ms:>11.2f}x {r.size_kb:>6.1f}"
        )
    for r in results:
        if r.errors:
            print(f"  {r.label}: {r.errors}")
    if len(rounds) > 1:
        print()
        print(
            "each round, req/s vs bare: "
            + "; ".join(
                f"{r.label}: " + " ".join(f"{share_of_bare(rnd[i], rnd[-1]):.0%}" for rnd in rounds)
                for i, r in enumerate(results[:-1])
            )
        )
    print()
    for r, ratio in zip(results, ratios, strict=True):
        if r is bare:
            continue
        aim = next((t for key, t in targets.items() if key in r.label), target)
        verdict = "meets" if ratio >= aim else "BELOW"
        print(f"{r.label}: {ratio:.0%} of the bare page's throughput ({verdict} the {aim:.0%} target)")


def run(
    args: argparse.Namespace,
    *,
    seed: Callable[[], tuple[str, list[Page]]],
    data: str,
    target: float,
    targets: dict[str, float] | None = None,
) -> int:
    """The whole benchmark (see the module's docstring). `seed` runs once the database is migrated and returns the
    signed-in cookie and the pages to measure; the bare page is measured after them in every round."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    configure_environment(args)
    say(f"Creating database {args.db_name}")
    create_database(args.db_url, args.db_name)
    proc = None
    workdir = Path(tempfile.mkdtemp(prefix="partnercenter-bench-"))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        say("Migrating")
        call_command("migrate", interactive=False, verbosity=0)
        say("Collecting static files (the manifest that DEBUG-off pages need)")
        call_command("collectstatic", interactive=False, verbosity=0)
        say(f"Seeding: {data}")
        cookie, pages = seed()
        pages = [*pages, Page(*BARE)]
        connections.close_all()

        port = free_port()
        say(f"Starting gunicorn on 127.0.0.1:{port} ({args.workers} sync workers)")
        log_path = workdir / "gunicorn.log"
        proc = start_gunicorn(port, args.workers, log_path)
        wait_until_up(proc, port, log_path)

        sizes = [check(port, page.path, cookie, page.must_contain) for page in pages]
        rounds = []
        *measured, bare_page = pages

        def load(page: Page, size: int, n: int) -> Result:
            say(f"Round {n}/{args.rounds}: loading {page.path} for {args.seconds}s")
            result = measure(args, port, page.label, page.path, cookie)
            result.size_kb = size / 1024
            return result

        for n in range(1, args.rounds + 1):
            bares = [load(bare_page, sizes[-1], n)]
            results = []
            for page, size in zip(measured, sizes, strict=False):
                result = load(page, size, n)
                bares.append(load(bare_page, sizes[-1], n))
                result.bare_rps = (bares[-2].rps + bares[-1].rps) / 2
                results.append(result)
            # The round's bare page: the median of its measurements (its figures in the table).
            results.append(median_result(bares))
            rounds.append(results)
        report(rounds, args, data=data, target=target, targets=targets or {})
        return 0
    finally:
        clean_up(args, proc, workdir)
