"""Forgot your password?, in a real browser, in English and in Traditional Chinese: a customer's user asks for a link
on the sign-in page, opens the email the SMTP listener received, chooses a new password on the portal's own page
(its layout and words, not allauth's bare form), and signs in with it.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_reseller_flow import Labels

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Kenneth-chooses-2026"


def expect_portal_layout(page: Page, t: Labels, heading: str) -> None:
    """The portal's page: its top bar and its language switcher, the heading in a card, not a bare library form."""
    expect(page.get_by_role("link", name=t("Partner Center"), exact=True)).to_be_visible()
    expect(page.get_by_label(t("Language"))).to_be_visible()
    expect(page.locator("main .card h1")).to_have_text(heading)


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_a_user_chooses_a_new_password_from_the_emailed_link_and_signs_in(
    site, live_world, smtp_mailbox, new_context, language, locale
):
    t = Labels(language)
    email = live_world.x_user.email
    context = new_context(locale)
    check = context.checker.check
    page = context.new_page()

    # The sign-in page → Forgot your password? → the address → Email me a link.
    page.goto(site + "/")
    page.get_by_role("link", name=t("Forgot your password?")).click()
    expect_portal_layout(page, t, t("Forgot your password?"))
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_role("button", name=t("Email me a link"), exact=True).click()
    expect_portal_layout(page, t, t("Check your email"))
    check(page, "Check your email")
    page.get_by_role("link", name=t("Back to sign in"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign in"))

    # The email, as the SMTP listener received it, in the user's language, with the link.
    (message,) = smtp_mailbox.wait_for(1)
    assert message["To"] == email
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(site) + r"/accounts/password/reset/key/\S+", text).group(0)

    # The link: the portal's page to choose the password, the rules said before the first try.
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect_portal_layout(page, t, t("Choose a new password"))
    expect(page.get_by_text(email, exact=True)).to_be_visible()
    check(page, "Choose a new password")
    page.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("Confirm new password"), exact=True).fill(NEW_PASSWORD + "!")
    page.get_by_role("button", name=t("Save password"), exact=True).click()
    expect_portal_layout(page, t, t("Choose a new password"))
    expect(page.get_by_role("alert")).to_have_count(1)  # the two passwords differ, said under the second
    expect(page.get_by_label(t("Confirm new password"), exact=True)).to_have_attribute("aria-invalid", "true")
    check(page, "Choose a new password, with the error")
    page.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(t("Confirm new password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("Save password"), exact=True).click()
    expect_portal_layout(page, t, t("Your password is saved"))
    check(page, "Your password is saved")

    # Sign in with the new password.
    page.get_by_role("link", name=t("Sign in"), exact=True).click()
    page.get_by_label(t("Email"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Home"))
    expect(page.get_by_role("status")).to_contain_text(live_world.x_user.display_name)

    # The link worked once.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("This link can't be used"))
    check(page, "the used link")
