"""At a phone's width (390 px) no page scrolls sideways: every page of the isolation matrix that a partner's Admin
agent or a customer's Global admin opens (a 200 for them), signed in through the sign-in page as a person does.

Only the page's own width is measured (the document's scroll width against the viewport's): a wide table may scroll
inside its own frame (.table-wrap), as the navigation strip does, which is how the portal keeps every column and
section reachable on a phone."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from playwright.sync_api import expect

from tests.test_isolation_matrix import ROUTES

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The width the document is wider than the viewport, and what sticks out (the widest element that is not inside a
# frame of its own), for the failure message.
OVERFLOW = """() => {
  const doc = document.documentElement;
  const over = doc.scrollWidth - doc.clientWidth;
  if (over <= 1) return null;
  const framed = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !framed(el);
  const culprits = [...document.body.querySelectorAll("*")]
    .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
    .slice(0, 3)
    .map((el) => el.outerHTML.slice(0, 100));
  return `${over}px too wide: ${culprits.join(" | ")}`;
}"""


# Their objects (an active admin relationship of partner A with X) change what the other pages show (GDAP wins over
# delegated admin): their pages are made and measured last.
LAST = ("admin_relationship", "access_assignment", "adminrelationships:")


def _pages(world, persona: str, last: bool) -> list[tuple[str, str]]:
    pages = []
    for name, route in sorted(ROUTES.items()):
        if route.get.get(persona) != 200 or any(part in name for part in LAST) != last:
            continue
        try:
            with transaction.atomic():
                url = route.url(world)
        except (AttributeError, LookupError):  # an object only some modules' worlds have
            continue
        except (ValidationError, IntegrityError):  # made for an earlier route already (a name must be unique)
            continue
        if url.endswith((".csv", ".json", "/live/", "/ready/")) or "/v1.0/" in url or "export" in name:
            continue
        pages.append((name, url))
    return pages


def _in_a_thread(work):
    """Runs ORM work in a thread of its own: this one has Playwright's loop, where Django refuses the ORM."""
    result = []

    def run():
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.parametrize(("persona", "authenticator"), [("a_admin", True), ("x_ga", False)])
def test_no_page_scrolls_sideways_at_phone_width(site, live_world, new_context, persona, authenticator):
    context = new_context("en-US")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site + "/")
    sign_in(page, Labels("en"), getattr(live_world, persona).email, with_authenticator=authenticator)
    expect(page.get_by_role("heading", level=1)).not_to_have_text(Labels("en")("Sign in"))
    wide, seen = [], 0
    for last in (False, True):
        pages = _in_a_thread(lambda last=last: _pages(live_world, persona, last))
        for name, url in pages:
            response = page.goto(site + url)
            assert response is not None and response.status == 200, (name, url, response and response.status)
            problem = page.evaluate(OVERFLOW)
            if problem:
                wide.append(f"{name} {url}: {problem}")
        seen += len(pages)
    assert seen > 10
    assert not wide, "pages wider than a phone:\n" + "\n".join(wide)
