"""Partner side of the reseller relationship: requesting, the draft email, sending, resending, revoking."""

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from partnercenter.models import AuditEvent, OutboxEmail
from relationships.models import RelationshipRequest
from relationships.tokens import token_hash

LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")


def _new_request(client, include_delegated_admin=True):
    data = {"include_delegated_admin": "on"} if include_delegated_admin else {"x": "1"}
    response = client.post(reverse("relationships:request_new"), data)
    assert response.status_code == 200
    token = LINK.search(response.content.decode()).group(1)
    return response, token


@pytest.mark.parametrize("persona", ["a_admin", "a_sales"])
def test_admin_and_sales_agents_request_a_reseller_relationship(world, client_for, persona):
    response, token = _new_request(client_for(persona))
    relationship_request = RelationshipRequest.objects.get(token_hash=token_hash(token))
    assert relationship_request.partner == world.partner_a
    assert relationship_request.created_by == world.user(persona)
    assert relationship_request.include_delegated_admin is True
    assert relationship_request.state == RelationshipRequest.State.DRAFT  # until its link is let out
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="relationship_request.create", actor=world.user(persona)).exists()


def test_helpdesk_agent_cannot_request_a_reseller_relationship(world, client_for):
    before = RelationshipRequest.objects.count()
    assert client_for("a_helpdesk").post(reverse("relationships:request_new"), {"x": "1"}).status_code == 403
    assert RelationshipRequest.objects.count() == before


def test_delegated_admin_is_included_by_default_and_can_be_left_out(world, client_for):
    page = client_for("a_admin").get(reverse("relationships:request_new")).content.decode()
    assert re.search(r'<input type="checkbox" name="include_delegated_admin"[^>]*checked', page)
    _, token = _new_request(client_for("a_admin"), include_delegated_admin=False)
    assert RelationshipRequest.objects.get(token_hash=token_hash(token)).include_delegated_admin is False


def test_the_link_is_256_random_bits_stored_only_as_a_hash(world, client_for):
    _, token = _new_request(client_for("a_admin"))
    assert len(token) >= 43  # 32 bytes, base64url
    relationship_request = RelationshipRequest.objects.get(token_hash=token_hash(token))
    stored = [str(v) for v in RelationshipRequest.objects.filter(pk=relationship_request.pk).values().first().values()]
    assert not any(token in value for value in stored)


def test_the_link_expires_after_90_days(world):
    relationship_request = world.pending.request  # its draft was marked as sent as soon as it was made
    lifetime = relationship_request.expires_at - relationship_request.created_at
    assert timedelta(days=89, hours=23) < lifetime <= timedelta(days=90, minutes=1)


def test_the_draft_offers_open_in_email_copy_send_and_done(world, client_for):
    response, token = _new_request(client_for("a_admin"))
    page = response.content.decode()
    assert 'href="mailto:?subject=' in page
    assert "Copy to clipboard" in page
    assert ">Send<" in page
    assert ">Done<" in page
    assert "Avery" not in page  # the agent's name comes from the signed-in user, not demo data
    assert world.a_admin.display_name in page
    assert "Fabrikam" in page


def _send(client, world, token, message=None, email="it@customer.test"):
    relationship_request = RelationshipRequest.objects.get(token_hash=token_hash(token))
    if message is None:
        message = f"Hello, please accept: http://testserver/invitations/{token}/"
    url = reverse("relationships:request_send", args=[relationship_request.public_id])
    return relationship_request, client.post(url, {"token": token, "recipient_email": email, "message": message})


def test_send_emails_the_edited_draft_with_both_parts(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("a_admin")
    _, token = _new_request(client)
    with django_capture_on_commit_callbacks(execute=True):
        relationship_request, response = _send(
            client, world, token, message=f"Hi!\n\nhttp://testserver/invitations/{token}/"
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["it@customer.test"]
    assert sent.subject == "Fabrikam invites you to a reseller relationship"
    assert sent.body.startswith("Hi!")
    assert f"/invitations/{token}/" in sent.body
    html, mimetype = sent.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver/invitations/{token}/"' in html
    email = OutboxEmail.objects.get(topic_id=str(relationship_request.public_id))
    assert email.state == OutboxEmail.State.SENT
    assert token not in email.body_text  # the stored copy keeps no usable link
    relationship_request.refresh_from_db()
    assert relationship_request.recipient_email == "it@customer.test"


def test_send_in_traditional_chinese_uses_the_agents_language(world, client_for):
    client = client_for("a_admin")
    _, token = _new_request(client)
    with translation.override("zh-hant"):
        relationship_request = RelationshipRequest.objects.get(token_hash=token_hash(token))
        url = reverse("relationships:request_send", args=[relationship_request.public_id])
    response = client.post(
        url,
        {"token": token, "recipient_email": "it@customer.test", "message": f"http://testserver/invitations/{token}/"},
        headers={"accept-language": "zh-hant"},
    )
    assert response.status_code == 302
    assert OutboxEmail.objects.get().language == "zh-hant"


def test_a_draft_without_the_personalised_link_is_refused_and_nothing_is_sent(world, client_for):
    client = client_for("a_admin")
    _, token = _new_request(client)
    _, response = _send(client, world, token, message="Please accept our invitation.")
    assert response.status_code == 400
    assert "must include the personalized link" in response.content.decode()
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_bad_address_is_refused_with_a_clear_message(world, client_for):
    client = client_for("a_sales")
    _, token = _new_request(client)
    _, response = _send(client, world, token, email="not-an-address")
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert OutboxEmail.objects.count() == 0


def _sends(relationship_request) -> tuple[int, int]:
    topic = str(relationship_request.public_id)
    emails = OutboxEmail.objects.filter(topic_id=topic).count()
    return emails, AuditEvent.objects.filter(action="relationship_request.send").count()


def test_posting_a_draft_twice_emails_the_customer_once(world, client_for):
    """A double click, or the same draft sent from a second tab: the second post sends nothing and says why."""
    client = client_for("a_admin")
    _, token = _new_request(client)
    relationship_request, first = _send(client, world, token)
    _, second = _send(client, world, token, email="someone-else@customer.test")
    assert first.status_code == second.status_code == 302
    assert _sends(relationship_request) == (1, 1)
    page = client.get(second["Location"]).content.decode()
    assert "This draft was already sent to it@customer.test" in page and "use Resend" in page
    relationship_request.refresh_from_db()
    assert relationship_request.recipient_email == "it@customer.test"


def test_only_resend_emails_the_customer_again_with_a_new_link(world, client_for):
    client = client_for("a_admin")
    _, token = _new_request(client)
    relationship_request, _ = _send(client, world, token)
    response = client.post(reverse("relationships:request_reissue", args=[relationship_request.public_id]))
    new_token = LINK.search(response.content.decode()).group(1)
    _send(client, world, new_token)
    _send(client, world, new_token)  # the new draft, too, is sent once
    url = reverse("relationships:request_send", args=[relationship_request.public_id])
    stale = client.post(url, {"token": token, "recipient_email": "it@customer.test", "message": LINK.pattern})
    assert stale.status_code == 302  # the first draft's link no longer works: nothing is sent
    assert _sends(relationship_request) == (2, 2)
    emails = OutboxEmail.objects.filter(topic_id=str(relationship_request.public_id)).order_by("created_at")
    assert [e.to for e in emails] == ["it@customer.test", "it@customer.test"]


def test_another_partners_request_does_not_exist_for_you(world, client_for):
    url = reverse("relationships:request_revoke", args=[world.pending.request.public_id])
    assert client_for("b_admin").post(url).status_code == 404
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.PENDING


def test_resend_gives_a_new_link_and_the_old_one_stops_working(world, client_for):
    client = client_for("a_admin")
    old_token = world.pending.token
    response = client.post(reverse("relationships:request_reissue", args=[world.pending.request.public_id]))
    assert response.status_code == 200
    new_token = LINK.search(response.content.decode()).group(1)
    assert new_token != old_token
    assert client.get(reverse("relationships:invitation", args=[old_token])).status_code == 404
    assert client_for("anon").get(reverse("relationships:invitation", args=[new_token])).status_code == 200


def test_revoke_withdraws_the_link(world, client_for):
    response = client_for("a_admin").post(
        reverse("relationships:request_revoke", args=[world.pending.request.public_id])
    )
    assert response.status_code == 302
    world.pending.request.refresh_from_db()
    assert world.pending.request.state == RelationshipRequest.State.REVOKED
    page = client_for("x_ga").get(reverse("relationships:invitation", args=[world.pending.token]))
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert AuditEvent.objects.filter(action="relationship_request.revoke").count() == 1


def _state_and_link(world):
    world.pending.request.refresh_from_db()
    return world.pending.request.state, world.pending.request.token_hash


@pytest.mark.parametrize(
    ("name", "question", "consequence", "button"),
    [
        ("request_revoke", "Revoke this request?", "can no longer accept it", "Revoke"),
        ("request_reissue", "Resend this request?", "The link you shared before stops working", "Resend"),
    ],
)
def test_revoke_and_resend_ask_first_and_the_question_changes_nothing(
    world, client_for, name, question, consequence, button
):
    before = (_state_and_link(world), AuditEvent.objects.count())
    url = reverse(f"relationships:{name}", args=[world.pending.request.public_id])
    response = client_for("a_sales").get(url)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"<h1>{question}</h1>" in page and consequence in page
    assert world.a_admin.display_name in page  # which request: who created it
    assert re.search(rf'<form method="post" class="form">.*>{button}</button>', page, re.S)
    assert (_state_and_link(world), AuditEvent.objects.count()) == before
    assert client_for("anon").get(reverse("relationships:invitation", args=[world.pending.token])).status_code == 200


def test_the_request_list_links_to_the_confirmations_not_to_one_click_actions(world, client_for):
    page = client_for("a_admin").get(reverse("relationships:request_list")).content.decode()
    for name in ("request_reissue", "request_revoke"):
        url = reverse(f"relationships:{name}", args=[world.pending.request.public_id])
        assert f'href="{url}"' in page and f'action="{url}"' not in page


def test_a_closed_request_offers_no_confirmation(world, client_for):
    client = client_for("a_admin")
    client.post(reverse("relationships:request_revoke", args=[world.pending.request.public_id]))
    response = client.get(reverse("relationships:request_reissue", args=[world.pending.request.public_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("relationships:request_list")
    assert "still waiting for the customer" in response.content.decode()


def test_a_revoked_request_cannot_be_revoked_or_resent_again(world, client_for):
    client = client_for("a_admin")
    url_id = world.pending.request.public_id
    client.post(reverse("relationships:request_revoke", args=[url_id]))
    response = client.post(reverse("relationships:request_reissue", args=[url_id]), follow=True)
    assert "still waiting for the customer" in response.content.decode()
    response = client.post(reverse("relationships:request_revoke", args=[url_id]), follow=True)
    assert "Only a pending request can be revoked." in response.content.decode()


def test_the_request_list_shows_states_creators_and_email_delivery(world, client_for):
    RelationshipRequest.objects.filter(pk=world.pending.request.pk).update(expires_at=timezone.now())
    page = client_for("a_sales").get(reverse("relationships:request_list")).content.decode()
    assert "Expired" in page
    assert world.a_admin.display_name in page
