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
from django.urls import reverse

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


def test_after_the_customer_removes_delegated_admin_the_refusal_says_why_and_leads_back(world, client_for):
    """The agent who opens the admin center of a customer that removed delegated admin is told so, with the date,
    and offered the way back to the customer's page (not a generic refusal)."""
    from django.utils import timezone
    from django.utils.formats import date_format

    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    response = client_for("a_admin").get(reverse("admincenter:home", args=[world.customer_x.public_id]))
    assert response.status_code == 403
    page = response.content.decode()
    today = date_format(timezone.localtime(), "DATE_FORMAT")
    assert f"Delegated admin was removed by the customer on {today}." in page
    back = reverse("customers:detail", args=[world.customer_x.public_id])
    assert f'<a href="{back}">Back to {world.customer_x.name}</a>' in page


def test_a_customer_that_never_granted_delegated_admin_gets_the_plain_reason(world, client_for):
    from tests.factories import ResellerRelationshipFactory, TenantFactory

    reseller_only = TenantFactory(name="Tailspin", primary_domain="tailspin.test")
    ResellerRelationshipFactory(partner=world.partner_a, customer=reseller_only)
    response = client_for("a_admin").get(reverse("admincenter:home", args=[reseller_only.public_id]))
    assert response.status_code == 403
    assert "You have no administrator role in this customer&#x27;s tenant." in response.content.decode()


def test_with_an_admin_relationship_that_gives_the_agent_nothing_the_refusal_says_so(world, client_for):
    """GDAP wins over delegated admin: a live admin relationship none of whose assignments is the agent's group."""
    from datetime import timedelta

    from django.utils import timezone

    from partnercenter.models import AdminRelationship

    AdminRelationship.objects.create(
        partner=world.partner_a,
        customer=world.customer_x,
        display_name="Helpdesk only",
        roles=[HA],
        status=AdminRelationship.Status.ACTIVE,
        activated_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=30),
    )
    response = client_for("a_admin").get(reverse("admincenter:home", args=[world.customer_x.public_id]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "None of your security groups has a role in this customer&#x27;s admin relationships." in page
    assert reverse("customers:detail", args=[world.customer_x.public_id]) in page
