"""The demo's granular admin relationships: one in every status, with what the README's tour walks through."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnercenter.access import effective_roles
from partnercenter.models import AccessAssignment, AdminRelationship, DirectoryRole, Tenant, User

Status = AdminRelationship.Status


@pytest.fixture
def printed(db) -> str:
    out = io.StringIO()
    call_command("demo_data", extra_customers=0, stdout=out)
    return out.getvalue()


def test_the_demo_has_an_admin_relationship_in_every_status(printed):
    statuses = set(AdminRelationship.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    soon = AdminRelationship.objects.get(display_name="Demo 001 licenses")
    assert timezone.now() < soon.ends_at < timezone.now() + timedelta(days=7)
    extended = AdminRelationship.objects.get(display_name="Adventure Works support")
    assert extended.status == Status.ACTIVE and extended.auto_extend_days == 180


def test_the_support_user_holds_exactly_its_groups_roles_at_adventure_works(printed):
    support = User.objects.get(email="support@fabrikam.example")
    adventure = Tenant.objects.get(primary_domain="adventure-works.example")
    contoso = Tenant.objects.get(primary_domain="contoso.example")
    assert AccessAssignment.objects.filter(
        security_group__name="Tier 1 support", status=AccessAssignment.Status.ACTIVE
    ).exists()
    assert effective_roles(support, adventure) == {
        DirectoryRole.HELPDESK_ADMINISTRATOR,
        DirectoryRole.USER_ADMINISTRATOR,
    }
    assert effective_roles(support, contoso) == frozenset()


def test_the_printed_approval_link_opens_the_request_for_the_customers_global_admin(printed, client):
    link = re.search(r"^  (http\S+/admin-relationships/approve/\S+)$", printed, re.MULTILINE)
    assert link, printed
    client.force_login(User.objects.get(email="globaladmin@adventure-works.example"))
    page = client.get(link.group(1).removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Adventure Works security review" in page.content.decode()


def test_running_it_again_keeps_the_relationships_and_issues_a_new_link(printed):
    again = io.StringIO()
    call_command("demo_data", extra_customers=0, stdout=again)
    assert AdminRelationship.objects.count() == 8
    first = re.search(r"/admin-relationships/approve/(\S+)", printed)
    second = re.search(r"/admin-relationships/approve/(\S+)", again.getvalue())
    assert first and second and first.group(1) != second.group(1)


def test_the_demo_has_a_role_template_to_start_requests_from(printed):
    from admin_relationships.models import RoleTemplate

    template = RoleTemplate.objects.get(name="Helpdesk, least privilege")
    assert {(e.role, e.security_group.name) for e in template.entries.all()} >= {
        (DirectoryRole.HELPDESK_ADMINISTRATOR, "Helpdesk Agents"),
        (DirectoryRole.USER_ADMINISTRATOR, "Tier 1 support"),
    }
