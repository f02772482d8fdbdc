"""Subscriptions and licenses: the customer's admin center page (view, assign, unassign within the seats) and the
partner's side (a customer's detail page, adding a subscription)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.catalogue import Product
from customers.models import LicenseAssignment, Subscription
from customers.services import license_assign, license_unassign, subscription_create
from partnercenter.models import AuditEvent, DelegatedAdminGrant, DirectoryRole, ResellerRelationship, SecurityGroup

from ..factories import PartnerFactory, TenantFactory, UserFactory, mfa_enable
from ..other_partners import leaked, northwind_works_for_contoso

Kind = SecurityGroup.Kind
BASIC = Product.M365_BUSINESS_BASIC
E3 = Product.O365_E3


def _subscription(tenant, *, seats=5, product=BASIC, partner=None) -> Subscription:
    return Subscription.objects.create(tenant=tenant, product=product, seats=seats, provisioned_by=partner)


def _list_url(world):
    return reverse("admincenter:subscriptions", args=[world.customer_x.public_id])


def _detail_url(world, subscription):
    return reverse("admincenter:subscription_detail", args=[world.customer_x.public_id, subscription.public_id])


def _assign_url(world, subscription):
    return reverse("admincenter:license_assign", args=[world.customer_x.public_id, subscription.public_id])


def _unassign_url(world, subscription, user):
    return reverse(
        "admincenter:license_unassign", args=[world.customer_x.public_id, subscription.public_id, user.public_id]
    )


def _client_for_user(client, user):
    client.force_login(user)
    return client


# Admin center > Subscriptions and licenses: who sees what.


def test_global_admin_sees_subscriptions_with_seats_assigned_available_and_provisioner(world, client_for):
    by_partner = _subscription(world.customer_x, seats=3, partner=world.partner_a)
    _subscription(world.customer_x, seats=10, product=E3)
    license_assign(subscription=by_partner, user=world.x_user, assigned_by=world.x_ga)
    page = client_for("x_ga").get(_list_url(world)).content.decode()
    assert "Microsoft 365 Business Basic" in page and "Office 365 E3" in page
    assert "<td>3</td>\n    <td>1</td>\n    <td>2</td>" in page  # seats, assigned, available
    assert "Fabrikam" in page  # provisioned by partner A
    assert "Your organization" in page  # the one the customer bought itself
    assert "2 subscriptions" in page


@pytest.mark.parametrize("role", [DirectoryRole.USER_ADMINISTRATOR, DirectoryRole.GLOBAL_READER])
def test_user_administrators_and_global_readers_see_subscriptions(world, client, role):
    _subscription(world.customer_x)
    _client_for_user(client, UserFactory(tenant=world.customer_x, roles=[role]))
    assert client.get(_list_url(world)).status_code == 200


def test_global_reader_sees_holders_but_cannot_assign_or_unassign(world, client):
    subscription = _subscription(world.customer_x)
    license_assign(subscription=subscription, user=world.x_user, assigned_by=world.x_ga)
    _client_for_user(client, UserFactory(tenant=world.customer_x, roles=[DirectoryRole.GLOBAL_READER]))
    page = client.get(_detail_url(world, subscription)).content.decode()
    assert world.x_user.email in page
    assert "Assign license" not in page and "Unassign" not in page
    assert client.post(_assign_url(world, subscription), {"user": world.x_ga.public_id}).status_code == 403
    assert client.post(_unassign_url(world, subscription, world.x_user)).status_code == 403
    assert LicenseAssignment.objects.count() == 1


@pytest.mark.parametrize("role", [DirectoryRole.HELPDESK_ADMINISTRATOR, None])
def test_helpdesk_administrators_and_plain_users_cannot_see_subscriptions(world, client, role):
    subscription = _subscription(world.customer_x)
    _client_for_user(client, UserFactory(tenant=world.customer_x, roles=[role] if role else []))
    assert client.get(_list_url(world)).status_code == 403
    assert client.get(_detail_url(world, subscription)).status_code == 403


def test_another_tenants_subscription_is_not_found(world, client_for):
    theirs = _subscription(world.customer_y)
    client = client_for("x_ga")
    assert client.get(_detail_url(world, theirs)).status_code == 404
    assert client.post(_assign_url(world, theirs), {"user": world.x_user.public_id}).status_code == 404
    assert client_for("y_ga").get(_list_url(world)).status_code == 404
    assert not LicenseAssignment.objects.exists()


def test_subscription_pages_answer_405_to_other_methods(world, client_for):
    subscription = _subscription(world.customer_x)
    client = client_for("x_ga")
    assert client.post(_list_url(world)).status_code == 405
    assert client.post(_detail_url(world, subscription)).status_code == 405
    assert client.get(_assign_url(world, subscription)).status_code == 405
    assert client.delete(_unassign_url(world, subscription, world.x_user)).status_code == 405  # GET asks, POST does


# Assigning and unassigning.


@pytest.mark.parametrize("role", [DirectoryRole.GLOBAL_ADMINISTRATOR, DirectoryRole.USER_ADMINISTRATOR])
def test_global_and_user_administrators_assign_a_licence(world, client, role):
    subscription = _subscription(world.customer_x)
    admin = UserFactory(tenant=world.customer_x, roles=[role])
    _client_for_user(client, admin)
    response = client.post(_assign_url(world, subscription), {"user": world.x_user.public_id}, follow=True)
    assert response.redirect_chain[-1][0] == _detail_url(world, subscription)
    assert f"{world.x_user.email} now has a license for Microsoft 365 Business Basic." in response.content.decode()
    assert LicenseAssignment.objects.filter(subscription=subscription, user=world.x_user).exists()
    event = AuditEvent.objects.get(action="license.assign")
    assert (event.actor, event.target_tenant, event.on_behalf) == (admin, world.customer_x, False)
    assert event.details["user"] == world.x_user.email


def test_assign_offers_only_the_tenants_users_without_a_licence(world, client_for):
    subscription = _subscription(world.customer_x)
    license_assign(subscription=subscription, user=world.x_ga, assigned_by=world.x_ga)
    page = client_for("x_ga").get(_detail_url(world, subscription)).content.decode()
    start = page.index('<select name="user"')
    form = page[start : page.index("</select>", start)]
    assert str(world.x_user.public_id) in form
    assert str(world.x_ga.public_id) not in form  # already holds one
    assert str(world.y_ga.public_id) not in form and str(world.a_admin.public_id) not in form


def test_a_user_of_another_tenant_cannot_get_a_licence(world, client_for):
    subscription = _subscription(world.customer_x)
    response = client_for("x_ga").post(_assign_url(world, subscription), {"user": world.y_ga.public_id})
    assert response.status_code == 400
    assert (
        "Select a user of this organization who has no license for this subscription yet." in response.content.decode()
    )
    assert not LicenseAssignment.objects.exists()
    with pytest.raises(ValidationError):
        license_assign(subscription=subscription, user=world.y_ga, assigned_by=world.x_ga)
    assert not LicenseAssignment.objects.exists() and not AuditEvent.objects.filter(action="license.assign").exists()


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_assign_with_a_bad_user_shows_a_clear_message(world, client_for, value):
    subscription = _subscription(world.customer_x)
    response = client_for("x_ga").post(_assign_url(world, subscription), {"user": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'aria-invalid="true"' in page
    assert ("Select the user who gets the license." if not value else "Select a user of this organization") in page
    assert not LicenseAssignment.objects.exists()


def test_assigning_beyond_the_seats_is_refused_with_a_clear_message(world, client_for):
    subscription = _subscription(world.customer_x, seats=1)
    license_assign(subscription=subscription, user=world.x_ga, assigned_by=world.x_ga)
    client = client_for("x_ga")
    page = client.get(_detail_url(world, subscription)).content.decode()
    assert "All licenses of this subscription are assigned." in page and '<select name="user"' not in page
    response = client.post(_assign_url(world, subscription), {"user": world.x_user.public_id})
    assert response.status_code == 400
    assert "All 1 licenses of this subscription are assigned." in response.content.decode()
    assert LicenseAssignment.objects.filter(subscription=subscription).count() == 1


def test_the_service_refuses_a_second_licence_for_the_same_user_and_seats_beyond_the_count(world):
    subscription = _subscription(world.customer_x, seats=1)
    license_assign(subscription=subscription, user=world.x_user, assigned_by=world.x_ga)
    with pytest.raises(ValidationError, match="already has a license"):
        license_assign(subscription=subscription, user=world.x_user, assigned_by=world.x_ga)
    with pytest.raises(ValidationError, match="All 1 licenses"):
        license_assign(subscription=subscription, user=world.x_ga, assigned_by=world.x_ga)
    assert LicenseAssignment.objects.count() == 1
    assert AuditEvent.objects.filter(action="license.assign").count() == 1


def test_unassigning_frees_the_seat(world, client_for):
    subscription = _subscription(world.customer_x, seats=1)
    license_assign(subscription=subscription, user=world.x_user, assigned_by=world.x_ga)
    client = client_for("x_ga")
    response = client.post(_unassign_url(world, subscription, world.x_user), follow=True)
    assert (
        f"{world.x_user.email} no longer has a license for Microsoft 365 Business Basic." in response.content.decode()
    )
    assert not LicenseAssignment.objects.exists()
    assert AuditEvent.objects.filter(action="license.unassign", target_tenant=world.customer_x).count() == 1
    assert client.post(_assign_url(world, subscription), {"user": world.x_ga.public_id}).status_code == 302


def test_unassigning_a_user_without_a_licence_says_so(world, client_for):
    subscription = _subscription(world.customer_x)
    response = client_for("x_ga").post(_unassign_url(world, subscription, world.x_user), follow=True)
    assert f"{world.x_user.email} has no license for this subscription." in response.content.decode()
    assert not AuditEvent.objects.filter(action="license.unassign").exists()


def test_the_unassign_service_writes_nothing_for_a_user_without_a_licence(world):
    subscription = _subscription(world.customer_x)
    with pytest.raises(ValidationError, match="has no license"):
        license_unassign(subscription=subscription, user=world.x_user, unassigned_by=world.x_ga)
    assert not AuditEvent.objects.filter(action="license.unassign").exists()


def test_unassigning_a_user_of_another_tenant_is_not_found(world, client_for):
    subscription = _subscription(world.customer_x)
    assert client_for("x_ga").post(_unassign_url(world, subscription, world.y_ga)).status_code == 404


# Partner agents on the customer's behalf, within their effective roles.


def test_partner_admin_agent_assigns_a_licence_on_the_customers_behalf(world, client_for):
    subscription = _subscription(world.customer_x)
    client = client_for("a_admin")
    page = client.get(_detail_url(world, subscription)).content.decode()
    assert "on behalf of the customer" in page
    assert client.post(_assign_url(world, subscription), {"user": world.x_user.public_id}).status_code == 302
    event = AuditEvent.objects.get(action="license.assign")
    assert (event.actor, event.actor_tenant, event.target_tenant) == (
        world.a_admin,
        world.partner_a.tenant,
        world.customer_x,
    )
    assert event.on_behalf is True and event.details["partner"] == "Fabrikam"
    assert client.post(_unassign_url(world, subscription, world.x_user)).status_code == 302
    assert AuditEvent.objects.get(action="license.unassign").on_behalf is True


@pytest.mark.parametrize(("persona", "status"), [("a_helpdesk", 403), ("a_sales", 403), ("b_admin", 404)])
def test_partner_agents_without_a_licence_role_are_refused(world, client_for, persona, status):
    subscription = _subscription(world.customer_x)
    client = client_for(persona)
    assert client.get(_list_url(world)).status_code == status
    assert client.post(_assign_url(world, subscription), {"user": world.x_user.public_id}).status_code == status
    assert not LicenseAssignment.objects.exists()


def test_partner_admin_agent_is_refused_once_delegated_admin_is_removed(world, client_for):
    subscription = _subscription(world.customer_x)
    DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).update(
        removed_at=timezone.now()
    )
    client = client_for("a_admin")
    assert client.get(_list_url(world)).status_code == 403
    assert client.post(_assign_url(world, subscription), {"user": world.x_user.public_id}).status_code == 403
    assert not LicenseAssignment.objects.exists()


# Two administrators assigning the last seat at the same moment.


@pytest.mark.django_db(transaction=True)
def test_two_administrators_assigning_the_last_seat_at_once_only_one_gets_it(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write anyway")
    tenant = TenantFactory()
    admin = UserFactory(tenant=tenant, roles=[DirectoryRole.GLOBAL_ADMINISTRATOR])
    users = [UserFactory(tenant=tenant) for _ in range(2)]
    subscription = _subscription(tenant, seats=1)

    # Widen the window between counting the seats and saving the new assignment: without the row lock both
    # transactions would count 0 assigned seats and both would save.
    original_full_clean = LicenseAssignment.full_clean

    def slow_full_clean(self, *args, **kwargs):
        time.sleep(0.3)
        return original_full_clean(self, *args, **kwargs)

    monkeypatch.setattr(LicenseAssignment, "full_clean", slow_full_clean)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def assign(user):
        try:
            barrier.wait()
            license_assign(subscription=subscription, user=user, assigned_by=admin)
            outcomes.append("assigned")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["assigned", "refused"]
    assert LicenseAssignment.objects.filter(subscription=subscription).count() == 1


# Bounded queries.


def _add_subscriptions(tenant, count, start=0):
    subscriptions = Subscription.objects.bulk_create(
        Subscription(tenant=tenant, product=list(Product.values)[(start + n) % 5], seats=10) for n in range(count)
    )
    users = [UserFactory(tenant=tenant) for _ in range(2)]
    LicenseAssignment.objects.bulk_create(
        LicenseAssignment(subscription=s, user=u) for s in subscriptions for u in users
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_subscription_list_queries_do_not_grow_with_subscriptions(world, client_for):
    client = client_for("x_ga")
    client.get(_list_url(world))
    _add_subscriptions(world.customer_x, 3)
    small = _queries(client, _list_url(world))
    _add_subscriptions(world.customer_x, 60, start=3)
    large = _queries(client, _list_url(world))
    assert large == small, f"{small} queries for 3 subscriptions, {large} for 63"


def test_subscription_detail_queries_do_not_grow_with_holders(world, client_for):
    subscription = _subscription(world.customer_x, seats=500)
    client = client_for("a_admin")
    client.get(_detail_url(world, subscription))
    for user in [UserFactory(tenant=world.customer_x) for _ in range(3)]:
        LicenseAssignment.objects.create(subscription=subscription, user=user)
    small = _queries(client, _detail_url(world, subscription))
    users = [UserFactory(tenant=world.customer_x) for _ in range(80)]
    LicenseAssignment.objects.bulk_create(LicenseAssignment(subscription=subscription, user=u) for u in users)
    large = _queries(client, _detail_url(world, subscription))
    assert large == small, f"{small} queries for 3 holders, {large} for 83"


# The partner's side: a customer's detail page.


def _customer_url(world, tenant=None):
    return reverse("customers:detail", args=[(tenant or world.customer_x).public_id])


def _new_url(world, tenant=None):
    return reverse("customers:subscription_new", args=[(tenant or world.customer_x).public_id])


def test_customer_detail_shows_account_subscriptions_and_the_admin_center_link(world, client_for):
    subscription_create(
        customer=world.customer_x, partner=world.partner_a, product=E3, seats=25, created_by=world.a_admin
    )
    page = client_for("a_admin").get(_customer_url(world)).content.decode()
    for text in (
        "Contoso",
        "contoso.test",
        str(world.customer_x.public_id),
        "Reseller, Delegated admin",
        "Office 365 E3",
    ):
        assert text in page
    assert f'href="{reverse("admincenter:home", args=[world.customer_x.public_id])}"' in page
    assert reverse("customers:subscription_new", args=[world.customer_x.public_id]) in page


def test_customer_detail_lists_only_the_partners_own_subscriptions(world, client_for):
    other = PartnerFactory(name="Tailspin Partners")
    ResellerRelationship.objects.create(partner=other, customer=world.customer_x)
    _subscription(world.customer_x, product=E3, partner=other)
    _subscription(world.customer_x, product=Product.M365_E5)  # bought by the customer itself
    page = client_for("a_admin").get(_customer_url(world)).content.decode()
    assert "Office 365 E3" not in page and "Microsoft 365 E5" not in page and "Tailspin" not in page
    assert "You have not added any subscriptions for this customer yet." in page


def test_sales_agent_sees_the_admin_center_disabled_with_the_reason(world, client_for):
    page = client_for("a_sales").get(_customer_url(world)).content.decode()
    assert "Your role does not include this." in page
    assert reverse("admincenter:home", args=[world.customer_x.public_id]) not in page
    assert "Add subscription" in page


def test_helpdesk_agent_opens_the_admin_center_but_cannot_add_subscriptions(world, client_for):
    page = client_for("a_helpdesk").get(_customer_url(world)).content.decode()
    assert reverse("admincenter:home", args=[world.customer_x.public_id]) in page
    assert "Add subscription" not in page


def test_customer_detail_says_when_the_customer_removed_delegated_admin(world, client_for):
    DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).update(
        removed_at=timezone.now()
    )
    page = client_for("a_admin").get(_customer_url(world)).content.decode()
    assert "Delegated admin was removed by the customer on" in page
    assert reverse("admincenter:home", args=[world.customer_x.public_id]) not in page
    assert ">Reseller<" in page


def test_customer_detail_without_delegated_admin(world, client_for):
    page = client_for("b_admin").get(_customer_url(world, world.customer_y)).content.decode()
    assert "Litware" in page and "No delegated admin privileges." in page


@pytest.mark.parametrize("persona", ["b_admin", "x_ga", "x_user", "y_ga"])
def test_customer_detail_is_not_found_for_anyone_but_the_customers_partners(world, client_for, persona):
    assert client_for(persona).get(_customer_url(world)).status_code == 404


def test_customer_detail_is_not_found_once_the_reseller_relationship_ended(world, client_for):
    ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_x).update(is_active=False)
    assert client_for("a_admin").get(_customer_url(world)).status_code == 404
    assert client_for("a_admin").post(_new_url(world), {"product": BASIC, "seats": "1"}).status_code == 404
    assert not Subscription.objects.exists()


def test_customer_detail_answers_405_to_post(world, client_for):
    assert client_for("a_admin").post(_customer_url(world)).status_code == 405


# Adding a subscription.


@pytest.mark.parametrize("persona", ["a_admin", "a_sales"])
def test_admin_and_sales_agents_add_a_subscription(world, client_for, persona):
    client = client_for(persona)
    assert client.get(_new_url(world)).status_code == 200
    response = client.post(_new_url(world), {"product": BASIC, "seats": "25"}, follow=True)
    assert response.redirect_chain[-1][0] == _customer_url(world)
    assert "Microsoft 365 Business Basic with 25 seats was added for Contoso." in response.content.decode()
    subscription = Subscription.objects.get()
    assert (subscription.tenant, subscription.product, subscription.seats) == (world.customer_x, BASIC, 25)
    assert (subscription.provisioned_by, subscription.created_by) == (world.partner_a, world.user(persona))
    event = AuditEvent.objects.get(action="subscription.create")
    assert (event.actor, event.target_tenant) == (world.user(persona), world.customer_x)
    assert event.details == {
        "product": BASIC,
        "seats": 25,
        "partner": "Fabrikam",
        "partner_id": world.partner_a.partner_id,
    }


def test_a_subscription_needs_no_delegated_admin(world, client_for):
    response = client_for("b_admin").post(_new_url(world, world.customer_y), {"product": E3, "seats": "1"})
    assert response.status_code == 302
    assert Subscription.objects.get().provisioned_by == world.partner_b


def test_customer_sees_the_partners_subscription_in_its_admin_center(world, client_for):
    client_for("a_sales").post(_new_url(world), {"product": E3, "seats": "7"})
    page = client_for("x_ga").get(_list_url(world)).content.decode()
    assert "Office 365 E3" in page and "Fabrikam" in page


def test_helpdesk_agent_cannot_add_a_subscription(world, client_for):
    client = client_for("a_helpdesk")
    assert client.get(_new_url(world)).status_code == 403
    assert client.post(_new_url(world), {"product": BASIC, "seats": "1"}).status_code == 403
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("persona", ["b_admin", "x_ga", "y_ga"])
def test_adding_a_subscription_for_someone_elses_customer_is_not_found(world, client_for, persona):
    assert client_for(persona).post(_new_url(world), {"product": BASIC, "seats": "1"}).status_code == 404
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"product": BASIC, "seats": "0"}, "A subscription has at least 1 seat."),
        ({"product": BASIC, "seats": "300001"}, "A subscription has at most 300000 seats."),
        ({"product": BASIC, "seats": "many"}, "Enter the number of seats as a whole number."),
        ({"product": BASIC, "seats": ""}, "Enter the number of seats."),
        ({"product": "", "seats": "5"}, "Select a product."),
        ({"product": "windows_95", "seats": "5"}, "Select a product from the catalog."),
    ],
    ids=["zero", "too-many", "not-a-number", "no-seats", "no-product", "unknown-product"],
)
def test_adding_a_subscription_with_bad_input_shows_a_clear_message(world, client_for, data, message):
    response = client_for("a_admin").post(_new_url(world), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'role="alert"' in page and 'aria-invalid="true"' in page
    assert not Subscription.objects.exists() and not AuditEvent.objects.filter(action="subscription.create").exists()


def test_the_most_seats_a_subscription_may_have_is_accepted(world, client_for):
    assert client_for("a_admin").post(_new_url(world), {"product": BASIC, "seats": "300000"}).status_code == 302
    assert Subscription.objects.get().seats == 300_000


def test_adding_a_subscription_requires_multi_factor_authentication(world, client):
    agent = UserFactory(tenant=world.partner_a.tenant, group_kinds=[Kind.SALES_AGENTS])
    _client_for_user(client, agent)
    response = client.post(_new_url(world), {"product": BASIC, "seats": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert not Subscription.objects.exists()
    mfa_enable(agent)
    assert client.post(_new_url(world), {"product": BASIC, "seats": "1"}).status_code == 302
    assert Subscription.objects.count() == 1


def test_a_partner_reads_who_provisioned_another_partners_subscription_as_another_partner(world, client_for):
    two = northwind_works_for_contoso(world)
    for url in (_list_url(world), _detail_url(world, two.m365)):
        response = client_for("a_admin").get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert leaked(body, two) == [] and "Another partner" in body
        body = client_for("x_ga").get(url).content.decode()
        assert "Northwind" in body and "Another partner" not in body
