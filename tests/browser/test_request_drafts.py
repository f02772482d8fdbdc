"""A relationship request is a draft until the agent sends it: an agent who opens a draft and leaves finds it in
Relationship requests as a Draft, not as a pending invitation; they come back to it, send it, and it is Pending. In
English and in Traditional Chinese. Done and Discard work without JavaScript; with it, copying the link by hand makes
the request pending too.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

DRAFT_NOTE = (
    "Until you send it, open it in your email app, copy it or select Done, this request is a draft: it isn't counted "
    "as a pending invitation, and you can finish or discard it later in Relationship requests."
)


def _sign_in_as_agent(page: Page, site: str, t: Labels, email: str) -> None:
    page.goto(site + "/")
    if t.language != "en":
        page.get_by_label(Labels("en")("Language")).select_option(t.language)
        expect(page.locator("html")).to_have_attribute("lang", t.language)
    sign_in(page, t, email, with_authenticator=True)


def _open_a_new_draft(page: Page, t: Labels) -> str:
    """Customers → Request a reseller relationship → Next: the draft page. Its personalized link."""
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    page.get_by_role("link", name=t("Request a reseller relationship")).click()
    page.get_by_role("button", name=t("Next", "wizard step"), exact=True).click()
    return page.get_by_role("textbox", name=t("Personalized link")).input_value()


def _requests(page: Page, t: Labels, state: str = "") -> None:
    """Relationship requests, filtered by a state's words ("" for all states)."""
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Relationship requests")).click()
    page.get_by_label(t("State"), exact=True).select_option(label=state or t("All states"))
    page.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Relationship requests"))


def _rows(page: Page):
    return page.locator("table tbody tr")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_draft_left_unsent_is_a_draft_until_the_agent_comes_back_and_sends_it(
    site, live_world, smtp_mailbox, new_context, language
):
    world = live_world
    t = Labels(language)
    assert (t("Draft"), t("Pending")) == ("草稿", "擱置中") if language == "zh-hant" else ("Draft", "Pending")
    context = new_context("en-US")
    check = context.checker.check
    agent = context.new_page()
    _sign_in_as_agent(agent, site, t, world.a_sales.email)

    # The agent opens a draft, reads that it stays a draft until sent, and leaves without sending it.
    first_link = _open_a_new_draft(agent, t)
    expect(agent.get_by_text(t(DRAFT_NOTE))).to_be_visible()
    check(agent, "draft email")

    # Relationship requests: the world's invitation is pending; the draft says Draft, and Pending leaves it out.
    _requests(agent, t)
    draft_row = _rows(agent).filter(has_text=t("Draft"))
    expect(draft_row).to_have_count(1)
    expect(draft_row.get_by_role("link", name=t("Open draft"))).to_be_visible()
    expect(draft_row.get_by_role("link", name=t("Discard"))).to_be_visible()
    expect(draft_row.get_by_role("link", name=t("Revoke"))).to_have_count(0)
    check(agent, "relationship requests with a draft")
    _requests(agent, t, t("Pending"))
    expect(_rows(agent)).to_have_count(1)
    expect(_rows(agent)).not_to_contain_text(t("Draft"))
    _requests(agent, t, t("Draft"))
    expect(_rows(agent)).to_have_count(1)

    # The agent comes back to it: Open draft asks first (a new link replaces the draft's), then gives the draft.
    _rows(agent).get_by_role("link", name=t("Open draft")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Open this draft?"))
    check(agent, "Open this draft?")
    agent.get_by_role("button", name=t("Open draft"), exact=True).click()
    link = agent.get_by_role("textbox", name=t("Personalized link")).input_value()
    assert link != first_link and re.match(re.escape(site) + r"/invitations/[\w-]{40,}/$", link)
    agent.get_by_label(t("Customer's email address")).fill(world.y_ga.email)
    agent.get_by_role("button", name=t("Send"), exact=True).click()
    expect(agent.get_by_role("status").filter(has_text=world.y_ga.email)).to_be_visible()

    # Sent: pending, and no draft is left.
    _requests(agent, t, t("Pending"))
    expect(_rows(agent)).to_have_count(2)
    _requests(agent, t, t("Draft"))
    expect(agent.get_by_text(t("No relationship requests match these filters."))).to_be_visible()
    check(agent, "relationship requests filtered by Draft")
    (message,) = smtp_mailbox.wait_for(1)
    assert link in message.get_body(preferencelist=("plain",)).get_content()

    # The draft's first link was replaced: a customer who got it by hand is told it is not recognized.
    customer = new_context("en-US").new_page()
    customer.goto(first_link)
    expect(customer.get_by_role("heading", level=1)).to_have_text(Labels("en")("This link can't be used"))


def test_done_and_discard_work_without_javascript(site, live_world, browser):
    world = live_world
    t = Labels("en")
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    context.set_default_timeout(10_000)
    agent = context.new_page()
    _sign_in_as_agent(agent, site, t, world.a_admin.email)

    # Done: the agent says they sent it from their own email. Back to Customers; the request is pending.
    _open_a_new_draft(agent, t)
    agent.get_by_role("button", name=t("Done"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Customers"))
    expect(agent.locator(".messages")).to_contain_text("The request is pending until the customer accepts it.")
    _requests(agent, t, t("Pending"))
    expect(_rows(agent)).to_have_count(2)

    # Discard: asked first; Cancel changes nothing; then the draft is discarded.
    _open_a_new_draft(agent, t)
    _requests(agent, t, t("Draft"))
    _rows(agent).get_by_role("link", name=t("Discard")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Discard this draft?"))
    expect(agent.get_by_role("note")).to_contain_text("Its personalized link stops working")
    agent.get_by_role("link", name=t("Cancel")).click()
    expect(_rows(agent).filter(has_text=t("Draft"))).to_have_count(1)
    _rows(agent).get_by_role("link", name=t("Discard")).click()
    agent.get_by_role("button", name=t("Discard"), exact=True).click()
    expect(agent.locator(".messages")).to_contain_text("The draft was discarded. Its link no longer works.")
    _requests(agent, t, t("Draft"))
    expect(_rows(agent)).to_have_count(0)
    _requests(agent, t, t("Discarded"))
    expect(_rows(agent)).to_have_count(1)
    context.close()


def test_copying_the_link_by_hand_makes_the_draft_pending(site, live_world, new_context):
    world = live_world
    t = Labels("en")
    context = new_context("en-US")
    agent = context.new_page()
    _sign_in_as_agent(agent, site, t, world.a_admin.email)
    _open_a_new_draft(agent, t)
    status = agent.locator("[data-shared-status]")
    expect(status).to_be_hidden()
    link_field = agent.get_by_role("textbox", name=t("Personalized link"))
    link_field.focus()
    link_field.press("Control+a")
    link_field.press("Control+c")
    expect(status).to_be_visible()
    expect(status).to_have_text(t("The request is pending: it waits for the customer to accept it."))
    context.checker.check(agent, "draft email once its link was copied")
    _requests(agent, t, t("Draft"))
    expect(_rows(agent)).to_have_count(0)
    _requests(agent, t, t("Pending"))
    expect(_rows(agent)).to_have_count(2)
