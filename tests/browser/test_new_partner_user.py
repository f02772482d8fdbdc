"""A partner user added under User management, in a real browser, the way a person goes: the partner's Global admin
adds the user; the user opens the emailed link, chooses a password, signs in, sets up an authenticator app on the page
the portal sends it to (its code computed from the secret that page shows, as a phone would), and reaches Customers.
No helper switches two-step verification on.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from partnercenter.models import DirectoryRole, DirectoryRoleAssignment
from tests.browser.test_reseller_flow import Labels, sign_in
from tests.factories import totp_code

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Robin-chooses-2026"


def run_new_partner_user(site, world, smtp_mailbox, new_context, t: Labels, locale: str) -> None:
    # The partner's Global admin adds Robin as a Sales agent.
    admin_context = new_context(locale)
    check_admin = admin_context.checker.check
    admin = admin_context.new_page()
    admin.goto(site + "/")
    expect(admin.locator("html")).to_have_attribute("lang", t.language)
    sign_in(admin, t, world.a_admin.email, with_authenticator=True)
    admin.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("User management")).click()
    admin.get_by_role("link", name=t("Add user"), exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(t("Add user"))
    check_admin(admin, "Add user")
    admin.get_by_label(t("First name"), exact=True).fill("Robin")
    admin.get_by_label(t("Last name"), exact=True).fill("Reyes")
    admin.get_by_label(t("Email"), exact=True).fill("robin@fabrikam.test")
    admin.get_by_label(t("Sales agent"), exact=True).check()
    admin.get_by_role("button", name=t("Add user"), exact=True).click()
    expect(admin.get_by_role("status").filter(has_text="robin@fabrikam.test")).to_be_visible()

    # The email, as the SMTP listener received it, holds the link to choose a password.
    (message,) = smtp_mailbox.wait_for(1)
    assert message["To"] == "robin@fabrikam.test"
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(re.escape(site) + r"/accounts/password/reset/key/\S+", text).group(0)

    # Robin, in a browser of its own, opens the link and chooses a password.
    robin_context = new_context(locale)
    check = robin_context.checker.check
    robin = robin_context.new_page()
    robin.goto(link)
    expect(robin.locator("html")).to_have_attribute("lang", t.language)
    expect(robin.get_by_role("heading", level=1)).to_have_text(t("Choose your password"))
    check(robin, "choose a password")
    robin.get_by_label(t("New password"), exact=True).fill(NEW_PASSWORD)
    robin.get_by_label(t("Confirm new password"), exact=True).fill(NEW_PASSWORD)
    robin.get_by_role("button", name=t("Save password"), exact=True).click()
    expect(robin.get_by_role("heading", level=1)).to_have_text(t("Your password is saved"))
    check(robin, "password chosen")

    # The first sign-in: the password alone, then the portal asks for an authenticator app before anything else.
    robin.goto(site + "/")
    robin.get_by_label(t("Email"), exact=True).fill("robin@fabrikam.test")
    robin.get_by_label(t("Password"), exact=True).fill(NEW_PASSWORD)
    robin.get_by_role("button", name=t("Sign in"), exact=True).click()
    expect(robin.get_by_role("status")).to_contain_text(
        t("Partner users must use two-step verification. Set up an authenticator app to continue.")
    )
    # Changing how one signs in asks for the password once more (allauth's reauthentication).
    expect(robin.get_by_role("heading", level=1)).to_have_text(t("Confirm it's you"))
    check(robin, "confirm it's you")
    robin.get_by_label(t("Password"), exact=True).fill(NEW_PASSWORD)
    robin.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(robin.get_by_role("heading", level=1)).to_have_text(t("Set up your authenticator app"))
    expect(robin.get_by_role("alert")).to_have_count(0)
    check(robin, "set up an authenticator app")

    # The phone: a code computed from the secret the page shows.
    secret = robin.get_by_label(t("Authenticator secret")).input_value()
    robin.get_by_label(t("Verification code")).fill(totp_code(secret))
    robin.get_by_role("button", name=t("Activate"), exact=True).click()
    expect(robin.get_by_role("alert")).to_have_count(0)
    check(robin, "after activating the authenticator")

    # Customers opens, for the Sales agent it was made.
    robin.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    expect(robin.get_by_role("heading", level=1)).to_have_text(t("Customers"))
    expect(robin.get_by_role("rowheader", name=world.customer_x.name, exact=True)).to_be_visible()
    check(robin, "Customers")


@pytest.fixture
def partner_global_admin(live_world):
    """Partner A's Admin agent is also its own Global admin, who manages its users (as in the demo)."""
    DirectoryRoleAssignment.objects.create(user=live_world.a_admin, role=DirectoryRole.GLOBAL_ADMINISTRATOR)
    return live_world.a_admin


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_a_new_partner_user_goes_from_the_email_to_customers(
    site, live_world, partner_global_admin, smtp_mailbox, new_context, language, locale
):
    run_new_partner_user(site, live_world, smtp_mailbox, new_context, Labels(language), locale)
