"""The customer's Settings > Partner relationships shows, in a partner's details pane, that partner's admin
relationships (GDAP) with the customer: name, status, end date and roles; never the partner's drafts."""

import pytest
from django.urls import reverse

from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole

R = DirectoryRole

pytestmark = pytest.mark.django_db


def _create(world, name: str):
    return admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name=name,
        roles=[R.USER_ADMINISTRATOR],
    )


def test_the_partner_s_pane_lists_its_admin_relationships(world, client_for):
    approved = admin_relationship_finalize(relationship=_create(world, "Approved one"), finalized_by=world.a_admin)
    admin_relationship_approve(relationship=approved.relationship, approved_by=world.x_ga)
    admin_relationship_finalize(relationship=_create(world, "Waiting one"), finalized_by=world.a_admin)
    _create(world, "Draft one")
    url = reverse(
        "admincenter:partner_relationship_detail", args=[world.customer_x.public_id, world.partner_a.tenant.public_id]
    )
    body = client_for("x_ga").get(url).content.decode()
    assert "Approved one" in body and "Active" in body and "User Administrator" in body and "ends on" in body
    assert "Waiting one" in body and "Approval pending" in body
    assert "Draft one" not in body


def _active(world):
    finalized = admin_relationship_finalize(relationship=_create(world, "Active one"), finalized_by=world.a_admin)
    return admin_relationship_approve(relationship=finalized.relationship, approved_by=world.x_ga)


def remove_url(world, relationship) -> str:
    return reverse(
        "admincenter:admin_relationship_remove_roles", args=[world.customer_x.public_id, relationship.public_id]
    )


def test_the_global_admin_removes_roles_after_a_confirmation(world, client_for):
    relationship = _active(world)
    client = client_for("x_ga")
    pane = reverse(
        "admincenter:partner_relationship_detail", args=[world.customer_x.public_id, world.partner_a.tenant.public_id]
    )
    assert remove_url(world, relationship) in client.get(pane).content.decode()
    confirm = client.get(remove_url(world, relationship))
    assert confirm.status_code == 200 and "User Administrator" in confirm.content.decode()
    relationship.refresh_from_db()
    assert relationship.status == AdminRelationship.Status.ACTIVE
    response = client.post(remove_url(world, relationship))
    assert response.status_code == 302 and response["Location"] == pane
    relationship.refresh_from_db()
    assert relationship.status == AdminRelationship.Status.TERMINATED
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_RELATIONSHIP_TERMINATE)
    assert event.actor == world.x_ga and not event.on_behalf


def test_only_the_customer_s_own_global_admins_remove_roles(world, client_for):
    relationship = _active(world)
    assert client_for("x_user").post(remove_url(world, relationship)).status_code == 403
    assert client_for("a_admin").post(remove_url(world, relationship)).status_code == 403
    assert client_for("y_ga").post(remove_url(world, relationship)).status_code == 404
    other = reverse(
        "admincenter:admin_relationship_remove_roles", args=[world.customer_y.public_id, relationship.public_id]
    )
    assert client_for("y_ga").get(other).status_code == 404
    assert client_for("x_ga").delete(remove_url(world, relationship)).status_code == 405
    relationship.refresh_from_db()
    assert relationship.status == AdminRelationship.Status.ACTIVE
