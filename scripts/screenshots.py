"""Screenshots of the tour's pages, at desktop and phone width, into docs/screenshots/ (or the directory given).

It serves the embedded default on a scratch SQLite database with the demo data, then signs in and clicks through
the pages as a person would, in Debian's Chromium: Customers (a row expanded), the draft email of a reseller
relationship request, the customer's Settings > Partner relationships with its details pane, and a list sorted and
filtered (Relationship requests: the pending ones, by expiry). `make screenshots` runs it; the README's tour links
the pictures, so that they show the portal as it is rather than as it was when someone last took them by hand.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Demo-password-2026"  # noqa: S105 -- the demo's documented sign-in
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
MAX_HEIGHT = 1400


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the development server stopped:\n" + (server.stderr.read() if server.stderr else ""))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("the development server did not start within 60 seconds")


def _sign_in(page: Page, site: str, env: dict, email: str, *, authenticator: bool) -> None:
    page.goto(site + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button.btn-primary[type=submit]")
    if authenticator:
        page.wait_for_selector("input[name=code]")
        left = 30 - time.time() % 30
        if left < 5:  # typed as its 30 seconds end, a code reaches the server too late: wait for the next
            time.sleep(left + 0.1)
        page.fill("input[name=code]", _manage(env, "totp_code", email).strip())
        page.click("main form button.btn-primary[type=submit]")
    page.wait_for_load_state("load")


def _shoot(page: Page, out: Path, name: str) -> list[Path]:
    """The page at each width, in the state it is in: scrolled down to at most MAX_HEIGHT (a list of 50 rows says no
    more in its last rows than in its first, and would weigh half a megabyte)."""
    taken = []
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        path = out / f"{name}-{width}.png"
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": viewport["width"], "height": height})
        taken.append(path)
    page.set_viewport_size(VIEWPORTS["desktop"])
    return taken


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    site = f"http://127.0.0.1:{port}"
    scratch = tempfile.mkdtemp(prefix="screenshots-")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
        "SITE_URL": site,
        "PYTHONUNBUFFERED": "1",
    }
    for unset in ("EMAIL_URL", "CELERY_BROKER_URL", "REDIS_URL"):  # the embedded default, whatever the shell holds
        env.pop(unset, None)
    _manage(env, "migrate", "-v0")
    _manage(env, "demo_data")
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    taken: list[Path] = []
    try:
        _wait_for(port, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            agent = browser.new_context(locale="en-US", viewport=VIEWPORTS["desktop"]).new_page()
            _sign_in(agent, site, env, "admin@fabrikam.example", authenticator=True)
            agent.goto(site + "/customers/")
            agent.locator("tr", has_text="Contoso").locator(".expander").first.click()
            agent.wait_for_load_state("networkidle")
            taken += _shoot(agent, out, "customers")
            agent.get_by_role("link", name="Request a reseller relationship").click()
            agent.locator("main form button[type=submit]").first.click()
            agent.wait_for_selector("textarea[name=message]")
            taken += _shoot(agent, out, "draft-email")
            # A list with sorting and filters: Relationship requests, pending ones, by when their links expire.
            agent.get_by_role("link", name="Relationship requests").first.click()
            agent.locator("#request-state").select_option("pending")
            agent.locator("#request-state").locator("xpath=ancestor::form").locator("button[type=submit]").click()
            agent.wait_for_load_state("load")
            agent.get_by_role("link", name="Expires").first.click()
            agent.wait_for_load_state("load")
            taken += _shoot(agent, out, "requests-sorted-filtered")

            customer = browser.new_context(locale="en-US", viewport=VIEWPORTS["desktop"]).new_page()
            _sign_in(customer, site, env, "globaladmin@contoso.example", authenticator=False)
            customer.get_by_role("link", name="Admin center").first.click()
            customer.get_by_role("link", name="Partner relationships").first.click()
            customer.get_by_role("link", name="Fabrikam Partners").first.click()
            customer.wait_for_load_state("load")
            taken += _shoot(customer, out, "partner-relationships-pane")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return taken


if __name__ == "__main__":
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for path in take(directory):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
