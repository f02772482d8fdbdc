"""Settings > User management: the partner's own Global admin adds partner users, sets their roles (Admin agent,
Sales agent, Helpdesk agent: membership of the built-in groups) and removes them. Nobody else may; every change is
audited; a user of another tenant is not found."""

import re
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partner_settings.services import partner_user_create, partner_user_remove, partner_user_update_roles
from partnercenter.models import AuditEvent, DirectoryRole, DirectoryRoleAssignment, OutboxEmail, SecurityGroup, User

from ..factories import PASSWORD, UserFactory, totp_code

Kind = SecurityGroup.Kind
GA = DirectoryRole.GLOBAL_ADMINISTRATOR
USERS = reverse("partnersettings:users")
NEW = reverse("partnersettings:user_new")


def edit_url(user: User) -> str:
    return reverse("partnersettings:user_edit", args=[user.public_id])


def remove_url(user: User) -> str:
    return reverse("partnersettings:user_remove", args=[user.public_id])


def kinds_of(user: User) -> set[str]:
    return set(SecurityGroup.objects.filter(members=user).values_list("kind", flat=True))


@pytest.fixture
def a_ga(world):
    """Partner A's own Global admin: its admin agent, with the Global Administrator role in the partner's tenant."""
    DirectoryRoleAssignment.objects.create(user=world.a_admin, role=GA)
    return world.a_admin


@pytest.fixture
def ga_client(a_ga, client_for):
    return client_for("a_admin")


NEW_USER = {"first_name": "Robin", "last_name": "Reyes", "email": "robin@fabrikam.test", "roles": ["sales_agents"]}


# Who may open User management.


def test_the_partners_global_admin_sees_its_users_and_their_roles(world, ga_client):
    response = ga_client.get(USERS)
    assert response.status_code == 200
    body = response.content.decode()
    for user in (world.a_admin, world.a_sales, world.a_helpdesk):
        assert user.email in body
    assert "Global admin, Admin agent" in body
    assert "Sales agent" in body and "Helpdesk agent" in body
    # Nobody of another tenant, and no other tenant's name.
    for foreign in (world.b_admin.email, world.x_ga.email, world.x_user.email, "Northwind", "Contoso", "Litware"):
        assert foreign not in body


def test_the_global_admin_cannot_remove_itself_from_the_list(world, ga_client):
    body = ga_client.get(USERS).content.decode()
    assert remove_url(world.a_admin) not in body
    assert remove_url(world.a_sales) in body
    assert edit_url(world.a_admin) in body


@pytest.mark.parametrize("persona", ["a_admin", "a_sales", "a_helpdesk", "b_admin"])
@pytest.mark.parametrize("route", ["users", "user_new", "user_edit", "user_remove"])
def test_partner_users_who_are_not_its_global_admin_are_refused(world, client_for, persona, route):
    args = [] if route in ("users", "user_new") else [world.a_sales.public_id]
    client = client_for(persona)
    assert client.get(reverse(f"partnersettings:{route}", args=args)).status_code == 403
    if route != "users":
        assert client.post(reverse(f"partnersettings:{route}", args=args), NEW_USER).status_code == 403
    assert User.objects.filter(tenant=world.partner_a.tenant, is_active=True).count() == 3
    assert not AuditEvent.objects.filter(action__startswith="partner_user.").exists()


@pytest.mark.parametrize("persona", ["x_ga", "x_user", "y_ga"])
def test_customers_users_are_refused_even_their_global_admins(world, client_for, persona):
    client = client_for(persona)
    assert client.get(USERS).status_code == 403
    assert client.post(NEW, NEW_USER).status_code == 403
    assert client.get(edit_url(world.a_sales)).status_code == 403
    assert client.post(remove_url(world.a_sales)).status_code == 403
    assert User.objects.get(pk=world.a_sales.pk).is_active


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get(USERS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wrong_methods_are_refused(world, ga_client):
    assert ga_client.post(USERS).status_code == 405
    assert ga_client.delete(NEW).status_code == 405
    assert ga_client.delete(edit_url(world.a_sales)).status_code == 405
    assert ga_client.delete(remove_url(world.a_sales)).status_code == 405


def test_a_global_admin_without_an_authenticator_is_sent_to_set_one_up(world, a_ga, client_for):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=a_ga).delete()
    response = client_for("a_admin").get(USERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("route", ["user_edit", "user_remove"])
def test_a_user_of_another_tenant_is_not_found(world, ga_client, route):
    for other in (world.b_admin, world.x_ga, world.x_user):
        url = reverse(f"partnersettings:{route}", args=[other.public_id])
        assert ga_client.get(url).status_code == 404
        assert ga_client.post(url, {"roles": ["admin_agents"]}).status_code == 404
        assert User.objects.get(pk=other.pk).is_active
    assert ga_client.get(reverse(f"partnersettings:{route}", args=[uuid.uuid4()])).status_code == 404
    assert not SecurityGroup.objects.filter(members=world.b_admin, tenant=world.partner_a.tenant).exists()


def test_another_partners_global_admin_cannot_reach_this_partners_users(world, client_for):
    DirectoryRoleAssignment.objects.create(user=world.b_admin, role=GA)
    client = client_for("b_admin")
    assert client.get(USERS).status_code == 200
    assert world.a_sales.email not in client.get(USERS).content.decode()
    assert client.get(edit_url(world.a_sales)).status_code == 404
    assert client.post(remove_url(world.a_sales)).status_code == 404
    assert User.objects.get(pk=world.a_sales.pk).is_active


# The list.


def test_the_list_pages_and_its_queries_do_not_grow_with_the_users(world, ga_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert ga_client.get(USERS).status_code == 200
        return len(captured)

    queries()  # the session's first use
    few = queries()
    for i in range(40):
        UserFactory(
            tenant=world.partner_a.tenant,
            email=f"agent{i:02d}@fabrikam.test",
            group_kinds=[Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS] if i % 2 else [Kind.ADMIN_AGENTS],
            roles=[GA] if i % 5 == 0 else [],
        )
    assert queries() == few
    page_2 = ga_client.get(USERS, {"page": 2})
    assert page_2.status_code == 200
    assert "43 users" in page_2.content.decode()
    assert "Page 2 of 2" in page_2.content.decode()


def test_removed_users_are_not_listed(world, a_ga, ga_client):
    partner_user_remove(partner=world.partner_a, user=world.a_helpdesk, removed_by=a_ga)
    assert world.a_helpdesk.email not in ga_client.get(USERS).content.decode()


# Adding a user.


def test_adding_a_partner_user_emails_a_link_to_choose_a_password(
    world, a_ga, ga_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ga_client.post(NEW, {**NEW_USER, "roles": ["admin_agents", "helpdesk_agents"]})
    assert response.status_code == 302
    assert response["Location"] == USERS
    user = User.objects.get(email="robin@fabrikam.test")
    assert user.tenant == world.partner_a.tenant
    assert (user.first_name, user.last_name) == ("Robin", "Reyes")
    assert kinds_of(user) == {Kind.ADMIN_AGENTS, Kind.HELPDESK_AGENTS}
    assert not user.has_usable_password()  # nobody but the user ever knows its password
    assert not user.role_assignments.exists()

    event = AuditEvent.objects.get(action="partner_user.create")
    assert event.actor == a_ga
    assert event.actor_tenant == world.partner_a.tenant
    assert event.target_tenant == world.partner_a.tenant
    assert event.object_id == str(user.public_id)
    assert event.details["user"] == "robin@fabrikam.test"
    assert sorted(event.details["roles"]) == ["admin_agents", "helpdesk_agents"]
    assert not event.on_behalf

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["robin@fabrikam.test"]
    assert message.subject == "Your Partner Center account at Fabrikam"
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    html = message.alternatives[0][0]
    assert f'href="http://testserver{link}"' in html
    assert a_ga.display_name in message.body and "Fabrikam" in html
    # The stored copy keeps no usable link.
    stored = OutboxEmail.objects.get(to="robin@fabrikam.test")
    assert link not in stored.body_text and "[redacted]" in stored.body_text
    assert link not in stored.body_html

    follow = ga_client.get(USERS)
    assert "robin@fabrikam.test" in follow.content.decode()
    assert "An email with a link to choose a password is on its way to robin@fabrikam.test" in follow.content.decode()

    # The link lets the new user choose a password, once; then it signs in with it.
    cache.clear()
    newcomer = Client()
    form = newcomer.get(link, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    chosen = "Robins-own-passphrase-42"
    assert newcomer.post(action, {"password1": chosen, "password2": chosen}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(chosen)
    again = Client().get(link, follow=True)
    assert b"password1" not in again.content  # used: the link no longer works
    signed_in = Client().post(reverse("account_login"), {"login": "robin@fabrikam.test", "password": chosen})
    assert signed_in.status_code == 302
    cache.clear()


def test_the_email_is_in_the_language_the_admin_uses(world, ga_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ga_client.post(NEW, NEW_USER, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert OutboxEmail.objects.get(to="robin@fabrikam.test").language == "zh-hant"
    assert User.objects.get(email="robin@fabrikam.test").preferred_language == "zh-hant"


# Only an address at the partner's own domain can be in use already: another tenant's (ga@contoso.test) is refused for
# its domain, below.
@pytest.mark.parametrize("email", ["sales@fabrikam.test", "SALES@Fabrikam.test", "helpdesk@FABRIKAM.TEST"])
def test_an_email_address_already_in_use_is_refused(world, ga_client, email):
    before = User.objects.count()
    response = ga_client.post(NEW, {**NEW_USER, "email": email})
    assert response.status_code == 400
    assert "A user with this email address already exists." in response.content.decode()
    assert User.objects.count() == before
    assert not OutboxEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="partner_user.create").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**NEW_USER, "email": "not-an-address"}, "Enter a valid email address."),
        ({**NEW_USER, "first_name": ""}, "This field is required."),
        ({**NEW_USER, "last_name": "  "}, "This field is required."),
        ({**NEW_USER, "roles": ["custom"]}, "Choose roles from the list."),
        ({**NEW_USER, "first_name": "x" * 151}, "Ensure this value has at most 150 characters"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_written(world, ga_client, data, message):
    before = User.objects.count()
    response = ga_client.post(NEW, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'role="alert"' in body
    assert User.objects.count() == before
    assert not OutboxEmail.objects.exists()
    assert not AuditEvent.objects.filter(action="partner_user.create").exists()


# A partner user's address is at the partner's own domain, and forms tell nothing of other tenants' addresses.


def _form_errors(response) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


@pytest.mark.parametrize(
    "email",
    [
        "ga@contoso.test",  # a customer's Global admin: exists
        "nobody@contoso.test",  # made up, at the same customer's domain
        "admin@northwind.test",  # another partner's agent
        "robin@eu.fabrikam.test",  # a subdomain is not the partner's domain
        "robin@fabrikam.test.example",
    ],
)
def test_a_user_outside_the_partners_domain_is_refused_and_nothing_is_written(world, ga_client, email):
    before = (User.objects.count(), AuditEvent.objects.count(), OutboxEmail.objects.count())
    members = {g.pk: set(g.members.values_list("pk", flat=True)) for g in SecurityGroup.objects.all()}
    response = ga_client.post(NEW, {**NEW_USER, "email": email, "roles": ["admin_agents"]})
    assert response.status_code == 400
    assert _form_errors(response) == {"email": ["Use an address at fabrikam.test, the organization's domain."]}
    assert "already exists" not in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count(), OutboxEmail.objects.count()) == before
    assert {g.pk: set(g.members.values_list("pk", flat=True)) for g in SecurityGroup.objects.all()} == members
    assert User.objects.get(email="ga@contoso.test").tenant == world.customer_x


def test_adding_a_partner_user_tells_nothing_about_other_tenants_addresses(world, ga_client):
    existing = ga_client.post(NEW, {**NEW_USER, "email": "admin@northwind.test"})
    made_up = ga_client.post(NEW, {**NEW_USER, "email": "made-up@northwind.test"})
    assert existing.status_code == made_up.status_code == 400
    assert _form_errors(existing) == _form_errors(made_up)


def test_the_domain_error_is_in_traditional_chinese(world, ga_client):
    response = ga_client.post(NEW, {**NEW_USER, "email": "robin@contoso.test"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 400
    assert "請使用 fabrikam.test 的電子郵件地址，這是組織的網域。" in response.content.decode()
    assert not User.objects.filter(email="robin@contoso.test").exists()


def test_the_service_refuses_another_domain_whoever_calls_it(world, a_ga):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        partner_user_create(
            partner=world.partner_a,
            created_by=a_ga,
            email="ga@contoso.test",
            first_name="N",
            last_name="U",
            group_kinds=[],
            language="en",
        )
    assert refused.value.error_dict["email"][0].code == "foreign_domain"
    assert User.objects.get(email="ga@contoso.test").tenant == world.customer_x


def test_bad_input_is_explained_in_traditional_chinese(world, ga_client):
    response = ga_client.post(NEW, {**NEW_USER, "first_name": ""}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 400
    assert "這個欄位是必須的" in response.content.decode()


def test_a_user_with_no_role_may_be_added(world, ga_client):
    assert ga_client.post(NEW, {**NEW_USER, "roles": []}).status_code == 302
    assert kinds_of(User.objects.get(email="robin@fabrikam.test")) == set()


# Setting roles.


def test_the_edit_page_shows_the_users_roles(world, ga_client):
    body = ga_client.get(edit_url(world.a_sales)).content.decode()
    assert re.search(r'value="sales_agents"[^>]*checked', body)
    assert not re.search(r'value="admin_agents"[^>]*checked', body)
    assert world.a_sales.email in body


def test_the_global_admin_sets_a_users_roles(world, a_ga, ga_client):
    response = ga_client.post(edit_url(world.a_sales), {"roles": ["admin_agents", "helpdesk_agents"]})
    assert response.status_code == 302
    assert response["Location"] == USERS
    assert kinds_of(world.a_sales) == {Kind.ADMIN_AGENTS, Kind.HELPDESK_AGENTS}
    event = AuditEvent.objects.get(action="partner_user.update")
    assert event.actor == a_ga
    assert event.actor_tenant == event.target_tenant == world.partner_a.tenant
    assert event.details == {
        "user": "sales@fabrikam.test",
        "roles": ["admin_agents", "helpdesk_agents"],
        "previous_roles": ["sales_agents"],
    }
    assert "The roles of" in ga_client.get(USERS).content.decode()


def test_the_new_roles_apply_at_once(world, ga_client, client_for):
    sales = client_for("a_sales")
    assert sales.get(reverse("relationships:request_list")).status_code == 200
    ga_client.post(edit_url(world.a_sales), {"roles": ["helpdesk_agents"]})
    assert sales.get(reverse("relationships:request_list")).status_code == 403


def test_taking_every_role_away_leaves_a_user_without_roles(world, ga_client):
    assert ga_client.post(edit_url(world.a_sales), {}).status_code == 302
    assert kinds_of(world.a_sales) == set()


def test_saving_the_same_roles_writes_no_audit_event(world, ga_client):
    assert ga_client.post(edit_url(world.a_sales), {"roles": ["sales_agents"]}).status_code == 302
    assert not AuditEvent.objects.filter(action="partner_user.update").exists()


def test_an_unknown_role_is_refused(world, ga_client):
    response = ga_client.post(edit_url(world.a_sales), {"roles": ["admin_agents", "owners"]})
    assert response.status_code == 400
    assert "Choose roles from the list." in response.content.decode()
    assert kinds_of(world.a_sales) == {Kind.SALES_AGENTS}


def test_custom_groups_are_left_alone_when_roles_change(world, ga_client):
    custom = SecurityGroup.objects.create(tenant=world.partner_a.tenant, name="Night shift")
    custom.members.add(world.a_sales)
    ga_client.post(edit_url(world.a_sales), {"roles": ["admin_agents"]})
    assert kinds_of(world.a_sales) == {Kind.ADMIN_AGENTS, Kind.CUSTOM}


# Removing a user.


def test_the_remove_page_asks_for_confirmation(world, ga_client):
    response = ga_client.get(remove_url(world.a_sales))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.a_sales.email in body
    assert 'class="btn btn-danger">Remove</button>' in body
    assert User.objects.get(pk=world.a_sales.pk).is_active


def test_removing_a_user_ends_its_sessions_and_its_sign_ins(world, a_ga, ga_client, client_for):
    sales = client_for("a_sales")
    assert sales.get(reverse("customers:list")).status_code == 200
    response = ga_client.post(remove_url(world.a_sales))
    assert response.status_code == 302
    assert response["Location"] == USERS

    user = User.objects.get(pk=world.a_sales.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert kinds_of(user) == set()
    # Signed out at its next request, and it cannot sign in again.
    after = sales.get(reverse("customers:list"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("account_login"))
    cache.clear()
    stranger = Client()
    again = stranger.post(reverse("account_login"), {"login": "sales@fabrikam.test", "password": PASSWORD})
    assert again.status_code == 200  # the sign-in form again, with its error
    assert "_auth_user_id" not in stranger.session
    cache.clear()

    event = AuditEvent.objects.get(action="partner_user.remove")
    assert event.actor == a_ga
    assert event.actor_tenant == event.target_tenant == world.partner_a.tenant
    assert event.details == {"user": "sales@fabrikam.test", "roles": ["sales_agents"]}
    # What it did before stays attributed to it.
    assert User.objects.filter(pk=world.a_sales.pk).exists()
    # It is gone from the pages: its edit and remove pages are not found.
    assert ga_client.get(edit_url(world.a_sales)).status_code == 404
    assert ga_client.post(remove_url(world.a_sales)).status_code == 404


def test_nobody_removes_themselves(world, a_ga, ga_client):
    page = ga_client.get(remove_url(a_ga))
    assert page.status_code == 200
    assert "You can&#x27;t remove yourself." in page.content.decode()
    assert "btn-danger" not in page.content.decode()
    assert ga_client.post(remove_url(a_ga)).status_code == 400
    assert User.objects.get(pk=a_ga.pk).is_active
    assert not AuditEvent.objects.filter(action="partner_user.remove").exists()
    with pytest.raises(Exception, match="yourself"):
        partner_user_remove(partner=world.partner_a, user=a_ga, removed_by=a_ga)


def test_a_global_admin_may_remove_another_global_admin(world, a_ga, ga_client):
    DirectoryRoleAssignment.objects.create(user=world.a_helpdesk, role=GA)
    assert ga_client.post(remove_url(world.a_helpdesk)).status_code == 302
    assert not User.objects.get(pk=world.a_helpdesk.pk).is_active
    assert not DirectoryRoleAssignment.objects.filter(user=world.a_helpdesk).exists()


def test_the_last_global_admin_of_the_partner_cannot_be_removed(world, a_ga):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="last Global admin"):
        partner_user_remove(partner=world.partner_a, user=a_ga, removed_by=world.a_sales)
    assert User.objects.get(pk=a_ga.pk).is_active
    assert DirectoryRoleAssignment.objects.filter(user=a_ga, role=GA).exists()


# The services keep their invariants whoever calls them.


def test_the_services_refuse_users_of_another_tenant(world, a_ga):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        partner_user_update_roles(partner=world.partner_a, user=world.b_admin, group_kinds=[], updated_by=a_ga)
    with pytest.raises(ValidationError):
        partner_user_remove(partner=world.partner_a, user=world.x_user, removed_by=a_ga)
    assert kinds_of(world.b_admin) == {Kind.ADMIN_AGENTS}
    assert User.objects.get(pk=world.x_user.pk).is_active


def test_creating_with_an_unknown_role_writes_nothing(world, a_ga):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        partner_user_create(
            partner=world.partner_a,
            created_by=a_ga,
            email="new@fabrikam.test",
            first_name="N",
            last_name="U",
            group_kinds=["custom"],
            language="en",
        )
    assert not User.objects.filter(email="new@fabrikam.test").exists()


def test_a_new_partner_user_must_set_up_two_step_verification(
    world, a_ga, ga_client, django_capture_on_commit_callbacks
):
    """From the emailed link to Customers through the pages, no helper: choosing the password from the link proves
    the address, so the Security page lets the user activate the authenticator the portal asks for."""
    with django_capture_on_commit_callbacks(execute=True):
        ga_client.post(NEW, NEW_USER)
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    cache.clear()
    newcomer = Client()
    form = newcomer.get(link, follow=True)
    chosen = "Robins-own-passphrase-42"
    newcomer.post(form.redirect_chain[-1][0], {"password1": chosen, "password2": chosen})
    assert EmailAddress.objects.get(user__email="robin@fabrikam.test").verified

    assert (
        newcomer.post(reverse("account_login"), {"login": "robin@fabrikam.test", "password": chosen}).status_code == 302
    )
    response = newcomer.get(reverse("customers:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    page = newcomer.get(reverse("mfa_activate_totp"), follow=True)
    page = newcomer.post(page.redirect_chain[-1][0], {"password": chosen}, follow=True)  # "Confirm it's you"
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page.content.decode()).group(1)
    assert newcomer.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}).status_code == 302
    assert newcomer.get(reverse("customers:list")).status_code == 200
    cache.clear()
