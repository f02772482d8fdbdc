"""Details panes close by their Close button, in a real browser, in English and in Traditional Chinese: a Customers
row's details collapse in place (script) or by a link back to the row (no script); Settings > Partner relationships'
pane, and its confirmation pane, close by a link back to the list, with or without script. Escape closes both.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.test_customers_details import open_customers
from tests.browser.test_icons import LANGUAGES, assert_icons_drawn
from tests.browser.test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser


def customer_row(page: Page, name: str):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    expander = row.get_by_role("button")
    return expander, page.locator(f"#{expander.get_attribute('aria-controls')}")


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_a_customers_details_close_in_place_by_their_close_button_or_escape(
    site, live_world, new_context, language, locale
):
    world, t = live_world, Labels(language)
    context = new_context(locale)
    page = context.new_page()
    open_customers(page, t, site, world.a_admin.email)
    expander, details = customer_row(page, world.customer_x.name)
    page.evaluate("window.notReloaded = true")

    expander.click()
    expect(details).to_contain_text(t("Admin portals"))  # fetched
    expect(details.locator(".details-body")).not_to_have_attribute("aria-busy", "true")
    close = details.get_by_role("button", name=t("Close"), exact=True)
    expect(close).to_be_visible()
    assert_icons_drawn(details, {"dismiss"})
    context.checker.check(page, "Customers with a row expanded")
    close.click()
    expect(details).to_be_hidden()
    expect(expander).to_have_attribute("aria-expanded", "false")
    expect(expander).to_be_focused()  # the focus goes back to where the details came from
    expect(page).to_have_url(site + reverse("customers:list"))
    assert page.evaluate("window.notReloaded") is True

    # Escape, from inside the details and from the expander.
    expander.click()
    expect(details).to_contain_text(t("Admin portals"))
    # The details fetched again (the row shows the last ones until they arrive): focus what stays.
    expect(details.locator(".details-body")).not_to_have_attribute("aria-busy", "true")
    details.get_by_role("link", name=t("Admin center"), exact=True).focus()
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    expect(expander).to_be_focused()
    page.keyboard.press(" ")
    expect(details).to_be_visible()
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_without_script_a_customers_details_close_by_a_link_back_to_the_row(
    site, live_world, browser, language, locale
):
    world, t = live_world, Labels(language)
    context = browser.new_context(locale=locale, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        open_customers(page, t, site, world.a_sales.email)
        expander, details = customer_row(page, world.customer_x.name)
        expander.click()
        expect(details).to_be_visible()
        details.get_by_role("button", name=t("Close"), exact=True).click()
        expect(details).to_be_hidden()
        expect(page).to_have_url(f"{site}{reverse('customers:list')}#customer-{world.customer_x.public_id}")
        expect(page.get_by_role("rowheader", name=world.customer_x.name, exact=True)).to_be_in_viewport()
    finally:
        context.close()


def open_partner_pane(page: Page, t: Labels, partner_name: str):
    page.get_by_role("link", name=partner_name, exact=True).click()
    pane = page.get_by_role("region", name=partner_name, exact=True)
    expect(pane).to_be_visible()
    return pane


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_partner_relationships_pane_closes_back_to_the_list(
    site, live_world, browser, new_context, language, locale, script
):
    world, t = live_world, Labels(language)
    if script:
        context = new_context(locale)
    else:
        context = browser.new_context(locale=locale, java_script_enabled=False, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(site + "/")
        sign_in(page, t, world.x_ga.email)
        list_url = site + reverse("admincenter:partner_relationships", args=[world.customer_x.public_id])
        page.goto(list_url)
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Partner relationships"))
        partner = world.partner_a.name

        pane = open_partner_pane(page, t, partner)
        close = pane.get_by_role("link", name=t("Close"), exact=True)
        if script:
            assert_icons_drawn(pane, {"dismiss", "delete"})
            assert_icons_drawn(page.get_by_role("toolbar", name=t("Commands")), {"arrow_clockwise"})
            context.checker.check(page, "Partner relationships with its pane")
        close.click()
        expect(page).to_have_url(list_url)
        expect(page.get_by_role("region", name=partner, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=partner, exact=True)).not_to_have_attribute("aria-current", "true")

        # The confirmation pane (Remove delegated admin) closes the same way, and nothing is removed.
        pane = open_partner_pane(page, t, partner)
        pane.get_by_role("link", name=t("Remove delegated admin"), exact=True).click()
        confirm = page.get_by_role("region", name=t("Remove delegated admin"), exact=True)
        expect(confirm).to_be_visible()
        if script:
            page.keyboard.press("Escape")
        else:
            confirm.get_by_role("link", name=t("Close"), exact=True).click()
        expect(page).to_have_url(list_url)
        expect(page.get_by_role("row").filter(has_text=partner)).to_contain_text(t("Reseller, Delegated admin"))
    finally:
        if not script:
            context.close()
