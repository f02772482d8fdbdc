"""A relationship request is a draft until the agent lets its link out: Send, Open in email, Copy to clipboard or Done.
A draft is no pending invitation: the list says Draft, Pending leaves it out; it can be opened again (a new link) or
discarded, and it expires as any request does. Its link works for a customer who got it anyway (copied by hand)."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from partnercenter.models import AuditEvent, OutboxEmail, ResellerRelationship
from relationships.models import RelationshipRequest, ShareMethod
from relationships.services import (
    RequestNotUsable,
    relationship_request_accept,
    relationship_request_create,
    relationship_request_discard,
    relationship_request_mark_sent,
    relationship_request_reissue,
    relationship_request_send,
)
from relationships.tokens import token_hash

State = RelationshipRequest.State
LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")
NINETY_DAYS = timedelta(days=90)


@pytest.fixture
def draft(world):
    """A draft partner A's Sales agent made and walked away from, ten days ago."""
    issued = relationship_request_create(
        partner=world.partner_a, created_by=world.a_sales, include_delegated_admin=False
    )
    ten_days_ago = timezone.now() - timedelta(days=10)
    RelationshipRequest.objects.filter(pk=issued.request.pk).update(
        created_at=ten_days_ago, expires_at=ten_days_ago + NINETY_DAYS
    )
    issued.request.refresh_from_db()
    return issued


def _fresh(relationship_request) -> RelationshipRequest:
    return RelationshipRequest.objects.get(pk=relationship_request.pk)


def _audited(action: str, relationship_request=None) -> list[AuditEvent]:
    """The events of `action`, of one request if given (the world's pending request has its own)."""
    events = AuditEvent.objects.filter(action=action).order_by("pk")
    if relationship_request is not None:
        events = events.filter(object_id=str(relationship_request.public_id))
    return list(events)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _about_ninety_days_from_now(when) -> bool:
    return abs(when - (timezone.now() + NINETY_DAYS)) < timedelta(minutes=1)


# --- The services ---------------------------------------------------------------------------------------------------


def test_a_new_request_is_a_draft_that_expires_as_any_request(world):
    issued = relationship_request_create(
        partner=world.partner_a, created_by=world.a_admin, include_delegated_admin=True
    )
    assert issued.request.state == State.DRAFT and issued.request.link_sent_at is None
    assert _about_ninety_days_from_now(issued.request.expires_at)
    RelationshipRequest.objects.filter(pk=issued.request.pk).update(expires_at=timezone.now())
    assert _fresh(issued.request).effective_state == State.EXPIRED


@pytest.mark.parametrize("how", list(ShareMethod))
def test_letting_the_link_out_makes_the_draft_pending_for_90_days_from_then(world, draft, how):
    assert relationship_request_mark_sent(
        relationship_request=draft.request, marked_by=world.a_sales, token=draft.token, how=how
    )
    request = _fresh(draft.request)
    assert request.state == State.PENDING
    assert _about_ninety_days_from_now(request.expires_at)  # not the draft's 80 days left
    assert request.link_sent_at is None  # the portal emailed nothing
    (event,) = _audited("relationship_request.mark_sent", request)
    assert event.actor == world.a_sales
    assert event.details == {"how": how.value}


def test_marking_a_pending_request_again_changes_nothing(world, draft):
    relationship_request_mark_sent(
        relationship_request=draft.request, marked_by=world.a_sales, token=draft.token, how=ShareMethod.CLIPBOARD
    )
    expires_at = _fresh(draft.request).expires_at
    assert not relationship_request_mark_sent(
        relationship_request=draft.request, marked_by=world.a_sales, token=draft.token, how=ShareMethod.DONE
    )
    assert _fresh(draft.request).expires_at == expires_at
    assert len(_audited("relationship_request.mark_sent", draft.request)) == 1


def test_a_replaced_discarded_or_expired_draft_cannot_be_marked_sent(world, draft):
    newer = relationship_request_reissue(relationship_request=draft.request, reissued_by=world.a_sales)
    with pytest.raises(ValidationError):
        relationship_request_mark_sent(
            relationship_request=_fresh(draft.request), marked_by=world.a_sales, token=draft.token, how="done"
        )
    RelationshipRequest.objects.filter(pk=draft.request.pk).update(expires_at=timezone.now())
    with pytest.raises(RequestNotUsable) as expired:
        relationship_request_mark_sent(
            relationship_request=_fresh(draft.request), marked_by=world.a_sales, token=newer.token, how="done"
        )
    assert expired.value.state == State.EXPIRED
    relationship_request_discard(relationship_request=draft.request, discarded_by=world.a_sales)
    with pytest.raises(RequestNotUsable) as discarded:
        relationship_request_mark_sent(
            relationship_request=_fresh(draft.request), marked_by=world.a_sales, token=newer.token, how="done"
        )
    assert discarded.value.state == State.DISCARDED
    assert _fresh(draft.request).state == State.DISCARDED
    assert _audited("relationship_request.mark_sent", draft.request) == []


def test_sending_a_draft_makes_it_pending_for_90_days_from_then(world, draft):
    relationship_request_send(
        relationship_request=draft.request,
        sent_by=world.a_sales,
        token=draft.token,
        recipient_email="it@customer.test",
        message=draft.link,
        language="en",
    )
    request = _fresh(draft.request)
    assert request.state == State.PENDING and request.link_sent_at is not None
    assert _about_ninety_days_from_now(request.expires_at)
    assert request.recipient_email == "it@customer.test"


def test_a_draft_copied_first_can_still_be_emailed_by_the_portal(world, draft):
    relationship_request_mark_sent(
        relationship_request=draft.request, marked_by=world.a_sales, token=draft.token, how=ShareMethod.CLIPBOARD
    )
    relationship_request_send(
        relationship_request=draft.request,
        sent_by=world.a_sales,
        token=draft.token,
        recipient_email="it@customer.test",
        message=draft.link,
        language="en",
    )
    assert OutboxEmail.objects.filter(topic_id=str(draft.request.public_id)).count() == 1
    assert _fresh(draft.request).state == State.PENDING


def test_resend_and_open_draft_give_a_new_link_and_a_draft_again(world, draft):
    # Resend of a pending request: the new link has not been sent, so it is a draft until it is.
    pending = world.pending
    resent = relationship_request_reissue(relationship_request=pending.request, reissued_by=world.a_admin)
    assert resent.token != pending.token
    assert _fresh(pending.request).state == State.DRAFT
    # A draft opened again: a new link too; the draft's old one stops working.
    reopened = relationship_request_reissue(relationship_request=draft.request, reissued_by=world.a_sales)
    request = _fresh(draft.request)
    assert request.state == State.DRAFT and _about_ninety_days_from_now(request.expires_at)
    assert reopened.token != draft.token
    events = _audited("relationship_request.reissue")
    assert [e.details["previous_state"] for e in events] == ["pending", "draft"]


def test_only_a_draft_can_be_discarded_and_its_link_stops_working(world, draft, client_for):
    relationship_request_discard(relationship_request=draft.request, discarded_by=world.a_sales)
    request = _fresh(draft.request)
    assert request.state == State.DISCARDED and request.decided_by == world.a_sales
    (event,) = _audited("relationship_request.discard", request)
    assert event.actor == world.a_sales
    page = client_for("y_ga").get(reverse("relationships:invitation", args=[draft.token]))
    assert page.status_code == 410 and "withdrawn" in page.content.decode()
    with pytest.raises(RequestNotUsable):
        relationship_request_discard(relationship_request=draft.request, discarded_by=world.a_sales)
    with pytest.raises(RequestNotUsable):
        relationship_request_discard(relationship_request=world.pending.request, discarded_by=world.a_admin)
    assert _fresh(world.pending.request).state == State.PENDING
    assert len(_audited("relationship_request.discard")) == 1


def test_a_customer_who_got_a_drafts_link_by_hand_can_accept_it(world, draft, client_for):
    """The rule (RelationshipRequest.OPEN_STATES): a draft's link works, as a pending one's does."""
    assert client_for("y_ga").get(reverse("relationships:invitation", args=[draft.token])).status_code == 200
    relationship_request_accept(relationship_request=draft.request, user=world.y_ga)
    assert _fresh(draft.request).state == State.ACCEPTED
    assert ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_y).exists()


def test_an_expired_drafts_link_is_expired(world, draft, client_for):
    RelationshipRequest.objects.filter(pk=draft.request.pk).update(expires_at=timezone.now())
    page = client_for("y_ga").get(reverse("relationships:invitation", args=[draft.token]))
    assert page.status_code == 410 and "expired" in page.content.decode()


# --- The pages ------------------------------------------------------------------------------------------------------


def _list(client, **params) -> str:
    return html.unescape(client.get(reverse("relationships:request_list"), params).content.decode())


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page, re.S)[1:]  # the header's row aside


def _row(page: str, public_id) -> str:
    """The list's row of one request still open, found by its action links."""
    rows = [r for r in _rows(page) if str(public_id) in r]
    assert len(rows) == 1, rows
    return rows[0]


def test_the_list_shows_a_draft_as_draft_and_pending_leaves_it_out(world, draft, client_for):
    client = client_for("a_admin")
    row = _row(_list(client), draft.request.public_id)
    assert ">Draft<" in row
    assert reverse("relationships:request_reissue", args=[draft.request.public_id]) in row and ">Open draft<" in row
    assert reverse("relationships:request_discard", args=[draft.request.public_id]) in row
    assert ">Resend<" not in row and ">Revoke<" not in row
    pending = _list(client, state="pending")
    assert str(world.pending.request.public_id) in pending and str(draft.request.public_id) not in pending
    drafts = _list(client, state="draft")
    assert str(draft.request.public_id) in drafts and str(world.pending.request.public_id) not in drafts
    assert '<option value="draft" selected>Draft</option>' in drafts
    assert '<option value="discarded">Discarded</option>' in drafts


def test_the_list_shows_an_old_draft_as_expired(world, draft, client_for):
    RelationshipRequest.objects.filter(pk=draft.request.pk).update(expires_at=timezone.now())
    client = client_for("a_admin")
    (row,) = _rows(_list(client, state="expired"))
    assert world.a_sales.display_name in row and ">Expired<" in row
    assert "Open draft" not in row and "Discard" not in row
    assert _rows(_list(client, state="draft")) == []


def test_the_draft_page_says_it_is_a_draft_and_done_posts_its_link(world, client_for):
    response = client_for("a_admin").post(reverse("relationships:request_new"), {"include_delegated_admin": "on"})
    page = html.unescape(response.content.decode())
    request = RelationshipRequest.objects.get(created_by=world.a_admin, state=State.DRAFT)
    assert "this request is a draft: it isn't counted as a pending invitation" in page
    done = reverse("relationships:request_done", args=[request.public_id])
    assert f'<button type="submit" class="btn" formaction="{done}">Done</button>' in page
    assert f'data-shared-url="{reverse("relationships:request_shared", args=[request.public_id])}"' in page


def test_done_makes_the_draft_pending_and_goes_back_to_customers(world, draft, client_for):
    client = client_for("a_admin")
    url = reverse("relationships:request_done", args=[draft.request.public_id])
    response = client.post(url, {"token": draft.token, "recipient_email": "", "message": "edited"})
    assert response.status_code == 302 and response["Location"] == reverse("customers:list")
    assert "The request is pending until the customer accepts it." in _messages(response)[0]
    assert _fresh(draft.request).state == State.PENDING
    (event,) = _audited("relationship_request.mark_sent", draft.request)
    assert event.actor == world.a_admin and event.details == {"how": "done"}
    # Done twice (the Back button): still one change.
    assert client.post(url, {"token": draft.token}).status_code == 302
    assert len(_audited("relationship_request.mark_sent", draft.request)) == 1


def test_done_with_a_replaced_link_changes_nothing_and_says_why(world, draft, client_for):
    client = client_for("a_sales")
    client.post(reverse("relationships:request_reissue", args=[draft.request.public_id]))
    url = reverse("relationships:request_done", args=[draft.request.public_id])
    response = client.post(url, {"token": draft.token})
    assert response["Location"] == reverse("relationships:request_list")
    assert "no longer valid" in _messages(response)[0]
    assert _fresh(draft.request).state == State.DRAFT


@pytest.mark.parametrize(("how", "word"), [("email_app", "Open in email"), ("clipboard", "Copy to clipboard")])
def test_open_in_email_and_copy_tell_the_portal_the_link_is_out(world, draft, client_for, how, word):
    client = client_for("a_sales")
    url = reverse("relationships:request_shared", args=[draft.request.public_id])
    assert client.post(url, {"token": draft.token, "how": "done"}).status_code == 400  # Done is its own URL
    assert client.post(url, {"token": "x" * 43, "how": how}).status_code == 400
    assert _fresh(draft.request).state == State.DRAFT
    assert client.post(url, {"token": draft.token, "how": how}).status_code == 204
    assert _fresh(draft.request).state == State.PENDING
    activity = client_for("a_admin").get(reverse("partnersettings:activity")).content.decode()
    assert "Marked a reseller relationship request as sent" in activity and f"How: {word}" in activity


def test_the_script_hears_why_a_discarded_draft_cannot_be_marked(world, draft, client_for):
    relationship_request_discard(relationship_request=draft.request, discarded_by=world.a_sales)
    url = reverse("relationships:request_shared", args=[draft.request.public_id])
    assert client_for("a_sales").post(url, {"token": draft.token, "how": "clipboard"}).status_code == 409


def test_open_draft_asks_for_the_language_then_gives_the_draft_with_a_new_link(world, draft, client_for):
    client = client_for("a_admin")
    url = reverse("relationships:request_reissue", args=[draft.request.public_id])
    page = html.unescape(client.get(url).content.decode())
    assert "<h1>Open this draft?</h1>" in page and "The draft's earlier link was never sent" in page
    assert re.search(r'<form method="post" class="form">.*name="language".*>Open draft</button>', page, re.S)
    assert _fresh(draft.request).token_hash == draft.request.token_hash  # asking changed nothing
    response = client.post(url, {"language": "zh-hant"})
    assert response.status_code == 200
    new_token = LINK.search(response.content.decode()).group(1)
    assert new_token != draft.token
    assert "親愛的客戶" in response.content.decode()  # the draft email in the language chosen
    assert _fresh(draft.request).state == State.DRAFT
    assert client.get(reverse("relationships:invitation", args=[draft.token])).status_code == 404


def test_discard_asks_first_then_discards(world, draft, client_for):
    client = client_for("a_sales")
    url = reverse("relationships:request_discard", args=[draft.request.public_id])
    page = html.unescape(client.get(url).content.decode())
    assert "<h1>Discard this draft?</h1>" in page and "Its personalized link stops working" in page
    assert world.a_sales.display_name in page  # which request: who created it
    assert re.search(r'<form method="post" class="form">.*class="btn btn-danger">Discard</button>', page, re.S)
    assert _fresh(draft.request).state == State.DRAFT
    response = client.post(url)
    assert response["Location"] == reverse("relationships:request_list")
    assert _messages(response) == ["The draft was discarded. Its link no longer works."]
    assert _fresh(draft.request).state == State.DISCARDED
    (row,) = _rows(_list(client, state="discarded"))
    assert world.a_sales.display_name in row and ">Discarded<" in row and "Open draft" not in row


def test_a_pending_request_offers_no_discard(world, client_for):
    client = client_for("a_admin")
    url = reverse("relationships:request_discard", args=[world.pending.request.public_id])
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.redirect_chain == [(reverse("relationships:request_list"), 302)]
        assert "Only a draft can be discarded." in response.content.decode()
    assert _fresh(world.pending.request).state == State.PENDING
    assert "request_discard" not in _row(_list(client), world.pending.request.public_id)


def test_the_discard_and_mark_sent_actions_have_their_words_in_both_languages():
    from django.utils import translation

    from partnercenter.models import AuditAction

    with translation.override("zh-hant"):
        assert str(State.DRAFT.label) == "草稿"
        assert str(State.DISCARDED.label) == "已捨棄"
        assert str(AuditAction.RELATIONSHIP_REQUEST_DISCARD.label) != "Discarded a draft reseller relationship request"
        assert str(AuditAction.RELATIONSHIP_REQUEST_MARK_SENT.label) != "Marked a reseller relationship request as sent"


def test_the_demo_prints_a_pending_invitation_and_keeps_one_draft(db, client):
    for _run in range(2):  # demo_data is idempotent
        out = io.StringIO()
        call_command("demo_data", extra_customers=0, stdout=out)
    token = LINK.search(out.getvalue().split("A pending invitation from Fabrikam", 1)[1]).group(1)
    printed = RelationshipRequest.objects.get(token_hash=token_hash(token))
    assert printed.state == State.PENDING
    assert client.get(reverse("relationships:invitation", args=[token])).status_code == 200
    drafts = RelationshipRequest.objects.filter(state=State.DRAFT)
    assert [d.created_by.email for d in drafts] == ["sales@fabrikam.example"]
