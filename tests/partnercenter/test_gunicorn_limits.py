"""Through the real web server, gunicorn with the project's gunicorn.conf.py: what reaches Django gets the portal's
pages, and only a request line over gunicorn's own maximum gets gunicorn's bare answer."""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_MAX_REQUEST_LINE = 8190


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[int]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        # The requests below are answered before any query: an anonymous visitor without a session cookie.
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('gunicorn')}/unused.sqlite3",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    # Started from the project's root, as every way of running it does, so gunicorn reads gunicorn.conf.py there.
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "partnercenter.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("gunicorn exited at start")
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start within 20 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, target: str, language: str = "en") -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", target, headers={"Accept-Language": language})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def _target_for_line(length: int) -> str:
    """A path whose request line ("GET <path> HTTP/1.1") is `length` bytes long."""
    prefix = "/no-such-page/?pad="
    return prefix + "a" * (length - len("GET  HTTP/1.1") - len(prefix))


def test_a_request_line_up_to_gunicorns_maximum_reaches_the_portal(server):
    status, body = _get(server, _target_for_line(GUNICORN_MAX_REQUEST_LINE), language="zh-hant")
    assert status == 404  # gunicorn's default limit (4094) would have answered 414 itself
    assert 'lang="zh-hant"' in body and "找不到頁面" in body


def test_a_request_line_over_gunicorns_maximum_gets_gunicorns_own_414(server):
    status, _ = _get(server, _target_for_line(GUNICORN_MAX_REQUEST_LINE + 1))
    assert status == 414  # gunicorn answers before Django runs: it cannot render the portal's page


def test_a_nul_through_the_real_server_gets_the_portals_400(server):
    status, body = _get(server, "/customers/?q=%00", language="zh-hant")
    assert status == 400
    assert "要求無效" in body and "null 字元" in body
