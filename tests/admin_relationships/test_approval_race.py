"""Two Global admins of two organizations approve the same request for a customer-to-be at the same moment (one link,
forwarded): one organization becomes the customer, the other is told the link no longer works. Runs with real
transactions on PostgreSQL: each thread has its own database connection, as two web processes would."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from admin_relationships import approval_views
from admin_relationships.services import admin_relationship_create, admin_relationship_finalize
from partnercenter.models import AdminRelationship, AuditAction, AuditEvent, DirectoryRole, ResellerRelationship
from tests.factories import TenantFactory, UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")


def test_two_concurrent_approvals_bind_one_customer(transactional_db, world):
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=None,
        created_by=world.a_admin,
        display_name="Helpdesk for a new customer",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )
    token = admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).token
    approvers = [
        UserFactory(
            tenant=TenantFactory(name=name, primary_domain=f"{name.lower()}.test"),
            email=f"ga@{name.lower()}.test",
            roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],
        )
        for name in ("Wingtip", "Adatum")
    ]
    url = reverse("adminrelationships:approval_approve", args=[token])

    # Both posts must have passed the view's checks (the link, the approver) before either locks the relationship.
    both_checked = threading.Barrier(2, timeout=10)
    check_can_approve = approval_views.check_can_approve

    def check_then_wait(*args):
        check_can_approve(*args)
        both_checked.wait()

    statuses, errors = [], []

    def post(user):
        client = Client()
        client.force_login(user)
        try:
            statuses.append(client.post(url).status_code)
        except Exception as error:  # surfaced below: an exception in a thread would otherwise be lost
            errors.append(error)
        finally:
            connection.close()

    with mock.patch.object(approval_views, "check_can_approve", check_then_wait):
        threads = [threading.Thread(target=post, args=(user,)) for user in approvers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors and sorted(statuses) == [302, 404]
    relationship.refresh_from_db()
    assert relationship.status == AdminRelationship.Status.ACTIVE
    winner = relationship.approved_by
    assert winner in approvers and relationship.customer_id == winner.tenant_id
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_APPROVE).count() == 1
    assert list(ResellerRelationship.objects.filter(partner=world.partner_a, is_active=False)) == [
        ResellerRelationship.objects.get(partner=world.partner_a, customer=winner.tenant)
    ]
