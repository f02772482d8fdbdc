"""Emails go out in the language their recipient reads: a user's language is remembered when they choose it (the
language switcher) or, when they never chose one, from their browser at sign-in; emails to a user are in it; the
agent chooses the customer's language for a relationship request's draft email and the email the portal sends; and a
request sent to several customers at once reaches each Global admin in their own language.

Through the pages, as a browser posts them, with the catalogue compiled from the committed .po."""

import html
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from admin_relationships.services import admin_relationship_create, role_template_create
from partnercenter.models import DirectoryRole, DirectoryRoleAssignment, OutboxEmail, SecurityGroup, User

from .admin_relationships.test_bulk_requests import add_customer, post_data
from .factories import PASSWORD, UserFactory
from .test_translations import PO, parse_po, write_mo


@pytest.fixture(autouse=True)
def zh_hant_catalogue(tmp_path):
    write_mo(parse_po(PO.read_text(encoding="utf-8")), tmp_path / "zh_Hant" / "LC_MESSAGES" / "django.mo")
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


def _hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


def _draft(page: str) -> dict[str, str]:
    """What the draft page posts when the agent enters an address and selects Send."""
    message = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))
    return {
        "token": _hidden(page, "token"),
        "language": _hidden(page, "language"),
        "message": message,
        "recipient_email": "it@customer.test",
    }


def _language(user: User) -> str:
    user.refresh_from_db()
    return user.preferred_language


# Remembered.


def test_the_language_switcher_remembers_a_signed_in_users_choice(world, client_for):
    client = client_for("x_user")
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    assert _language(world.x_user) == "zh-hant"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _language(world.x_user) == "en"


def test_the_language_switcher_ignores_a_language_the_portal_does_not_speak(world, client_for):
    User.objects.filter(pk=world.x_user.pk).update(preferred_language="en")
    client_for("x_user").post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert _language(world.x_user) == "en"
    # Anonymous visitors switch too (the cookie), with nobody to remember it for.
    assert Client().post(reverse("set_language"), {"language": "zh-hant", "next": "/"}).status_code == 302


def test_signing_in_remembers_the_browsers_language_when_none_was_chosen(world):
    User.objects.filter(pk=world.x_user.pk).update(preferred_language="")
    Client(HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9").post(
        reverse("account_login"), {"login": world.x_user.email, "password": PASSWORD}
    )
    assert _language(world.x_user) == "zh-hant"


def test_signing_in_keeps_a_language_chosen_before(world):
    User.objects.filter(pk=world.x_user.pk).update(preferred_language="en")
    Client(HTTP_ACCEPT_LANGUAGE="zh-TW").post(
        reverse("account_login"), {"login": world.x_user.email, "password": PASSWORD}
    )
    assert _language(world.x_user) == "en"


def test_a_password_link_is_emailed_in_the_users_language_whatever_the_page_is_in(world):
    User.objects.filter(pk=world.x_user.pk).update(preferred_language="zh-hant")
    Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("account_reset_password"), {"email": world.x_user.email})
    [email] = mail.outbox
    assert "密碼重設" in email.subject


def test_a_new_partner_users_invitation_is_in_the_language_chosen_for_them(world, client_for):
    DirectoryRoleAssignment.objects.create(user=world.a_admin, role=DirectoryRole.GLOBAL_ADMINISTRATOR)
    client = client_for("a_admin")
    data = {
        "first_name": "Mei",
        "last_name": "Lin",
        "email": "mei@fabrikam.test",
        "language": "zh-hant",
        "roles": ["sales_agents"],
    }
    response = client.post(reverse("partnersettings:user_new"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert User.objects.get(email="mei@fabrikam.test").preferred_language == "zh-hant"
    assert OutboxEmail.objects.get(to="mei@fabrikam.test").language == "zh-hant"


# Chosen by the agent for the customer.


def test_the_agent_chooses_the_customers_language_for_a_reseller_request(world, client_for):
    client = client_for("a_admin")
    form = client.get(reverse("relationships:request_new"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language"' in form and "繁體中文" in form
    draft = client.post(
        reverse("relationships:request_new"),
        {"include_delegated_admin": "on", "language": "zh-hant"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Request a reseller relationship" in draft  # the page stays in the agent's language
    data = _draft(draft)
    assert data["language"] == "zh-hant" and "親愛的客戶" in data["message"]
    assert "The email is in 繁體中文." in draft
    request_id = re.search(r"/relationships/requests/([0-9a-f-]+)/send/", draft).group(1)
    response = client.post(reverse("relationships:request_send", args=[request_id]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    email = OutboxEmail.objects.get()
    assert email.language == "zh-hant" and "邀請您建立轉銷商關係" in email.subject


def test_resend_asks_the_customers_language_for_the_new_draft(world, client_for):
    client = client_for("a_admin")
    url = reverse("relationships:request_reissue", args=[world.pending.request.public_id])
    confirmation = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "給客戶的電子郵件語言" in confirmation and 'name="language"' in confirmation
    draft = client.post(url, {"language": "en"}, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    data = _draft(draft)
    assert data["language"] == "en" and data["message"].startswith("Dear customer,")


def test_the_agent_chooses_the_customers_language_for_an_admin_relationship_request(world, client_for):
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Helpdesk",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )
    client = client_for("a_admin")
    args = [world.customer_x.public_id, relationship.public_id]
    detail = client.get(reverse("customers:admin_relationship", args=args), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Language of the email to the customer" in detail and "繁體中文" in detail
    draft = client.post(
        reverse("customers:admin_relationship_finalize", args=args), {"language": "zh-hant"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    data = _draft(draft)
    assert data["language"] == "zh-hant" and "技術服務管理員" in data["message"]
    response = client.post(reverse("customers:admin_relationship_send", args=args), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    email = OutboxEmail.objects.get()
    assert email.language == "zh-hant" and "要求貴組織的系統管理角色" in email.subject


# Sent by the portal to several customers at once: each Global admin in their own language.


def test_bulk_requests_reach_each_global_admin_in_their_own_language(
    world, client_for, django_capture_on_commit_callbacks
):
    """Contoso's Global admin reads the portal in English, Adatum's in Traditional Chinese (each chose it with the
    language switcher); the agent requests from both in Traditional Chinese. Each email, subject, message and role
    names alike, is in its reader's language; a Global admin who never chose one gets the agent's."""
    helpdesk = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    template = role_template_create(
        partner=world.partner_a,
        created_by=world.a_admin,
        name="Helpdesk",
        entries={DirectoryRole.HELPDESK_ADMINISTRATOR: helpdesk, DirectoryRole.USER_ADMINISTRATOR: helpdesk},
    )
    adatum = add_customer(world, "Adatum")  # its Global admin: ga@adatum.test
    newcomer = UserFactory(tenant=adatum, email="new-ga@adatum.test", roles=[DirectoryRole.GLOBAL_ADMINISTRATOR])
    for email, language in [(world.x_ga.email, "en"), ("ga@adatum.test", "zh-hant")]:
        reader = Client()
        reader.force_login(User.objects.get(email=email))
        reader.post(reverse("set_language"), {"language": language, "next": "/"})
    assert _language(newcomer) == ""

    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit, in-process
        response = client_for("a_admin").post(
            reverse("customers:admin_relationships_bulk_new"),
            post_data(template, [world.customer_x, adatum]),
            HTTP_ACCEPT_LANGUAGE="zh-hant",
        )
    assert response.status_code == 302
    emails = {email.to: email for email in OutboxEmail.objects.all()}
    assert set(emails) == {world.x_ga.email, "ga@adatum.test", "new-ga@adatum.test"}

    english = emails[world.x_ga.email]
    assert english.language == "en"
    assert english.subject == "Fabrikam requests admin roles in your organization"
    assert english.body_text.startswith("Dear customer,")
    assert "- Helpdesk Administrator\n- User Administrator" in english.body_text
    assert not re.search(r"[\u4e00-\u9fff]", english.body_text + english.body_html + english.subject)

    for to in ("ga@adatum.test", "new-ga@adatum.test"):
        chinese = emails[to]
        assert chinese.language == "zh-hant", to
        assert chinese.subject == "Fabrikam 要求貴組織的系統管理角色"
        assert chinese.body_text.startswith("親愛的客戶您好")
        assert "- 技術服務管理員\n- 使用者管理員" in chinese.body_text
        assert "Administrator" not in chinese.body_text and "檢閱合作夥伴角色" in chinese.body_html
