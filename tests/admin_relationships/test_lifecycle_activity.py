"""Every step of an admin relationship's lifecycle writes its audit event, which the Activity pages show: the
partner's activity log (the system's actions on its relationships, by "System") and the customer's Activity ("System
(partner)"), in words, in the page's language; a partner acting for the customer never reads another partner's."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from admin_relationships.services import (
    APPROVAL_WINDOW_DAYS,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationships_lifecycle,
)
from partnercenter.audit import audit_record
from partnercenter.audit_labels import action_label
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole

from ..factories import DelegatedAdminGrantFactory, ResellerRelationshipFactory

pytestmark = pytest.mark.django_db

LIFECYCLE = {
    AuditAction.ADMIN_RELATIONSHIP_REQUEST_EXPIRE: "Admin relationship request expired unapproved",
    AuditAction.ADMIN_RELATIONSHIP_EXPIRE: "Admin relationship expired",
    AuditAction.ADMIN_RELATIONSHIP_EXTEND: "Admin relationship extended automatically",
    AuditAction.ADMIN_RELATIONSHIP_NOTICE: "Sent notice that an admin relationship is ending",
}


def _relationship(world, name: str, *, approve: bool = True, **overrides) -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name=name,
        roles=[DirectoryRole.USER_ADMINISTRATOR],
        duration_days=90,
        **overrides,
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    if approve:
        relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    return relationship


@pytest.fixture
def lifecycle(world):
    """One of each lifecycle event, as the periodic task writes them."""
    now = timezone.now()
    stale = _relationship(world, "Stale request", approve=False)
    AdminRelationship.objects.filter(pk=stale.pk).update(created_at=now - timedelta(days=APPROVAL_WINDOW_DAYS + 1))
    ending = _relationship(world, "Ending")
    extending = _relationship(world, "Extending", auto_extend=True)
    AdminRelationship.objects.filter(pk__in=[ending.pk, extending.pk]).update(ends_at=now - timedelta(minutes=1))
    noticed = _relationship(world, "Noticed")
    AdminRelationship.objects.filter(pk=noticed.pk).update(
        activated_at=now - timedelta(days=84), ends_at=now + timedelta(days=6)
    )
    run = admin_relationships_lifecycle()
    assert (run.requests_expired, run.expired, run.extended, run.notices) == (1, 1, 1, 1)
    return run


def test_the_partner_s_activity_log_shows_the_system_s_steps(world, client_for, lifecycle):
    body = client_for("a_sales").get(reverse("partnersettings:activity")).content.decode()
    for words in LIFECYCLE.values():
        assert words in body
    rows = [row for row in body.split("<tbody>")[1].split("<tr>") if "admin relationship" in row.lower()]
    lifecycle_rows = [row for row in rows if any(f">{words}<" in row for words in LIFECYCLE.values())]
    assert len(lifecycle_rows) == len(LIFECYCLE) and all("System" in row for row in lifecycle_rows)
    assert "Days before the end date" in body and "End date" in body


def test_the_partner_s_activity_log_filters_by_a_lifecycle_action(world, client_for, lifecycle):
    response = client_for("a_admin").get(
        reverse("partnersettings:activity"), {"action": AuditAction.ADMIN_RELATIONSHIP_EXPIRE}
    )
    assert response.status_code == 200
    rows = response.content.decode().split("<tbody>")[1]
    assert "Admin relationship expired" in rows and "Admin relationship extended automatically" not in rows


def test_the_customer_s_activity_shows_them_as_the_partner_s(world, client_for, lifecycle):
    body = client_for("x_ga").get(reverse("admincenter:activity", args=[world.customer_x.public_id])).content.decode()
    for words in LIFECYCLE.values():
        assert words in body
    assert "System (Fabrikam)" in body and "on your behalf" not in body.split("Admin relationship expired")[0][-400:]


def test_the_words_are_translated(world, client_for, lifecycle):
    with translation.override("zh-hant"):
        labels = [action_label(action) for action in LIFECYCLE]
    assert all(label not in LIFECYCLE.values() for label in labels)
    client = client_for("x_ga")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    body = client.get(reverse("admincenter:activity", args=[world.customer_x.public_id])).content.decode()
    assert all(label in body for label in labels)


def test_another_partner_acting_for_the_customer_reads_none_of_it(world, client_for, lifecycle):
    ResellerRelationshipFactory(partner=world.partner_b, customer=world.customer_x)
    DelegatedAdminGrantFactory(partner=world.partner_b, customer=world.customer_x)
    response = client_for("b_admin").get(reverse("admincenter:activity", args=[world.customer_x.public_id]))
    assert response.status_code == 200
    rows = response.content.decode().split("<tbody>")[1].split("<tr>")
    lifecycle_rows = [row for row in rows if any(f">{words}<" in row for words in LIFECYCLE.values())]
    assert len(lifecycle_rows) == len(LIFECYCLE)
    for row in lifecycle_rows:  # that something happened, by another partner, and nothing more
        assert "<td>Another partner</td>" in row and '<td class="hide-narrow"></td>' in row
        assert "Fabrikam" not in row and "System" not in row


def test_system_events_are_for_no_actor():
    with pytest.raises(ValueError):
        audit_record(actor=None, action=AuditAction.ADMIN_RELATIONSHIP_EXPIRE, acting_for=object(), system_for=object())
    assert not AuditEvent.objects.exists()
