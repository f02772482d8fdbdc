"""The seed's Azure rules in a real browser: partner A provisioned an Azure subscription for customer X (its Admin
Agents are the Owner), and X removed A's delegated admin privileges (through the relationships service, before the
browser starts). A's Admin agent, refused X's admin center, still opens the subscription from the Azure portal on
Customers and manages it. Then X's Global admin removes the Owner assignment on the subscription's Access control,
and the agent is refused: the subscription is not found, and Customers says why.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.browser.test_delegated_admin_removal import customers_row
from tests.browser.test_reseller_flow import Labels, screenshot, sign_in

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class AzureScene:
    """What the test needs from the database, read before the browser starts (see tests/browser/conftest.py)."""

    subscription_name: str
    subscription_path: str
    customer_name: str
    partner_name: str
    agent_email: str
    customer_email: str


@pytest.fixture
def azure_scene(live_world) -> AzureScene:
    from django.urls import reverse

    from azure_subscriptions.services import azure_subscription_provision
    from relationships.services import delegated_admin_remove

    w = live_world
    subscription = azure_subscription_provision(
        partner=w.partner_a, customer=w.customer_x, name="Fabrikam-managed", agent=w.a_admin
    )
    delegated_admin_remove(customer=w.customer_x, partner=w.partner_a, removed_by=w.x_ga)
    return AzureScene(
        subscription_name=subscription.name,
        subscription_path=reverse(
            "admincenter:azure_subscription", args=[w.customer_x.public_id, subscription.public_id]
        ),
        customer_name=w.customer_x.name,
        partner_name=w.partner_a.name,
        agent_email=w.a_admin.email,
        customer_email=w.x_ga.email,
    )


def test_the_partner_keeps_its_azure_subscription_until_the_customer_removes_the_owner_assignment(
    azure_scene, site, new_context
):
    scene, t = azure_scene, Labels("en")
    foreign_principal = t("%(group)s — %(partner)s (partner)") % {
        "group": t("Admin Agents"),
        "partner": scene.partner_name,
    }

    # The agent: delegated admin is gone, so the admin center is disabled; the Azure portal is not.
    agent_context = new_context("en-US")
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(site + "/")
    sign_in(agent, t, scene.agent_email, with_authenticator=True)
    _row, details = customers_row(agent, t, scene.customer_name)
    expect(details.get_by_role("link", name=t("Admin center"), exact=True)).to_have_count(0)
    azure_link = details.get_by_role("link", name=t("Azure"), exact=True)
    expect(azure_link).to_be_visible()
    check_agent(agent, "Customers, Azure available without delegated admin")
    azure_link.click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Azure subscriptions"))
    expect(agent.get_by_role("note")).to_contain_text(scene.partner_name)  # the "on behalf of" banner
    check_agent(agent, "the customer's Azure subscriptions, on its behalf")

    # It opens the subscription and creates a resource group: its Admin Agents group is the Owner.
    agent.get_by_role("link", name=scene.subscription_name, exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(scene.subscription_name)
    expect(agent.get_by_role("main")).to_contain_text(t("Owner"))
    check_agent(agent, "the subscription's overview")
    agent.get_by_role("link", name=t("Create resource group")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Create resource group"))
    check_agent(agent, "Create resource group")
    agent.get_by_role("button", name=t("Create"), exact=True).click()  # nothing filled in: refused, with the reason
    expect(agent.get_by_role("alert").first).to_contain_text(t("Enter a name for the resource group."))
    check_agent(agent, "Create resource group, refused")
    agent.get_by_label(t("Resource group name")).fill("rg-web")
    agent.get_by_label(t("Region")).select_option(label=t("West Europe"))
    agent.get_by_role("button", name=t("Create"), exact=True).click()
    created = t("You created the resource group %(name)s.") % {"name": "rg-web"}
    expect(agent.get_by_role("status").filter(has_text=created)).to_be_visible()
    expect(agent.get_by_role("rowheader", name="rg-web")).to_be_visible()
    check_agent(agent, "the overview with the new resource group")
    screenshot(agent, "azure-overview-partner")
    tabs = agent.get_by_role("navigation", name=t("Subscription"))
    tabs.get_by_role("link", name=t("Access control")).click()
    owner_row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name=foreign_principal))
    expect(owner_row).to_contain_text(t("Owner"))
    expect(owner_row).to_contain_text(t("Foreign principal"))
    check_agent(agent, "Access control, as the partner")

    # The customer's Global admin: Admin center → Azure subscriptions → the subscription → Access control → Remove.
    customer_context = new_context("en-US")
    check_customer = customer_context.checker.check
    customer = customer_context.new_page()
    customer.goto(site + "/")
    sign_in(customer, t, scene.customer_email)
    customer.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Admin center")).click()
    admin_nav = customer.get_by_role("navigation", name=t("Admin center"))
    admin_nav.get_by_role("link", name=t("Azure subscriptions")).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(t("Azure subscriptions"))
    expect(admin_nav.get_by_role("link", name=t("Azure subscriptions"))).to_have_attribute("aria-current", "page")
    check_customer(customer, "Azure subscriptions, as the customer")
    customer.get_by_role("link", name=scene.subscription_name, exact=True).click()
    customer.get_by_role("navigation", name=t("Subscription")).get_by_role("link", name=t("Access control")).click()
    expect(customer.get_by_role("heading", level=2, name=t("Role assignments"))).to_be_visible()
    check_customer(customer, "Access control, as the customer")
    screenshot(customer, "azure-access-control")
    row = customer.get_by_role("row").filter(has=customer.get_by_role("rowheader", name=foreign_principal))
    row.get_by_role("link", name=t("Remove")).click()
    expect(customer.get_by_role("heading", level=1)).to_have_text(t("Remove role assignment"))
    expect(customer.get_by_role("main")).to_contain_text(t("This is the subscription's last Owner."))
    check_customer(customer, "Remove role assignment, the confirmation")
    screenshot(customer, "azure-remove-role-assignment")
    customer.get_by_role("button", name=t("Remove"), exact=True).click()
    removed = t("%(principal)s no longer has the %(role)s role on this subscription.") % {
        "principal": foreign_principal,
        "role": t("Owner"),
    }
    expect(customer.get_by_role("status").filter(has_text=removed)).to_be_visible()
    expect(customer.get_by_role("rowheader", name=foreign_principal)).to_have_count(0)
    check_customer(customer, "Access control after the removal")

    # The agent is refused at once: the subscription is not found, and Customers says why.
    agent.goto(site + scene.subscription_path)
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Page not found"))
    check_agent(agent, "the subscription, refused")
    _row, details = customers_row(agent, t, scene.customer_name)
    expect(details.get_by_role("link", name=t("Azure"), exact=True)).to_have_count(0)
    expect(details).to_contain_text(t("No role assignment on this customer's subscriptions."))
    check_agent(agent, "Customers, Azure unavailable")
    screenshot(agent, "azure-customers-unavailable")

    # On a phone, the customer's Access control still fits.
    customer.set_viewport_size({"width": 390, "height": 844})
    customer.reload()
    assert customer.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    check_customer(customer, "Access control on a phone")
