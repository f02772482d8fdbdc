"""The largest Autopilot files a form lets through (95 MB, under the 100 MB limit), uploaded to the real web server:
gunicorn with the project's gunicorn.conf.py, a signed-in Admin agent, on the test database. Each is answered with
the portal's own page, in the page's language, within 5 seconds, by a web process that stays under 300 MB and is not
restarted. Before the files were read in chunks with early limits, 95 MB of blank lines took the process past its
timeout (gunicorn's bare 500 after 31 s) and to 1.1 GB."""

import html
import http.client
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from ..partnercenter.test_gunicorn_limits import ROOT, _free_port

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the server process needs the test database: PostgreSQL, not SQLite"
)

SIZE = 95 * 2**20
ANSWER_WITHIN = 5.0
WORKER_PEAK_MB = 300
HEADER = b"Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model\r\n"
# What each file is made of (its first line, then one line over and over up to SIZE) and what it is refused with.
FILES = {
    "blank lines": (b"", b"\r\n", "empty"),
    "blank lines after the header": (HEADER, b"\r\n", "too_many_lines"),
    "empty rows": (HEADER, b",,,,\r\n", "too_many_lines"),
}
MESSAGES = {
    ("empty", "en"): "The file is empty. Upload a CSV file with the header and one device per line.",
    ("empty", "zh-hant"): "檔案是空的。請上傳包含標題列、且每行一部裝置的 CSV 檔案。",
    ("too_many_lines", "en"): "The file has more than 21,000 lines, blank ones included.",
    ("too_many_lines", "zh-hant"): "檔案超過 21,000 行（包含空白行）。",
}


def _database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    return f"postgres://{settings['USER']}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker_of(master: int) -> int:
    """The pid of gunicorn's (only) web process: the master's child."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            return int(status.parent.name)
    raise LookupError("gunicorn has no web process")


def _peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[tuple[int, int]]:
    """(port, master pid) of gunicorn serving the test database, with one web process and the project's settings
    otherwise (its timeout included). Skipped, saying why, when gunicorn cannot start here."""
    with django_db_blocker.unblock():
        database_url = _database_url()
    port = _free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ["SECRET_KEY"],  # the sessions signed here are read there
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": "",
    }
    with log.open("wb") as output:
        # From the project's root, as every way of running it does, so gunicorn reads gunicorn.conf.py there.
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "partnercenter.wsgi:application"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                probe.request("GET", "/health/live/")
                probe.close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"gunicorn could not start: {log.read_text(errors='replace')[-500:]}")
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    return dict(
        re.match(r"([^=]+)=([^;]*)", header).groups()
        for name, header in response.getheaders()
        if name.lower() == "set-cookie"
    )


def _multipart(fields: dict[str, str], file_head: bytes, line: bytes, size: int) -> tuple[str, int, Iterator[bytes]]:
    """A form's body (content type, length, and its bytes a megabyte at a time): the fields, then a file of `size`
    bytes, `file_head` and `line` over and over. Nothing of it is held whole."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="devices.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    lines = (size - len(file_head)) // len(line)
    chunk = line * (2**20 // len(line))

    def body() -> Iterator[bytes]:
        yield head + file_head
        left = lines
        while left:
            count = min(left, len(chunk) // len(line))
            yield chunk[: count * len(line)]
            left -= count
        yield tail

    length = len(head) + len(file_head) + lines * len(line) + len(tail)
    return f"multipart/form-data; boundary={boundary}", length, body()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("kind", FILES)
def test_a_95_mb_file_gets_the_portals_page_within_5_seconds_and_the_web_process_stays_small(
    transactional_db, world, server, kind, language
):
    port, master = server
    client = Client()
    client.force_login(world.a_admin)  # a session in the database the server reads
    cookies = {"sessionid": client.cookies["sessionid"].value}
    path = reverse("customers:device_add", args=[world.customer_x.public_id])
    worker = _worker_of(master)

    def request(method: str, body=None, headers=None) -> tuple[int, str, http.client.HTTPResponse]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
        connection.request(
            method, path, body=body, headers={"Cookie": cookie, "Accept-Language": language, **(headers or {})}
        )
        response = connection.getresponse()
        page = html.unescape(response.read().decode("utf-8", "replace"))
        connection.close()
        return response.status, page, response

    status, page, response = request("GET")
    assert status == 200, page[:500]
    cookies.update(_cookies(response))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    file_head, line, refusal = FILES[kind]
    content_type, length, body = _multipart({"csrfmiddlewaretoken": token, "name": kind}, file_head, line, SIZE)
    started = time.monotonic()
    status, page, _ = request("POST", body, {"Content-Type": content_type, "Content-Length": str(length)})
    seconds = time.monotonic() - started

    assert status == 400 and seconds < ANSWER_WITHIN, (status, seconds, page[:300])
    assert MESSAGES[refusal, language] in page, re.findall(r"errorlist.{0,200}", page)
    assert 'name="csrfmiddlewaretoken"' in page  # the form again, in the portal's page, to choose another file
    assert _worker_of(master) == worker, "the web process was restarted (a timeout?)"
    peak = _peak_mb(worker)
    print(f"{kind}, {SIZE / 2**20:.0f} MB, {language}: answered in {seconds:.2f} s; web process peak {peak:.0f} MB")
    assert peak < WORKER_PEAK_MB
