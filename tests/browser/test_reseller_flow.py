"""The seed's scenario in a real browser, in English and in Traditional Chinese: a partner's Admin agent requests a
reseller relationship with delegated admin, the portal emails the personalized link over SMTP, the customer's Global
admin accepts it, and the customer appears on the partner's Customers page.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, totp_code

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Labels:
    """The UI's words in one language, from the same catalogue the app uses."""

    language: str

    def __call__(self, msgid: str, context: str | None = None) -> str:
        with translation.override(self.language):
            return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def screenshot(page: Page, name: str) -> None:
    """With BROWSER_SCREENSHOTS=DIR, keep a full-page screenshot for a person to look at."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page: Page, t: Labels, email: str, *, with_authenticator: bool = False) -> None:
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    if with_authenticator:
        # Partner users sign in with a second factor: the code of their authenticator app.
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Two-step verification"))
        page.get_by_label(t("Verification code")).fill(totp_code())
        page.get_by_role("button", name=t("Verify"), exact=True).click()


def run_reseller_flow(site, world, smtp_mailbox, new_context, t: Labels, *, switch_language: bool, customer_locale):
    # The partner's Admin agent signs in.
    agent_context = new_context("en-US")
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(site + "/")
    expect(agent.get_by_role("heading", level=1)).to_have_text(Labels("en")("Sign in"))
    check_agent(agent, "sign-in page")
    if switch_language:
        # The language switcher in the top bar submits itself.
        agent.get_by_label(Labels("en")("Language")).select_option(t.language)
        expect(agent.locator("html")).to_have_attribute("lang", t.language)
        check_agent(agent, "sign-in page after switching language")
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)

    # Customers → Request a reseller relationship, with delegated admin (checked by default) → Next.
    agent.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Customers"))
    check_agent(agent, "Customers")
    agent.get_by_role("link", name=t("Request a reseller relationship")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Request a reseller relationship"))
    check_agent(agent, "Request a reseller relationship")
    dap = agent.get_by_label(t("Include delegated admin privileges for Azure Active Directory and Office 365"))
    expect(dap).to_be_checked()
    agent.get_by_role("button", name=t("Next", "wizard step"), exact=True).click()

    # The draft email, with the personalized link in it.
    link_field = agent.get_by_role("textbox", name=t("Personalized link"))
    expect(link_field).to_have_value(re.compile("^" + re.escape(site) + r"/invitations/[\w-]{40,}/$"))
    link = link_field.input_value()
    expect(agent.get_by_label(t("Email message"))).to_have_value(re.compile(re.escape(link)))
    expect(agent.get_by_role("button", name=t("Done"), exact=True)).to_be_visible()
    check_agent(agent, "draft email")
    agent.get_by_label(t("Customer's email address")).fill(world.y_ga.email)
    agent.get_by_role("button", name=t("Send"), exact=True).click()
    expect(agent.get_by_role("status").filter(has_text=world.y_ga.email)).to_be_visible()
    check_agent(agent, "relationship requests after sending")

    # The email, as the SMTP listener received it.
    (message,) = smtp_mailbox.wait_for(1)
    subject = t("%(partner_name)s invites you to a reseller relationship") % {"partner_name": world.partner_a.name}
    assert message["Subject"] == subject
    assert message["To"] == world.y_ga.email
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert link in text
    assert f'href="{link}"' in html
    mailed_link = re.search(re.escape(site) + r"/invitations/[\w-]+/", text).group(0)
    assert mailed_link == link

    # The customer's Global admin opens the link in another browser, signs in from there and accepts.
    customer_context = new_context(customer_locale)
    check_customer = customer_context.checker.check
    customer = customer_context.new_page()
    customer.goto(mailed_link)
    expect(customer.locator("html")).to_have_attribute("lang", t.language)
    check_customer(customer, "invitation (signed out)")
    customer.get_by_role("link", name=t("Sign in to accept")).click()
    check_customer(customer, "sign-in page from the invitation")
    sign_in(customer, t, world.y_ga.email)
    expect(customer).to_have_url(mailed_link)
    check_customer(customer, "invitation (signed in)")
    customer.get_by_label(t("I have read and agree: I authorize this partner as described above.")).check()
    customer.get_by_role("button", name=t("Accept & authorize")).click()
    accepted = t("You accepted %(partner)s as your partner.") % {"partner": world.partner_a.name}
    expect(customer.get_by_role("status")).to_contain_text(accepted)
    check_customer(customer, "home after accepting")

    # The agent sees the new customer on Customers, with delegated admin, and its Microsoft ID in the details.
    agent.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    name = world.customer_y.name
    row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name=name, exact=True))
    expect(row).to_contain_text(t("Reseller, Delegated admin"))
    expander = row.get_by_role("button")
    expect(expander).to_have_attribute("aria-expanded", "false")
    details = agent.locator(f"#{expander.get_attribute('aria-controls')}")
    expect(details).to_be_hidden()
    expander.click()
    expect(expander).to_have_attribute("aria-expanded", "true")
    expect(details).to_be_visible()
    expect(details).to_contain_text(t("Microsoft ID"))
    expect(details).to_contain_text(str(world.customer_y.public_id))
    check_agent(agent, "Customers with a row expanded")
    screenshot(agent, f"customers-desktop-{t.language}")

    # The same page on a phone: nothing sticks out sideways.
    agent.set_viewport_size({"width": 390, "height": 844})
    expect(details).to_be_visible()
    assert agent.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    check_agent(agent, "Customers on a phone")
    screenshot(agent, f"customers-phone-{t.language}")


def test_admin_agent_invites_customer_who_accepts_with_delegated_admin(site, live_world, smtp_mailbox, new_context):
    run_reseller_flow(
        site, live_world, smtp_mailbox, new_context, Labels("en"), switch_language=False, customer_locale="en-US"
    )


def test_reseller_flow_in_traditional_chinese(site, live_world, smtp_mailbox, new_context):
    """The agent switches to 中文 with the language switcher; the customer's browser asks for zh-TW."""
    t = Labels("zh-hant")
    # The seed's zh-TW terms, as the catalogue must have them.
    assert (t("Customers"), t("Request a reseller relationship"), t("Done")) == ("客戶", "要求建立轉銷商關係", "完成")
    run_reseller_flow(site, live_world, smtp_mailbox, new_context, t, switch_language=True, customer_locale="zh-TW")
