"""The admin center's Roles: every directory role with its members; Global Administrators assign and remove them.
A partner's implicit role assignments (delegated admin) are not members: the pages point to Settings > Partner
relationships instead."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import AuditEvent, DelegatedAdminGrant, DirectoryRole, DirectoryRoleAssignment, User

from ..factories import UserFactory

GA = DirectoryRole.GLOBAL_ADMINISTRATOR
UA = DirectoryRole.USER_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR
GR = DirectoryRole.GLOBAL_READER

NOTE = "Partners with delegated admin privileges have this role implicitly"


@pytest.fixture
def admins(world) -> dict[str, User]:
    x = world.customer_x
    return {
        "user_admin": UserFactory(tenant=x, email="useradmin@contoso.test", roles=[UA]),
        "helpdesk": UserFactory(tenant=x, email="helpdesk@contoso.test", roles=[HA]),
        "reader": UserFactory(tenant=x, email="reader@contoso.test", roles=[GR]),
    }


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name: str, *args) -> str:
    return reverse(f"admincenter:{name}", args=[world.customer_x.public_id, *args])


def roles_of(user: User) -> set[str]:
    return set(DirectoryRoleAssignment.objects.filter(user=user).values_list("role", flat=True))


# The list and the members


def test_roles_list_shows_every_role_with_its_member_count(world, admins, client_for):
    response = client_for("x_ga").get(url(world, "roles"))
    assert response.status_code == 200
    counts = {role.value: count for role, _description, count, _capped in response.context["rows"]}
    # Every role of the catalogue is listed; the admins fixture holds four of them.
    assert counts == {**{role.value: 0 for role in DirectoryRole}, GA: 1, HA: 1, UA: 1, GR: 1}
    page = response.content.decode()
    for role in DirectoryRole:
        assert url(world, "role_detail", role.value) in page and str(role.label) in page


def test_role_counts_exclude_the_partners_implicit_assignments(world, client_for):
    # Partner A's Admin agent is Global Administrator of X and its Helpdesk agent Helpdesk Administrator, through
    # delegated admin; neither is counted, whoever looks.
    for persona in ("x_ga", "a_admin"):
        counts = {r.value: n for r, _d, n, _capped in client_for(persona).get(url(world, "roles")).context["rows"]}
        assert counts[GA] == 1 and counts[HA] == 0, persona


@pytest.mark.parametrize("persona", ["x_ga", "a_admin", "a_helpdesk"])
def test_role_members_exclude_the_partners_agents(world, client_for, persona):
    client = client_for(persona)
    page = client.get(url(world, "role_detail", GA)).content.decode()
    assert "ga@contoso.test" in page and "1 member" in page
    assert "admin@fabrikam.test" not in page and "helpdesk@fabrikam.test" not in page
    page = client.get(url(world, "role_detail", HA)).content.decode()
    assert "helpdesk@fabrikam.test" not in page and "0 members" in page


@pytest.mark.parametrize("who", ["user_admin", "helpdesk", "reader"])
def test_every_admin_role_sees_the_roles(world, admins, who):
    client = client_of(admins[who])
    assert client.get(url(world, "roles")).status_code == 200
    page = client.get(url(world, "role_detail", UA)).content.decode()
    assert "useradmin@contoso.test" in page
    assert url(world, "role_assign", UA) not in page and "/remove/" not in page  # only Global admins change them


def test_roles_are_closed_to_a_plain_user_a_sales_agent_and_other_tenants(world, client_for):
    assert client_for("x_user").get(url(world, "roles")).status_code == 403
    assert client_for("a_sales").get(url(world, "role_detail", GA)).status_code == 403
    assert client_for("b_admin").get(url(world, "roles")).status_code == 404
    assert client_for("y_ga").get(url(world, "role_detail", GA)).status_code == 404


def test_an_unknown_role_is_not_found(world, client_for):
    client = client_for("x_ga")
    assert client.get(url(world, "role_detail", "owner")).status_code == 404
    assert client.get(url(world, "role_assign", "owner")).status_code == 404
    assert client.post(url(world, "role_assign", "owner"), {"user": world.x_user.public_id}).status_code == 404
    assert client.get(url(world, "role_remove", "owner", world.x_ga.public_id)).status_code == 404


def test_role_pages_answer_405_to_other_methods(world, client_for):
    client = client_for("x_ga")
    assert client.post(url(world, "roles")).status_code == 405
    assert client.post(url(world, "role_detail", GA)).status_code == 405
    assert client.delete(url(world, "role_remove", GA, world.x_ga.public_id)).status_code == 405


# The note about partners


def test_global_and_helpdesk_admin_roles_point_own_global_admins_to_partner_relationships(world, client_for):
    client = client_for("x_ga")
    link = f'href="{url(world, "partner_relationships")}"'
    for role in (GA, HA):
        page = client.get(url(world, "role_detail", role)).content.decode()
        assert NOTE in page and link in page, role
    page = client.get(url(world, "role_detail", UA)).content.decode()
    assert NOTE not in page


def test_the_note_is_plain_text_for_those_who_cannot_open_partner_relationships(world, admins, client_for):
    link = f'href="{url(world, "partner_relationships")}"'
    for client in (client_for("a_admin"), client_of(admins["reader"]), client_of(admins["helpdesk"])):
        page = client.get(url(world, "role_detail", GA)).content.decode()
        assert NOTE in page and "see Settings > Partner relationships." in page and link not in page


def test_the_roles_list_says_where_the_partners_roles_are(world, client_for):
    page = client_for("x_ga").get(url(world, "roles")).content.decode()
    assert "not counted here" in page and f'href="{url(world, "partner_relationships")}"' in page


# Assigning


def test_global_admin_assigns_a_role(world, client_for):
    client = client_for("x_ga")
    page = client.get(url(world, "role_assign", HA)).content.decode()
    assert "user@contoso.test" in page
    response = client.post(url(world, "role_assign", HA), {"user": world.x_user.public_id})
    assert response.status_code == 302 and response["Location"] == url(world, "role_detail", HA)
    assert roles_of(world.x_user) == {HA}
    event = AuditEvent.objects.get(action="role.assign")
    assert event.actor == world.x_ga and event.target_tenant == world.customer_x and not event.on_behalf
    assert event.details == {"email": "user@contoso.test", "role": HA}
    assert event.object_id == str(world.x_user.public_id)


def test_the_assign_page_lists_only_the_tenants_users_without_the_role(world, client_for):
    page = client_for("x_ga").get(url(world, "role_assign", GA)).content.decode()
    assert "user@contoso.test" in page
    assert "ga@contoso.test" not in page  # already a member
    assert "ga@litware.test" not in page and "admin@fabrikam.test" not in page


def test_the_assign_page_searches(world, client_for):
    UserFactory(tenant=world.customer_x, email="adele@contoso.test", first_name="Adele", last_name="Vance")
    page = client_for("x_ga").get(url(world, "role_assign", GR), {"q": "adele"}).content.decode()
    assert "adele@contoso.test" in page and "user@contoso.test" not in page


def test_assigning_a_user_of_another_tenant_is_not_found(world, client_for):
    response = client_for("x_ga").post(url(world, "role_assign", GA), {"user": world.y_ga.public_id})
    assert response.status_code == 404
    response = client_for("a_admin").post(url(world, "role_assign", GA), {"user": world.a_sales.public_id})
    assert response.status_code == 404
    assert roles_of(world.a_sales) == set()


def test_assigning_a_role_the_user_has_is_refused(world, client_for):
    response = client_for("x_ga").post(url(world, "role_assign", GA), {"user": world.x_ga.public_id})
    assert response.status_code == 400 and "already has this role" in response.content.decode()
    assert not AuditEvent.objects.filter(action="role.assign").exists()


@pytest.mark.parametrize("data", [{}, {"user": "not-a-uuid"}], ids=["nobody", "garbage"])
def test_assigning_without_a_user_says_so(world, client_for, data):
    response = client_for("x_ga").post(url(world, "role_assign", GA), data)
    assert response.status_code == 400 and "Choose a user." in response.content.decode()


@pytest.mark.parametrize("who", ["user_admin", "helpdesk", "reader"])
def test_only_global_admins_assign_and_remove_roles(world, admins, who):
    client = client_of(admins[who])
    assert client.get(url(world, "role_assign", GR)).status_code == 403
    assert client.post(url(world, "role_assign", GR), {"user": world.x_user.public_id}).status_code == 403
    target = admins["reader"]
    assert client.get(url(world, "role_remove", GR, target.public_id)).status_code == 403
    assert client.post(url(world, "role_remove", GR, target.public_id)).status_code == 403
    assert roles_of(world.x_user) == set() and roles_of(target) == {GR}


# Removing


def test_global_admin_removes_a_role_after_confirming(world, admins, client_for):
    client = client_for("x_ga")
    target = admins["helpdesk"]
    page = client.get(url(world, "role_remove", HA, target.public_id)).content.decode()
    assert "helpdesk@contoso.test" in page and 'method="post"' in page
    response = client.post(url(world, "role_remove", HA, target.public_id))
    assert response.status_code == 302 and response["Location"] == url(world, "role_detail", HA)
    assert roles_of(target) == set()
    event = AuditEvent.objects.get(action="role.remove")
    assert event.details == {"email": "helpdesk@contoso.test", "role": HA} and not event.on_behalf


def test_removing_a_role_the_user_does_not_have_is_not_found(world, client_for):
    client = client_for("x_ga")
    assert client.get(url(world, "role_remove", HA, world.x_user.public_id)).status_code == 404
    assert client.post(url(world, "role_remove", HA, world.x_user.public_id)).status_code == 404
    assert client.post(url(world, "role_remove", GA, world.y_ga.public_id)).status_code == 404
    assert roles_of(world.y_ga) == {GA}


@pytest.mark.parametrize("persona", ["x_ga", "a_admin"])
def test_the_last_global_admin_keeps_the_role(world, client_for, persona):
    response = client_for(persona).post(url(world, "role_remove", GA, world.x_ga.public_id))
    assert response.status_code == 409
    assert "only Global Administrator" in response.content.decode()
    assert roles_of(world.x_ga) == {GA}
    assert not AuditEvent.objects.filter(action="role.remove").exists()


def test_the_only_global_admin_is_not_offered_a_remove_button(world, client_for):
    page = client_for("x_ga").get(url(world, "role_detail", GA)).content.decode()
    assert url(world, "role_remove", GA, world.x_ga.public_id) not in page
    second = UserFactory(tenant=world.customer_x, email="ga2@contoso.test", roles=[GA])
    page = client_for("x_ga").get(url(world, "role_detail", GA)).content.decode()
    assert url(world, "role_remove", GA, second.public_id) in page


def test_a_global_admin_who_is_not_the_last_may_give_up_the_role(world, client_for):
    UserFactory(tenant=world.customer_x, email="ga2@contoso.test", roles=[GA])
    client = client_for("x_ga")
    response = client.post(url(world, "role_remove", GA, world.x_ga.public_id))
    # Without any role the admin center is closed to them now: they land on the home page.
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert roles_of(world.x_ga) == set()
    assert client.get(url(world, "roles")).status_code == 403


# Partners acting on the customer's behalf


def test_partner_admin_agent_assigns_and_removes_roles_on_the_customers_behalf(world, client_for):
    client = client_for("a_admin")
    assert client.post(url(world, "role_assign", GR), {"user": world.x_user.public_id}).status_code == 302
    assert client.post(url(world, "role_remove", GR, world.x_user.public_id)).status_code == 302
    events = AuditEvent.objects.filter(action__in=["role.assign", "role.remove"])
    assert events.count() == 2
    for event in events:
        assert event.on_behalf and event.details["partner"] == "Fabrikam" and event.actor == world.a_admin
        assert event.target_tenant == world.customer_x and event.actor_tenant == world.partner_a.tenant


def test_partner_helpdesk_agent_sees_roles_but_does_not_assign(world, client_for):
    client = client_for("a_helpdesk")
    assert client.get(url(world, "roles")).status_code == 200
    assert client.get(url(world, "role_assign", GA)).status_code == 403
    assert client.post(url(world, "role_assign", GA), {"user": world.x_user.public_id}).status_code == 403
    assert roles_of(world.x_user) == set()


def test_partner_sales_agent_and_another_partner_cannot_assign(world, client_for):
    data = {"user": world.x_user.public_id}
    assert client_for("a_sales").post(url(world, "role_assign", GA), data).status_code == 403
    assert client_for("b_admin").post(url(world, "role_assign", GA), data).status_code == 404
    assert roles_of(world.x_user) == set()


def test_removing_delegated_admin_closes_roles_to_the_partner_at_once(world, client_for):
    client = client_for("a_admin")
    assert client.get(url(world, "roles")).status_code == 200
    DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).update(
        removed_at=timezone.now()
    )
    assert client.get(url(world, "roles")).status_code == 403
    assert client.post(url(world, "role_assign", GA), {"user": world.x_user.public_id}).status_code == 403
    assert roles_of(world.x_user) == set()


# Queries


def test_role_pages_query_count_does_not_grow_with_members(world, client_for):
    client = client_for("x_ga")
    client.get(url(world, "roles"))

    def load(name, *args):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, name, *args)).status_code == 200
        return len(queries)

    def add(start, count):
        users = User.objects.bulk_create(
            User(tenant=world.customer_x, email=f"reader{n:04d}@contoso.test") for n in range(start, start + count)
        )
        DirectoryRoleAssignment.objects.bulk_create(DirectoryRoleAssignment(user=u, role=GR) for u in users)

    add(0, 9)
    small = [load("roles"), load("role_detail", GR), load("role_assign", HA)]
    add(9, 190)
    large = [load("roles"), load("role_detail", GR), load("role_assign", HA)]
    assert large == small
