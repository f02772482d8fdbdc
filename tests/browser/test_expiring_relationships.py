"""Expiring granular relationships and Edit roles, in a real browser (English and Traditional Chinese): a partner's
Admin agent goes from Customers to Expiring granular relationships, filters by the "within 7 days" tile, searches,
opens a relationship, and changes the roles of a security group's assignment there, which the task activates.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from admin_relationships.services import (
    access_assignment_activate,
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partner_settings.services import security_group_create
from partnercenter.models import AdminRelationship, DirectoryRole

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

R = DirectoryRole


def _active(world, name: str, roles: list[str], ends_in: timedelta) -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=world.partner_a, customer=world.customer_x, created_by=world.a_admin, display_name=name, roles=roles
    )
    relationship = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship
    relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() + ends_in)
    return relationship


@pytest.fixture
def relationships(live_world):
    """Partner A's relationship with customer X ending in five days, Tier 1 holding one of its roles, and another
    ending in 100 days. Made before the browser starts (no ORM calls once it runs)."""
    world = live_world
    soon = _active(world, "Helpdesk support", [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR], timedelta(days=5))
    _active(world, "Readers", [R.GLOBAL_READER], timedelta(days=100))
    group = security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")
    assignment = access_assignment_create(
        relationship=soon, security_group=group, roles=[R.HELPDESK_ADMINISTRATOR], created_by=world.a_admin
    )
    access_assignment_activate(assignment_id=assignment.pk)
    return soon


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_find_an_expiring_relationship_and_edit_a_groups_roles(
    site, live_world, relationships, new_context, language, locale
):
    world, t = live_world, Labels(language)
    context = new_context(locale)
    check = context.checker.check
    page = context.new_page()
    page.goto(f"{site}/customers/")
    sign_in(page, t, world.a_admin.email, with_authenticator=True)
    page.goto(f"{site}/customers/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # Customers > Expiring granular relationships: every tile with its count and share.
    page.get_by_role("link", name=t("Expiring granular relationships")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Expiring granular relationships"))
    tiles = page.get_by_role("navigation", name=t("Filter by end date"))
    week = tiles.get_by_role("link", name=re.compile(re.escape(t("Expiring within 7 days"))))
    expect(week).to_contain_text("1")
    expect(week).to_contain_text("50%")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Helpdesk support")
    expect(table).to_contain_text("Readers")
    check(page, "Expiring granular relationships")

    # The 7-day tile filters the table and is marked as the chosen one.
    week.click()
    expect(week).to_have_attribute("aria-current", "true")
    expect(table).to_contain_text("Helpdesk support")
    expect(table).not_to_contain_text("Readers")
    check(page, "the 7-day tile")

    # A search within the tile, by the relationship's name.
    page.get_by_role("searchbox").fill("helpdesk")
    page.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page.get_by_role("searchbox")).to_have_value("helpdesk")
    expect(week).to_have_attribute("aria-current", "true")
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Helpdesk support"))
    expect(row).to_contain_text(world.customer_x.name)
    expect(row).to_contain_text(t("Active"))

    # The relationship's page, then Edit roles of Tier 1: its role is checked; it gets the other one instead.
    row.get_by_role("link", name="Helpdesk support").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Helpdesk support")
    group_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Tier 1", exact=True))
    group_row.get_by_role("link", name=re.compile(re.escape(t("Edit roles")))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Edit roles"))
    helpdesk = page.get_by_label(t("Helpdesk Administrator"), exact=True)
    user_admin = page.get_by_label(t("User Administrator"), exact=True)
    expect(helpdesk).to_be_checked()
    expect(user_admin).not_to_be_checked()
    check(page, "Edit roles")
    user_admin.check()
    helpdesk.uncheck()
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Helpdesk support")
    page.reload()  # the task has activated the new roles
    group_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Tier 1", exact=True))
    expect(group_row).to_contain_text(t("User Administrator"))
    expect(group_row).not_to_contain_text(t("Helpdesk Administrator"))
    expect(group_row).to_contain_text(t("Active"))
    check(page, "the relationship after Edit roles")
