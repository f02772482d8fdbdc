"""The draft email of a personalized link: Open in email and Copy to clipboard take the text as the agent edited it,
and refuse it, as Send does, once the link is gone from it; once they let the link out, the request is pending."""

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

# The test's own listener, added after the page's: it keeps the address Open in email ended with and stops the
# browser from handing a mailto: address to a mail program, which a headless browser does not have.
KEEP_MAILTO = """
window.__mailto = [];
document.addEventListener("click", (event) => {
  const mail = event.target.closest("a[data-mail-from]");
  if (!mail) return;
  window.__mailto.push({href: mail.getAttribute("href"), refused: event.defaultPrevented});
  event.preventDefault();
});
"""


def test_open_in_email_and_copy_use_the_edited_text_and_keep_the_link(site, world, new_context):
    t = Labels("en")
    context = new_context("en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    agent = context.new_page()
    agent.goto(site + "/")
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)
    agent.goto(site + "/customers/")
    agent.get_by_role("link", name=t("Request a reseller relationship")).click()
    agent.get_by_role("button", name=t("Next", "wizard step"), exact=True).click()
    link = agent.locator("input.link-field").input_value()
    message = agent.get_by_label(t("Email message"))
    agent.evaluate(KEEP_MAILTO)

    edited = f"Hello Ana,\n\nPlease accept our invitation & say so: {link}\n\n$1 Avery"
    message.fill(edited)
    agent.get_by_role("link", name=t("Open in email")).click()
    agent.get_by_role("button", name=t("Copy to clipboard")).click()
    mailto = agent.evaluate("window.__mailto")
    assert len(mailto) == 1 and not mailto[0]["refused"]
    # The link is out: the page told the portal, and says the request is pending, no longer a draft.
    status = agent.locator("[data-shared-status]")
    expect(status).to_be_visible()
    expect(status).to_have_text(t("The request is pending: it waits for the customer to accept it."))
    assert unquote(mailto[0]["href"].split("body=", 1)[1]) == edited
    assert "subject=" in mailto[0]["href"]  # the subject stays
    expect(agent.get_by_role("button", name=t("Copied"))).to_be_visible()
    assert agent.evaluate("navigator.clipboard.readText()") == edited
    missing = agent.locator("[data-link-missing]")
    expect(missing).to_be_hidden()

    # The link removed: both refuse, and say why.
    agent.evaluate("navigator.clipboard.writeText('before')")
    message.fill("Hello Ana, please accept our invitation.")
    agent.get_by_role("link", name=t("Open in email")).click()
    expect(missing).to_be_visible()
    agent.get_by_role("button", name=t("Copy to clipboard")).click()
    mailto = agent.evaluate("window.__mailto")
    assert mailto[1]["refused"] and "please%20accept" not in mailto[1]["href"]
    assert agent.evaluate("navigator.clipboard.readText()") == "before"
    expect(message).to_have_attribute("aria-invalid", "true")
    context.checker.check(agent, "draft email refusing an edit without the link")
