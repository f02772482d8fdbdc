"""What the page benchmarks share: production-like settings, gunicorn started and stopped, a page checked, and wrk's
figures read (customers_bench.py, lists_bench.py)."""

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
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def configure_environment(args: argparse.Namespace, *, hosts: str = "127.0.0.1") -> dict[str, str]:
    """Production-like settings, read by partnercenter.settings from the environment (here and in gunicorn)."""
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
