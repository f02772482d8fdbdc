"""Settings > Role templates: a partner's Admin agents save named sets of roles, each going to one of the partner's
security groups; every agent reads them; names are unique per partner; only the partner's own groups. A request for
an admin relationship can start from a template (its roles preselected); when the customer approves, the template's
groups get their roles at once (pending, then active through the task), as the template was when the request was
finalized."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admin_relationships.models import RoleTemplate, TemplatedRelationship
from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    role_template_create,
    role_template_update,
)
from partner_settings.services import security_group_create, security_group_member_add
from partnercenter.access import effective_roles
from partnercenter.models import AccessAssignment, AuditAction, AuditEvent, DirectoryRole, SecurityGroup

from ..factories import UserFactory, mfa_enable

R = DirectoryRole
Kind = SecurityGroup.Kind

pytestmark = pytest.mark.django_db

LIST = reverse("roletemplates:list")
NEW = reverse("roletemplates:new")


def group(world, kind=Kind.HELPDESK_AGENTS, partner=None) -> SecurityGroup:
    return SecurityGroup.objects.get(tenant=(partner or world.partner_a).tenant, kind=kind)


@pytest.fixture
def tier1(world) -> SecurityGroup:
    return security_group_create(partner=world.partner_a, created_by=world.a_admin, name="Tier 1")


@pytest.fixture
def template(world, tier1) -> RoleTemplate:
    return role_template_create(
        partner=world.partner_a,
        created_by=world.a_admin,
        name="Helpdesk, least privilege",
        entries={R.HELPDESK_ADMINISTRATOR: group(world), R.USER_ADMINISTRATOR: tier1},
    )


def entries_of(template: RoleTemplate) -> dict[str, str]:
    return {entry.role: entry.security_group.name for entry in template.entries.select_related("security_group")}


def form_data(name: str, **groups: SecurityGroup) -> dict[str, str]:
    return {"name": name, **{f"group_{role}": str(g.public_id) for role, g in groups.items()}}


def test_an_admin_agent_creates_a_template_with_a_group_for_each_role(world, client_for, tier1):
    client = client_for("a_admin")
    page = client.get(NEW).content.decode()
    assert "Helpdesk Administrator" in page and "Tier 1" in page and "Not included" in page
    response = client.post(NEW, form_data("Helpdesk, least privilege", helpdesk_admin=group(world), user_admin=tier1))
    assert response.status_code == 302 and response["Location"] == LIST
    template = RoleTemplate.objects.get(partner=world.partner_a)
    assert template.name == "Helpdesk, least privilege"
    assert entries_of(template) == {R.HELPDESK_ADMINISTRATOR: "Helpdesk Agents", R.USER_ADMINISTRATOR: "Tier 1"}
    event = AuditEvent.objects.get(action=AuditAction.ROLE_TEMPLATE_CREATE)
    assert event.actor == world.a_admin and event.details["name"] == "Helpdesk, least privilege"
    assert event.details["roles"] == [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR]


@pytest.mark.parametrize("persona", ["a_sales", "a_helpdesk"])
def test_other_agents_read_templates_and_change_nothing(world, client_for, template, persona):
    client = client_for(persona)
    body = client.get(LIST).content.decode()
    assert "Helpdesk, least privilege" in body and "User Administrator" in body and "Tier 1" in body
    assert NEW not in body and reverse("roletemplates:edit", args=[template.public_id]) not in body
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data("Mine", user_admin=group(world))).status_code == 403
    edit = reverse("roletemplates:edit", args=[template.public_id])
    assert client.post(edit, form_data("Renamed", user_admin=group(world))).status_code == 403
    assert client.post(reverse("roletemplates:delete", args=[template.public_id])).status_code == 403
    assert RoleTemplate.objects.get().name == "Helpdesk, least privilege"


def test_names_are_unique_per_partner_whatever_the_case(world, client_for, template):
    response = client_for("a_admin").post(NEW, form_data("HELPDESK,  least privilege", user_admin=group(world)))
    assert response.status_code == 400
    assert "already has a role template with this name" in response.content.decode()
    assert RoleTemplate.objects.count() == 1
    # Another partner may use the same name.
    response = client_for("b_admin").post(
        NEW, form_data("Helpdesk, least privilege", user_admin=group(world, partner=world.partner_b))
    )
    assert response.status_code == 302 and RoleTemplate.objects.filter(partner=world.partner_b).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 51}, "at most 50 characters"),
        ({"name": "No roles"}, "Choose at least one role"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(world, client_for, data, message):
    response = client_for("a_admin").post(NEW, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not RoleTemplate.objects.exists() and not AuditEvent.objects.filter(action__startswith="role_template")


def test_another_partners_group_is_not_a_choice(world, client_for):
    b_group = group(world, Kind.ADMIN_AGENTS, partner=world.partner_b)
    response = client_for("a_admin").post(NEW, form_data("Theirs", user_admin=b_group))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert not RoleTemplate.objects.exists()


def test_edit_sets_name_and_groups_and_delete_asks_first(world, client_for, template, tier1):
    client = client_for("a_admin")
    edit = reverse("roletemplates:edit", args=[template.public_id])
    page = client.get(edit).content.decode()
    assert 'value="Helpdesk, least privilege"' in page and f'value="{tier1.public_id}" selected' in page
    response = client.post(edit, form_data("Helpdesk", global_reader=tier1))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Helpdesk" and entries_of(template) == {R.GLOBAL_READER: "Tier 1"}
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_TEMPLATE_UPDATE, object_id=str(template.public_id))

    delete = reverse("roletemplates:delete", args=[template.public_id])
    confirmation = client.get(delete)
    assert confirmation.status_code == 200 and "Delete the role template Helpdesk?" in confirmation.content.decode()
    assert RoleTemplate.objects.exists()
    assert client.post(delete).status_code == 302
    assert not RoleTemplate.objects.exists()
    assert AuditEvent.objects.get(action=AuditAction.ROLE_TEMPLATE_DELETE).details["name"] == "Helpdesk"


def test_another_partners_template_does_not_exist(world, client_for, template):
    client = client_for("b_admin")
    for name in ("edit", "delete"):
        assert client.get(reverse(f"roletemplates:{name}", args=[template.public_id])).status_code == 404
        assert client.post(reverse(f"roletemplates:{name}", args=[template.public_id])).status_code == 404
    assert "Helpdesk, least privilege" not in client.get(LIST).content.decode()
    assert RoleTemplate.objects.get().name == "Helpdesk, least privilege"


# --- Requests from a template ------------------------------------------------------------------------------------


def new_url(world) -> str:
    return reverse("customers:admin_relationship_new", args=[world.customer_x.public_id])


def test_a_request_starts_from_a_template_with_its_roles_chosen(world, client_for, template):
    client = client_for("a_admin")
    page = client.get(new_url(world), {"template": template.public_id}).content.decode()
    assert 'value="helpdesk_admin" id="id_roles_1" aria-describedby="id_roles_1_help" checked' in page
    assert f'name="template" value="{template.public_id}"' in page
    assert "User Administrator → Tier 1" in page
    response = client.post(
        new_url(world),
        {
            "display_name": "Contoso helpdesk",
            "duration_days": "30",
            "roles": [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR],
            "template": str(template.public_id),
        },
    )
    assert response.status_code == 302
    templated = TemplatedRelationship.objects.get(relationship__display_name="Contoso helpdesk")
    assert templated.template == template and templated.template_name == "Helpdesk, least privilege"
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_RELATIONSHIP_CREATE)
    assert event.details["template"] == "Helpdesk, least privilege"
    detail = client.get(response["Location"]).content.decode()
    assert "Requested from the role template Helpdesk, least privilege." in detail


def test_another_partners_template_cannot_start_a_request(world, client_for):
    theirs = role_template_create(
        partner=world.partner_b,
        created_by=world.b_admin,
        name="Theirs",
        entries={R.USER_ADMINISTRATOR: group(world, partner=world.partner_b)},
    )
    response = client_for("a_admin").post(
        new_url(world),
        {
            "display_name": "X",
            "duration_days": "30",
            "roles": [R.USER_ADMINISTRATOR],
            "template": str(theirs.public_id),
        },
    )
    assert response.status_code == 400 and "Choose one of your organization&#x27;s role templates." in (
        response.content.decode()
    )
    assert not TemplatedRelationship.objects.exists()


def _request(world, template, roles) -> object:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="From template",
        roles=roles,
        duration_days=30,
        template=template,
    )
    return admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin).relationship


def test_approval_gives_the_templates_groups_their_roles_without_a_second_step(
    world, template, tier1, django_capture_on_commit_callbacks
):
    member = UserFactory(tenant=world.partner_a.tenant, email="tier1@fabrikam.test")
    mfa_enable(member)
    security_group_member_add(group=tier1, user=member, added_by=world.a_admin)
    # The agent left User Administrator's twin out: only the roles asked for are assigned.
    relationship = _request(world, template, [R.USER_ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    (assignment,) = AccessAssignment.objects.filter(relationship=relationship)
    assert (assignment.security_group, assignment.roles) == (tier1, [R.USER_ADMINISTRATOR])
    assert assignment.status == AccessAssignment.Status.ACTIVE  # the task ran after the commit
    assert effective_roles(member, world.customer_x) == frozenset({R.USER_ADMINISTRATOR})
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_ASSIGNMENT_CREATE)
    assert event.details["template"] == "Helpdesk, least privilege" and event.details["group"] == "Tier 1"
    assert event.target_tenant == world.customer_x and event.on_behalf


def test_template_edits_after_finalize_do_not_change_what_the_request_assigns(world, template, tier1):
    relationship = _request(world, template, [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR])
    role_template_update(
        template=template,
        changed_by=world.a_admin,
        name="Changed",
        entries={R.HELPDESK_ADMINISTRATOR: tier1, R.USER_ADMINISTRATOR: tier1},
    )
    admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    assigned = {
        a.security_group.name: a.roles
        for a in AccessAssignment.objects.filter(relationship=relationship).select_related("security_group")
    }
    assert assigned == {"Helpdesk Agents": [R.HELPDESK_ADMINISTRATOR], "Tier 1": [R.USER_ADMINISTRATOR]}
    assert all(a.status == AccessAssignment.Status.PENDING for a in AccessAssignment.objects.all())


def test_a_template_deleted_after_finalize_still_assigns_and_approval_applies_it_once(world, client_for, template):
    relationship = _request(world, template, [R.HELPDESK_ADMINISTRATOR])
    client_for("a_admin").post(reverse("roletemplates:delete", args=[template.public_id]))
    assert not RoleTemplate.objects.exists()
    admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    assert AccessAssignment.objects.filter(relationship=relationship).count() == 1
    templated = TemplatedRelationship.objects.get(relationship=relationship)
    assert templated.applied_at is not None and templated.template is None


def test_a_request_without_a_template_assigns_nothing_on_approval(world):
    relationship = _request(world, None, [R.HELPDESK_ADMINISTRATOR])
    admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    assert not AccessAssignment.objects.exists() and not TemplatedRelationship.objects.exists()


def test_the_list_costs_the_same_queries_for_one_template_or_many(
    world, client_for, tier1, django_assert_max_num_queries
):
    client = client_for("a_admin")
    role_template_create(partner=world.partner_a, created_by=world.a_admin, name="T0", entries={R.GLOBAL_READER: tier1})
    client.get(LIST)  # warm the session's MFA flag
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for i in range(1, 15):
        role_template_create(
            partner=world.partner_a,
            created_by=world.a_admin,
            name=f"T{i}",
            entries={R.GLOBAL_READER: tier1, R.USER_ADMINISTRATOR: group(world)},
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(LIST).content.decode()
    assert "T14" in body


def test_the_services_keep_the_rules_whoever_calls_them(world, template):
    """Another tenant's group in a template, or another partner's template for a request: refused, nothing written."""
    b_group = group(world, Kind.ADMIN_AGENTS, partner=world.partner_b)
    with pytest.raises(ValidationError, match="security groups"):
        role_template_create(
            partner=world.partner_a, created_by=world.a_admin, name="Theirs", entries={R.GLOBAL_READER: b_group}
        )
    with pytest.raises(ValidationError, match="security groups"):
        role_template_update(
            template=template, changed_by=world.a_admin, name="Same", entries={R.GLOBAL_READER: b_group}
        )
    with pytest.raises(ValidationError, match="role templates"):
        admin_relationship_create(
            partner=world.partner_b,
            customer=world.customer_y,
            created_by=world.b_admin,
            display_name="With A's template",
            roles=[R.HELPDESK_ADMINISTRATOR],
            template=template,
        )
    template.refresh_from_db()
    assert template.name == "Helpdesk, least privilege" and len(entries_of(template)) == 2
    assert RoleTemplate.objects.count() == 1 and not TemplatedRelationship.objects.exists()
