"""Two-step verification (TOTP): partner users must have an authenticator app before they see customers or act
on a customer's behalf; customers' users may, but are not made to. The set-up pages are the portal's own (layout,
labels, no inline script or style). The demo's partner users have published secrets, and `totp_code` prints their
current code, so the demo works without a phone."""

import io
import re
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from demo.management.commands.demo_data import DEMO_TOTP_SECRETS
from partnercenter.access import MFARequired, partner_customer_for
from partnercenter.accounts import MFAAdapter
from partnercenter.models import User

from ..factories import PASSWORD, TOTP_SECRET, totp_code

CUSTOMERS = reverse("customers:list")
ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Sign-in rate limits and used TOTP codes live in the cache.
    cache.clear()
    yield
    cache.clear()


def sign_in(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def secret_on(page: str) -> str:
    return re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)


# Enforcement.


def test_a_partner_user_without_an_authenticator_sets_one_up_before_customers(world):
    Authenticator.objects.filter(user=world.a_sales).delete()
    client = sign_in("sales@fabrikam.test")  # no authenticator: the password alone signs in

    response = client.get(CUSTOMERS)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE

    # Changing how one signs in asks for the password again first, then comes back.
    response = client.get(ACTIVATE, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "Partner users must use two-step verification" in response.content.decode()
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE

    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = secret_on(page.content.decode())

    wrong = client.post(ACTIVATE, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert 'role="alert"' in wrong.content.decode()
    assert not Authenticator.objects.filter(user=world.a_sales, type=Authenticator.Type.TOTP).exists()

    done = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=world.a_sales, type=Authenticator.Type.TOTP).exists()
    assert client.get(CUSTOMERS).status_code == 200


def test_acting_on_a_customers_behalf_needs_an_authenticator_too(world):
    Authenticator.objects.filter(user=world.a_admin).delete()
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=world.a_admin.pk)
    request.session = {}
    with pytest.raises(MFARequired):
        partner_customer_for(request, world.customer_x.public_id)


def test_a_customer_user_without_an_authenticator_is_not_made_to_set_one_up(world):
    assert not Authenticator.objects.filter(user=world.x_ga).exists()
    client = sign_in("ga@contoso.test")
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_an_unverified_address_is_explained_with_the_way_to_verify_it(world):
    """Asking for a link to choose a password leaves the address unverified until the link is used (anyone may ask);
    the page that refuses two-step verification then says how to verify it, since there is no email page."""
    Authenticator.objects.filter(user=world.a_sales).delete()
    Client().post(reverse("account_reset_password"), {"email": "sales@fabrikam.test"})
    assert EmailAddress.objects.filter(user=world.a_sales, verified=False).exists()
    client = sign_in("sales@fabrikam.test")
    page = client.get(ACTIVATE, follow=True)
    if page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate")):
        page = client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("mfa_index")
    assert "select “Forgot your password?” and choose a password with the link we email you" in page.content.decode()
    with translation.override("zh-hant"):
        assert "忘記密碼？" in str(MFAAdapter.error_messages["unverified_email"])


def test_removing_the_authenticator_asks_for_a_new_one_before_customers(world):
    client = Client()
    client.post(reverse("account_login"), {"login": "sales@fabrikam.test", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert client.get(CUSTOMERS).status_code == 200  # remembered in the session from now on

    page = client.get(reverse("mfa_deactivate_totp"), follow=True)
    reauthenticate = page.redirect_chain[-1][0]
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    client.post(reauthenticate, {"password": PASSWORD})
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=world.a_sales, type=Authenticator.Type.TOTP).exists()

    response = client.get(CUSTOMERS)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


# The pages: our layout, every field labelled, no inline script or style.


class PageAudit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labels: set[str] = set()
        self.controls: list[dict] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0
        self.images: list[dict] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a:
            self.style_attributes += 1
        if tag == "style":
            self.style_elements += 1
        if tag == "script" and "src" not in a:
            self.inline_scripts += 1
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.controls.append(a)
        if tag == "img":
            self.images.append(a)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def audit(response) -> PageAudit:
    assert response.status_code == 200
    parser = PageAudit()
    parser.feed(response.content.decode())
    body = response.content.decode()
    assert 'class="skip-link"' in body and 'class="leftnav"' in body, "not in the portal's layout"
    assert parser.inline_scripts == 0 and parser.style_attributes == 0 and parser.style_elements == 0
    unlabelled = [c for c in parser.controls if c.get("id") not in parser.labels and not c.get("aria-label")]
    assert not unlabelled, unlabelled
    assert all("alt" in img and img["alt"] for img in parser.images)
    assert parser.headings and parser.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(parser.headings, parser.headings[1:], strict=False)), parser.headings
    return parser


def test_the_set_up_pages_are_in_the_portals_layout_with_labels(world):
    Authenticator.objects.filter(user=world.a_sales).delete()
    client = sign_in("sales@fabrikam.test")
    audit(client.get(reverse("mfa_index")))
    assert "Partner users must use two-step verification" in client.get(reverse("mfa_index")).content.decode()
    audit(client.get(reverse("account_reauthenticate")))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(ACTIVATE)
    parser = audit(page)
    # The QR code is an image from a data: URI, which the Content Security Policy allows for images.
    (qr,) = parser.images
    assert qr["src"].startswith("data:image/svg+xml;base64,")
    assert "data:" in page["Content-Security-Policy"].split("img-src", 1)[1].split(";", 1)[0]
    assert qr["alt"] != secret_on(page.content.decode())  # a description, not the secret read aloud
    audit(client.post(ACTIVATE, {"code": "abc"}))

    secret = secret_on(client.get(ACTIVATE).content.decode())
    codes = client.post(ACTIVATE, {"code": totp_code(secret)}, follow=True)
    assert codes.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    parser = audit(codes)
    assert "Unused codes" in codes.content.decode()
    assert f'href="{CUSTOMERS}"' in codes.content.decode()  # Done: on to Customers
    audit(client.get(reverse("mfa_index")))
    audit(client.get(reverse("mfa_generate_recovery_codes")))
    audit(client.get(reverse("mfa_deactivate_totp")))


def test_the_code_reauthentication_page_is_labelled(world):
    client = Client()
    client.post(reverse("account_login"), {"login": "admin@fabrikam.test", "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    page = client.get(reverse("mfa_reauthenticate"))
    audit(page)
    assert 'for="id_code"' in page.content.decode()
    assert reverse("account_reauthenticate") in page.content.decode()  # the other way: the password


def test_the_set_up_pages_speak_traditional_chinese(world):
    client = sign_in("ga@contoso.test")
    page = client.get(reverse("mfa_index"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert '<html lang="zh-hant">' in page.content.decode()
    assert "<h1>安全性</h1>" in page.content.decode()  # Security: the password and two-step verification
    assert "驗證器應用程式" in page.content.decode()


# The demo without a phone.


def test_demo_partner_users_have_published_secrets_and_totp_code_prints_their_code(db):
    out = io.StringIO()
    call_command("demo_data", extra_customers=0, stdout=out)
    for email, secret in DEMO_TOTP_SECRETS.items():
        assert f"{email}" in out.getvalue() and secret in out.getvalue()
        authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
        assert authenticator.data["secret"] == secret
    count = Authenticator.objects.count()
    call_command("demo_data", extra_customers=0, stdout=io.StringIO())
    assert Authenticator.objects.count() == count  # idempotent

    printed = io.StringIO()
    call_command("totp_code", "admin@fabrikam.example", stdout=printed, stderr=io.StringIO())
    code = printed.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code == totp_code(DEMO_TOTP_SECRETS["admin@fabrikam.example"])

    client = Client()
    client.post(reverse("account_login"), {"login": "admin@fabrikam.example", "password": "Demo-password-2026"})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(CUSTOMERS).status_code == 200


def test_totp_code_takes_a_secret_too(db):
    printed = io.StringIO()
    call_command("totp_code", "--secret", TOTP_SECRET.lower(), stdout=printed, stderr=io.StringIO())
    assert printed.getvalue().strip() == totp_code(TOTP_SECRET)
    with pytest.raises(CommandError, match="base32"):
        call_command("totp_code", "--secret", "not base32!", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("totp_code", stdout=io.StringIO(), stderr=io.StringIO())


def test_totp_code_does_not_compute_codes_of_real_authenticators(world):
    # A partner user whose authenticator has its own secret (as every real one has): the command will not help.
    with pytest.raises(CommandError, match="does not use a demo secret"):
        call_command("totp_code", "admin@fabrikam.test", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="no authenticator"):
        call_command("totp_code", "ga@contoso.test", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError, match="No user"):
        call_command("totp_code", "nobody@nowhere.test", stdout=io.StringIO(), stderr=io.StringIO())
