"""Request admin relationship from the Customers command bar, for an organization that is not yet a customer: the same
form as on a customer's page, a relationship without a customer, Finalize → the same draft email (personalized link,
Send through the outbox, Done), listed under Admin relationship requests until a Global admin approves it. Whoever
approves it must be a Global admin of a customer tenant (never the partner's own, never another partner's): that
tenant becomes the customer, once, under the relationship's lock."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_reject,
    approval_link,
)
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole, OutboxEmail
from partnercenter.tokens import token_hash
from tests.factories import TenantFactory, UserFactory, mfa_enable

R = DirectoryRole
Status = AdminRelationship.Status

pytestmark = pytest.mark.django_db

NEW = "customers:admin_relationship_request_new"
LIST = "customers:admin_relationship_requests"


def request_url(relationship, name: str = "admin_relationship_request") -> str:
    return reverse(f"customers:{name}", args=[relationship.public_id])


def unbound(world, name: str = "Helpdesk for Wingtip", **kwargs) -> AdminRelationship:
    kwargs.setdefault("roles", [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR])
    return admin_relationship_create(
        partner=world.partner_a, customer=None, created_by=world.a_admin, display_name=name, **kwargs
    )


@pytest.fixture
def wingtip(world):
    """An organization that is nobody's customer yet, and its Global admin."""
    tenant = TenantFactory(name="Wingtip Toys", primary_domain="wingtip.test")
    return UserFactory(tenant=tenant, email="ga@wingtip.test", roles=[R.GLOBAL_ADMINISTRATOR])


def test_the_customers_command_bar_offers_the_request_to_admin_agents_only(world, client_for):
    new, requests = reverse(NEW), reverse(LIST)
    body = client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert new in body and requests in body
    body = client_for("a_sales").get(reverse("customers:list")).content.decode()
    assert new not in body and requests in body
    assert client_for("a_sales").get(new).status_code == 403
    # A partner user in no built-in group (a custom security group only) is offered neither.
    tier1 = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(tier1)
    client = client_for("anon")
    client.force_login(tier1)
    body = client.get(reverse("customers:list")).content.decode()
    assert new not in body and requests not in body
    assert client.get(requests).status_code == 403
    assert client_for("a_helpdesk").post(new, {"display_name": "A"}).status_code == 403


def test_the_form_is_the_customer_pages_form(world, client_for):
    body = client_for("a_admin").get(reverse(NEW)).content.decode()
    assert 'value="730"' in body and 'id="role-search"' in body and 'name="auto_extend"' in body
    assert "Exchange Administrator" in body and "Resets the passwords of users who are not administrators." in body
    assert f'href="{reverse(LIST)}"' in body  # Cancel, and the breadcrumb


def test_an_admin_agent_requests_a_relationship_without_a_customer(world, client_for):
    response = client_for("a_admin").post(
        reverse(NEW),
        {"display_name": "Helpdesk for Wingtip", "duration_days": "90", "roles": [R.HELPDESK_ADMINISTRATOR]},
    )
    relationship = AdminRelationship.objects.get(partner=world.partner_a, display_name="Helpdesk for Wingtip")
    assert response.status_code == 302 and response["Location"] == request_url(relationship)
    assert relationship.customer is None and relationship.status == Status.CREATED
    assert relationship.duration_days == 90 and relationship.roles == [R.HELPDESK_ADMINISTRATOR]
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_RELATIONSHIP_CREATE)
    assert event.target_tenant is None and event.actor == world.a_admin


def test_bad_input_gets_the_form_again_with_the_reasons_and_nothing_written(world, client_for):
    unbound(world, name="Taken")
    client = client_for("a_admin")
    response = client.post(reverse(NEW), {"display_name": "taken", "duration_days": "30", "roles": [R.SECURITY_READER]})
    assert (
        response.status_code == 400 and "already has an admin relationship with this name" in response.content.decode()
    )
    response = client.post(
        reverse(NEW),
        {"display_name": "GA", "duration_days": "30", "roles": [R.GLOBAL_ADMINISTRATOR], "auto_extend": "on"},
    )
    assert response.status_code == 400 and "extended automatically" in response.content.decode()
    assert AdminRelationship.objects.filter(partner=world.partner_a).count() == 1


def test_finalize_shows_the_draft_with_the_link_and_send_goes_through_the_outbox(world, client_for):
    relationship = unbound(world)
    client = client_for("a_admin")
    page = client.get(request_url(relationship)).content.decode()
    assert request_url(relationship, "admin_relationship_request_finalize") in page
    response = client.post(request_url(relationship, "admin_relationship_request_finalize"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    link = approval_link(token)
    assert link in body and "Open in email" in body and "Copy to clipboard" in body
    assert f'action="{request_url(relationship, "admin_relationship_request_send")}"' in body
    assert f'href="{reverse(LIST)}"' in body  # Done: back to the requests awaiting approval
    relationship.refresh_from_db()
    assert relationship.status == Status.APPROVAL_PENDING and relationship.token_hash == token_hash(token)

    # The link can't be edited away.
    response = client.post(
        request_url(relationship, "admin_relationship_request_send"),
        {"token": token, "recipient_email": "ga@wingtip.test", "message": "Please approve."},
    )
    assert response.status_code == 400 and "must include the personalized link" in response.content.decode()
    assert not OutboxEmail.objects.exists()
    response = client.post(
        request_url(relationship, "admin_relationship_request_send"),
        {"token": token, "recipient_email": "ga@wingtip.test", "message": f"Please approve: {link}"},
    )
    assert response.status_code == 302 and response["Location"] == request_url(relationship)
    email = OutboxEmail.objects.get()
    assert email.to == "ga@wingtip.test" and link in email.body_text


def test_the_requests_list_shows_only_the_partners_unapproved_requests(world, client_for, wingtip):
    mine = unbound(world)
    approved = unbound(world, name="Approved one")
    admin_relationship_approve(
        relationship=admin_relationship_finalize(relationship=approved, finalized_by=world.a_admin).relationship,
        approved_by=wingtip,
    )
    theirs = admin_relationship_create(
        partner=world.partner_b,
        customer=None,
        created_by=world.b_admin,
        display_name="Northwind's",
        roles=[R.SECURITY_READER],
    )
    body = client_for("a_sales").get(reverse(LIST)).content.decode()
    assert request_url(mine) in body and "Helpdesk for Wingtip" in body
    assert "Approved one" not in body and "Northwind&#x27;s" not in body
    # Another partner's request, or one a customer approved, is not among the requests (404).
    assert client_for("a_admin").get(request_url(theirs)).status_code == 404
    assert client_for("a_admin").get(request_url(approved)).status_code == 404
    assert client_for("b_admin").post(request_url(mine, "admin_relationship_request_finalize")).status_code == 404


def test_a_global_admin_of_any_customer_tenant_approves_and_becomes_the_customer(world, client_for, wingtip):
    finalized = admin_relationship_finalize(relationship=unbound(world), finalized_by=world.a_admin)
    client = client_for("anon")
    client.force_login(wingtip)
    page = client.get(reverse("adminrelationships:approval", args=[finalized.token])).content.decode()
    assert "Approve all" in page and "Wingtip Toys" in page
    response = client.post(reverse("adminrelationships:approval_approve", args=[finalized.token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("admincenter:home", args=[wingtip.tenant.public_id])
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    assert relationship.customer == wingtip.tenant and relationship.status == Status.ACTIVE
    assert relationship.approved_by == wingtip
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_RELATIONSHIP_APPROVE)
    assert event.target_tenant == wingtip.tenant
    # Both sides are told: partner A's Admin agent and Wingtip's Global admin.
    assert {e.to for e in OutboxEmail.objects.all()} == {
        "admin@fabrikam.test",
        "ga@wingtip.test",
    }
    # It has left the requests, and lives under its customer's page now.
    assert "Helpdesk for Wingtip" not in client_for("a_admin").get(reverse(LIST)).content.decode()


@pytest.mark.parametrize(
    ("persona", "reason"),
    [
        ("a_admin", "comes from your own organization"),
        ("b_admin", "Northwind is a partner organization"),
        ("x_user", "Only a Global admin of Contoso"),
    ],
)
def test_partners_and_non_global_admins_are_refused_with_the_reason(world, client_for, persona, reason):
    finalized = admin_relationship_finalize(relationship=unbound(world), finalized_by=world.a_admin)
    client = client_for(persona)
    response = client.get(reverse("adminrelationships:approval", args=[finalized.token]))
    assert response.status_code == 403 and reason in response.content.decode()
    response = client.post(reverse("adminrelationships:approval_approve", args=[finalized.token]))
    assert response.status_code == 403 and reason in response.content.decode()
    response = client.post(reverse("adminrelationships:approval_reject", args=[finalized.token]))
    assert response.status_code == 403
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    assert relationship.customer is None and relationship.status == Status.APPROVAL_PENDING


def test_a_partner_global_admin_is_refused_by_the_service_too(world):
    """Whatever the caller checked: the partner's own Global admin (a user of the partner's tenant with the role) and
    another partner's can't make their tenant the customer."""
    for tenant in (world.partner_a.tenant, world.partner_b.tenant):
        finalized = admin_relationship_finalize(
            relationship=unbound(world, name=f"For {tenant.name}"), finalized_by=world.a_admin
        )
        ga = UserFactory(tenant=tenant, email=f"ga@{tenant.primary_domain}", roles=[R.GLOBAL_ADMINISTRATOR])
        with pytest.raises(ValidationError):
            admin_relationship_approve(relationship=finalized.relationship, approved_by=ga)
        relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
        assert relationship.customer is None and relationship.status == Status.APPROVAL_PENDING


def test_a_second_approval_finds_it_decided_and_the_first_customer_stays(world, client_for, wingtip):
    finalized = admin_relationship_finalize(relationship=unbound(world), finalized_by=world.a_admin)
    stale = AdminRelationship.objects.get(pk=finalized.relationship.pk)  # read before either approval
    admin_relationship_approve(relationship=finalized.relationship, approved_by=wingtip)
    # Another tab, or another customer's Global admin holding the same link a moment later.
    with pytest.raises(ValidationError):
        admin_relationship_approve(relationship=stale, approved_by=world.y_ga)
    with pytest.raises(ValidationError):
        admin_relationship_reject(relationship=stale, rejected_by=world.y_ga)
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    assert relationship.customer == wingtip.tenant and relationship.approved_by == wingtip
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_APPROVE).count() == 1
    # Through the link: it has done its work.
    assert (
        client_for("y_ga").post(reverse("adminrelationships:approval_approve", args=[finalized.token])).status_code
        == 404
    )


def test_a_rejected_request_stays_among_the_requests_without_a_customer(world, client_for):
    finalized = admin_relationship_finalize(relationship=unbound(world), finalized_by=world.a_admin)
    response = client_for("y_ga").post(reverse("adminrelationships:approval_reject", args=[finalized.token]))
    assert response.status_code == 302
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    assert relationship.status == Status.REJECTED and relationship.customer is None
    body = client_for("a_admin").get(reverse(LIST)).content.decode()
    assert "Helpdesk for Wingtip" in body and "Rejected" in body
