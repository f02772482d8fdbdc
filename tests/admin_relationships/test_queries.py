"""The pages that list admin relationships cost the same number of queries whatever their number."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import DirectoryRole, SecurityGroup

pytestmark = pytest.mark.django_db


def _add_relationships(world, start: int, count: int) -> None:
    groups = SecurityGroup.objects.filter(tenant=world.partner_a.tenant)
    for n in range(start, start + count):
        relationship = admin_relationship_create(
            partner=world.partner_a,
            customer=world.customer_x,
            created_by=world.a_admin,
            display_name=f"Relationship {n}",
            roles=[DirectoryRole.HELPDESK_ADMINISTRATOR, DirectoryRole.USER_ADMINISTRATOR],
        )
        relationship = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship
        relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
        for group in groups:
            access_assignment_create(
                relationship=relationship,
                security_group=group,
                roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
                created_by=world.a_admin,
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_customer_page_is_flat_in_admin_relationships(world, client_for):
    client = client_for("a_admin")
    url = reverse("customers:detail", args=[world.customer_x.public_id])
    _add_relationships(world, 0, 1)
    _queries(client, url)  # the session's first request pays for what later ones have cached
    one = _queries(client, url)
    _add_relationships(world, 1, 10)
    assert _queries(client, url) == one
