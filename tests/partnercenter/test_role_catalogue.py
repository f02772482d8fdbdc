"""The role catalogue (the built-in Microsoft Entra roles, with their real template IDs) and what each role may do in
the admin center: the role table, through the pages."""

from uuid import UUID

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from autopilot.models import Device, DeviceSource
from customers.services import subscription_create
from partnercenter.models import DirectoryRole, DirectoryRoleAssignment, User
from partnercenter.roles import CATALOGUE, role_of_template

from ..factories import PASSWORD, UserFactory

R = DirectoryRole
STRONG = "Another-horse-battery-7"


def test_the_catalogue_has_the_built_in_roles_with_their_template_ids():
    assert len(CATALOGUE) >= 20
    assert set(CATALOGUE) == set(DirectoryRole.values)
    assert CATALOGUE[R.GLOBAL_ADMINISTRATOR].template_id == UUID("62e90394-69f5-4237-9190-012177145e10")
    assert CATALOGUE[R.HELPDESK_ADMINISTRATOR].template_id == UUID("729827e3-9c14-49f7-bb1b-9608f156bbb8")
    assert len({d.template_id for d in CATALOGUE.values()}) == len(CATALOGUE)
    assert role_of_template(UUID("4d6ac14f-3453-41d0-bef9-a3e0c569773a")) == R.LICENSE_ADMINISTRATOR
    assert role_of_template(UUID(int=1)) is None


def test_every_role_has_its_name_and_description_in_both_languages():
    for definition in CATALOGUE.values():
        english = (definition.name, str(definition.description))
        with translation.override("zh-hant"):
            chinese = (str(definition.role.label), str(definition.description))
        assert all(english) and all(chinese)
        assert chinese[0] != english[0] or definition.role.label.startswith(("Exchange", "SharePoint", "Teams"))
        assert chinese[1] != english[1], definition.role


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world, name: str, *args) -> str:
    return reverse(f"admincenter:{name}", args=[world.customer_x.public_id, *args])


def _holder(world, role: str) -> User:
    return UserFactory(tenant=world.customer_x, email=f"{role}@contoso.test", roles=[role])


# Which pages each role opens: (role, page name, expected status). Home opens for every role of the catalogue.
PAGES = [
    (R.EXCHANGE_ADMINISTRATOR, "home", 200),
    (R.EXCHANGE_ADMINISTRATOR, "users", 403),
    (R.EXCHANGE_ADMINISTRATOR, "subscriptions", 403),
    (R.EXCHANGE_ADMINISTRATOR, "activity", 403),
    (R.LICENSE_ADMINISTRATOR, "subscriptions", 200),
    (R.LICENSE_ADMINISTRATOR, "users", 200),
    (R.LICENSE_ADMINISTRATOR, "user_new", 403),
    (R.BILLING_ADMINISTRATOR, "subscriptions", 200),
    (R.DIRECTORY_READERS, "users", 200),
    (R.DIRECTORY_READERS, "roles", 200),
    (R.SECURITY_READER, "activity", 200),
    (R.REPORTS_READER, "activity", 200),
    (R.REPORTS_READER, "users", 403),
    (R.INTUNE_ADMINISTRATOR, "devices", 200),
    (R.INTUNE_ADMINISTRATOR, "users", 403),
    (R.PRIVILEGED_ROLE_ADMINISTRATOR, "roles", 200),
]


@pytest.mark.parametrize(("role", "page", "status"), PAGES, ids=[f"{r}-{p}" for r, p, _s in PAGES])
def test_each_role_opens_exactly_its_pages(world, role, page, status):
    assert _client(_holder(world, role)).get(_url(world, page)).status_code == status


def test_a_role_that_opens_nothing_here_still_shows_home_without_sections(world):
    page = _client(_holder(world, R.TEAMS_ADMINISTRATOR)).get(_url(world, "home")).content.decode()
    for section in ("users", "roles", "subscriptions", "activity", "devices"):
        assert f'href="{_url(world, section)}"' not in page, section


def test_a_license_administrator_assigns_a_license(world):
    subscription = subscription_create(
        customer=world.customer_x,
        partner=world.partner_a,
        product="m365_business_basic",
        seats=2,
        created_by=world.a_admin,
    )
    client = _client(_holder(world, R.LICENSE_ADMINISTRATOR))
    response = client.post(_url(world, "license_assign", subscription.public_id), {"user": str(world.x_user.public_id)})
    assert response.status_code == 302
    assert subscription.assignments.filter(user=world.x_user).exists()


def test_an_authentication_administrator_resets_a_users_password_not_an_admins(world):
    client = _client(_holder(world, R.AUTHENTICATION_ADMINISTRATOR))
    assert (
        client.post(_url(world, "user_reset_password", world.x_user.public_id), {"password": STRONG}).status_code == 302
    )
    world.x_user.refresh_from_db()
    assert world.x_user.check_password(STRONG)
    response = client.post(_url(world, "user_reset_password", world.x_ga.public_id), {"password": STRONG})
    assert response.status_code == 403
    world.x_ga.refresh_from_db()
    assert world.x_ga.check_password(PASSWORD)


def test_a_privileged_authentication_administrator_resets_a_global_admins_password(world):
    client = _client(_holder(world, R.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR))
    response = client.post(_url(world, "user_reset_password", world.x_ga.public_id), {"password": STRONG})
    assert response.status_code == 302
    world.x_ga.refresh_from_db()
    assert world.x_ga.check_password(STRONG)


def test_a_privileged_role_administrator_assigns_any_role(world):
    client = _client(_holder(world, R.PRIVILEGED_ROLE_ADMINISTRATOR))
    response = client.post(_url(world, "role_assign", R.GLOBAL_ADMINISTRATOR), {"user": str(world.x_user.public_id)})
    assert response.status_code == 302
    assert DirectoryRoleAssignment.objects.filter(user=world.x_user, role=R.GLOBAL_ADMINISTRATOR).exists()


def test_customers_assign_the_new_roles_on_roles(world, client_for):
    client = client_for("x_ga")
    detail = client.get(_url(world, "role_detail", R.SECURITY_READER)).content.decode()
    assert "5d6b6bb7-de71-4623-b4af-96380a352509" in detail
    response = client.post(_url(world, "role_assign", R.SECURITY_READER), {"user": str(world.x_user.public_id)})
    assert response.status_code == 302
    assert client_of_user_sees_activity(world)


def client_of_user_sees_activity(world) -> bool:
    return _client(world.x_user).get(_url(world, "activity")).status_code == 200


def test_an_intune_administrator_removes_devices(world):
    device = Device.objects.create(
        tenant=world.customer_x, serial_number="SN-1", manufacturer="Contoso", model="Laptop",
        added_by_source=DeviceSource.INTUNE,
    )  # fmt: skip
    client = _client(_holder(world, R.INTUNE_ADMINISTRATOR))
    response = client.post(_url(world, "device_remove"), {"device": [str(device.public_id)], "confirm": "yes"})
    assert response.status_code == 302
    assert not Device.objects.filter(pk=device.pk).exists()
