"""The customer's Settings > Partner relationships shows, in a partner's details pane, that partner's admin
relationships (GDAP) with the customer: name, status, end date and roles; never the partner's drafts."""

import pytest
from django.urls import reverse

from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import DirectoryRole

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
