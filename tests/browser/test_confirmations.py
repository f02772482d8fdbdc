"""Every destructive or link-invalidating action asks first, on a page that says what will happen, and works with
JavaScript off: Resend and Revoke on Relationship requests, Decline on an invitation, Remove profile on Autopilot
devices and whole device lists; in both languages, the partner's Remove of a security group's roles, Remove Global
Administrator, Remove of a security group's member, Revoke of a client secret, Remove app and Discard the list, and
the customer's Unassign of a license, Discard the list and Reject of an admin relationship request. Cancel changes
nothing; the button does it.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.autopilot_data import device
from tests.confirmation_data import build_scene

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


LANGUAGES = [("en", "en-US"), ("zh-hant", "zh-TW")]


@pytest.fixture
def scene(live_world, site):
    """What the actions act on, and what the pages name, read before the browser starts (the test body may not use
    the database: see conftest)."""
    world = live_world
    built = build_scene(world)
    x = world.customer_x.public_id
    return {
        "relationship": f"{site}/customers/{x}/admin-relationships/{built.relationship.public_id}/",
        "group": f"{site}/settings/security-groups/{built.group.public_id}/",
        "member": world.a_sales.display_name,
        "app": f"{site}/settings/apps/{built.app.public_id}/",
        "partner_batch": f"{site}/customers/{x}/devices/lists/{built.partner_batch.public_id}/",
        "customer_batch": f"{site}/admin-center/{x}/devices/lists/{built.customer_batch.public_id}/",
        "subscription": f"{site}/admin-center/{x}/subscriptions/{built.subscription.public_id}/",
        "licensed": world.x_user.display_name,
        "licensed_email": world.x_user.email,
        "approval": f"{site}/admin-relationships/approve/{built.request_token}/",
    }


def ask_cancel_then_confirm(page, check, t: Labels, *, click, question: str, button: str, name: str) -> None:
    """Click the action: its question, whose Cancel goes back with nothing changed (the action is still offered);
    then the action again and its button."""
    back = page.url
    click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    check(page, name)
    page.get_by_role("link", name=t("Cancel"), exact=True).click()
    expect(page).to_have_url(back)
    click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    page.get_by_role("button", name=button, exact=True).click()


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_the_partners_removals_ask_first(site, live_world, scene, new_context, language, locale):
    t = Labels(language)
    context = new_context(locale)
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, live_world.a_admin.email, with_authenticator=True)

    # An admin relationship: a security group's roles, then Global Administrator.
    page.goto(scene["relationship"])
    helpdesk = t("Helpdesk Agents")
    row = page.locator("table.assignments").get_by_role("row").filter(has_text=helpdesk)
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: row.get_by_role("link", name=t("Remove")).click(),
        question=t("Remove the roles of %(group)s?") % {"group": helpdesk},
        button=t("Remove"),
        name="Remove the roles of a security group?",
    )
    status = page.get_by_role("status")
    expect(status).to_contain_text(t("%(group)s no longer has roles in this relationship.") % {"group": helpdesk})
    expect(page.locator("table.assignments").get_by_role("row").filter(has_text=helpdesk)).to_have_count(0)
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: page.get_by_role("link", name=t("Remove Global Administrator"), exact=True).click(),
        question=t("Remove Global Administrator from %(name)s?") % {"name": "Contoso support"},
        button=t("Remove Global Administrator"),
        name="Remove Global Administrator?",
    )
    expect(status).to_contain_text(t("The Global Administrator role was removed from this relationship."))
    expect(page.get_by_role("link", name=t("Remove Global Administrator"))).to_have_count(0)

    # Settings > Security groups: a member of a custom group.
    page.goto(scene["group"])
    member = scene["member"]
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: page.get_by_role("row").filter(has_text=member).get_by_role("link", name=t("Remove")).click(),
        question=t("Remove %(name)s from %(group)s?") % {"name": member, "group": "Tier 1"},
        button=t("Remove"),
        name="Remove a member?",
    )
    expect(status).to_contain_text(t("%(name)s was removed from the group.") % {"name": member})
    expect(page.get_by_role("row").filter(has_text=member)).to_have_count(0)

    # Settings > Apps: a client secret, then the app.
    page.goto(scene["app"])
    secret_row = page.get_by_role("row").filter(has_text="Nightly report")
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: secret_row.get_by_role("link", name=t("Revoke"), exact=True).click(),
        question=t("Revoke this client secret?"),
        button=t("Revoke"),
        name="Revoke this client secret?",
    )
    expect(status).to_contain_text(t("The client secret was revoked: it and its tokens no longer work."))
    expect(secret_row).to_contain_text(t("Revoked"))
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: page.get_by_role("link", name=t("Remove app"), exact=True).click(),
        question=t("Remove the app %(name)s?") % {"name": "Automation"},
        button=t("Remove app"),
        name="Remove the app?",
    )
    expect(status).to_contain_text(t("The app %(name)s was removed.") % {"name": "Automation"})
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Apps"))

    # Devices > a device list waiting for confirmation.
    page.goto(scene["partner_batch"])
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: page.get_by_role("link", name=t("Discard the list"), exact=True).click(),
        question=t("Discard the device list %(name)s?") % {"name": "Spring laptops"},
        button=t("Discard the list"),
        name="Discard the device list?",
    )
    expect(status).to_contain_text(t("The device list was discarded. No device was registered."))
    expect(page.get_by_text(t("This device list was discarded: nothing of it was registered."))).to_be_visible()


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_the_customers_removals_ask_first(site, live_world, scene, new_context, language, locale):
    t = Labels(language)
    context = new_context(locale)
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, live_world.x_ga.email)

    # Admin center > Subscriptions and licenses > a subscription: a user's license.
    page.goto(scene["subscription"])
    holder = page.get_by_role("row").filter(has_text=scene["licensed_email"])
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: holder.get_by_role("link", name=t("Unassign")).click(),
        question=t("Unassign the license of %(user)s?") % {"user": scene["licensed"]},
        button=t("Unassign"),
        name="Unassign the license?",
    )
    done = t("%(user)s no longer has a license for %(product)s.") % {
        "user": scene["licensed_email"],
        "product": t("Microsoft 365 Business Basic"),
    }
    expect(page.get_by_role("status")).to_contain_text(done)
    expect(page.get_by_text(t("No one has a license for this subscription yet."))).to_be_visible()

    # Admin center > Devices > the organization's device list waiting for confirmation.
    page.goto(scene["customer_batch"])
    ask_cancel_then_confirm(
        page,
        check,
        t,
        click=lambda: page.get_by_role("link", name=t("Discard the list"), exact=True).click(),
        question=t("Discard the device list %(name)s?") % {"name": "Office desktops"},
        button=t("Discard the list"),
        name="Discard the device list? (admin center)",
    )
    expect(page.get_by_role("status")).to_contain_text(t("The device list was discarded. No device was registered."))


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_reject_asks_first_even_without_javascript(site, live_world, scene, browser, language, locale):
    t = Labels(language)
    context = browser.new_context(locale=locale, java_script_enabled=False)
    page = context.new_page()
    page.goto(scene["approval"])
    sign_in(page, t, live_world.x_ga.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Approve partner roles"))
    page.get_by_role("link", name=t("Reject"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Reject the roles %(partner)s requested?") % {"partner": "Fabrikam"}
    )
    page.get_by_role("link", name=t("Cancel"), exact=True).click()
    expect(page.get_by_role("button", name=t("Approve all"))).to_be_visible()  # still open
    page.get_by_role("link", name=t("Reject"), exact=True).click()
    page.get_by_role("button", name=t("Reject"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("You rejected the roles %(partner)s requested.") % {"partner": "Fabrikam"}
    )
    page.goto(scene["approval"])
    expect(page.get_by_role("heading", level=1)).to_have_text(t("This link can't be used"))
    context.close()
