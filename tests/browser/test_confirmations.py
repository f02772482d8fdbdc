"""Every destructive or link-invalidating action asks first, on a page that says what will happen, and works with
JavaScript off: Resend and Revoke on Relationship requests, Decline on an invitation, Remove profile on Autopilot
devices and whole device lists.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.autopilot_data import device

from .test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

t = Labels("en")


def test_resend_and_revoke_ask_first_and_cancel_changes_nothing(site, live_world, new_context):
    world = live_world
    context = new_context("en-US")
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, world.a_admin.email, with_authenticator=True)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Relationship requests")).click()

    # Resend: the question says the link sent before stops working; Cancel goes back with nothing changed.
    page.get_by_role("link", name=t("Resend")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Resend this request?"))
    expect(page.get_by_role("note")).to_contain_text("The link you shared before stops working")
    check(page, "Resend this request?")
    page.get_by_role("link", name=t("Cancel")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Relationship requests"))
    page.get_by_role("link", name=t("Resend")).click()
    page.get_by_role("button", name=t("Resend")).click()
    expect(page.get_by_role("button", name=t("Send"), exact=True)).to_be_visible()  # the new link's draft
    page.get_by_role("button", name=t("Done"), exact=True).click()  # sent from the agent's own email: pending again

    # Revoke: asked first, then done.
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Relationship requests")).click()
    page.get_by_role("link", name=t("Revoke")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Revoke this request?"))
    expect(page.get_by_role("note")).to_contain_text("This can't be undone")
    check(page, "Revoke this request?")
    page.get_by_role("button", name=t("Revoke")).click()
    expect(page.locator(".messages")).to_contain_text("The request was revoked. Its link no longer works.")
    expect(page.get_by_role("link", name=t("Revoke"))).to_have_count(0)

    # On a phone, the question fits the screen.
    page.go_back()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_decline_asks_first_even_without_javascript(site, live_world, browser):
    world = live_world
    context = browser.new_context(locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/invitations/{world.pending.token}/")
    page.get_by_role("link", name=t("Sign in to accept")).click()
    sign_in(page, t, world.y_ga.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fabrikam invites you to a reseller relationship")
    page.get_by_role("link", name=t("Decline")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decline the request from Fabrikam?")
    expect(page.get_by_role("note")).to_contain_text("Fabrikam must send you a new request")
    page.get_by_role("link", name=t("Cancel")).click()
    expect(page.get_by_role("button", name=t("Accept & authorize"))).to_be_visible()  # still open
    page.get_by_role("link", name=t("Decline")).click()
    page.get_by_role("button", name=t("Decline")).click()
    expect(page.locator(".messages")).to_contain_text("You declined the request from Fabrikam.")
    page.goto(f"{site}/invitations/{world.pending.token}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Fabrikam invites you to a reseller relationship")
    context.close()


@pytest.fixture
def devices_with_a_profile(live_world):
    from autopilot.models import AutopilotProfile, Device

    world = live_world
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Standard")
    devices = [device(world.customer_x, n, partner=world.partner_a) for n in (1, 2)]
    Device.objects.filter(pk__in=[d.pk for d in devices]).update(profile=profile)
    return devices


def test_remove_profile_asks_first_naming_the_devices(site, live_world, devices_with_a_profile, new_context):
    world = live_world
    first = devices_with_a_profile[0]
    context = new_context("en-US")
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, world.a_admin.email, with_authenticator=True)
    page.goto(f"{site}/customers/{world.customer_x.public_id}/devices/")
    page.get_by_label(f"{t('Select device')} {first}").check()
    page.get_by_role("button", name=t("Remove profile")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove the profile from 1 device?")
    expect(page.get_by_role("rowheader")).to_have_text([first.serial_number])
    check(page, "Remove the profile?")
    page.get_by_role("button", name=t("Remove profile")).click()
    expect(page.locator(".messages")).to_contain_text("The profile was removed from 1 device.")
    expect(page.locator("table.devices").get_by_role("cell", name="Standard", exact=True)).to_have_count(1)
