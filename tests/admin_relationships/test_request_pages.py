"""A customer's Admin relationships (granular delegated admin, GDAP) on the partner side: the list on the customer's
page, Request admin relationship, Finalize request (the draft email with the personalized link, shown once, only its
hash stored) and Send (through the outbox). Admin agents only change; other agents read; other tenants: 404."""

import re

import pytest
from django.urls import reverse

from admin_relationships.services import admin_relationship_create, approval_link
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole, OutboxEmail
from partnercenter.tokens import token_hash

R = DirectoryRole
Status = AdminRelationship.Status

pytestmark = pytest.mark.django_db


def new_url(world) -> str:
    return reverse("customers:admin_relationship_new", args=[world.customer_x.public_id])


def rel_url(world, relationship, name: str = "admin_relationship") -> str:
    return reverse(f"customers:{name}", args=[world.customer_x.public_id, relationship.public_id])


def created(world, **kwargs) -> AdminRelationship:
    kwargs.setdefault("roles", [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR])
    return admin_relationship_create(
        partner=world.partner_a, customer=world.customer_x, created_by=world.a_admin, display_name="Helpdesk", **kwargs
    )


def test_the_customer_page_lists_relationships_and_offers_the_request_to_admin_agents(world, client_for):
    relationship = created(world)
    body = client_for("a_admin").get(reverse("customers:detail", args=[world.customer_x.public_id])).content.decode()
    assert "Helpdesk" in body and "Helpdesk Administrator" in body and "User Administrator" in body
    assert "Created" in body and new_url(world) in body and rel_url(world, relationship) in body
    body = client_for("a_sales").get(reverse("customers:detail", args=[world.customer_x.public_id])).content.decode()
    assert "Helpdesk Administrator" in body and new_url(world) not in body


def test_the_form_offers_the_catalogue_with_descriptions_and_the_defaults(world, client_for):
    body = client_for("a_admin").get(new_url(world)).content.decode()
    assert 'value="730"' in body
    assert "Global Administrator" in body and "Exchange Administrator" in body
    assert "Resets the passwords of users who are not administrators." in body


def test_an_admin_agent_requests_a_relationship(world, client_for):
    response = client_for("a_admin").post(
        new_url(world),
        {"display_name": "Helpdesk", "duration_days": "90", "roles": [R.HELPDESK_ADMINISTRATOR], "auto_extend": "on"},
    )
    relationship = AdminRelationship.objects.get(partner=world.partner_a, display_name="Helpdesk")
    assert response.status_code == 302 and response["Location"] == rel_url(world, relationship)
    assert relationship.status == Status.CREATED
    assert relationship.customer == world.customer_x
    assert (relationship.roles, relationship.duration_days, relationship.auto_extend_days) == (
        [R.HELPDESK_ADMINISTRATOR],
        90,
        180,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"display_name": "", "duration_days": "730", "roles": [R.HELPDESK_ADMINISTRATOR]}, "This field is required."),
        ({"display_name": "x" * 51, "duration_days": "730", "roles": [R.HELPDESK_ADMINISTRATOR]}, "at most 50"),
        ({"display_name": "A", "duration_days": "731", "roles": [R.HELPDESK_ADMINISTRATOR]}, "less than or equal"),
        ({"display_name": "A", "duration_days": "0", "roles": [R.HELPDESK_ADMINISTRATOR]}, "greater than or equal"),
        ({"display_name": "A", "duration_days": "730"}, "Choose at least one role."),
        ({"display_name": "A", "duration_days": "730", "roles": ["nope"]}, "Select a valid choice"),
        (
            {"display_name": "A", "duration_days": "730", "roles": [R.GLOBAL_ADMINISTRATOR], "auto_extend": "on"},
            "can&#x27;t be extended automatically",
        ),
    ],
)
def test_the_form_refuses_what_the_rules_refuse(world, client_for, data, message):
    response = client_for("a_admin").post(new_url(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AdminRelationship.objects.exists()


def test_names_are_unique_per_partner(world, client_for):
    created(world)
    response = client_for("a_admin").post(
        new_url(world), {"display_name": "helpdesk", "duration_days": "730", "roles": [R.HELPDESK_ADMINISTRATOR]}
    )
    assert response.status_code == 400
    assert "already has an admin relationship with this name" in response.content.decode()


def test_finalize_shows_the_link_once_and_keeps_only_its_hash(world, client_for):
    relationship = created(world)
    client = client_for("a_admin")
    response = client.post(rel_url(world, relationship, "admin_relationship_finalize"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    link = re.search(r'id="approval-link" type="text" readonly value="([^"]+)"', body).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    relationship.refresh_from_db()
    assert relationship.status == Status.APPROVAL_PENDING
    assert relationship.token_hash == token_hash(token) and token not in str(relationship.__dict__)
    assert link == approval_link(token)
    # Finalizing twice does nothing more; the detail page never shows the link.
    again = client.post(rel_url(world, relationship, "admin_relationship_finalize"))
    assert again.status_code == 302
    assert token not in client.get(rel_url(world, relationship)).content.decode()


def _finalize(world, client, relationship) -> tuple[str, str]:
    body = client.post(rel_url(world, relationship, "admin_relationship_finalize")).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    message = re.search(r"<textarea[^>]*>(.*?)</textarea>", body, re.S).group(1)
    return token, message.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_send_puts_the_draft_in_the_outbox_once(world, client_for):
    relationship = created(world)
    client = client_for("a_admin")
    token, message = _finalize(world, client, relationship)
    assert approval_link(token) in message and "Helpdesk Administrator" in message
    data = {"token": token, "recipient_email": "ga@contoso.test", "message": message + "\nThanks!"}
    response = client.post(rel_url(world, relationship, "admin_relationship_send"), data)
    assert response.status_code == 302
    email = OutboxEmail.objects.get()
    assert email.to == "ga@contoso.test" and "Thanks!" in email.body_text and approval_link(token) in email.body_html
    assert "Fabrikam" in email.subject
    assert client.post(rel_url(world, relationship, "admin_relationship_send"), data).status_code == 302
    assert OutboxEmail.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_SEND).count() == 1


def test_send_keeps_the_link_in_the_message(world, client_for):
    relationship = created(world)
    client = client_for("a_admin")
    token, _message = _finalize(world, client, relationship)
    response = client.post(
        rel_url(world, relationship, "admin_relationship_send"),
        {"token": token, "recipient_email": "ga@contoso.test", "message": "No link here"},
    )
    assert response.status_code == 400
    assert "must include the personalized link" in response.content.decode()
    assert not OutboxEmail.objects.exists()


def test_sales_and_helpdesk_agents_read_but_do_not_change(world, client_for):
    relationship = created(world)
    for persona in ("a_sales", "a_helpdesk"):
        client = client_for(persona)
        assert client.get(rel_url(world, relationship)).status_code == 200
        assert client.get(new_url(world)).status_code == 403
        assert client.post(rel_url(world, relationship, "admin_relationship_finalize")).status_code == 403
        assert client.post(rel_url(world, relationship, "admin_relationship_send")).status_code == 403
    relationship.refresh_from_db()
    assert relationship.status == Status.CREATED


def test_another_partner_or_customer_finds_nothing(world, client_for):
    relationship = created(world)
    assert client_for("b_admin").get(rel_url(world, relationship)).status_code == 404
    assert client_for("b_admin").post(rel_url(world, relationship, "admin_relationship_finalize")).status_code == 404
    # Partner A's relationship with X does not exist under customer Y.
    y_url = reverse("customers:admin_relationship", args=[world.customer_y.public_id, relationship.public_id])
    assert client_for("a_admin").get(y_url).status_code == 404


def test_wrong_methods(world, client_for):
    relationship = created(world)
    client = client_for("a_admin")
    assert client.get(rel_url(world, relationship, "admin_relationship_finalize")).status_code == 405
    assert client.get(rel_url(world, relationship, "admin_relationship_send")).status_code == 405
    assert client.post(rel_url(world, relationship)).status_code == 405
    assert client.delete(new_url(world)).status_code == 405
