"""The seed's removal scenario in a real browser, in English and in Traditional Chinese: partner A's Admin agent opens
customer X's Users page on its behalf; X's Global admin opens Settings > Partner relationships, selects the partner,
Remove delegated admin, and confirms with Remove; the agent's next request for the Users page is refused, and on
Customers the expanded row says why, while the reseller relationship is still listed.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from tests.browser.test_reseller_flow import Labels, screenshot, sign_in

pytestmark = pytest.mark.browser


def today(t: Labels) -> str:
    """Today's date as the pages write it in this language (the removal's date on the Customers page)."""
    with translation.override(t.language):
        return date_format(timezone.localtime(), "DATE_FORMAT")


def customers_row(page: Page, t: Labels, name: str):
    """The customer's row on Customers, expanded; returns (row, details)."""
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Customers")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Customers"))
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name, exact=True))
    expander = row.get_by_role("button")
    expander.click()
    expect(expander).to_have_attribute("aria-expanded", "true")
    details = page.locator(f"#{expander.get_attribute('aria-controls')}")
    expect(details).to_be_visible()
    return row, details


def run_removal(site, world, new_context, t: Labels, *, switch_language: bool, customer_locale: str) -> None:
    customer_name, partner_name = world.customer_x.name, world.partner_a.name

    # Partner A's Admin agent signs in and opens customer X's admin center from its row on Customers.
    agent_context = new_context("en-US")
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(site + "/")
    if switch_language:
        agent.get_by_label(Labels("en")("Language")).select_option(t.language)
        expect(agent.locator("html")).to_have_attribute("lang", t.language)
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)
    row, details = customers_row(agent, t, customer_name)
    expect(row).to_contain_text(t("Reseller, Delegated admin"))
    expect(details).to_contain_text(t("Admin portals"))
    check_agent(agent, "Customers, admin center available")
    details.get_by_role("link", name=t("Admin center"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(customer_name)
    expect(agent.get_by_role("note")).to_contain_text(partner_name)  # the "on behalf of" banner
    admin_nav = agent.get_by_role("navigation", name=t("Admin center"))
    # A partner acting on the customer's behalf is not offered the customer's Partner relationships.
    expect(admin_nav.get_by_role("link", name=t("Partner relationships"))).to_have_count(0)
    check_agent(agent, "admin center home on the customer's behalf")
    admin_nav.get_by_role("link", name=t("Users"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Users"))
    users_url = agent.url
    check_agent(agent, "the customer's Users, on its behalf")

    # Customer X's Global admin: Settings > Partner relationships → the partner → Remove delegated admin → Remove.
    customer_context = new_context(customer_locale)
    check_customer = customer_context.checker.check
    customer = customer_context.new_page()
    customer.goto(site + "/")
    expect(customer.locator("html")).to_have_attribute("lang", t.language)
    sign_in(customer, t, world.x_ga.email)
    customer.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Admin center")).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(customer_name)
    check_customer(customer, "the customer's admin center")
    settings_link = customer.get_by_role("navigation", name=t("Admin center")).get_by_role(
        "link", name=f"{t('Settings')} > {t('Partner relationships')}"
    )
    settings_link.click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(t("Partner relationships"))
    expect(settings_link).to_have_attribute("aria-current", "page")
    listed = customer.get_by_role("row").filter(has=customer.get_by_role("rowheader", name=partner_name, exact=True))
    expect(listed).to_contain_text(t("Reseller, Delegated admin"))
    expect(listed).to_contain_text(t("Global Administrator"))
    expect(listed).to_contain_text(t("Helpdesk Administrator"))
    check_customer(customer, "Partner relationships")

    listed.get_by_role("link", name=partner_name, exact=True).click()
    pane = customer.get_by_role("region", name=partner_name)
    expect(pane).to_contain_text(world.partner_a.partner_id)
    expect(pane).to_contain_text(t("Global Administrator"))
    check_customer(customer, "the partner's details pane")
    screenshot(customer, f"partner-relationship-details-{t.language}")

    pane.get_by_role("link", name=t("Remove delegated admin"), exact=True).click()
    confirmation = customer.get_by_role("region", name=t("Remove delegated admin"))
    duties = t(
        "Unless and until you renegotiate your agreement with %(partner)s, it continues to be responsible for "
        "providing customer support and adhering to the terms of the Cloud Reseller Agreement, even after you remove "
        "its administrator permissions."
    ) % {"partner": partner_name}
    expect(confirmation).to_contain_text(duties)
    check_customer(customer, "the confirmation pane")
    screenshot(customer, f"delegated-admin-remove-{t.language}")
    dates = {today(t)}
    confirmation.get_by_role("button", name=t("Remove"), exact=True).click()
    dates.add(today(t))  # the removal happened between the two, were it midnight

    removed = t(
        "You removed the delegated admin privileges of %(partner)s. Its agents no longer have any role in your "
        "organization; its Admin agents have been notified by email."
    ) % {"partner": partner_name}
    expect(customer.get_by_role("status")).to_contain_text(removed)
    pane = customer.get_by_role("region", name=partner_name)
    expect(pane).to_contain_text(duties)  # the reseller relationship stays, and with it the partner's duties
    expect(pane.get_by_role("link", name=t("Remove delegated admin"))).to_have_count(0)
    listed = customer.get_by_role("row").filter(has=customer.get_by_role("rowheader", name=partner_name, exact=True))
    expect(listed.get_by_role("cell", name=t("Reseller"), exact=True)).to_be_visible()
    expect(listed).not_to_contain_text(t("Global Administrator"))
    check_customer(customer, "Partner relationships after the removal")
    # The same page on a phone: the pane goes below the list, and nothing sticks out sideways.
    customer.set_viewport_size({"width": 390, "height": 844})
    expect(pane).to_be_visible()
    assert customer.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    check_customer(customer, "Partner relationships on a phone")
    screenshot(customer, f"partner-relationships-phone-{t.language}")

    # The agent, who had the Users page open a moment ago, is refused on its next request…
    agent.goto(users_url)
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Permission required"))
    check_agent(agent, "the customer's Users, refused")

    # …and Customers says why, while the reseller relationship is still listed.
    row, details = customers_row(agent, t, customer_name)
    expect(row.get_by_role("cell", name=t("Reseller"), exact=True)).to_be_visible()
    expect(details.get_by_role("link", name=t("Admin center"))).to_have_count(0)
    # The admin center's entry among the admin portals: disabled, with the reason.
    portal = details.locator(".portal-list li").filter(has=agent.get_by_text(t("Admin center"), exact=True))
    expect(portal.locator('[aria-disabled="true"]')).to_have_text(t("Admin center"))
    reasons = [t("Delegated admin was removed by the customer on %(date)s.") % {"date": d} for d in dates]
    reason = portal.locator(".portal-reason").inner_text()
    assert reason in reasons, f"{reason!r} is none of {reasons}"
    check_agent(agent, "Customers after the removal")
    screenshot(agent, f"customers-after-removal-{t.language}")


def test_global_admin_removes_delegated_admin_and_the_partner_is_refused_at_once(site, live_world, new_context):
    run_removal(site, live_world, new_context, Labels("en"), switch_language=False, customer_locale="en-US")


def test_delegated_admin_removal_in_traditional_chinese(site, live_world, new_context):
    """The agent switches to 中文 with the language switcher; the customer's browser asks for zh-TW."""
    t = Labels("zh-hant")
    # The seed's zh-TW terms, as the catalogue must have them.
    assert (t("Partner relationships"), t("Remove delegated admin"), t("Remove")) == (
        "合作夥伴關係",
        "移除委派的管理",
        "移除",
    )
    run_removal(site, live_world, new_context, t, switch_language=True, customer_locale="zh-TW")
