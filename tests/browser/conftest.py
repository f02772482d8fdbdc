"""Browser tests: Debian's Chromium driven by Playwright, against the app served by `live_server`, with email
delivered over SMTP to a real listener (aiosmtpd).

Playwright's sync API keeps an asyncio loop running in the main thread while it is started, and Django refuses ORM
calls from a thread with a running loop. So the browser is started per test, after the database fixtures have built
the personas, and stopped before they flush the database; the test body itself talks only to the browser."""

import email
import email.policy
import importlib.util
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.cache import cache

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe-core as bundled by axe-playwright-python (only its JavaScript file is used).
_AXE_PACKAGE = importlib.util.find_spec("axe_playwright_python")
AXE_JS = Path(_AXE_PACKAGE.submodule_search_locations[0]) / "axe.min.js" if _AXE_PACKAGE else None

# Reported to Python from every page: the CSP violations the browser saw (the page's own listener) and JS errors.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


# Email: a real SMTP listener.


@dataclass
class Mailbox:
    """What the SMTP listener received, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} email(s) at the SMTP listener, got {len(self.messages)}")
            return list(self.messages)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_mailbox(settings) -> Iterator[Mailbox]:
    """An aiosmtpd listener on a free local port, and the project's mailer pointed at it. Django's test setup swaps
    every MAILERS entry for locmem; the `settings` fixture puts the real SMTP backend back for this test."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    yield mailbox
    controller.stop()


# The application and its data.


@pytest.fixture
def site(live_server, settings, smtp_mailbox) -> str:
    """The app's base URL. Links in emails are built from SITE_URL, so it must be the live server's.

    The live server shares this process's cache: what earlier tests left there (sign-in rate limits counted for
    127.0.0.1, authenticator codes marked as used) must not refuse a person's sign-in here, so each test starts
    with an empty one."""
    cache.clear()
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def live_world(transactional_db, world):
    """The personas of tests/conftest.py, committed (the live server's thread uses its own connection)."""
    return world


# The browser.


@pytest.fixture
def browser(live_world, site):
    """Chromium, started after the personas exist and stopped before the database is flushed (see above)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium): browser tests skipped")
    if AXE_JS is None or not AXE_JS.exists():
        pytest.skip("axe-core is not available (pip install axe-playwright-python): browser tests skipped")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        playwright.stop()
        pytest.skip(f"Chromium at {CHROMIUM} could not be started: {error}")
    yield browser
    browser.close()
    playwright.stop()


class PageChecker:
    """Collects what every page of a context did wrong (CSP violations, script errors) and runs axe-core."""

    def __init__(self):
        self.problems: list[str] = []
        self.axe_source = AXE_JS.read_text()

    def watch(self, context) -> None:
        context.expose_function("__reportCsp", lambda text: self.problems.append(f"CSP violation: {text}"))
        context.add_init_script(CSP_LISTENER)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)

    def _watch_page(self, page) -> None:
        def on_console(message):
            if "Content Security Policy" in message.text:
                self.problems.append(f"console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def check(self, page, name: str) -> None:
        """No CSP violation or script error so far, and no serious or critical axe-core violation on this page."""
        page.wait_for_load_state("load")
        # Evaluated through the DevTools protocol, not as a page script: the page's CSP does not apply to it, and
        # the page's own CSP stays in force for everything else (unlike bypass_csp).
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(self.axe_source + "\n;undefined")
        violations = page.evaluate(
            """async () => {
              const result = await axe.run(document, {resultTypes: ["violations"]});
              return result.violations
                .filter((v) => v.impact === "serious" || v.impact === "critical")
                .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
            }"""
        )
        page.evaluate("0")  # one more round trip, so that every report sent before now has reached Python
        problems, self.problems = self.problems, []
        assert not violations, f"accessibility violations on {name} ({page.url}):\n" + "\n".join(violations)
        assert not problems, f"problems on {name} ({page.url}):\n" + "\n".join(problems)


@pytest.fixture
def new_context(browser):
    """Opens a browser context (a separate user) whose pages are watched; `context.checker.check(page, name)`."""
    contexts = []

    def make(locale: str = "en-US"):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.checker = PageChecker()
        context.checker.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
