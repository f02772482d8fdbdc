"""Sign in with email, sign out, password reset by email, failed sign-ins rate limited, deny by default."""

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from ..factories import PASSWORD, totp_code


def _sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_and_an_authenticator_code_takes_a_partner_agent_to_customers(world):
    client = Client()
    response = _sign_in(client, "ADMIN@fabrikam.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in before the second factor
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == reverse("customers:list")


def test_a_wrong_authenticator_code_does_not_sign_in(world):
    client = Client()
    _sign_in(client, "admin@fabrikam.test", PASSWORD)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_customer_admin_without_an_authenticator_signs_in_with_a_password(world):
    client = Client()
    response = _sign_in(client, "ga@contoso.test", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.x_ga.pk)


def test_a_wrong_password_gets_a_clear_message(world):
    response = _sign_in(Client(), "admin@fabrikam.test", "wrong-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_failed_sign_ins_are_rate_limited(world, settings):
    cache.clear()
    client = Client()
    for _ in range(5):
        _sign_in(client, "admin@fabrikam.test", "wrong-password")
    response = _sign_in(client, "admin@fabrikam.test", PASSWORD)
    # Even the right password is refused while the limit holds.
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_sign_out_is_a_post(world, client_for):
    client = client_for("x_ga")
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_pages_need_a_signed_in_user(world):
    response = Client().get(reverse("customers:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={reverse('customers:list')}"


def test_password_reset_by_email(world):
    cache.clear()
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": "ga@contoso.test"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    new = "A-brand-new-passphrase-77"
    done = client.post(action, {"password1": new, "password2": new})
    assert done.status_code == 302
    assert _sign_in(Client(), "ga@contoso.test", new).status_code == 302
    cache.clear()


def test_a_password_chosen_from_the_emailed_link_verifies_the_address(world):
    """Two-step verification can be activated only with a verified address: the link proves it, asking for it does
    not (anyone may ask for a link to any address)."""
    cache.clear()
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "ga@contoso.test"})
    assert not EmailAddress.objects.filter(user=world.x_ga, verified=True).exists()

    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "A-brand-new-passphrase-77"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    address = EmailAddress.objects.get(user=world.x_ga)
    assert (address.email, address.verified) == ("ga@contoso.test", True)

    signed_in = Client()
    _sign_in(signed_in, "ga@contoso.test", new)
    page = signed_in.get(reverse("mfa_activate_totp"), follow=True)
    page = signed_in.post(page.redirect_chain[-1][0], {"password": new}, follow=True)  # "Confirm it's you"
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert b"authenticator_secret" in page.content
    cache.clear()


def test_signing_up_on_ones_own_is_not_offered(world):
    assert Client().get("/accounts/signup/").status_code == 404


def test_the_accounts_pages_of_a_signed_in_user_are_security(world, client_for):
    """allauth sends a signed-in user from /accounts/ to its email page, which the portal does not have (addresses
    are the directory's): Security answers instead, with the password and two-step verification."""
    client = client_for("x_ga")
    response = client.get("/accounts/", follow=True)
    assert [url for url, _status in response.redirect_chain] == [reverse("account_email"), reverse("mfa_index")]
    assert reverse("account_change_password") in response.content.decode()
    assert Client().get("/accounts/email/")["Location"].startswith(reverse("account_login"))


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(world, settings):
    """ "Forgot your password?" does not tell whether an address has an account (allauth's enumeration prevention,
    which the settings keep on): the same redirect and the same page; only the account's owner gets a link."""
    from allauth.account import app_settings

    assert settings.ACCOUNT_PREVENT_ENUMERATION is True and app_settings.PREVENT_ENUMERATION is True
    answers = []
    for email in ["ga@contoso.test", "nobody@contoso.test", "nobody@nowhere.test"]:
        cache.clear()
        mail.outbox.clear()
        client = Client()
        response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302, email
        done = client.get(response["Location"])
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", done.content.decode())
        answers.append((response["Location"], done.status_code, page))
        links = [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
        assert [m.to for m in links] == ([["ga@contoso.test"]] if email == "ga@contoso.test" else []), email
    assert answers[0] == answers[1] == answers[2]
    cache.clear()
