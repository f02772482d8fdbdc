"""Granular delegated admin (GDAP): the admin relationship's life (create, finalize, approve or reject, terminate)
and the rules of the roles it gives, through the services and the admin center's pages.

The rules (DESIGN.md §3): a partner user's effective roles in customer T are the union of the roles of every active
access assignment, in every active and unexpired admin relationship of its partner with T, whose security group it
is a member of; where the partner holds both delegated admin and an active GDAP relationship, GDAP wins; an expired
or terminated relationship, or a user taken out of a group, gives nothing from that moment."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_relationships.services import (
    access_assignment_create,
    access_assignment_remove,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_reject,
    admin_relationship_terminate,
)
from partnercenter.access import effective_roles
from partnercenter.models import AccessAssignment, AdminRelationship, AuditEvent, DirectoryRole, SecurityGroup
from partnercenter.tokens import token_hash

from ..factories import UserFactory, mfa_enable

R = DirectoryRole
Status = AdminRelationship.Status


def _create(world, **overrides) -> AdminRelationship:
    data = {
        "partner": world.partner_a,
        "customer": world.customer_x,
        "created_by": world.a_admin,
        "display_name": "Contoso helpdesk",
        "roles": [R.USER_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR],
        "duration_days": 180,
    }
    return admin_relationship_create(**{**data, **overrides})


def _active(world, **overrides) -> AdminRelationship:
    relationship = _create(world, **overrides)
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    return admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)


@pytest.fixture
def tier1(world):
    """Partner A's own security group "Tier 1" with one member, who is in no built-in group."""
    group = SecurityGroup.objects.create(tenant=world.partner_a.tenant, name="Tier 1", kind=SecurityGroup.Kind.CUSTOM)
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    group.members.add(member)
    return group, member


def _assign(world, relationship, group, roles, django_capture_on_commit_callbacks) -> AccessAssignment:
    with django_capture_on_commit_callbacks(execute=True):
        assignment = access_assignment_create(
            relationship=relationship, security_group=group, roles=roles, created_by=world.a_admin
        )
    assignment.refresh_from_db()
    return assignment


# The relationship's life.


def test_a_relationship_is_created_finalized_and_approved_for_its_duration(world):
    relationship = _create(world)
    assert relationship.status == Status.CREATED
    finalized = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    relationship.refresh_from_db()
    assert relationship.status == Status.APPROVAL_PENDING
    assert relationship.token_hash == token_hash(finalized.token)  # only the hash is kept
    before = timezone.now()
    approved = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    assert approved.status == Status.ACTIVE
    assert before + timedelta(days=180) <= approved.ends_at <= timezone.now() + timedelta(days=180)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["admin_relationship.create", "admin_relationship.finalize", "admin_relationship.approve"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"roles": []}, "roles"),
        ({"roles": ["no_such_role"]}, "roles"),
        ({"duration_days": 0}, "duration_days"),
        ({"duration_days": 731}, "duration_days"),
        ({"roles": [R.GLOBAL_ADMINISTRATOR], "auto_extend": True}, "auto_extend"),
    ],
    ids=["no-name", "long-name", "no-roles", "unknown-role", "zero-days", "too-long", "auto-extend-with-ga"],
)
def test_a_bad_request_is_refused_and_nothing_is_written(world, overrides, field):
    with pytest.raises(ValidationError) as error:
        _create(world, **overrides)
    assert field in error.value.message_dict
    assert not AdminRelationship.objects.exists()


def test_names_are_unique_per_partner_whatever_the_case(world):
    _create(world)
    with pytest.raises(ValidationError):
        _create(world, display_name="CONTOSO HELPDESK")
    _create(world, partner=world.partner_b, created_by=world.b_admin)  # another partner's may share it


def test_only_a_pending_request_is_approved_or_rejected_once(world):
    relationship = _create(world)
    with pytest.raises(ValidationError):
        admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)  # not finalized
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    admin_relationship_reject(relationship=relationship, rejected_by=world.x_ga)
    with pytest.raises(ValidationError):
        admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    relationship.refresh_from_db()
    assert relationship.status == Status.REJECTED


def test_an_unapproved_request_expires_after_90_days(world):
    relationship = _create(world)
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    AdminRelationship.objects.filter(pk=relationship.pk).update(created_at=timezone.now() - timedelta(days=91))
    with pytest.raises(ValidationError):
        admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)


# The roles it gives.


def test_a_group_member_gets_exactly_the_assigned_roles(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    assert effective_roles(member, world.customer_x) == frozenset()  # nothing assigned yet
    assignment = _assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    assert assignment.status == AccessAssignment.Status.ACTIVE  # the task activated it after the commit
    assert effective_roles(member, world.customer_x) == {R.USER_ADMINISTRATOR}
    assert effective_roles(member, world.customer_y) == frozenset()


def test_an_assignment_holds_only_roles_of_its_relationship(world, tier1):
    group, _member = tier1
    relationship = _active(world)
    with pytest.raises(ValidationError):
        access_assignment_create(
            relationship=relationship, security_group=group, roles=[R.GLOBAL_ADMINISTRATOR], created_by=world.a_admin
        )
    other = SecurityGroup.objects.get(tenant=world.partner_b.tenant, kind=SecurityGroup.Kind.ADMIN_AGENTS)
    with pytest.raises(ValidationError):
        access_assignment_create(
            relationship=relationship, security_group=other, roles=[R.USER_ADMINISTRATOR], created_by=world.a_admin
        )
    assert not AccessAssignment.objects.exists()


def test_gdap_wins_over_delegated_admin_for_the_partner(world, django_capture_on_commit_callbacks):
    # Partner A has delegated admin with X: its Admin agent is Global Administrator there.
    assert effective_roles(world.a_admin, world.customer_x) == {R.GLOBAL_ADMINISTRATOR}
    relationship = _active(world)
    # An active GDAP relationship replaces DAP's implied roles, even before any group is assigned.
    assert effective_roles(world.a_admin, world.customer_x) == frozenset()
    admin_agents = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.ADMIN_AGENTS)
    _assign(world, relationship, admin_agents, [R.HELPDESK_ADMINISTRATOR], django_capture_on_commit_callbacks)
    assert effective_roles(world.a_admin, world.customer_x) == {R.HELPDESK_ADMINISTRATOR}


def test_an_expired_relationship_gives_nothing_at_once(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    _assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    # No task has marked it expired: its end date decides.
    assert AdminRelationship.objects.get(pk=relationship.pk).status == Status.ACTIVE
    assert effective_roles(member, world.customer_x) == frozenset()


def test_terminating_or_leaving_the_group_takes_the_roles_at_once(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    assignment = _assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    group.members.remove(member)
    assert effective_roles(member, world.customer_x) == frozenset()
    group.members.add(member)
    assert effective_roles(member, world.customer_x) == {R.USER_ADMINISTRATOR}
    access_assignment_remove(assignment=assignment, removed_by=world.a_admin)
    assert effective_roles(member, world.customer_x) == frozenset()
    _assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    admin_relationship_terminate(relationship=relationship, terminated_by=world.x_ga)
    assert effective_roles(member, world.customer_x) == frozenset()
    assert not AccessAssignment.objects.filter(relationship=relationship, status=AccessAssignment.Status.ACTIVE)


def test_effective_roles_with_gdap_cost_at_most_three_queries(world, tier1, django_capture_on_commit_callbacks):
    group, member = tier1
    relationship = _active(world)
    _assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    fresh = type(member).objects.get(pk=member.pk)  # no per-request cache yet
    with CaptureQueriesContext(connection) as queries:
        effective_roles(fresh, world.customer_x)
    assert len(queries) <= 3


def test_the_group_member_manages_the_customers_users_with_exactly_those_roles(
    world, tier1, django_capture_on_commit_callbacks, client
):
    group, member = tier1
    relationship = _active(world)
    _assign(world, relationship, group, [R.HELPDESK_ADMINISTRATOR], django_capture_on_commit_callbacks)
    client.force_login(member)
    x = world.customer_x.public_id
    assert client.get(reverse("admincenter:users", args=[x])).status_code == 200
    assert client.get(reverse("admincenter:user_new", args=[x])).status_code == 403  # Helpdesk adds no users
    reset = reverse("admincenter:user_reset_password", args=[x, world.x_user.public_id])
    assert client.post(reset, {"auto_password": "on"}).status_code == 200  # the new password, shown once
    admin_relationship_terminate(relationship=relationship, terminated_by=world.a_admin, acting_for=world.partner_a)
    assert client.get(reverse("admincenter:users", args=[x])).status_code == 403
