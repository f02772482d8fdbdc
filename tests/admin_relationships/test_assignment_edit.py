"""Edit roles of a security group's access assignment on an active admin relationship (GDAP): the relationship's
roles as checkboxes, the assignment's checked; at least one. As Graph's PATCH, the assignment goes back to pending
and the task activates it again. Admin agents only; refused on a relationship that is not active; another partner's
assignment does not exist (404)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from admin_relationships.services import (
    access_assignment_activate,
    access_assignment_create,
    access_assignment_update,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_terminate,
)
from partner_settings.services import security_group_create, security_group_member_add
from partnercenter.access import effective_roles
from partnercenter.audit_labels import details_summary
from partnercenter.models import AccessAssignment, AdminRelationship, AuditAction, AuditEvent, DirectoryRole

from ..factories import UserFactory, mfa_enable

R = DirectoryRole
Status = AccessAssignment.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def relationship(world) -> AdminRelationship:
    created = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Helpdesk",
        roles=[R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR, R.GLOBAL_READER],
    )
    created = admin_relationship_finalize(relationship=created, finalized_by=world.a_admin).relationship
    return admin_relationship_approve(relationship=created, approved_by=world.x_ga)


@pytest.fixture
def tier1(world, relationship):
    """Partner A's group Tier 1 with one member, holding Helpdesk Administrator (active) in the relationship."""
    group = security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    security_group_member_add(group=group, user=member, added_by=world.a_admin)
    assignment = access_assignment_create(
        relationship=relationship, security_group=group, roles=[R.HELPDESK_ADMINISTRATOR], created_by=world.a_admin
    )
    access_assignment_activate(assignment_id=assignment.pk)
    assignment.refresh_from_db()
    return assignment, member


def edit_url(world, relationship, assignment) -> str:
    return reverse(
        "customers:access_assignment_edit",
        args=[world.customer_x.public_id, relationship.public_id, assignment.public_id],
    )


def test_the_relationship_page_offers_edit_roles_to_admin_agents(world, client_for, relationship, tier1):
    assignment, _member = tier1
    page = reverse("customers:admin_relationship", args=[world.customer_x.public_id, relationship.public_id])
    assert edit_url(world, relationship, assignment) in client_for("a_admin").get(page).content.decode()
    assert edit_url(world, relationship, assignment) not in client_for("a_sales").get(page).content.decode()


def test_the_form_shows_the_relationships_roles_with_the_assignments_checked(world, client_for, relationship, tier1):
    assignment, _member = tier1
    response = client_for("a_admin").get(edit_url(world, relationship, assignment))
    assert response.status_code == 200
    roles = {row["value"]: row["checked"] for row in response.context["roles"]}
    assert roles == {R.HELPDESK_ADMINISTRATOR: True, R.USER_ADMINISTRATOR: False, R.GLOBAL_READER: False}
    body = response.content.decode()
    assert "Tier 1" in body and f'value="{R.GLOBAL_ADMINISTRATOR}"' not in body


def test_new_roles_are_pending_then_the_task_activates_them(
    world, client_for, relationship, tier1, django_capture_on_commit_callbacks
):
    assignment, member = tier1
    assert effective_roles(member, world.customer_x) == {R.HELPDESK_ADMINISTRATOR}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for("a_admin").post(
            edit_url(world, relationship, assignment), {"roles": [R.USER_ADMINISTRATOR, R.GLOBAL_READER]}
        )
    assert response.status_code == 302
    assert "being activated" in str(list(get_messages(response.wsgi_request))[0])
    assignment.refresh_from_db()
    assert assignment.status == Status.PENDING
    assert assignment.roles == sorted([R.USER_ADMINISTRATOR, R.GLOBAL_READER])
    # Pending: none of its roles, the one taken away included, until the task has run.
    assert effective_roles(member, world.customer_x) == frozenset()
    assert len(callbacks) == 1
    callbacks[0]()  # the task, enqueued after the commit (run eagerly here)
    assignment.refresh_from_db()
    assert assignment.status == Status.ACTIVE
    assert effective_roles(member, world.customer_x) == {R.USER_ADMINISTRATOR, R.GLOBAL_READER}


def test_the_change_is_audited_with_the_roles_before_and_after(world, relationship, tier1):
    assignment, _member = tier1
    access_assignment_update(assignment=assignment, roles=[R.GLOBAL_READER], changed_by=world.a_admin)
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_ASSIGNMENT_UPDATE)
    assert event.actor == world.a_admin and event.target_tenant == world.customer_x and event.on_behalf
    assert event.details["group"] == "Tier 1"
    assert event.details["roles"] == [R.GLOBAL_READER]
    assert event.details["roles_before"] == [R.HELPDESK_ADMINISTRATOR]
    shown = dict(details_summary(event))
    assert shown["Roles"] == "Global Reader" and shown["Previous roles"] == "Helpdesk Administrator"


def test_the_same_roles_again_change_nothing(world, relationship, tier1):
    assignment, _member = tier1
    access_assignment_update(assignment=assignment, roles=[R.HELPDESK_ADMINISTRATOR], changed_by=world.a_admin)
    assignment.refresh_from_db()
    assert assignment.status == Status.ACTIVE
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_ASSIGNMENT_UPDATE).exists()


@pytest.mark.parametrize(
    ("roles", "error"),
    [
        ([], "Choose at least one role."),
        ([R.GLOBAL_ADMINISTRATOR], "Choose roles of this admin relationship."),  # not one of the relationship's
        (["not-a-role"], "Choose roles of this admin relationship."),
    ],
)
def test_bad_roles_are_refused_with_the_reason_and_nothing_changes(
    world, client_for, relationship, tier1, roles, error
):
    assignment, _member = tier1
    response = client_for("a_admin").post(edit_url(world, relationship, assignment), {"roles": roles})
    assert response.status_code == 400
    assert error in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Status.ACTIVE and assignment.roles == [R.HELPDESK_ADMINISTRATOR]
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_ASSIGNMENT_UPDATE).exists()


def test_refused_on_a_relationship_that_is_not_active(world, client_for, relationship, tier1):
    assignment, _member = tier1
    # Past its end date, before the periodic task marks it expired: refused by the service.
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    response = client_for("a_admin").post(edit_url(world, relationship, assignment), {"roles": [R.GLOBAL_READER]})
    assert response.status_code == 302
    assert "expired" in str(list(get_messages(response.wsgi_request))[0])
    assignment.refresh_from_db()
    assert assignment.roles == [R.HELPDESK_ADMINISTRATOR]
    # Expired by status: the page itself sends the agent back with the reason.
    AdminRelationship.objects.filter(pk=relationship.pk).update(status=AdminRelationship.Status.EXPIRED)
    response = client_for("a_admin").get(edit_url(world, relationship, assignment))
    assert response.status_code == 302
    assert "Only an active admin relationship" in str(list(get_messages(response.wsgi_request))[0])
    with pytest.raises(ValidationError, match="expired"):
        access_assignment_update(assignment=assignment, roles=[R.GLOBAL_READER], changed_by=world.a_admin)
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_ASSIGNMENT_UPDATE).exists()


def test_a_terminated_relationships_assignment_is_gone(world, client_for, relationship, tier1):
    assignment, _member = tier1
    admin_relationship_terminate(relationship=relationship, terminated_by=world.a_admin, acting_for=world.partner_a)
    assert client_for("a_admin").get(edit_url(world, relationship, assignment)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("a_sales", 403), ("a_helpdesk", 403), ("b_admin", 404)])
def test_only_the_partners_admin_agents_edit(world, client_for, relationship, tier1, persona, status):
    assignment, _member = tier1
    url = edit_url(world, relationship, assignment)
    assert client_for(persona).get(url).status_code == status
    assert client_for(persona).post(url, {"roles": [R.GLOBAL_READER]}).status_code == status
    assignment.refresh_from_db()
    assert assignment.roles == [R.HELPDESK_ADMINISTRATOR]


def test_another_relationships_assignment_is_not_found(world, client_for, relationship, tier1):
    assignment, _member = tier1
    other = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Readers",
        roles=[R.GLOBAL_READER],
    )
    other = admin_relationship_finalize(relationship=other, finalized_by=world.a_admin).relationship
    other = admin_relationship_approve(relationship=other, approved_by=world.x_ga)
    response = client_for("a_admin").post(edit_url(world, other, assignment), {"roles": [R.GLOBAL_READER]})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.roles == [R.HELPDESK_ADMINISTRATOR]
