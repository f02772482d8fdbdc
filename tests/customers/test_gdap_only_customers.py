"""Customers through granular delegated admin (GDAP) alone: an organization that approved an admin relationship of the
partner, without a reseller relationship, is on the partner's Customers page and its customer pages open; what only
resellers may do (subscriptions, Azure provisioning, Windows Autopilot) stays closed, with the reason; the admin
center opens to exactly the roles GDAP gives. The rule is ResellerRelationship.IS_CUSTOMER, in the core."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_terminate,
)
from azure_subscriptions.models import AzureSubscription
from customers.models import Subscription
from partnercenter.models import AdminRelationship, DirectoryRole, ResellerRelationship, SecurityGroup, Tenant
from tests.factories import TenantFactory, UserFactory, mfa_enable

from ..partnercenter.test_admin_center_access import MAX_QUERIES, check
from .test_customers_queries import add_customers

R = DirectoryRole

pytestmark = pytest.mark.django_db


def approved_by(world, approver, name: str = "Wingtip helpdesk", roles=(R.USER_ADMINISTRATOR,)) -> AdminRelationship:
    """Partner A's request for a customer-to-be, approved by `approver`, whose tenant becomes the customer."""
    relationship = admin_relationship_create(
        partner=world.partner_a, customer=None, created_by=world.a_admin, display_name=name, roles=list(roles)
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    return admin_relationship_approve(relationship=relationship, approved_by=approver)


@pytest.fixture
def wingtip(world):
    """Wingtip Toys, which approved partner A's admin relationship (User Administrator) and has no reseller
    relationship with anyone."""
    tenant = TenantFactory(name="Wingtip Toys", primary_domain="wingtip.test")
    ga = UserFactory(tenant=tenant, email="ga@wingtip.test", roles=[R.GLOBAL_ADMINISTRATOR])
    UserFactory(tenant=tenant, email="user@wingtip.test")
    relationship = approved_by(world, ga)
    return tenant, relationship


@pytest.fixture
def tier1(world):
    """Partner A's security group "Tier 1" with one member, who is in no built-in group."""
    group = SecurityGroup.objects.create(tenant=world.partner_a.tenant, name="Tier 1", kind=SecurityGroup.Kind.CUSTOM)
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    group.members.add(member)
    return group, member


def assign(world, relationship, group, roles, capture) -> None:
    with capture(execute=True):  # the task that activates the assignment runs after commit
        access_assignment_create(relationship=relationship, security_group=group, roles=roles, created_by=world.a_admin)


def test_the_approval_makes_it_a_customer_without_a_reseller_relationship(world, wingtip):
    tenant, relationship = wingtip
    row = ResellerRelationship.objects.get(partner=world.partner_a, customer=tenant)
    assert not row.is_active and row.granular_admin_since == relationship.activated_at
    assert not ResellerRelationship.objects.filter(partner=world.partner_b, customer=tenant).exists()


def test_it_is_on_the_customers_page_export_and_search_of_its_partner_only(world, client_for, wingtip):
    tenant, _relationship = wingtip
    body = client_for("a_sales").get(reverse("customers:list")).content.decode()
    assert "Wingtip Toys" in body and "Granular delegated admin" in body and "2 customers" in body
    assert "Wingtip Toys" in client_for("a_helpdesk").get(reverse("customers:list"), {"q": "wingtip"}).content.decode()
    export = b"".join(client_for("a_admin").get(reverse("customers:export")).streaming_content).decode()
    assert f"{tenant.public_id},Wingtip Toys,wingtip.test,Granular delegated admin" in export
    assert "Wingtip Toys" not in client_for("b_admin").get(reverse("customers:list")).content.decode()
    assert client_for("b_admin").get(reverse("customers:detail", args=[tenant.public_id])).status_code == 404


def test_a_reseller_customer_that_approves_stays_one_row_a_reseller(world, client_for):
    approved_by(world, world.x_ga, name="Contoso helpdesk")
    row = ResellerRelationship.objects.get(partner=world.partner_a, customer=world.customer_x)
    assert row.is_active and row.granular_admin_since is not None
    body = client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert "1 customer" in body and "Reseller, Delegated admin" in body


def test_its_page_opens_but_offers_nothing_only_resellers_may_do(world, client_for, wingtip):
    tenant, relationship = wingtip
    response = client_for("a_admin").get(reverse("customers:detail", args=[tenant.public_id]))
    body = response.content.decode()
    assert response.status_code == 200 and "Granular delegated admin" in body and "Wingtip helpdesk" in body
    assert reverse("customers:admin_relationship", args=[tenant.public_id, relationship.public_id]) in body
    assert reverse("customers:admin_relationship_new", args=[tenant.public_id]) in body
    assert reverse("customers:subscription_new", args=[tenant.public_id]) not in body
    assert reverse("customers:azure_subscription_new", args=[tenant.public_id]) not in body
    assert "Windows Autopilot needs a reseller relationship." in body


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("customers:subscription_new", "get", {}),
        ("customers:subscription_new", "post", {"product": "m365_business_basic", "seats": "5"}),
        ("customers:azure_subscription_new", "get", {}),
        ("customers:azure_subscription_new", "post", {"name": "Wingtip web"}),
        ("customers:devices", "get", {}),
    ],
)
def test_what_only_resellers_may_do_is_refused_with_the_reason(world, client_for, wingtip, name, method, data):
    tenant, _relationship = wingtip
    response = getattr(client_for("a_admin"), method)(reverse(name, args=[tenant.public_id]), data)
    assert response.status_code == 403
    assert "needs a reseller relationship" in response.content.decode()
    assert not Subscription.objects.filter(tenant=tenant).exists()
    assert not AzureSubscription.objects.filter(tenant=tenant).exists()


def test_the_admin_center_opens_to_exactly_the_roles_gdap_gives(
    world, client_for, wingtip, tier1, django_capture_on_commit_callbacks
):
    tenant, relationship = wingtip
    group, member = tier1
    details = reverse("customers:details", args=[tenant.public_id])
    home = reverse("admincenter:home", args=[tenant.public_id])
    # No security group holds a role yet: nobody gets in, and the details say why.
    body = client_for("a_admin").get(details).content.decode()
    assert "Your security groups hold no roles in this customer&#x27;s admin relationships." in body
    assert client_for("a_admin").get(home).status_code == 403

    assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    client = client_for("anon")
    client.force_login(member)
    assert f'href="{home}"' in client.get(details).content.decode()
    assert client.get(reverse("admincenter:users", args=[tenant.public_id])).status_code == 200
    assert client.get(reverse("admincenter:user_new", args=[tenant.public_id])).status_code == 200
    assert client.get(reverse("admincenter:role_assign", args=[tenant.public_id, "global_admin"])).status_code == 403
    assert client.get(reverse("admincenter:activity", args=[tenant.public_id])).status_code == 403
    # The Admin agent is in no group of the assignment: still nothing.
    assert client_for("a_admin").get(home).status_code == 403

    # Terminated: it stays a customer (the partner may ask again), and the roles are gone at once.
    admin_relationship_terminate(relationship=relationship, terminated_by=world.a_admin, acting_for=world.partner_a)
    assert client.get(home).status_code == 403
    assert "Wingtip Toys" in client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert client_for("a_admin").get(reverse("customers:detail", args=[tenant.public_id])).status_code == 200


def test_the_customers_page_query_count_stays_flat_with_customers_through_gdap(world, client_for):
    """Half of the customers through GDAP alone (rows that are not reseller relationships): the same queries for 10
    as for 1,000."""

    def add_granular_customers(start: int, count: int) -> None:
        tenants = Tenant.objects.bulk_create(
            Tenant(name=f"Wingtip {n:05d}", primary_domain=f"wingtip{n:05d}.example")
            for n in range(start, start + count)
        )
        ResellerRelationship.objects.bulk_create(
            ResellerRelationship(
                partner=world.partner_a, customer=t, is_active=False, granular_admin_since=timezone.now()
            )
            for t in tenants
        )

    def load() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("customers:list"))
        return len(queries), response.content.decode()

    client = client_for("a_admin")
    client.get(reverse("customers:list"))
    add_customers(world.partner_a, 0, 5)
    add_granular_customers(0, 4)
    small, page = load()
    assert "10 customers" in page
    add_customers(world.partner_a, 5, 495)
    add_granular_customers(4, 495)
    large, page = load()
    assert "1000 customers" in page and page.count('class="details-row"') == 50
    assert large == small


def test_a_removed_reseller_relationship_is_no_customer_but_a_granular_one_stays(world, client_for, wingtip):
    tenant, _relationship = wingtip
    ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_x).update(is_active=False)
    body = client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert "Contoso" not in body and "Wingtip Toys" in body
    assert client_for("a_admin").get(reverse("customers:detail", args=[world.customer_x.public_id])).status_code == 404


def test_the_migration_makes_every_approving_tenant_a_customer(world, wingtip):
    """Relationships approved before the rule existed: the data migration gives their customers their row."""
    tenant, relationship = wingtip
    ResellerRelationship.objects.filter(customer=tenant).delete()
    ResellerRelationship.objects.filter(customer=world.customer_x).update(granular_admin_since=None)
    contoso = approved_by(world, world.x_ga, name="Contoso helpdesk")
    ResellerRelationship.objects.filter(customer=world.customer_x).update(granular_admin_since=None)
    migration = importlib.import_module("partnercenter.migrations.0013_customer_through_granular_admin")
    migration.mark_customers_through_granular_admin(apps, None)
    row = ResellerRelationship.objects.get(partner=world.partner_a, customer=tenant)
    assert not row.is_active and row.granular_admin_since == relationship.activated_at
    row = ResellerRelationship.objects.get(partner=world.partner_a, customer=world.customer_x)
    assert row.is_active and row.granular_admin_since == contoso.activated_at


def test_its_admin_center_check_costs_three_queries_as_any_customers(
    world, wingtip, tier1, django_capture_on_commit_callbacks
):
    tenant, relationship = wingtip
    group, member = tier1
    assign(world, relationship, group, [R.USER_ADMINISTRATOR], django_capture_on_commit_callbacks)
    center, queries = check(member, tenant.public_id)
    assert center.roles == {R.USER_ADMINISTRATOR} and center.on_behalf
    assert queries <= MAX_QUERIES
