"""The admin center's access check, which every admin-center page pays first, costs at most three queries per request:
for a partner agent, its partner (with its home tenant), the relationship with its delegated admin state, and its
partner groups; for the tenant's own administrator, fewer. Counted on admin_center_for alone, for a user as the
session middleware loads it (nothing cached on it yet) and a session that has already seen two-step verification."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from partnercenter.access import GA, HA, MFA_SESSION_KEY, admin_center_for
from partnercenter.models import User
from relationships.services import delegated_admin_remove

MAX_QUERIES = 3


def check(persona_user: User, tenant_id):
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=persona_user.pk)  # fresh: no partner, groups or roles cached on it
    request.session = {MFA_SESSION_KEY: True}
    with CaptureQueriesContext(connection) as queries:
        try:
            return admin_center_for(request, tenant_id), len(queries)
        except (Http404, PermissionDenied) as refusal:
            return refusal, len(queries)


@pytest.mark.parametrize(
    ("persona", "roles"),
    [("a_admin", {GA}), ("a_helpdesk", {HA})],
)
def test_a_partner_agent_is_checked_in_three_queries(world, persona, roles):
    center, queries = check(world.user(persona), world.customer_x.public_id)
    assert center.roles == roles and center.on_behalf
    assert queries <= MAX_QUERIES


def test_a_refused_agent_is_checked_in_three_queries_too(world):
    refusal, queries = check(world.a_sales, world.customer_x.public_id)
    assert isinstance(refusal, PermissionDenied)
    assert queries <= MAX_QUERIES
    refusal, queries = check(world.b_admin, world.customer_x.public_id)
    assert isinstance(refusal, Http404)
    assert queries <= MAX_QUERIES


def test_the_tenants_own_administrator_is_checked_in_three_queries(world):
    center, queries = check(world.x_ga, world.customer_x.public_id)
    assert GA in center.roles and not center.on_behalf
    assert queries <= MAX_QUERIES


def test_removing_delegated_admin_refuses_the_next_check(world):
    """The check reads the grant with the relationship on every request: nothing of it is kept between requests."""
    center, _ = check(world.a_admin, world.customer_x.public_id)
    assert center.roles == {GA}
    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    refusal, _ = check(world.a_admin, world.customer_x.public_id)
    assert isinstance(refusal, PermissionDenied)
