"""The admin center's home and Users: who may list, add, edit, reset passwords and delete, in the customer's own
tenant and for a partner acting on its behalf through delegated admin.

Customer X gets three more administrators here: a User Administrator, a Helpdesk Administrator and a Global Reader.
Partner A's Admin agent is Global Administrator of X through delegated admin, its Helpdesk agent Helpdesk
Administrator; its Sales agent has no role in X; partner B has no business with X."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import AuditEvent, DelegatedAdminGrant, DirectoryRole, DirectoryRoleAssignment, User

from ..factories import PASSWORD, UserFactory

GA = DirectoryRole.GLOBAL_ADMINISTRATOR
UA = DirectoryRole.USER_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR
GR = DirectoryRole.GLOBAL_READER

STRONG = "Quiet-harbour-lantern-42"


@dataclass
class Admins:
    user_admin: User
    helpdesk: User
    reader: User


@pytest.fixture
def admins(world) -> Admins:
    x = world.customer_x
    return Admins(
        user_admin=UserFactory(tenant=x, email="useradmin@contoso.test", roles=[UA]),
        helpdesk=UserFactory(tenant=x, email="helpdesk@contoso.test", roles=[HA]),
        reader=UserFactory(tenant=x, email="reader@contoso.test", roles=[GR]),
    )


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, *args) -> str:
    return reverse(f"admincenter:{name}", args=[world.customer_x.public_id, *args])


def new_user_data(**overrides) -> dict:
    data = {"first_name": "Megan", "last_name": "Bowen", "email": "megan@contoso.test", "password": STRONG}
    data.update(overrides)
    return data


def audit_of(action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


# Home


def test_home_shows_the_tenants_name_microsoft_id_and_domain(world, client_for):
    page = client_for("x_ga").get(url(world, "home")).content.decode()
    x = world.customer_x
    assert x.name in page and str(x.public_id) in page and x.primary_domain in page


def test_home_offers_the_sections_of_a_global_admin(world, client_for):
    page = client_for("x_ga").get(url(world, "home")).content.decode()
    for name in ("users", "roles", "subscriptions", "activity", "partner_relationships"):
        assert f'href="{url(world, name)}"' in page, name


def test_home_offers_a_helpdesk_admin_users_and_roles_only(world, admins):
    page = client_of(admins.helpdesk).get(url(world, "home")).content.decode()
    assert f'href="{url(world, "users")}"' in page and f'href="{url(world, "roles")}"' in page
    for name in ("subscriptions", "activity", "partner_relationships"):
        assert f'href="{url(world, name)}"' not in page, name


def test_home_offers_a_global_reader_what_it_may_see_but_not_partner_relationships(world, admins):
    page = client_of(admins.reader).get(url(world, "home")).content.decode()
    for name in ("users", "roles", "subscriptions", "activity"):
        assert f'href="{url(world, name)}"' in page, name
    assert f'href="{url(world, "partner_relationships")}"' not in page


def test_home_for_a_partner_admin_agent_has_the_banner_and_no_partner_relationships(world, client_for):
    response = client_for("a_admin").get(url(world, "home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "banner-on-behalf" in page and "Fabrikam" in page
    assert f'href="{url(world, "users")}"' in page
    assert f'href="{url(world, "partner_relationships")}"' not in page


def _hrefs(html: str, container: str) -> set[str]:
    import re

    block = re.search(container, html, re.DOTALL)
    assert block, container
    return set(re.findall(r'href="([^"]+)"', block.group(0)))


@pytest.mark.parametrize("persona", ["x_ga", "a_admin", "a_helpdesk"])
def test_home_links_every_section_the_navigation_offers(world, client_for, persona):
    """Home is where an administrator starts: it offers every section the navigation does (Azure subscriptions and
    Devices included), and no other."""
    page = client_for(persona).get(url(world, "home")).content.decode()
    nav = _hrefs(page, r'<nav class="leftnav".*?</nav>') - {url(world, "home"), reverse("customers:list")}
    tiles = _hrefs(page, r'<ul class="tiles">.*?</ul>')
    assert nav == tiles
    if persona == "x_ga":
        assert url(world, "devices") in tiles and url(world, "azure_subscriptions") in tiles


def test_the_admin_center_is_the_customers_own_product_not_partner_center(world, client_for):
    for persona in ("x_ga", "a_admin"):
        page = client_for(persona).get(url(world, "users")).content.decode()
        assert f'<a class="brand" href="{url(world, "home")}">Admin center</a>' in page
        assert " · Admin center</title>" in page and "Partner Center</title>" not in page


def test_home_refuses_a_plain_user_and_the_partners_sales_agent(world, client_for):
    assert client_for("x_user").get(url(world, "home")).status_code == 403
    assert client_for("a_sales").get(url(world, "home")).status_code == 403


def test_home_of_another_tenant_is_not_found(world, client_for):
    assert client_for("b_admin").get(url(world, "home")).status_code == 404
    assert client_for("y_ga").get(url(world, "home")).status_code == 404


def test_home_answers_405_to_a_post(world, client_for):
    assert client_for("x_ga").post(url(world, "home")).status_code == 405


# The list


@pytest.mark.parametrize("who", ["x_ga", "user_admin", "helpdesk", "reader", "a_admin", "a_helpdesk"])
def test_every_admin_role_sees_the_tenants_users_and_no_one_else(world, admins, client_for, who):
    client = client_of(getattr(admins, who)) if hasattr(admins, who) else client_for(who)
    response = client.get(url(world, "users"))
    page = response.content.decode()
    assert response.status_code == 200
    for email in ("ga@contoso.test", "user@contoso.test", "useradmin@contoso.test"):
        assert email in page
    for email in ("ga@litware.test", "admin@fabrikam.test", "helpdesk@fabrikam.test", "admin@northwind.test"):
        assert email not in page


def test_users_list_is_closed_to_a_plain_user_and_a_sales_agent(world, client_for):
    assert client_for("x_user").get(url(world, "users")).status_code == 403
    assert client_for("a_sales").get(url(world, "users")).status_code == 403
    assert client_for("b_admin").get(url(world, "users")).status_code == 404


def test_users_list_searches_by_name_and_email(world, client_for):
    UserFactory(tenant=world.customer_x, email="adele@contoso.test", first_name="Adele", last_name="Vance")
    UserFactory(tenant=world.customer_x, email="lee@contoso.test", first_name="Lee", last_name="Gu")
    client = client_for("x_ga")
    page = client.get(url(world, "users"), {"q": "vance"}).content.decode()
    assert "adele@contoso.test" in page and "lee@contoso.test" not in page
    page = client.get(url(world, "users"), {"q": "lee@contoso"}).content.decode()
    assert "lee@contoso.test" in page and "adele@contoso.test" not in page
    page = client.get(url(world, "users"), {"q": "adele vance"}).content.decode()
    assert "adele@contoso.test" in page and "1 user" in page
    page = client.get(url(world, "users"), {"q": "nobody-like-this"}).content.decode()
    assert "No users match" in page


def test_users_list_offers_only_the_actions_the_role_allows(world, admins):
    x_user, x_ga = world.x_user.public_id, world.x_ga.public_id
    page = client_of(admins.helpdesk).get(url(world, "users")).content.decode()
    assert url(world, "user_reset_password", x_user) in page
    assert url(world, "user_reset_password", x_ga) not in page
    assert f'"{url(world, "user_edit", x_user)}"' not in page and url(world, "user_delete", x_user) not in page
    assert url(world, "user_new") not in page

    page = client_of(admins.reader).get(url(world, "users")).content.decode()
    assert "reset-password" not in page and "/delete/" not in page and url(world, "user_new") not in page

    page = client_of(admins.user_admin).get(url(world, "users")).content.decode()
    assert url(world, "user_delete", x_user) in page and url(world, "user_delete", x_ga) not in page
    assert url(world, "user_reset_password", x_ga) not in page

    page = client_of(world.x_ga).get(url(world, "users")).content.decode()
    assert url(world, "user_delete", x_ga) not in page  # nobody deletes themselves
    assert url(world, "user_delete", admins.user_admin.public_id) in page


def _add_users(tenant, start: int, count: int) -> None:
    users = User.objects.bulk_create(
        User(tenant=tenant, email=f"person{n:04d}@contoso.test", first_name="Person", last_name=f"{n:04d}")
        for n in range(start, start + count)
    )
    # Every third one an administrator, so that the roles column has something to fetch.
    DirectoryRoleAssignment.objects.bulk_create(DirectoryRoleAssignment(user=u, role=GR) for u in users[::3])


def test_users_list_query_count_does_not_grow_with_users(world, client_for):
    client = client_for("x_ga")
    client.get(url(world, "users"))  # the first request of a session may warm caches; not measured

    _add_users(world.customer_x, 0, 8)  # 10 users with X's Global admin and plain user
    with CaptureQueriesContext(connection) as small:
        page = client.get(url(world, "users")).content.decode()
    assert "10 users" in page

    _add_users(world.customer_x, 8, 190)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url(world, "users"), {"page": 2}).content.decode()
    assert "200 users" in page and "Page 2 of 4" in page

    assert len(large) == len(small), f"{len(small)} queries for 10 users, {len(large)} for 200"


def test_users_list_query_count_for_a_partner_agent_does_not_grow_either(world, client_for):
    client = client_for("a_admin")
    client.get(url(world, "users"))
    _add_users(world.customer_x, 0, 8)
    with CaptureQueriesContext(connection) as small:
        client.get(url(world, "users"))
    _add_users(world.customer_x, 8, 190)
    with CaptureQueriesContext(connection) as large:
        client.get(url(world, "users"), {"q": "person"})
    assert len(large) == len(small)


# Adding users


def test_global_admin_adds_a_user_with_the_password_they_enter(world, client_for):
    response = client_for("x_ga").post(url(world, "user_new"), new_user_data())
    assert response.status_code == 302 and response["Location"] == url(world, "users")
    user = User.objects.get(email="megan@contoso.test")
    assert user.tenant == world.customer_x and user.get_full_name() == "Megan Bowen"
    assert user.check_password(STRONG)
    assert not DirectoryRoleAssignment.objects.filter(user=user).exists()
    event = audit_of("user.create")
    assert event.actor == world.x_ga and event.target_tenant == world.customer_x and not event.on_behalf
    assert event.object_id == str(user.public_id) and event.details["email"] == "megan@contoso.test"


def test_a_generated_password_is_shown_once_and_works(world, client_for):
    response = client_for("x_ga").post(url(world, "user_new"), new_user_data(password="", auto_password="on"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(email="megan@contoso.test")
    password = response.context["result"].password
    assert password in response.content.decode()
    assert user.check_password(password)
    assert "shown only once" in response.content.decode()


def test_global_admin_adds_a_user_with_roles(world, client_for):
    data = new_user_data(roles=[HA, GR])
    assert client_for("x_ga").post(url(world, "user_new"), data).status_code == 302
    user = User.objects.get(email="megan@contoso.test")
    assert set(DirectoryRoleAssignment.objects.filter(user=user).values_list("role", flat=True)) == {HA, GR}


def test_user_admin_adds_users_but_assigns_no_roles(world, admins):
    client = client_of(admins.user_admin)
    page = client.get(url(world, "user_new")).content.decode()
    assert 'name="roles"' not in page
    assert client.post(url(world, "user_new"), new_user_data(roles=[GA])).status_code == 302
    user = User.objects.get(email="megan@contoso.test")
    assert not DirectoryRoleAssignment.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", ["helpdesk", "reader"])
def test_helpdesk_admin_and_global_reader_cannot_add_users(world, admins, who):
    client = client_of(getattr(admins, who))
    assert client.get(url(world, "user_new")).status_code == 403
    assert client.post(url(world, "user_new"), new_user_data()).status_code == 403
    assert not User.objects.filter(email="megan@contoso.test").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (new_user_data(email="user@contoso.test"), "A user with this email address already exists."),
        (new_user_data(email="USER@contoso.test"), "A user with this email address already exists."),
        # Another tenant's user: refused for its domain, not found to exist.
        (new_user_data(email="ga@litware.test"), "Use an address at contoso.test, the organization&#x27;s domain."),
        (new_user_data(email="not-an-email"), "Enter a valid email address."),
        (new_user_data(password="password123"), "This password is too common."),
        (new_user_data(password="Ab1-x"), "This password is too short."),
        (new_user_data(password="83749261534"), "This password is entirely numeric."),
        (new_user_data(password=""), "Enter a password, or choose to create one automatically."),
        (new_user_data(first_name=""), "This field is required."),
        (new_user_data(roles=["owner"]), "Select a valid choice."),
    ],
    ids=[
        "duplicate-email",
        "duplicate-email-case",
        "another-tenants-email",
        "invalid-email",
        "common-password",
        "short-password",
        "numeric-password",
        "no-password",
        "no-first-name",
        "unknown-role",
    ],
)
def test_bad_input_when_adding_gets_a_clear_error_and_writes_nothing(world, client_for, data, message):
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = client_for("x_ga").post(url(world, "user_new"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert User.objects.count() == users and AuditEvent.objects.count() == events


def test_errors_are_in_the_pages_language(world, client_for):
    data = new_user_data(email="not-an-email", password="password123")
    response = client_for("x_ga").post(url(world, "user_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hant")
    page = response.content.decode()
    assert response.status_code == 400 and 'lang="zh-hant"' in page
    assert "請輸入有效的電子郵件地址。" in page


# A user's address is at the tenant's own domain, and forms tell nothing of other tenants' addresses.


def _form_errors(response) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


@pytest.mark.parametrize("persona", ["x_ga", "a_admin"])
@pytest.mark.parametrize(
    "email",
    [
        "ga@litware.test",  # another customer's Global admin: exists
        "nobody@litware.test",  # made up, at the same foreign domain
        "admin@fabrikam.test",  # the acting partner's own agent
        "megan@sales.contoso.test",  # a subdomain is not the tenant's domain
        "megan@contoso.test.example",
        "megan@notcontoso.test",
    ],
)
def test_a_user_outside_the_tenants_domain_is_refused_and_nothing_is_written(world, client_for, persona, email):
    """Whether the customer's own Global admin adds the user or a partner acting for it through delegated admin."""
    before = (User.objects.count(), DirectoryRoleAssignment.objects.count(), AuditEvent.objects.count())
    response = client_for(persona).post(url(world, "user_new"), new_user_data(email=email, roles=[GA]))
    assert response.status_code == 400
    assert _form_errors(response) == {"email": ["Use an address at contoso.test, the organization's domain."]}
    assert "already exists" not in response.content.decode()
    assert (User.objects.count(), DirectoryRoleAssignment.objects.count(), AuditEvent.objects.count()) == before
    assert User.objects.get(email="ga@litware.test").tenant == world.customer_y


def test_adding_tells_nothing_about_addresses_of_other_tenants(world, client_for):
    """An existing and a made-up address at another tenant's domain get the same answer: only an address at the
    tenant's own domain can be said to exist already."""
    client = client_for("x_ga")
    existing = client.post(url(world, "user_new"), new_user_data(email="ga@litware.test"))
    made_up = client.post(url(world, "user_new"), new_user_data(email="made-up@litware.test"))
    assert existing.status_code == made_up.status_code == 400
    assert _form_errors(existing) == _form_errors(made_up)
    own = client.post(url(world, "user_new"), new_user_data(email="user@contoso.test"))
    assert _form_errors(own) == {"email": ["A user with this email address already exists."]}


def test_the_tenants_domain_matches_whatever_its_case(world, client_for):
    response = client_for("a_admin").post(url(world, "user_new"), new_user_data(email="Megan@CONTOSO.Test"))
    assert response.status_code == 302
    assert User.objects.get(email="megan@contoso.test").tenant == world.customer_x


def test_the_domain_error_is_in_the_pages_language(world, client_for):
    data = new_user_data(email="megan@litware.test")
    response = client_for("x_ga").post(url(world, "user_new"), data, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 400
    assert "請使用 contoso.test 的電子郵件地址，這是組織的網域。" in response.content.decode()
    assert not User.objects.filter(email="megan@litware.test").exists()


# Editing


def test_global_admin_edits_a_users_name(world, client_for):
    client = client_for("x_ga")
    assert client.get(url(world, "user_edit", world.x_user.public_id)).status_code == 200
    response = client.post(
        url(world, "user_edit", world.x_user.public_id), {"first_name": "Alex", "last_name": "Wilber"}
    )
    assert response.status_code == 302
    world.x_user.refresh_from_db()
    assert world.x_user.get_full_name() == "Alex Wilber"
    event = audit_of("user.update")
    assert event.details["first_name"][1] == "Alex" and event.details["last_name"][1] == "Wilber"


def test_user_admin_edits_users_but_not_a_global_admin(world, admins):
    client = client_of(admins.user_admin)
    data = {"first_name": "Alex", "last_name": "Wilber"}
    assert client.post(url(world, "user_edit", world.x_user.public_id), data).status_code == 302
    assert client.get(url(world, "user_edit", world.x_ga.public_id)).status_code == 403
    assert client.post(url(world, "user_edit", world.x_ga.public_id), data).status_code == 403
    world.x_ga.refresh_from_db()
    assert world.x_ga.first_name != "Alex"


@pytest.mark.parametrize("who", ["helpdesk", "reader"])
def test_helpdesk_admin_and_global_reader_cannot_edit_users(world, admins, who):
    client = client_of(getattr(admins, who))
    assert client.get(url(world, "user_edit", world.x_user.public_id)).status_code == 403
    data = {"first_name": "Alex", "last_name": "Wilber"}
    assert client.post(url(world, "user_edit", world.x_user.public_id), data).status_code == 403
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_editing_with_an_empty_name_is_refused(world, client_for):
    name = world.x_user.get_full_name()
    response = client_for("x_ga").post(url(world, "user_edit", world.x_user.public_id), {"first_name": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    world.x_user.refresh_from_db()
    assert world.x_user.get_full_name() == name


def test_a_user_of_another_tenant_is_not_found(world, client_for):
    client = client_for("x_ga")
    other = world.y_ga.public_id
    for name in ("user_edit", "user_reset_password", "user_delete"):
        assert client.get(url(world, name, other)).status_code == 404, name
        assert client.post(url(world, name, other)).status_code == 404, name
    # Nor is a partner's agent a user of the customer's tenant, even for that partner's Admin agent.
    assert client_for("a_admin").get(url(world, "user_edit", world.a_helpdesk.public_id)).status_code == 404
    assert User.objects.filter(pk=world.y_ga.pk).exists()


# Resetting passwords


def test_global_admin_resets_a_password_to_a_generated_one_shown_once(world, client_for):
    response = client_for("x_ga").post(
        url(world, "user_reset_password", world.x_user.public_id), {"auto_password": "on"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["result"].password
    assert password in response.content.decode()
    world.x_user.refresh_from_db()
    assert world.x_user.check_password(password) and not world.x_user.check_password(PASSWORD)
    event = audit_of("user.password_reset")
    assert event.details == {"email": "user@contoso.test", "generated": True}
    assert password not in str(event.details)


def test_an_admin_may_enter_the_new_password(world, client_for):
    response = client_for("x_ga").post(url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG})
    assert response.status_code == 302
    world.x_user.refresh_from_db()
    assert world.x_user.check_password(STRONG)


def test_resetting_a_password_ends_the_users_sessions(world, client_for):
    users_client = Client()
    assert users_client.login(email="user@contoso.test", password=PASSWORD)
    assert users_client.get(reverse("home")).status_code == 200
    client_for("x_ga").post(url(world, "user_reset_password", world.x_user.public_id), {"auto_password": "on"})
    response = users_client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_weak_new_password_is_refused_and_the_old_one_stays(world, client_for):
    response = client_for("x_ga").post(
        url(world, "user_reset_password", world.x_user.public_id), {"password": "password123"}
    )
    assert response.status_code == 400 and "This password is too common." in response.content.decode()
    world.x_user.refresh_from_db()
    assert world.x_user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_helpdesk_admin_resets_the_password_of_a_user_who_is_not_an_administrator(world, admins):
    client = client_of(admins.helpdesk)
    assert client.get(url(world, "user_reset_password", world.x_user.public_id)).status_code == 200
    response = client.post(url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG})
    assert response.status_code == 302
    world.x_user.refresh_from_db()
    assert world.x_user.check_password(STRONG)


@pytest.mark.parametrize("target", ["x_ga", "user_admin", "helpdesk", "reader"])
def test_helpdesk_admin_cannot_reset_an_admins_password(world, admins, target):
    other_helpdesk = UserFactory(tenant=world.customer_x, email="helpdesk2@contoso.test", roles=[HA])
    user = getattr(world, target, None) or getattr(admins, target)
    client = client_of(other_helpdesk)
    assert client.get(url(world, "user_reset_password", user.public_id)).status_code == 403
    assert client.post(url(world, "user_reset_password", user.public_id), {"password": STRONG}).status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_user_admin_cannot_reset_a_global_admins_password(world, admins):
    client = client_of(admins.user_admin)
    response = client.post(url(world, "user_reset_password", world.x_ga.public_id), {"password": STRONG})
    assert response.status_code == 403
    world.x_ga.refresh_from_db()
    assert world.x_ga.check_password(PASSWORD)
    # Other administrators' passwords it may reset.
    response = client.post(url(world, "user_reset_password", admins.helpdesk.public_id), {"password": STRONG})
    assert response.status_code == 302


def test_global_reader_cannot_reset_passwords(world, admins):
    client = client_of(admins.reader)
    assert client.get(url(world, "user_reset_password", world.x_user.public_id)).status_code == 403
    response = client.post(url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG})
    assert response.status_code == 403


# Deleting


def test_global_admin_deletes_a_user_after_confirming(world, client_for):
    client = client_for("x_ga")
    page = client.get(url(world, "user_delete", world.x_user.public_id)).content.decode()
    assert "user@contoso.test" in page and 'method="post"' in page
    response = client.post(url(world, "user_delete", world.x_user.public_id))
    assert response.status_code == 302 and response["Location"] == url(world, "users")
    assert not User.objects.filter(email="user@contoso.test").exists()
    event = audit_of("user.delete")
    assert event.object_id == str(world.x_user.public_id) and event.details["email"] == "user@contoso.test"


def test_deleting_answers_405_to_delete(world, client_for):
    assert client_for("x_ga").delete(url(world, "user_delete", world.x_user.public_id)).status_code == 405
    assert User.objects.filter(email="user@contoso.test").exists()


def test_user_admin_deletes_users_and_other_admins_but_not_a_global_admin(world, admins):
    client = client_of(admins.user_admin)
    assert client.post(url(world, "user_delete", world.x_user.public_id)).status_code == 302
    assert client.post(url(world, "user_delete", admins.reader.public_id)).status_code == 302
    assert client.get(url(world, "user_delete", world.x_ga.public_id)).status_code == 403
    assert client.post(url(world, "user_delete", world.x_ga.public_id)).status_code == 403
    assert User.objects.filter(pk=world.x_ga.pk).exists()


@pytest.mark.parametrize("who", ["helpdesk", "reader"])
def test_helpdesk_admin_and_global_reader_cannot_delete_users(world, admins, who):
    client = client_of(getattr(admins, who))
    assert client.get(url(world, "user_delete", world.x_user.public_id)).status_code == 403
    assert client.post(url(world, "user_delete", world.x_user.public_id)).status_code == 403
    assert User.objects.filter(pk=world.x_user.pk).exists()


@pytest.mark.parametrize("who", ["x_ga", "user_admin"])
def test_nobody_deletes_themselves(world, admins, who):
    user = getattr(world, who, None) or getattr(admins, who)
    UserFactory(tenant=world.customer_x, email="ga2@contoso.test", roles=[GA])  # not the last Global admin
    client = client_of(user)
    assert client.get(url(world, "user_delete", user.public_id)).status_code == 403
    assert client.post(url(world, "user_delete", user.public_id)).status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_the_last_global_admin_cannot_be_deleted(world, client_for):
    # X's own Global admin cannot delete themselves; the partner's Admin agent, Global Administrator through
    # delegated admin, could try to delete X's only one.
    response = client_for("a_admin").post(url(world, "user_delete", world.x_ga.public_id))
    assert response.status_code == 409
    assert "only Global Administrator" in response.content.decode()
    assert User.objects.filter(pk=world.x_ga.pk).exists()
    assert not AuditEvent.objects.filter(action="user.delete").exists()


def test_a_global_admin_who_is_not_the_last_can_be_deleted(world, client_for):
    UserFactory(tenant=world.customer_x, email="ga2@contoso.test", roles=[GA])
    assert client_for("a_admin").post(url(world, "user_delete", world.x_ga.public_id)).status_code == 302
    assert not User.objects.filter(pk=world.x_ga.pk).exists()


# Partners acting on the customer's behalf


def test_partner_admin_agent_adds_a_user_on_the_customers_behalf(world, client_for):
    response = client_for("a_admin").post(url(world, "user_new"), new_user_data(roles=[GR]))
    assert response.status_code == 302
    event = audit_of("user.create")
    assert event.on_behalf and event.actor == world.a_admin and event.actor_tenant == world.partner_a.tenant
    assert event.target_tenant == world.customer_x and event.details["partner"] == "Fabrikam"
    assert User.objects.get(email="megan@contoso.test").tenant == world.customer_x


def test_partner_admin_agent_edits_resets_and_deletes_on_the_customers_behalf(world, client_for):
    client = client_for("a_admin")
    target = world.x_user.public_id
    client.post(url(world, "user_edit", target), {"first_name": "Alex", "last_name": "Wilber"})
    client.post(url(world, "user_reset_password", target), {"auto_password": "on"})
    client.post(url(world, "user_delete", target))
    events = AuditEvent.objects.filter(action__in=["user.update", "user.password_reset", "user.delete"])
    assert events.count() == 3
    for event in events:
        assert event.on_behalf and event.details["partner"] == "Fabrikam", event.action
        assert event.target_tenant == world.customer_x and event.actor == world.a_admin


def test_partner_helpdesk_agent_resets_only_non_administrators_passwords(world, client_for):
    client = client_for("a_helpdesk")
    response = client.post(url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG})
    assert response.status_code == 302
    event = audit_of("user.password_reset")
    assert event.on_behalf and event.details["partner"] == "Fabrikam" and event.actor == world.a_helpdesk
    assert client.post(url(world, "user_reset_password", world.x_ga.public_id), {"password": STRONG}).status_code == 403
    assert client.post(url(world, "user_new"), new_user_data()).status_code == 403
    assert client.post(url(world, "user_delete", world.x_user.public_id)).status_code == 403


def test_partner_sales_agent_has_no_role_in_the_customer(world, client_for):
    client = client_for("a_sales")
    assert client.get(url(world, "users")).status_code == 403
    assert client.post(url(world, "user_new"), new_user_data()).status_code == 403


def test_another_partners_admin_agent_gets_404(world, client_for):
    client = client_for("b_admin")
    assert client.get(url(world, "users")).status_code == 404
    assert client.post(url(world, "user_new"), new_user_data()).status_code == 404
    assert client.post(url(world, "user_delete", world.x_user.public_id)).status_code == 404
    assert not User.objects.filter(email="megan@contoso.test").exists()


def test_removing_delegated_admin_refuses_the_partners_next_request_at_once(world, client_for):
    client = client_for("a_admin")
    assert client.get(url(world, "users")).status_code == 200
    DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).update(
        removed_at=timezone.now()
    )
    assert client.get(url(world, "users")).status_code == 403
    assert client.post(url(world, "user_new"), new_user_data()).status_code == 403
    assert client.post(url(world, "user_delete", world.x_user.public_id)).status_code == 403
    assert User.objects.filter(pk=world.x_user.pk).exists()


def test_a_password_is_never_written_to_the_audit_log(world, client_for):
    client_for("x_ga").post(url(world, "user_new"), new_user_data())
    client_for("x_ga").post(url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG})
    for event in AuditEvent.objects.all():
        assert STRONG not in str(event.details)
    assert check_password(STRONG, User.objects.get(email="megan@contoso.test").password)


# The services check the rules on the rows they lock, whatever the view did


def test_services_refuse_what_the_role_does_not_allow_even_without_the_view(world, admins):
    from django.core.exceptions import PermissionDenied

    from customers import services
    from partnercenter.access import AdminCenter

    helpdesk = AdminCenter(tenant=world.customer_x, roles=frozenset({HA}))
    user_admin = AdminCenter(tenant=world.customer_x, roles=frozenset({UA}))
    with pytest.raises(PermissionDenied):
        services.tenant_user_reset_password(center=helpdesk, actor=admins.helpdesk, user=world.x_ga, password=None)
    with pytest.raises(PermissionDenied):
        services.tenant_user_delete(center=user_admin, actor=admins.user_admin, user=world.x_ga)
    with pytest.raises(PermissionDenied):
        services.tenant_user_create(center=user_admin, actor=admins.user_admin, **new_user_data(), roles=[GA])
    with pytest.raises(PermissionDenied):
        services.tenant_user_create(center=helpdesk, actor=admins.helpdesk, **new_user_data())
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()
    assert not User.objects.filter(email="megan@contoso.test").exists()


def test_generated_passwords_pass_the_password_validators():
    from django.contrib.auth.password_validation import validate_password

    from customers.services import password_generate

    passwords = {password_generate() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        validate_password(password, user=User(email="megan@contoso.test", first_name="Megan", last_name="Bowen"))


def test_an_admin_resetting_their_own_password_stays_signed_in_here_only(world, client_for):
    other_session = Client()
    assert other_session.login(email="ga@contoso.test", password=PASSWORD)
    client = client_for("x_ga")
    response = client.post(url(world, "user_reset_password", world.x_ga.public_id), {"password": STRONG})
    assert response.status_code == 302
    assert client.get(url(world, "users")).status_code == 200
    assert other_session.get(url(world, "users")).status_code == 302  # to the sign-in page
