"""Approve partner roles: the page behind a GDAP request's personalized link. Only a Global admin of the customer
approves or rejects; anyone else signed in gets the permission-required page; a visitor signs in first. A link works
until the request is decided or expires."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from admin_relationships.services import admin_relationship_create, admin_relationship_finalize
from partnercenter.models import AdminRelationship, DirectoryRole, OutboxEmail

R = DirectoryRole
Status = AdminRelationship.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def finalized(world):
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Helpdesk",
        roles=[R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR],
        duration_days=30,
        auto_extend=True,
    )
    return admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)


def url(finalized, name: str = "approval") -> str:
    return reverse(f"adminrelationships:{name}", args=[finalized.token])


def test_the_global_admin_sees_every_role_the_duration_and_the_end_date(world, client_for, finalized):
    response = client_for("x_ga").get(url(finalized))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    for text in ("Fabrikam", "Helpdesk", "Helpdesk Administrator", "User Administrator", "30 days", "On, by 180 days"):
        assert text in body
    assert "Manages users and groups" in body  # each role's description
    assert f"{timezone.now() + timedelta(days=30):%Y}" in body
    assert "Approve all" in body and "Reject" in body


def test_approve_all_makes_it_active_now(world, client_for, finalized):
    response = client_for("x_ga").post(url(finalized, "approval_approve"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admincenter:home", args=[world.customer_x.public_id])
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    assert relationship.status == Status.ACTIVE and relationship.approved_by == world.x_ga
    assert abs(relationship.ends_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    # The link has done its work.
    assert client_for("x_ga").get(url(finalized)).status_code == 404


def test_reject(world, client_for, finalized):
    assert client_for("x_ga").post(url(finalized, "approval_reject")).status_code == 302
    assert AdminRelationship.objects.get(pk=finalized.relationship.pk).status == Status.REJECTED


@pytest.mark.parametrize("persona", ["x_user", "y_ga", "a_admin", "b_admin"])
def test_anyone_but_the_customer_s_global_admin_gets_permission_required(world, client_for, finalized, persona):
    client = client_for(persona)
    response = client.get(url(finalized))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Permission required" in body and "Approve all" not in body and "User Administrator" not in body
    assert client.post(url(finalized, "approval_approve")).status_code == 403
    assert client.post(url(finalized, "approval_reject")).status_code == 403
    assert AdminRelationship.objects.get(pk=finalized.relationship.pk).status == Status.APPROVAL_PENDING


def test_a_visitor_signs_in_first(world, client_for, finalized):
    response = client_for("anon").get(url(finalized))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url(finalized))}"
    assert client_for("anon").post(url(finalized, "approval_approve")).status_code == 302
    assert AdminRelationship.objects.get(pk=finalized.relationship.pk).status == Status.APPROVAL_PENDING


def test_unknown_and_expired_links(world, client_for, finalized):
    client = client_for("x_ga")
    assert client.get(reverse("adminrelationships:approval", args=["nope"])).status_code == 404
    AdminRelationship.objects.filter(pk=finalized.relationship.pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    assert client.get(url(finalized)).status_code == 410
    assert client.post(url(finalized, "approval_approve")).status_code == 410


def test_wrong_methods(world, client_for, finalized):
    client = client_for("x_ga")
    assert client.post(url(finalized)).status_code == 405
    assert client.get(url(finalized, "approval_approve")).status_code == 405
    assert client.delete(url(finalized, "approval_reject")).status_code == 405  # GET asks, POST rejects


def test_both_sides_are_told_who_approved_which_roles_until_when(world, client_for, finalized):
    world.a_admin.preferred_language = "zh-hant"
    world.a_admin.save(update_fields=["preferred_language"])
    client_for("x_ga").post(url(finalized, "approval_approve"))
    emails = {email.to: email for email in OutboxEmail.objects.filter(template_like())}
    assert set(emails) == {world.a_admin.email, world.x_ga.email}
    relationship = AdminRelationship.objects.get(pk=finalized.relationship.pk)
    customer_side = emails[world.x_ga.email]
    assert customer_side.subject == "Contoso approved the roles Fabrikam requested"
    for text in (world.x_ga.email, "Helpdesk", "Helpdesk Administrator", "User Administrator"):
        assert text in customer_side.body_text
    assert f"{timezone.localtime(relationship.ends_at):%Y}" in customer_side.body_text
    partner_side = emails[world.a_admin.email]
    assert partner_side.language == "zh-hant"  # each in their own language
    assert "User Administrator" in customer_side.body_html


def template_like():
    return Q(topic_type=AdminRelationship._meta.label)
