"""Settings > Apps in a real browser, the way a person goes: the partner's Admin agent registers an app with its
permissions and adds a client secret, which the page shows once; a tool (plain HTTP here) takes the client ID, the
token endpoint and the secret from that page and gets a token, which the API accepts; the secret's "Last used"
changes; the agent revokes the secret (asked first), and neither it nor its token works any more.

Every page on the way must pass axe-core (no serious or critical violation) and cause no CSP violation."""

import json
import re
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.test_reseller_flow import Labels, sign_in

pytestmark = pytest.mark.browser

SCOPE = "https://graph.microsoft.com/.default"


def _http(url: str, *, form: dict | None = None, token: str = "") -> tuple[int, dict]:
    """A tool's call: a form POST (the token endpoint) or a GET with a bearer token (the API)."""
    request = urllib.request.Request(url, data=urlencode(form).encode() if form else None)
    if form:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.mark.parametrize(("language", "locale"), [("en", "en-US"), ("zh-hant", "zh-TW")])
def test_an_admin_agent_registers_an_app_whose_secret_gets_tokens_until_revoked(
    site, live_world, new_context, language, locale
):
    t = Labels(language)
    context = new_context(locale)
    check = context.checker.check
    page = context.new_page()
    page.goto(site + "/")
    sign_in(page, t, live_world.a_admin.email, with_authenticator=True)

    # Settings > Apps > Register an app: a name and two permissions.
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Apps"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Apps"))
    expect(page.get_by_text(t("No apps yet."))).to_be_visible()
    check(page, "Apps")
    page.get_by_role("link", name=t("Register an app"), exact=True).click()
    check(page, "Register an app")
    page.get_by_label(t("Name"), exact=True).fill("Nightly sync")
    page.get_by_label(t("Read and change admin relationships"), exact=True).check()
    page.get_by_label(t("Read customers"), exact=True).check()
    page.get_by_role("button", name=t("Register"), exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Nightly sync")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nightly sync")
    check(page, "the app")
    details = page.locator("dl.details code")
    client_id, tenant_id, token_url = (details.nth(n).inner_text() for n in range(3))
    assert token_url == f"{site}/{tenant_id}/oauth2/v2.0/token"
    expect(page.get_by_label(t("Read and change admin relationships"), exact=True)).to_be_checked()
    expect(page.get_by_label(t("Read admin relationships"), exact=True)).not_to_be_checked()

    # A new client secret: shown once, on the answer to the button.
    page.get_by_label(t("Description"), exact=True).fill("CI pipeline")
    page.get_by_label(t("Expires"), exact=True).select_option(label=t("90 days (3 months)"))
    page.get_by_role("button", name=t("New client secret"), exact=True).click()
    notice = page.get_by_role("status").filter(has_text=t("Copy the new client secret now: it won't be shown again."))
    expect(notice).to_be_visible()
    check(page, "the new secret")
    secret = notice.locator("code").inner_text()
    row = page.get_by_role("row").filter(has_text="CI pipeline")
    expect(row).to_contain_text(t("Never"))
    expect(row).to_contain_text(t("Active"))
    page.get_by_role("link", name=t("Apps"), exact=True).first.click()
    page.get_by_role("link", name="Nightly sync", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nightly sync")
    assert secret not in page.content()  # never again

    # The tool: the client credentials grant at the token endpoint the page shows, then the API.
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": SCOPE}
    status, token = _http(token_url, form=form)
    assert status == 200, token
    relationships = f"{site}/v1.0/tenantRelationships/delegatedAdminRelationships"
    status, listed = _http(relationships, token=token["access_token"])
    assert (status, listed["value"]) == (200, [])

    # The page now says when the secret was last used.
    page.reload()
    row = page.get_by_role("row").filter(has_text="CI pipeline")
    expect(row).not_to_contain_text(t("Never"))
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"\d"))

    # Revoked: the secret gets no more tokens, and the token it got no longer opens the API.
    row.get_by_role("link", name=t("Revoke"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Revoke this client secret?"))
    check(page, "Revoke this client secret?")
    page.get_by_role("button", name=t("Revoke"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("The client secret was revoked: it and its tokens no longer work.")
    )
    row = page.get_by_role("row").filter(has_text="CI pipeline")
    expect(row).to_contain_text(t("Revoked"))
    expect(row.get_by_role("link", name=t("Revoke"), exact=True)).to_have_count(0)
    check(page, "the revoked secret")
    status, refused = _http(relationships, token=token["access_token"])
    assert (status, refused["error"]["code"]) == (401, "InvalidAuthenticationToken")
    status, refused = _http(token_url, form=form)
    assert (status, refused["error"]) == (401, "invalid_client")
