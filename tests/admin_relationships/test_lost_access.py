"""Lost access: when the customer removes a partner's roles (Remove roles), rejects its request, or a relationship
expires, the partner's Admin agents are told by email, and the customer's row on the partner's Customers page says
so until the partner has a live admin relationship with it again. Remove roles tells both sides."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from admin_relationships.services import (
    APPROVAL_WINDOW_DAYS,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationship_reject,
    admin_relationship_terminate,
    admin_relationships_lifecycle,
)
from partnercenter.models import AdminRelationship, DirectoryRole, OutboxEmail

from ..factories import ResellerRelationshipFactory, UserFactory

R = DirectoryRole
Status = AdminRelationship.Status

pytestmark = pytest.mark.django_db


def _finalized(world, name: str = "Contoso helpdesk") -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name=name,
        roles=[R.USER_ADMINISTRATOR, R.HELPDESK_ADMINISTRATOR],
    )
    return admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship


def _active(world, name: str = "Contoso helpdesk") -> AdminRelationship:
    relationship = admin_relationship_approve(relationship=_finalized(world, name), approved_by=world.x_ga)
    OutboxEmail.objects.all().delete()  # the approval's emails
    return relationship


def _emails() -> dict[str, OutboxEmail]:
    return {email.to: email for email in OutboxEmail.objects.all()}


def _customers_row(client, customer) -> str:
    page = client.get(reverse("customers:list")).content.decode()
    return page.split(f'id="details-{customer.public_id}"')[0].rsplit("<tr>", 1)[1]


# Emails.


def test_remove_roles_tells_both_sides(world, client_for):
    other_admin = UserFactory(tenant=world.partner_a.tenant, email="admin2@fabrikam.test", group_kinds=["admin_agents"])
    relationship = _active(world)
    url = reverse(
        "admincenter:admin_relationship_remove_roles", args=[world.customer_x.public_id, relationship.public_id]
    )

    assert client_for("x_ga").post(url).status_code == 302

    emails = _emails()
    # The partner's Admin agents (not its Sales or Helpdesk agents) and the customer's Global admins.
    assert set(emails) == {world.a_admin.email, other_admin.email, world.x_ga.email}
    for email in emails.values():
        assert email.subject == "Contoso removed the roles of Fabrikam"
        for text in (email.body_text, email.body_html):
            assert "Contoso helpdesk" in text and "User Administrator" in text and "Helpdesk Administrator" in text
            assert f"{world.x_ga.display_name} ({world.x_ga.email}) of Contoso removed the roles of Fabrikam" in text
            assert "Fabrikam no longer has these roles in the tenant of Contoso" in text
    assert "request a new admin relationship" in emails[world.a_admin.email].body_text
    assert "request a new admin relationship" not in emails[world.x_ga.email].body_text


def test_a_partner_s_termination_tells_both_sides_too(world):
    relationship = _active(world)
    admin_relationship_terminate(relationship=relationship, terminated_by=world.a_admin, acting_for=world.partner_a)
    emails = _emails()
    assert set(emails) == {world.a_admin.email, world.x_ga.email}
    assert emails[world.x_ga.email].subject == "The admin relationship Contoso helpdesk was terminated"
    assert (
        "of Fabrikam terminated the admin relationship Contoso helpdesk with Contoso"
        in emails[world.x_ga.email].body_text
    )


def test_a_rejection_tells_the_partner_s_admin_agents(world):
    world.a_admin.preferred_language = "zh-hant"
    world.a_admin.save(update_fields=["preferred_language"])
    admin_relationship_reject(relationship=_finalized(world), rejected_by=world.x_ga)
    (email,) = OutboxEmail.objects.all()
    assert email.to == world.a_admin.email and email.language == "zh-hant"
    assert email.subject == "Contoso 已拒絕 Fabrikam 要求的角色"
    assert "Contoso helpdesk" in email.body_text and "使用者管理員" in email.body_text


def test_an_expiry_tells_the_partner_s_admin_agents(world):
    relationship = _active(world)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    admin_relationships_lifecycle()
    assert world.a_admin.email in _emails()
    assert "has expired" in _emails()[world.a_admin.email].subject


# The Customers page.


def test_the_customers_row_shows_a_lost_relationship_until_a_live_one(world, client_for):
    client = client_for("a_sales")
    assert "lost-access" not in _customers_row(client, world.customer_x)

    relationship = _active(world)
    admin_relationship_terminate(relationship=relationship, terminated_by=world.x_ga)
    today = date_format(timezone.localtime(), "DATE_FORMAT")
    row = _customers_row(client, world.customer_x)
    assert f"Admin relationship ended on {today}" in row

    _finalized(world, "A new request")  # a request gives nothing yet: the row still says so
    assert "Admin relationship ended on" in _customers_row(client, world.customer_x)

    _active(world, "Contoso helpdesk again")
    assert "lost-access" not in _customers_row(client, world.customer_x)


def test_the_customers_row_shows_an_expiry_and_a_rejection(world, client_for):
    client = client_for("a_admin")
    rejected = admin_relationship_reject(relationship=_finalized(world, "Rejected one"), rejected_by=world.x_ga)
    assert "Admin relationship request rejected on" in _customers_row(client, world.customer_x)
    AdminRelationship.objects.filter(pk=rejected.pk).update(ended_at=timezone.now() - timedelta(days=5))

    relationship = _active(world)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=timezone.now() - timedelta(days=1))
    # The latest loss is shown: the expiry, later than the rejection.
    admin_relationships_lifecycle()
    row = _customers_row(client, world.customer_x)
    ended = date_format(timezone.localtime(timezone.now() - timedelta(days=1)), "DATE_FORMAT")
    assert f"Admin relationship ended on {ended}" in row and "rejected" not in row


def test_a_request_that_expired_unapproved_is_not_a_loss(world, client_for):
    relationship = _finalized(world)
    AdminRelationship.objects.filter(pk=relationship.pk).update(
        created_at=timezone.now() - timedelta(days=APPROVAL_WINDOW_DAYS + 1)
    )
    admin_relationships_lifecycle()
    relationship.refresh_from_db()
    assert relationship.status == Status.EXPIRED
    assert "lost-access" not in _customers_row(client_for("a_admin"), world.customer_x)
    assert not OutboxEmail.objects.exists()


def test_another_partner_s_lost_relationship_is_not_shown(world, client_for):
    relationship = _active(world)
    admin_relationship_terminate(relationship=relationship, terminated_by=world.x_ga)
    # Partner B works for customer X too: what partner A lost is not its business.
    ResellerRelationshipFactory(partner=world.partner_b, customer=world.customer_x)
    assert "lost-access" not in _customers_row(client_for("b_admin"), world.customer_x)


def test_the_row_shows_a_relationship_past_its_end_before_the_task_marks_it(world, client_for):
    relationship = _active(world)
    ended = timezone.now() - timedelta(hours=2)
    AdminRelationship.objects.filter(pk=relationship.pk).update(ends_at=ended)
    row = _customers_row(client_for("a_admin"), world.customer_x)
    assert f"Admin relationship ended on {date_format(timezone.localtime(ended), 'DATE_FORMAT')}" in row


def test_the_customers_export_says_what_the_row_says_in_the_agents_language(world, client_for):
    admin_relationship_terminate(relationship=_active(world), terminated_by=world.x_ga)
    client = client_for("a_admin")
    row = _customers_row(client, world.customer_x)
    (said,) = re.findall(r'<span class="lost-access">([^<]+)</span>', row)

    def exported() -> list[str]:
        response = client.get(reverse("customers:export"))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        return next(r for r in rows[1:] if r[1] == "Contoso")

    assert exported()[-1] == said
    # Streamed after the view has returned, still in the page's language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    with translation.override("zh-hant"):
        today = date_format(timezone.localtime(), "DATE_FORMAT")
    assert exported()[3:] == ["轉銷商、委派的管理", f"系統管理關聯性已於 {today} 結束"]
