"""Role templates and bulk requests in a real browser. A partner's Admin agent creates a role template under
Settings (Helpdesk Administrator to the Helpdesk Agents, User Administrator to a custom group, Tier 1); requests an
admin relationship of a customer starting from it, finalizes and sends it; the customer's Global admin approves
from the emailed link; and Tier 1's assignment appears on the relationship, active, without a second step. Then the
same template for several customers at once, from the Customers page's check boxes, with each customer's result.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from partner_settings.services import security_group_create, security_group_member_add
from tests.factories import ResellerRelationshipFactory, TenantFactory, UserFactory, mfa_enable

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tier1(live_world):
    """A custom security group, Tier 1, with one member. Made before the browser starts (no ORM calls once it runs)."""
    world = live_world
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    group = security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")
    security_group_member_add(group=group, user=member, added_by=world.a_admin)
    return group


def create_template(agent, check, t: Labels) -> None:
    agent.get_by_role("link", name=t("Role templates")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Role templates"))
    check(agent, "Role templates, empty")
    agent.get_by_role("link", name=t("Create role template")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Create role template"))
    check(agent, "Create role template")
    agent.get_by_label(t("Template name")).fill("Helpdesk, least privilege")
    agent.get_by_label("Helpdesk Administrator", exact=True).select_option(label=t("Helpdesk Agents"))
    agent.get_by_label("User Administrator", exact=True).select_option(label="Tier 1")
    agent.get_by_role("button", name=t("Create"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Role templates"))
    row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name="Helpdesk, least privilege"))
    expect(row).to_contain_text("User Administrator → Tier 1")
    expect(row).to_contain_text("Helpdesk Administrator → " + t("Helpdesk Agents"))
    check(agent, "Role templates, with one")


def test_a_request_from_a_template_gives_its_groups_their_roles_on_approval(
    site, live_world, tier1, smtp_mailbox, new_context
):
    world, t = live_world, Labels("en")
    agent_context = new_context("en-US")
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(f"{site}/customers/")
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)
    create_template(agent, check_agent, t)

    # On the customer's page: Request admin relationship, starting from the template.
    agent.get_by_role("link", name=t("Customers"), exact=True).click()
    agent.get_by_role("link", name=world.customer_x.name, exact=True).click()
    agent.get_by_role("link", name=t("Request admin relationship")).click()
    agent.get_by_label(t("Start from a role template")).select_option(label="Helpdesk, least privilege")
    agent.get_by_role("button", name=t("Use template")).click()
    expect(agent.get_by_label("Helpdesk Administrator", exact=True)).to_be_checked()
    expect(agent.get_by_label("User Administrator", exact=True)).to_be_checked()
    expect(agent.get_by_label("Global Reader", exact=True)).not_to_be_checked()
    expect(agent.get_by_role("main")).to_contain_text("User Administrator → Tier 1")
    check_agent(agent, "Request admin relationship from a template")
    agent.get_by_label(t("Admin relationship name")).fill("Contoso helpdesk")
    agent.get_by_label(t("Duration in days")).fill("60")
    agent.get_by_role("button", name=t("Create"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Contoso helpdesk")
    expect(agent.get_by_role("main")).to_contain_text("Requested from the role template Helpdesk, least privilege.")
    check_agent(agent, "the relationship, from a template")
    agent.get_by_role("button", name=t("Finalize request")).click()
    link = agent.get_by_role("textbox", name=t("Personalized link")).input_value()
    agent.get_by_label(t("Customer's email address")).fill(world.x_ga.email)
    agent.get_by_role("button", name=t("Send"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Contoso helpdesk")
    expect(agent.get_by_role("main")).to_contain_text(
        t("When the customer approves, these security groups get their roles:")
    )
    (message,) = smtp_mailbox.wait_for(1)
    assert link in message.get_body(preferencelist=("plain",)).get_content()

    # The customer's Global admin approves all.
    customer_context = new_context("en-US")
    customer = customer_context.new_page()
    customer.goto(link)
    sign_in(customer, t, world.x_ga.email)
    expect(customer.get_by_role("heading", level=1)).to_have_text(t("Approve partner roles"))
    customer.get_by_role("button", name=t("Approve all")).click()
    expect(customer.get_by_role("status")).to_contain_text(world.partner_a.name)

    # The template's groups have their roles, without Add security groups.
    agent.reload()
    tier1_row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name="Tier 1", exact=True))
    expect(tier1_row).to_contain_text("User Administrator")
    expect(tier1_row).not_to_contain_text("Helpdesk Administrator")
    expect(tier1_row).to_contain_text(t("Active"))
    helpdesk_row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name=t("Helpdesk Agents")))
    expect(helpdesk_row).to_contain_text("Helpdesk Administrator")
    check_agent(agent, "the approved relationship with the template's groups")


@pytest.fixture
def adatum(live_world):
    """A second customer of partner A, with its own Global admin."""
    tenant = TenantFactory(name="Adatum", primary_domain="adatum.test")
    ResellerRelationshipFactory(partner=live_world.partner_a, customer=tenant)
    UserFactory(tenant=tenant, email="ga@adatum.test", roles=["global_admin"])
    return tenant


def test_bulk_requests_from_the_customers_page(site, live_world, tier1, adatum, smtp_mailbox, new_context):
    world, t = live_world, Labels("en")
    agent_context = new_context("en-US")
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(f"{site}/customers/")
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)
    create_template(agent, check_agent, t)

    agent.get_by_role("link", name=t("Customers"), exact=True).click()
    agent.get_by_label(t("Select %(name)s") % {"name": "Adatum"}).check()
    agent.get_by_label(t("Select %(name)s") % {"name": world.customer_x.name}).check()
    check_agent(agent, "Customers, two selected")
    agent.get_by_role("button", name=t("Request admin relationships")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Request admin relationships"))
    expect(agent.get_by_role("main")).to_contain_text("2 customers selected")
    check_agent(agent, "Request admin relationships")
    agent.get_by_label(t("Role template"), exact=True).select_option(label="Helpdesk, least privilege")
    agent.get_by_label(t("Admin relationship name")).fill("Helpdesk")
    agent.get_by_label(t("A number")).check()
    agent.get_by_role("button", name=t("Send requests")).click()

    expect(agent.get_by_role("status")).to_contain_text("2 of 2 sent, 0 failed.")
    for customer, name in (("Adatum", "Helpdesk 1"), (world.customer_x.name, "Helpdesk 2")):
        row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name=customer, exact=True))
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("Sent to 1 Global admin")
    check_agent(agent, "bulk results")
    messages = smtp_mailbox.wait_for(2)
    assert sorted(str(m["To"]) for m in messages) == ["ga@adatum.test", world.x_ga.email]
    links = {
        re.search(r"\S+/admin-relationships/approve/\S+/", m.get_body(("plain",)).get_content())[0] for m in messages
    }
    assert len(links) == 2
    # Each name links to its relationship, waiting for the customer's approval.
    agent.get_by_role("link", name="Helpdesk 2").click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Helpdesk 2")
    expect(agent.get_by_role("main")).to_contain_text(t("Approval pending"))
