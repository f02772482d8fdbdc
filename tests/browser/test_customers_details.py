"""A Customers row's details in a real browser, in English and in Traditional Chinese: expanding a row fetches its
details (the admin portals as the agent may use them at that moment) and shows them under the row; collapsing hides
them. Without script the row still expands, to a link to the customer's page.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation: the details
arrive through app.js's fetch, never an inline script or style."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser


def open_customers(page: Page, t: Labels, site: str, email: str) -> None:
    page.goto(site + "/")
    sign_in(page, t, email, with_authenticator=True)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Customers"))


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_expanding_a_row_fetches_its_details(site, live_world, new_context, language, locale):
    world, t = live_world, Labels(language)
    context = new_context(locale)
    page = context.new_page()
    open_customers(page, t, site, world.a_admin.email)
    expect(page.locator("html")).to_have_attribute("lang", language)

    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=world.customer_x.name, exact=True))
    expander = row.get_by_role("button")
    expect(expander).to_have_attribute("aria-expanded", "false")
    details = page.locator(f"#{expander.get_attribute('aria-controls')}")
    expect(details).to_be_hidden()

    expander.click()
    expect(expander).to_have_attribute("aria-expanded", "true")
    expect(details).to_be_visible()
    expect(details).to_contain_text(t("Admin portals"))
    expect(details).to_contain_text(str(world.customer_x.public_id))
    home = reverse("admincenter:home", args=[world.customer_x.public_id])
    expect(details.get_by_role("link", name=t("Admin center"), exact=True)).to_have_attribute("href", home)
    expect(details.get_by_role("link", name=t("Devices"), exact=True)).to_be_visible()
    expect(page).to_have_url(site + reverse("customers:list"))  # no jump to the row's anchor
    context.checker.check(page, "Customers with a row expanded")

    expander.click()
    expect(expander).to_have_attribute("aria-expanded", "false")
    expect(details).to_be_hidden()

    # From the keyboard, as a button: Space opens it again.
    expander.focus()
    page.keyboard.press(" ")
    expect(expander).to_have_attribute("aria-expanded", "true")
    expect(details.get_by_role("link", name=t("Admin center"), exact=True)).to_be_visible()


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_without_script_a_row_expands_to_the_customers_page(site, live_world, browser, language, locale):
    world, t = live_world, Labels(language)
    context = browser.new_context(locale=locale, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        open_customers(page, t, site, world.a_sales.email)
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=world.customer_x.name, exact=True))
        expander = row.get_by_role("button")
        details = page.locator(f"#{expander.get_attribute('aria-controls')}")
        expect(details).to_be_hidden()
        expander.click()
        expect(details).to_be_visible()
        detail = reverse("customers:detail", args=[world.customer_x.public_id])
        link = details.get_by_role("link", name=t("Open the customer's page"), exact=True)
        expect(link).to_have_attribute("href", detail)
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(world.customer_x.name)
    finally:
        context.close()
