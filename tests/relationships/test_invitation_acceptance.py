"""Customer side: the page behind the personalized link. Only a customer's Global admin accepts."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import AuditEvent, DelegatedAdminGrant, DirectoryRole, ResellerRelationship, Tenant, User
from relationships.models import RelationshipRequest
from relationships.services import RequestNotUsable, relationship_request_accept, relationship_request_create

from ..factories import PASSWORD


def _accept(client, token, agree=True):
    data = {"agree": "on"} if agree else {}
    return client.post(reverse("relationships:invitation_accept", args=[token]), data)


def test_the_page_shows_the_partner_and_the_roles_delegated_admin_gives(world, client_for):
    page = client_for("y_ga").get(reverse("relationships:invitation", args=[world.pending.token])).content.decode()
    assert "Fabrikam invites you to a reseller relationship" in page
    assert "Global Administrator" in page
    assert "Helpdesk Administrator" in page
    assert "Accept & authorize" in page
    assert "Decline" in page
    assert 'name="agree"' in page


def test_a_global_admin_accepts_and_the_customer_appears_on_the_partners_customers_page(world, client_for):
    response = _accept(client_for("y_ga"), world.pending.token)
    assert response.status_code == 302
    relationship = ResellerRelationship.objects.get(partner=world.partner_a, customer=world.customer_y)
    assert relationship.is_active
    assert DelegatedAdminGrant.objects.filter(
        partner=world.partner_a, customer=world.customer_y, removed_at=None
    ).exists()
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.ACCEPTED
    assert world.pending.request.customer == world.customer_y
    actions = set(AuditEvent.objects.filter(target_tenant=world.customer_y).values_list("action", flat=True))
    assert {"reseller_relationship.create", "delegated_admin.grant"} <= actions
    customers = client_for("a_sales").get(reverse("customers:list")).content.decode()
    assert "Litware" in customers
    assert "Reseller, Delegated admin" in customers


def test_without_delegated_admin_accepting_gives_only_the_reseller_relationship(world, client_for):
    issued = relationship_request_create(
        partner=world.partner_b, created_by=world.b_admin, include_delegated_admin=False
    )
    _accept(client_for("x_ga"), issued.token)
    assert ResellerRelationship.objects.filter(partner=world.partner_b, customer=world.customer_x).exists()
    assert not DelegatedAdminGrant.objects.filter(partner=world.partner_b, customer=world.customer_x).exists()


def test_accepting_needs_the_agreement_box(world, client_for):
    response = _accept(client_for("y_ga"), world.pending.token, agree=False)
    assert response.status_code == 400
    assert "Confirm that you agree before you accept." in response.content.decode()
    assert not ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_y).exists()


@pytest.mark.parametrize("persona", ["x_user", "b_admin"])
def test_a_user_who_is_not_a_global_admin_sees_permission_required(world, client_for, persona):
    client = client_for(persona)
    page = client.get(reverse("relationships:invitation", args=[world.pending.token]))
    assert page.status_code == 403
    assert "Permission required" in page.content.decode()
    assert _accept(client, world.pending.token).status_code == 403
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.PENDING


def test_the_partners_own_users_cannot_accept_its_request(world, client_for):
    # Even a user who is Global admin of the partner's own tenant.
    from partnercenter.models import DirectoryRoleAssignment

    DirectoryRoleAssignment.objects.create(user=world.a_admin, role=DirectoryRole.GLOBAL_ADMINISTRATOR)
    response = _accept(client_for("a_admin"), world.pending.token)
    assert response.status_code == 403
    assert "cannot accept its requests" in response.content.decode()
    assert not ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.partner_a.tenant).exists()


def test_an_anonymous_visitor_can_sign_in_or_create_an_organisation(world, client_for):
    page = client_for("anon").get(reverse("relationships:invitation", args=[world.pending.token])).content.decode()
    assert reverse("account_login") + "?next=" in page
    assert reverse("relationships:invitation_signup", args=[world.pending.token]) in page
    response = _accept(client_for("anon"), world.pending.token)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_new_organisation_and_its_first_global_admin_then_accept(world):
    client = Client()
    token = world.pending.token
    response = client.post(
        reverse("relationships:invitation_signup", args=[token]),
        {
            "organisation_name": "Tailspin Toys",
            "primary_domain": "Tailspin.example",
            "first_name": "Terry",
            "last_name": "Adams",
            "email": "terry@tailspin.example",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("relationships:invitation", args=[token])
    tenant = Tenant.objects.get(primary_domain="tailspin.example")
    user = User.objects.get(email="terry@tailspin.example")
    assert user.tenant == tenant
    assert set(user.role_assignments.values_list("role", flat=True)) == {DirectoryRole.GLOBAL_ADMINISTRATOR}
    assert _accept(client, token).status_code == 302
    assert ResellerRelationship.objects.filter(partner=world.partner_a, customer=tenant).exists()


def _signup(token, **overrides):
    data = {
        "organisation_name": "Tailspin Toys",
        "primary_domain": "tailspin.example",
        "first_name": "Terry",
        "last_name": "Adams",
        "email": "terry@tailspin.example",
        "password": PASSWORD,
    }
    data.update(overrides)
    return Client().post(reverse("relationships:invitation_signup", args=[token]), data)


def _form_errors(response) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def _rows() -> tuple[int, ...]:
    return (Tenant.objects.count(), User.objects.count(), AuditEvent.objects.count())


TAKEN = {"primary_domain": ["This domain name is already in use."]}


@pytest.mark.parametrize(
    ("domain", "email"),
    [
        ("contoso.test", "new@contoso.test"),
        ("Contoso.TEST", "new@CONTOSO.test"),
        ("contoso.test", "ga@contoso.test"),  # an existing user's address at the taken domain: the same answer
    ],
)
def test_a_new_organisation_with_a_taken_domain_is_refused_and_nothing_is_written(world, domain, email):
    before = _rows()
    response = _signup(world.pending.token, organisation_name="Contoso again", primary_domain=domain, email=email)
    assert response.status_code == 400
    assert _form_errors(response) == TAKEN
    assert "already exists" not in response.content.decode()
    assert _rows() == before


def test_a_domain_where_an_account_already_has_its_address_is_taken_too(world):
    """Site staff (no tenant), or a user created before addresses had to be at their tenant's domain: a new
    organization does not get a domain with someone else's addresses at it."""
    User.objects.create_user("staff@site.test", "Staff-password-123", is_staff=True)
    before = _rows()
    response = _signup(world.pending.token, primary_domain="site.test", email="terry@site.test")
    assert response.status_code == 400
    assert _form_errors(response) == TAKEN
    assert _rows() == before


@pytest.mark.parametrize(
    "email",
    [
        "terry@contoso.test",  # another tenant's domain
        "ga@litware.test",  # another tenant's user: exists
        "terry@eu.tailspin.example",  # a subdomain of the domain named
        "terry@tailspin.example.com",
        "terry@gmail.example",
    ],
)
def test_the_first_admins_address_must_be_at_the_domain_it_names(world, email):
    """Refused before anything is looked up: whether the address or its domain exists elsewhere is not told."""
    before = _rows()
    response = _signup(world.pending.token, email=email)
    assert response.status_code == 400
    assert _form_errors(response) == {"email": ["Use an address at tailspin.example, the domain name you entered."]}
    assert "already exists" not in response.content.decode() and "already in use" not in response.content.decode()
    assert _rows() == before
    assert not Tenant.objects.filter(primary_domain="tailspin.example").exists()


def test_signing_up_tells_nothing_about_other_tenants_addresses(world):
    existing = _signup(world.pending.token, email="ga@litware.test")
    made_up = _signup(world.pending.token, email="made-up@litware.test")
    assert existing.status_code == made_up.status_code == 400
    assert _form_errors(existing) == _form_errors(made_up)


def test_the_signup_domain_errors_are_in_the_pages_language(world):
    url = reverse("relationships:invitation_signup", args=[world.pending.token])
    data = {
        "organisation_name": "Tailspin Toys",
        "primary_domain": "tailspin.example",
        "first_name": "Terry",
        "last_name": "Adams",
        "email": "terry@contoso.test",
        "password": PASSWORD,
    }
    page = Client().post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "請使用 tailspin.example 的電子郵件地址，也就是您輸入的網域名稱。" in page
    page = Client().post(url, {**data, "primary_domain": "contoso.test"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "此網域名稱已在使用中。" in page.content.decode()


def test_a_new_organisation_with_a_weak_password_is_refused_and_nothing_is_written(world):
    before = (Tenant.objects.count(), User.objects.count())
    response = Client().post(
        reverse("relationships:invitation_signup", args=[world.pending.token]),
        {
            "organisation_name": "Weak",
            "primary_domain": "weak.test",
            "first_name": "W",
            "last_name": "P",
            "email": "w@weak.test",
            "password": "123",
        },
    )
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    assert (Tenant.objects.count(), User.objects.count()) == before


def test_a_used_link_says_so(world, client_for):
    _accept(client_for("y_ga"), world.pending.token)
    page = client_for("x_ga").get(reverse("relationships:invitation", args=[world.pending.token]))
    assert page.status_code == 410
    assert "already been accepted" in page.content.decode()


def test_an_expired_link_says_so_and_cannot_be_accepted(world, client_for):
    RelationshipRequest.objects.filter(pk=world.pending.request.pk).update(expires_at=timezone.now())
    page = client_for("y_ga").get(reverse("relationships:invitation", args=[world.pending.token]))
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert _accept(client_for("y_ga"), world.pending.token).status_code == 410
    assert not ResellerRelationship.objects.filter(customer=world.customer_y, partner=world.partner_a).exists()


@pytest.mark.parametrize("token", ["unknown", "x" * 43, "a" * 500, "%E4%BD%A0%E5%A5%BD"])
def test_an_unknown_link_gets_a_clear_page_never_an_error(world, client_for, token):
    page = client_for("anon").get(f"/invitations/{token}/")
    assert page.status_code == 404
    assert "We don't recognize this link" in page.content.decode()


def test_a_link_with_a_null_character_gets_a_clear_page_never_an_error(world, client_for):
    page = client_for("anon").get("/invitations/%00/")
    assert page.status_code == 400
    assert "a character that is not allowed (a null character)" in page.content.decode()


def test_decline_closes_the_request_without_a_relationship(world, client_for):
    response = client_for("y_ga").post(reverse("relationships:invitation_decline", args=[world.pending.token]))
    assert response.status_code == 302
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.DECLINED
    assert not ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_y).exists()
    assert AuditEvent.objects.filter(action="relationship_request.decline", actor=world.y_ga).exists()


def test_decline_asks_first_and_the_question_changes_nothing(world, client_for):
    client = client_for("y_ga")
    invitation = client.get(reverse("relationships:invitation", args=[world.pending.token])).content.decode()
    url = reverse("relationships:invitation_decline", args=[world.pending.token])
    assert f'href="{url}"' in invitation  # a link to the question, not a button that declines
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Decline the request from Fabrikam?</h1>" in page
    assert "This link stops working: to work with you, Fabrikam must send you a new request." in page
    assert world.customer_y.name in page
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.PENDING
    assert not AuditEvent.objects.filter(action="relationship_request.decline").exists()
    assert client.post(url).status_code == 302
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.DECLINED


@pytest.mark.parametrize(("persona", "status"), [("x_user", 403), ("a_admin", 403), ("anon", 302)])
def test_only_a_global_admin_is_asked_to_decline(world, client_for, persona, status):
    response = client_for(persona).get(reverse("relationships:invitation_decline", args=[world.pending.token]))
    assert response.status_code == status
    assert "Decline the request from" not in response.content.decode()


def test_accepting_again_after_the_relationship_was_removed_restores_it(world):
    relationship = ResellerRelationship.objects.get(partner=world.partner_a, customer=world.customer_x)
    relationship.is_active = False
    relationship.removed_at = timezone.now()
    relationship.save()
    issued = relationship_request_create(
        partner=world.partner_a, created_by=world.a_admin, include_delegated_admin=True
    )
    relationship_request_accept(relationship_request=issued.request, user=world.x_ga)
    relationship.refresh_from_db()
    assert relationship.is_active and relationship.removed_at is None
    # The grant that was already active stays the only one.
    assert DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_x).count() == 1


def test_a_request_is_accepted_once_even_by_the_same_admin_twice(world):
    relationship_request_accept(relationship_request=world.pending.request, user=world.y_ga)
    with pytest.raises(RequestNotUsable):
        relationship_request_accept(relationship_request=world.pending.request, user=world.y_ga)
    assert ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_y).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_accepting_at_the_same_moment_create_one_relationship(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so there is no race to test")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tab():
        barrier.wait()
        try:
            rr = RelationshipRequest.objects.get(pk=world.pending.request.pk)
            relationship_request_accept(relationship_request=rr, user=world.y_ga)
            outcomes.append("accepted")
        except RequestNotUsable:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "refused"]
    assert ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_y).count() == 1
    assert DelegatedAdminGrant.objects.filter(partner=world.partner_a, customer=world.customer_y).count() == 1
    assert AuditEvent.objects.filter(action="reseller_relationship.create", target_tenant=world.customer_y).count() == 1
