"""On an active admin relationship (GDAP): Add security groups (a partner group and some of the relationship's roles,
pending until the task activates it), remove an assignment, Terminate relationship after a confirmation. Admin agents
only; other agents read; other partners and customers: 404."""

import pytest
from django.urls import reverse

from admin_relationships.services import (
    access_assignment_activate,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partner_settings.services import security_group_create, security_group_member_add
from partnercenter.access import effective_roles
from partnercenter.models import AccessAssignment, AdminRelationship, DirectoryRole

from ..factories import UserFactory, mfa_enable

R = DirectoryRole
Status = AdminRelationship.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(world) -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Helpdesk",
        roles=[R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR],
    )
    relationship = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship
    return admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)


@pytest.fixture
def tier1(world):
    group = security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    security_group_member_add(group=group, user=member, added_by=world.a_admin)
    return group, member


def url(world, relationship, name: str, *extra) -> str:
    return reverse(f"customers:{name}", args=[world.customer_x.public_id, relationship.public_id, *extra])


def test_a_group_gets_some_of_the_roles_then_its_member_holds_exactly_those(world, client_for, active, tier1):
    group, member = tier1
    client = client_for("a_admin")
    form = client.get(url(world, active, "access_assignment_new")).content.decode()
    assert "Tier 1" in form and "User Administrator" in form and "Global Administrator" not in form
    response = client.post(
        url(world, active, "access_assignment_new"),
        {"security_group": str(group.public_id), "roles": [R.USER_ADMINISTRATOR]},
    )
    assert response.status_code == 302
    assignment = AccessAssignment.objects.get(relationship=active)
    assert assignment.status == AccessAssignment.Status.PENDING and assignment.roles == [R.USER_ADMINISTRATOR]
    assert "Pending" in client.get(url(world, active, "admin_relationship")).content.decode()
    access_assignment_activate(assignment_id=assignment.pk)  # the task's work
    assert effective_roles(member, world.customer_x) == {R.USER_ADMINISTRATOR}
    body = client.get(reverse("customers:detail", args=[world.customer_x.public_id])).content.decode()
    assert "Tier 1 (Active)" in body


def test_roles_outside_the_relationship_are_refused(world, client_for, active, tier1):
    group, _member = tier1
    response = client_for("a_admin").post(
        url(world, active, "access_assignment_new"),
        {"security_group": str(group.public_id), "roles": [R.GLOBAL_ADMINISTRATOR]},
    )
    assert response.status_code == 400
    assert not AccessAssignment.objects.exists()


def test_another_partner_s_group_is_refused(world, client_for, active):
    theirs = security_group_create(partner=world.partner_b, created_by=world.b_admin, name="Theirs")
    response = client_for("a_admin").post(
        url(world, active, "access_assignment_new"),
        {"security_group": str(theirs.public_id), "roles": [R.USER_ADMINISTRATOR]},
    )
    assert response.status_code == 400
    assert not AccessAssignment.objects.exists()


def test_remove_an_assignment_takes_the_roles_away(world, client_for, active, tier1):
    group, member = tier1
    client = client_for("a_admin")
    client.post(
        url(world, active, "access_assignment_new"),
        {"security_group": str(group.public_id), "roles": [R.USER_ADMINISTRATOR]},
    )
    assignment = AccessAssignment.objects.get()
    access_assignment_activate(assignment_id=assignment.pk)
    assert client.post(url(world, active, "access_assignment_remove", assignment.public_id)).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AccessAssignment.Status.DELETED
    assert effective_roles(member, world.customer_x) == frozenset()


def test_terminate_after_a_confirmation(world, client_for, active):
    client = client_for("a_admin")
    confirm = client.get(url(world, active, "admin_relationship_terminate"))
    assert confirm.status_code == 200 and "can't be undone" in confirm.content.decode()
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
    assert client.post(url(world, active, "admin_relationship_terminate")).status_code == 302
    active.refresh_from_db()
    assert active.status == Status.TERMINATED
    # Nothing more can be assigned.
    assert client.get(url(world, active, "access_assignment_new")).status_code == 302


def test_sales_and_helpdesk_agents_change_nothing(world, client_for, active, tier1):
    group, _member = tier1
    for persona in ("a_sales", "a_helpdesk"):
        client = client_for(persona)
        assert client.get(url(world, active, "access_assignment_new")).status_code == 403
        data = {"security_group": str(group.public_id), "roles": [R.USER_ADMINISTRATOR]}
        assert client.post(url(world, active, "access_assignment_new"), data).status_code == 403
        assert client.post(url(world, active, "admin_relationship_terminate")).status_code == 403
    active.refresh_from_db()
    assert active.status == Status.ACTIVE and not AccessAssignment.objects.exists()


def test_another_partner_finds_nothing(world, client_for, active):
    client = client_for("b_admin")
    assert client.get(url(world, active, "access_assignment_new")).status_code == 404
    assert client.post(url(world, active, "admin_relationship_terminate")).status_code == 404


def test_wrong_methods(world, client_for, active):
    client = client_for("a_admin")
    assert client.delete(url(world, active, "admin_relationship_terminate")).status_code == 405
    assert client.put(url(world, active, "access_assignment_new")).status_code == 405


def test_auto_extend_is_switched_on_and_off(world, client_for, active):
    client = client_for("a_admin")
    switch = url(world, active, "admin_relationship_auto_extend")
    assert "Turn auto extend on" in client.get(url(world, active, "admin_relationship")).content.decode()
    assert client.post(switch, {"auto_extend": "on"}).status_code == 302
    active.refresh_from_db()
    assert active.auto_extend_days == 180
    assert client.post(switch).status_code == 302
    active.refresh_from_db()
    assert active.auto_extend_days == 0
    assert client_for("a_sales").post(switch, {"auto_extend": "on"}).status_code == 403


def _with_global_admin(world) -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Everything",
        roles=[R.GLOBAL_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR],
    )
    relationship = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship
    return admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)


def test_auto_extend_is_refused_with_global_administrator(world, client_for):
    relationship = _with_global_admin(world)
    client = client_for("a_admin")
    page = client.get(url(world, relationship, "admin_relationship")).content.decode()
    assert "be extended automatically" in page and "Turn auto extend on" not in page
    response = client.post(
        url(world, relationship, "admin_relationship_auto_extend"), {"auto_extend": "on"}, follow=True
    )
    assert "be extended automatically" in response.content.decode().split("<main", 1)[1].split("<section", 1)[0]
    relationship.refresh_from_db()
    assert relationship.auto_extend_days == 0


def test_removing_global_administrator_takes_it_from_the_groups_at_once(world, client_for, tier1):
    group, member = tier1
    relationship = _with_global_admin(world)
    client = client_for("a_admin")
    client.post(
        url(world, relationship, "access_assignment_new"),
        {"security_group": str(group.public_id), "roles": [R.GLOBAL_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR]},
    )
    access_assignment_activate(assignment_id=AccessAssignment.objects.get().pk)
    assert effective_roles(member, world.customer_x) == {R.GLOBAL_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR}
    assert "Remove Global Administrator" in client.get(url(world, relationship, "admin_relationship")).content.decode()
    assert client.post(url(world, relationship, "admin_relationship_remove_global_admin")).status_code == 302
    relationship.refresh_from_db()
    assert relationship.roles == [R.HELPDESK_ADMINISTRATOR] and relationship.status == Status.ACTIVE
    assert effective_roles(member, world.customer_x) == {R.HELPDESK_ADMINISTRATOR}
    # Auto extend is now possible.
    client.post(url(world, relationship, "admin_relationship_auto_extend"), {"auto_extend": "on"})
    relationship.refresh_from_db()
    assert relationship.auto_extend_days == 180
