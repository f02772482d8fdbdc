"""Every allauth page a person can reach is the portal's own: its layout (base.html) and its words, never one of the
library's templates or its bare form elements (allauth/layouts/…, allauth/elements/…, account/base_….html). Signing
in, signing out, choosing a password from an emailed link, changing it, the account pages of two-step verification."""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from partnercenter.models import User

from ..factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

NEW = "A-brand-new-passphrase-77"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Sign-in rate limits and used authenticator codes live in the cache.
    cache.clear()
    yield
    cache.clear()


def library_templates(response) -> list[str]:
    names = [t.name for t in response.templates if t.name]
    return [n for n in names if n.startswith(("allauth/", "account/base_", "mfa/base_"))]


def assert_portal_page(response, heading: str) -> str:
    assert response.status_code == 200
    assert response.templates[0].name.startswith(("account/", "mfa/")), response.templates[0].name
    assert "base.html" in [t.name for t in response.templates]
    assert not library_templates(response), library_templates(response)
    page = response.content.decode()
    assert re.search(rf"<h1>{re.escape(heading)}</h1>", page), page
    return page


def signed_in(email: str, *, code: bool = False) -> Client:
    """Signed in the way a person is (not force_login): allauth then counts the sign-in as recent, which the pages
    that change how one signs in require."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    if code:
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    return client


def reset_link(user: User) -> str:
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def test_the_emailed_link_chooses_a_password_on_the_portals_page(world):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": world.x_user.email}, follow=True)
    assert_portal_page(response, "Check your email")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    page = assert_portal_page(form, "Choose a new password")
    assert f"<strong>{world.x_user.email}</strong>" in page
    assert 'class="card form"' in page and 'autocomplete="new-password"' in page
    assert "Your password must contain at least 10 characters." in page  # the rules, before the first try

    mismatch = client.post(form.redirect_chain[-1][0], {"password1": NEW, "password2": NEW + "x"})
    page = assert_portal_page(mismatch, "Choose a new password")
    assert 'id="password2-errors"' in page and 'aria-invalid="true"' in page

    done = client.post(form.redirect_chain[-1][0], {"password1": NEW, "password2": NEW}, follow=True)
    page = assert_portal_page(done, "Your password is saved")
    assert f'href="{reverse("account_login")}"' in page
    assert User.objects.get(pk=world.x_user.pk).check_password(NEW)


def test_a_new_user_chooses_its_password(world):
    user = UserFactory(tenant=world.customer_x, email="new@contoso.test")
    user.set_unusable_password()
    user.save()
    form = Client().get(reset_link(user), follow=True)
    assert_portal_page(form, "Choose your password")


def test_a_used_or_made_up_link_says_so_and_offers_a_new_one(world):
    made_up = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"})
    page = assert_portal_page(Client().get(made_up), "This link can't be used")
    assert f'href="{reverse("account_reset_password")}"' in page

    link = reset_link(world.x_user)
    client = Client()
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": NEW, "password2": NEW})
    assert_portal_page(Client().get(link, follow=True), "This link can't be used")


def test_change_password_is_under_security(world):
    client = signed_in(world.x_ga.email)
    security = assert_portal_page(client.get(reverse("mfa_index")), "Security")
    assert f'href="{reverse("account_change_password")}"' in security

    page = assert_portal_page(client.get(reverse("account_change_password")), "Change password")
    assert 'autocomplete="current-password"' in page
    wrong = client.post(
        reverse("account_change_password"), {"oldpassword": "wrong", "password1": NEW, "password2": NEW}
    )
    page = assert_portal_page(wrong, "Change password")
    assert 'id="oldpassword-errors"' in page

    changed = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW}, follow=True
    )
    assert changed.redirect_chain[-1][0] == reverse("mfa_index")
    assert "Password successfully changed." in assert_portal_page(changed, "Security")


def test_a_user_without_a_password_chooses_one_from_security(world):
    user = UserFactory(tenant=world.customer_x, email="nopassword@contoso.test")
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    security = client.get(reverse("mfa_index")).content.decode()
    assert f'href="{reverse("account_set_password")}"' in security
    assert_portal_page(client.get(reverse("account_set_password")), "Choose your password")


def test_signing_out_and_an_inactive_account(world):
    client = signed_in(world.x_ga.email)
    page = assert_portal_page(client.get(reverse("account_logout")), "Sign out?")
    assert f'action="{reverse("account_logout")}"' in page
    assert_portal_page(Client().get(reverse("account_inactive")), "This account can't sign in")


def confirmed(client: Client, url: str, answer: dict) -> Client:
    """Past "Confirm it's you" (the portal's page too), which the pages that change how one signs in ask first."""
    asked = client.get(url, follow=True)
    assert_portal_page(asked, "Confirm it's you")
    assert client.post(asked.redirect_chain[-1][0], answer)["Location"] == url
    return client


def test_the_two_step_verification_pages(world):
    customer = confirmed(signed_in(world.x_ga.email), reverse("mfa_activate_totp"), {"password": PASSWORD})
    assert_portal_page(customer.get(reverse("mfa_activate_totp")), "Set up your authenticator app")
    partner = signed_in(world.a_admin.email, code=True)
    confirmed(partner, reverse("mfa_generate_recovery_codes"), {"password": PASSWORD})
    assert_portal_page(partner.get(reverse("mfa_generate_recovery_codes")), "Recovery codes")
    partner.post(reverse("mfa_generate_recovery_codes"))
    assert_portal_page(partner.get(reverse("mfa_view_recovery_codes")), "Recovery codes")
    assert_portal_page(partner.get(reverse("mfa_deactivate_totp")), "Deactivate the authenticator app")
    partner = Client()
    partner.post(reverse("account_login"), {"login": world.a_admin.email, "password": PASSWORD})
    assert_portal_page(partner.get(reverse("mfa_authenticate")), "Two-step verification")
