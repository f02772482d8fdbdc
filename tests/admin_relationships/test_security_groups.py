"""Settings > Security groups: the partner's Admin agents create custom groups and manage their members (users of
the partner's own tenant only); Sales and Helpdesk agents see them and change nothing; the built-in groups are listed
but their members are not changed here. Every change is audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partner_settings.services import security_group_create, security_group_member_add, security_group_member_remove
from partnercenter.models import AuditAction, AuditEvent, SecurityGroup

from ..factories import UserFactory

Kind = SecurityGroup.Kind
LIST = reverse("partnersettings:security_groups")
NEW = reverse("partnersettings:security_group_new")

pytestmark = pytest.mark.django_db


def group_url(group: SecurityGroup) -> str:
    return reverse("partnersettings:security_group", args=[group.public_id])


def remove_url(group: SecurityGroup, user) -> str:
    return reverse("partnersettings:security_group_member_remove", args=[group.public_id, user.public_id])


@pytest.fixture
def tier1(world) -> SecurityGroup:
    return security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")


def test_the_list_shows_built_in_and_custom_groups(world, client_for, tier1):
    response = client_for("a_helpdesk").get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Admin Agents" in body and "Tier 1" in body
    assert NEW not in body  # Helpdesk agents see, and may not create


def test_an_admin_agent_creates_a_group_and_adds_and_removes_a_member(world, client_for):
    client = client_for("a_admin")
    response = client.post(NEW, {"name": "  Tier   2 "})
    group = SecurityGroup.objects.get(tenant=world.partner_a.tenant, name="Tier 2")
    assert group.kind == Kind.CUSTOM
    assert response.status_code == 302 and response["Location"] == group_url(group)
    assert client.post(group_url(group), {"user": str(world.a_helpdesk.public_id)}).status_code == 302
    assert list(group.members.all()) == [world.a_helpdesk]
    assert client.post(remove_url(group, world.a_helpdesk)).status_code == 302
    assert not group.members.exists()
    actions = list(
        AuditEvent.objects.filter(actor=world.a_admin, action__startswith="security_group")
        .values_list("action", flat=True)
        .order_by("id")
    )
    assert actions == [
        AuditAction.SECURITY_GROUP_CREATE,
        AuditAction.SECURITY_GROUP_MEMBER_ADD,
        AuditAction.SECURITY_GROUP_MEMBER_REMOVE,
    ]


def test_names_are_unique_per_partner(world, client_for, tier1):
    response = client_for("a_admin").post(NEW, {"name": "tier 1"})
    assert response.status_code == 400
    assert "already has a security group with this name" in response.content.decode()
    # Another partner may use the same name.
    security_group_create(partner=world.partner_b, created_by=world.b_admin, name="Tier 1")


def test_only_users_of_the_partner_s_own_tenant_become_members(world, client_for, tier1):
    client = client_for("a_admin")
    for outsider in (world.b_admin, world.x_user):
        response = client.post(group_url(tier1), {"user": str(outsider.public_id)})
        assert response.status_code == 400
    assert not tier1.members.exists()
    with pytest.raises(ValidationError):
        security_group_member_add(group=tier1, user=world.x_ga, added_by=world.a_admin)


def test_sales_and_helpdesk_agents_change_nothing(world, client_for, tier1):
    for persona in ("a_sales", "a_helpdesk"):
        client = client_for(persona)
        assert client.get(group_url(tier1)).status_code == 200
        assert client.get(NEW).status_code == 403
        assert client.post(NEW, {"name": "Mine"}).status_code == 403
        assert client.post(group_url(tier1), {"user": str(world.a_helpdesk.public_id)}).status_code == 403
    assert not tier1.members.exists()


def test_built_in_groups_are_not_changed_here(world, client_for):
    admins = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=Kind.ADMIN_AGENTS)
    client = client_for("a_admin")
    assert client.get(group_url(admins)).status_code == 200
    assert client.post(group_url(admins), {"user": str(world.a_sales.public_id)}).status_code == 403
    assert client.post(remove_url(admins, world.a_admin)).status_code == 403
    with pytest.raises(ValidationError):
        security_group_member_remove(group=admins, user=world.a_admin, removed_by=world.a_admin)
    assert admins.members.filter(pk=world.a_admin.pk).exists()


def test_another_partner_s_group_is_not_found(world, client_for, tier1):
    client = client_for("b_admin")
    assert client.get(group_url(tier1)).status_code == 404
    assert client.post(remove_url(tier1, world.a_sales)).status_code == 404


def test_wrong_methods(world, client_for, tier1):
    client = client_for("a_admin")
    assert client.post(LIST).status_code == 405
    assert client.delete(group_url(tier1)).status_code == 405
    assert client.delete(remove_url(tier1, world.a_sales)).status_code == 405  # GET asks, POST removes


def test_a_removed_user_is_not_offered(world, client_for, tier1):
    gone = UserFactory(tenant=world.partner_a.tenant, email="gone@fabrikam.test")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    body = client_for("a_admin").get(group_url(tier1)).content.decode()
    assert world.a_helpdesk.email in body and gone.email not in body


def test_the_activity_log_names_the_group_and_the_member(world, client_for, tier1):
    security_group_member_add(group=tier1, user=world.a_helpdesk, added_by=world.a_admin)
    body = client_for("a_sales").get(reverse("partnersettings:activity")).content.decode()
    assert "Added a member to a security group" in body
    assert "Security group: Tier 1" in body and world.a_helpdesk.email in body
