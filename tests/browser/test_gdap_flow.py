"""Granular delegated admin (GDAP) in a real browser: a partner's Admin agent requests an admin relationship with two
roles for a customer, finalizes it and sends the personalized link; the customer's Global admin signs in from the
link and approves all; the agent gives one of the roles to a custom security group; that group's member then manages
the customer's users with exactly that role; the agent terminates the relationship, and the member is refused.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from partner_settings.services import security_group_create, security_group_member_add
from tests.factories import UserFactory, mfa_enable

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def tier1_member(live_world):
    """A partner user in a custom security group, Tier 1, and in no built-in group: it holds nothing until GDAP gives
    its group a role. Made before the browser starts (no ORM calls once it runs)."""
    world = live_world
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    group = security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")
    security_group_member_add(group=group, user=member, added_by=world.a_admin)
    return member


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_request_approve_assign_use_terminate(
    site, live_world, tier1_member, smtp_mailbox, new_context, language, locale
):
    """The same way in each language: the browser asks for it (Accept-Language), the pages answer in it."""
    world, t = live_world, Labels(language)
    x = world.customer_x
    customer_page = f"{site}/customers/{x.public_id}/"

    # The Admin agent requests an admin relationship on the customer's page.
    agent_context = new_context(locale)
    check_agent = agent_context.checker.check
    agent = agent_context.new_page()
    agent.goto(customer_page)
    sign_in(agent, t, world.a_admin.email, with_authenticator=True)
    agent.goto(customer_page)
    expect(agent.get_by_role("heading", name=t("Admin relationships"))).to_be_visible()
    check_agent(agent, "customer page")
    agent.get_by_role("link", name=t("Request admin relationship")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Request admin relationship"))
    check_agent(agent, "Request admin relationship")
    agent.get_by_label(t("Admin relationship name")).fill("Helpdesk support")
    agent.get_by_label(t("Duration in days")).fill("30")
    # The search box narrows the catalogue; a role hidden by the search keeps its box.
    search = agent.get_by_label(t("Search roles"))
    search.fill(t("Helpdesk Administrator"))
    expect(agent.get_by_label(t("Exchange Administrator"), exact=True)).to_be_hidden()
    agent.get_by_label(t("Helpdesk Administrator"), exact=True).check()
    search.fill("")
    agent.get_by_label(t("User Administrator"), exact=True).check()
    agent.get_by_role("button", name=t("Create"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Helpdesk support")
    check_agent(agent, "the new relationship")

    # Finalize request: the draft email with the personalized link, sent through the outbox.
    agent.get_by_role("button", name=t("Finalize request")).click()
    link_field = agent.get_by_role("textbox", name=t("Personalized link"))
    expect(link_field).to_have_value(re.compile("^" + re.escape(site) + r"/admin-relationships/approve/[\w-]{40,}/$"))
    link = link_field.input_value()
    expect(agent.get_by_label(t("Email message"))).to_have_value(re.compile(re.escape(link)))
    check_agent(agent, "draft email")
    agent.get_by_label(t("Customer's email address")).fill(world.x_ga.email)
    agent.get_by_role("button", name=t("Send"), exact=True).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text("Helpdesk support")
    (message,) = smtp_mailbox.wait_for(1)
    assert message["To"] == world.x_ga.email
    assert link in message.get_body(preferencelist=("plain",)).get_content()

    # The customer's Global admin opens the link, signs in first, and approves all.
    customer_context = new_context(locale)
    check_customer = customer_context.checker.check
    customer = customer_context.new_page()
    customer.goto(link)
    sign_in(customer, t, world.x_ga.email)
    expect(customer).to_have_url(link)
    expect(customer.get_by_role("heading", level=1)).to_have_text(t("Approve partner roles"))
    for text in (world.partner_a.name, "Helpdesk support", t("Helpdesk Administrator"), t("User Administrator")):
        expect(customer.get_by_role("main")).to_contain_text(text)
    check_customer(customer, "Approve partner roles")
    customer.get_by_role("button", name=t("Approve all")).click()
    approved = t("You approved the roles %(partner)s requested.") % {"partner": world.partner_a.name}
    expect(customer.get_by_role("status")).to_contain_text(approved)

    # The agent gives Tier 1 the Helpdesk Administrator role only; the task activates it.
    agent.reload()
    expect(agent.get_by_role("main")).to_contain_text(t("Active"))
    agent.get_by_role("link", name=t("Add security groups")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Add security groups"))
    check_agent(agent, "Add security groups")
    agent.get_by_label(t("Security group")).select_option(label="Tier 1")
    agent.get_by_label(t("Helpdesk Administrator"), exact=True).check()
    agent.get_by_role("button", name=t("Save"), exact=True).click()
    # Back on the relationship's page (the POST redirects there) before reloading it for the task's result.
    expect(agent.get_by_role("heading", level=1)).to_have_text("Helpdesk support")
    agent.reload()
    row = agent.get_by_role("row").filter(has=agent.get_by_role("rowheader", name="Tier 1", exact=True))
    expect(row).to_contain_text(t("Helpdesk Administrator"))
    expect(row).not_to_contain_text(t("User Administrator"))
    expect(row).to_contain_text(t("Active"))
    check_agent(agent, "the relationship with its security group")

    # Tier 1's member manages the customer's users as a Helpdesk Administrator: passwords, not users.
    member_context = new_context(locale)
    check_member = member_context.checker.check
    member = member_context.new_page()
    users = f"{site}/admin-center/{x.public_id}/users/"
    member.goto(users)
    sign_in(member, t, tier1_member.email, with_authenticator=True)
    response = member.goto(users)
    assert response is not None and response.status == 200
    expect(member.get_by_role("heading", level=1)).to_have_text(t("Users"))
    expect(member.get_by_role("main")).to_contain_text(world.x_user.email)
    expect(member.get_by_role("link", name=re.compile(t("Reset password"))).first).to_be_visible()
    expect(member.get_by_role("link", name=t("Add a user"))).to_have_count(0)
    check_member(member, "the customer's Users as the group's member")

    # The agent terminates the relationship after a confirmation; the member is refused from then on.
    agent.get_by_role("link", name=t("Terminate relationship")).click()
    expect(agent.get_by_role("heading", level=1)).to_have_text(t("Terminate relationship"))
    check_agent(agent, "Terminate relationship")
    agent.get_by_role("button", name=t("Terminate"), exact=True).click()
    expect(agent.get_by_role("main")).to_contain_text(t("Terminated"))
    response = member.goto(users)
    assert response is not None and response.status == 403
