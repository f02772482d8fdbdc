"""A reseller relationship carries copies of its customer's name, domain and Microsoft ID (the Customers page sorts
and searches them): taken however the row is made, and kept when the tenant changes."""

import pytest
from django.urls import reverse

from partnercenter.models import ResellerRelationship, Tenant
from partnercenter.services import customer_through_granular_admin
from relationships.services import relationship_request_accept
from tests.factories import PartnerFactory, TenantFactory

pytestmark = pytest.mark.django_db


def copies(relationship: ResellerRelationship) -> tuple:
    relationship.refresh_from_db()
    return relationship.customer_name, relationship.customer_domain, relationship.customer_public_id


def of(tenant: Tenant) -> tuple:
    return tenant.name, tenant.primary_domain, tenant.public_id


def test_accepting_a_request_copies_the_customer(world):
    world.pending.request.partner = world.partner_b
    relationship = relationship_request_accept(relationship_request=world.pending.request, user=world.y_ga)
    assert copies(relationship) == of(world.customer_y)


def test_an_approved_admin_relationship_copies_the_customer():
    partner, tenant = PartnerFactory(), TenantFactory(name="Litware Pharma")
    customer_through_granular_admin(partner=partner, customer=tenant, approved_at=tenant.created_at)
    assert copies(ResellerRelationship.objects.get(partner=partner)) == of(tenant)


def test_bulk_created_rows_copy_their_customers():
    partner = PartnerFactory()
    tenants = [TenantFactory(), TenantFactory()]
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=partner, customer=t) for t in tenants)
    rows = ResellerRelationship.objects.filter(partner=partner).order_by("customer_id")
    assert [copies(row) for row in rows] == [of(t) for t in tenants]


@pytest.mark.parametrize("update_fields", [None, ["name", "primary_domain"]])
def test_a_tenant_change_reaches_every_copy(world, update_fields):
    world.customer_x.name = "Contoso Renamed"
    world.customer_x.primary_domain = "renamed.example"
    world.customer_x.save(update_fields=update_fields)
    rows = ResellerRelationship.objects.filter(customer=world.customer_x)
    assert rows.count() >= 1
    assert {copies(row) for row in rows} == {of(world.customer_x)}


def test_the_customers_page_shows_and_finds_a_renamed_customer(world, client_for):
    world.customer_x.name = "Zeta Renamed Holdings"
    world.customer_x.save()
    page = client_for("a_admin").get(reverse("customers:list"), {"q": "zeta renamed"}).content.decode()
    assert "Zeta Renamed Holdings" in page
    assert "1 customer" in page


def test_a_partner_tenants_new_name_reaches_its_partner_profile(world):
    tenant = world.partner_a.tenant
    tenant.name = "Fabrikam Renamed"
    tenant.save()
    world.partner_a.refresh_from_db()
    assert world.partner_a.tenant_name == "Fabrikam Renamed"


def test_site_staff_find_a_relationship_by_its_copies(world, staff_client):
    url = reverse("admin:partnercenter_resellerrelationship_changelist")
    ResellerRelationship.objects.filter(customer=world.customer_x).update(customer_domain="renamed.example")
    for q in ("renamed.exa", str(world.customer_x.public_id)[:13], world.partner_a.tenant.name[:5]):
        page = staff_client.get(url, {"q": q}).content.decode()
        assert "1 reseller relationship" in page and world.customer_x.name in page, q
    # The copy is what is searched: the tenant's own domain is no longer on the row.
    assert "0 reseller relationships" in staff_client.get(url, {"q": world.customer_x.primary_domain}).content.decode()
