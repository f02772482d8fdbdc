"""Every destructive or link-invalidating action asks first, on a page that works without JavaScript: the page that
offers the action links to a question (a GET) that says what will happen, with Cancel and the button that does it
(a POST). Asking changes nothing; confirming does the change.

The actions here: the customer's Reject of an admin relationship request; Discard the list of a device list waiting
for confirmation, on both sides; Unassign a license; Remove a security group's roles in an admin relationship and
Remove Global Administrator from it; Remove a member of a security group; Revoke a client secret and Remove app.
Revoke, Resend, Decline and Remove profile have their own tests (tests/relationships, tests/autopilot)."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from autopilot.models import DeviceBatch
from customers.models import LicenseAssignment
from partnercenter.models import AccessAssignment, AdminRelationship, ApiApplication, ApiClientSecret, AuditEvent

from .confirmation_data import Scene, build_scene
from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world) -> Scene:
    return build_scene(world)


@dataclass(frozen=True)
class Case:
    persona: str
    page: Callable[[World, Scene], str]  # the page that offers the action, and where Cancel goes back to
    action: Callable[[World, Scene], str]
    question: Callable[[World, Scene], str]
    consequence: str
    button: str
    state: Callable[[World, Scene], object]  # what the confirmed action changes


def _x(w: World) -> str:
    return str(w.customer_x.public_id)


def _relationship_page(w: World, s: Scene) -> str:
    return reverse("customers:admin_relationship", args=[_x(w), s.relationship.public_id])


def _app_page(w: World, s: Scene) -> str:
    return reverse("partnersettings:app", args=[s.app.public_id])


CASES = {
    "reject": Case(
        "x_ga",
        lambda w, s: reverse("adminrelationships:approval", args=[s.request_token]),
        lambda w, s: reverse("adminrelationships:approval_reject", args=[s.request_token]),
        lambda w, s: "Reject the roles Fabrikam requested?",
        "Fabrikam gets none of these roles in your organization. This link stops working",
        "Reject",
        lambda w, s: AdminRelationship.objects.get(pk=s.request.pk).status,
    ),
    "partner_discard": Case(
        "a_admin",
        lambda w, s: reverse("customers:device_list", args=[_x(w), s.partner_batch.public_id]),
        lambda w, s: reverse("customers:device_list_discard", args=[_x(w), s.partner_batch.public_id]),
        lambda w, s: "Discard the device list Spring laptops?",
        "No device of this list is registered, not even the 2 rows that could be.",
        "Discard the list",
        lambda w, s: DeviceBatch.objects.get(pk=s.partner_batch.pk).state,
    ),
    "customer_discard": Case(
        "x_ga",
        lambda w, s: reverse("admincenter:device_list", args=[_x(w), s.customer_batch.public_id]),
        lambda w, s: reverse("admincenter:device_list_discard", args=[_x(w), s.customer_batch.public_id]),
        lambda w, s: "Discard the device list Office desktops?",
        "No device of this list is registered, not even the 2 rows that could be.",
        "Discard the list",
        lambda w, s: DeviceBatch.objects.get(pk=s.customer_batch.pk).state,
    ),
    "license_unassign": Case(
        "x_ga",
        lambda w, s: reverse("admincenter:subscription_detail", args=[_x(w), s.subscription.public_id]),
        lambda w, s: reverse(
            "admincenter:license_unassign", args=[_x(w), s.subscription.public_id, w.x_user.public_id]
        ),
        lambda w, s: f"Unassign the license of {w.x_user.display_name}?",
        "can no longer use Microsoft 365 Business Basic. The license becomes available to assign to someone else.",
        "Unassign",
        lambda w, s: LicenseAssignment.objects.filter(pk=s.license.pk).exists(),
    ),
    "access_assignment_remove": Case(
        "a_admin",
        _relationship_page,
        lambda w, s: reverse(
            "customers:access_assignment_remove", args=[_x(w), s.relationship.public_id, s.assignment.public_id]
        ),
        lambda w, s: "Remove the roles of Helpdesk Agents?",
        "The members of Helpdesk Agents lose these roles in Contoso at once.",
        "Remove",
        lambda w, s: AccessAssignment.objects.get(pk=s.assignment.pk).status,
    ),
    "remove_global_admin": Case(
        "a_admin",
        _relationship_page,
        lambda w, s: reverse(
            "customers:admin_relationship_remove_global_admin", args=[_x(w), s.relationship.public_id]
        ),
        lambda w, s: "Remove Global Administrator from Contoso support?",
        "Your security groups lose the Global Administrator role in Contoso at once",
        "Remove Global Administrator",
        lambda w, s: AdminRelationship.objects.get(pk=s.relationship.pk).roles,
    ),
    "security_group_member_remove": Case(
        "a_admin",
        lambda w, s: reverse("partnersettings:security_group", args=[s.group.public_id]),
        lambda w, s: reverse(
            "partnersettings:security_group_member_remove", args=[s.group.public_id, w.a_sales.public_id]
        ),
        lambda w, s: f"Remove {w.a_sales.display_name} from Tier 1?",
        "loses at once every role Tier 1 gives in customers' tenants through admin relationships.",
        "Remove",
        lambda w, s: s.group.members.filter(pk=w.a_sales.pk).exists(),
    ),
    "app_secret_revoke": Case(
        "a_admin",
        _app_page,
        lambda w, s: reverse("partnersettings:app_secret_revoke", args=[s.app.public_id, s.secret.public_id]),
        lambda w, s: "Revoke this client secret?",
        "The secret and every token obtained with it stop working at once",
        "Revoke",
        lambda w, s: ApiClientSecret.objects.get(pk=s.secret.pk).revoked_at is None,
    ),
    "app_remove": Case(
        "a_admin",
        _app_page,
        lambda w, s: reverse("partnersettings:app_remove", args=[s.app.public_id]),
        lambda w, s: "Remove the app Automation?",
        "Its client secrets and every token obtained with them stop working at once",
        "Remove app",
        lambda w, s: ApiApplication.objects.get(pk=s.app.pk).removed_at is None,
    ),
}
NAMES = list(CASES)


@pytest.mark.parametrize("name", NAMES)
def test_the_page_links_to_the_question_not_to_a_one_click_action(world, scene, client_for, name):
    case = CASES[name]
    page = client_for(case.persona).get(case.page(world, scene)).content.decode()
    url = case.action(world, scene)
    assert f'href="{url}"' in page
    assert f'action="{url}"' not in page and f'formaction="{url}"' not in page


@pytest.mark.parametrize("name", NAMES)
def test_the_question_says_what_happens_and_changes_nothing(world, scene, client_for, name):
    case = CASES[name]
    before = (case.state(world, scene), AuditEvent.objects.count())
    response = client_for(case.persona).get(case.action(world, scene))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"<h1>{case.question(world, scene)}</h1>" in page
    assert case.consequence in page
    # The button posts to this page; Cancel goes back to where the action was offered.
    assert re.search(rf'<form method="post" class="form">.*>{re.escape(case.button)}</button>', page, re.S)
    assert f'<a class="btn" href="{case.page(world, scene)}">Cancel</a>' in page
    assert (case.state(world, scene), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("name", NAMES)
def test_the_confirmed_post_does_it(world, scene, client_for, name):
    case = CASES[name]
    before = case.state(world, scene)
    response = client_for(case.persona).post(case.action(world, scene))
    assert response.status_code == 302
    assert case.state(world, scene) != before


@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        ("reject", "x_user", 403),  # the permission-required page, not the question
        ("reject", "anon", 302),  # sign in first
        ("partner_discard", "a_helpdesk", 403),
        ("customer_discard", "a_admin", 403),  # partners add devices as themselves, not as the organization
        ("license_unassign", "y_ga", 404),
        ("access_assignment_remove", "a_sales", 403),
        ("remove_global_admin", "b_admin", 404),
        ("security_group_member_remove", "a_helpdesk", 403),
        ("app_secret_revoke", "a_sales", 403),
        ("app_remove", "b_admin", 404),
    ],
)
def test_only_who_may_do_it_is_asked(world, scene, client_for, name, persona, status):
    case = CASES[name]
    response = client_for(persona).get(case.action(world, scene))
    assert response.status_code == status
    assert case.question(world, scene) not in html.unescape(response.content.decode())


def test_what_is_already_done_is_not_asked_again(world, scene, client_for):
    """A question about something no longer there sends back to its page with the reason."""
    admin, x_ga = client_for("a_admin"), client_for("x_ga")
    for persona, name in [
        ("a_admin", "partner_discard"),
        ("x_ga", "customer_discard"),
        ("a_admin", "app_secret_revoke"),
    ]:
        client = admin if persona == "a_admin" else x_ga
        case = CASES[name]
        client.post(case.action(world, scene))
        response = client.get(case.action(world, scene))
        assert response.status_code == 302 and response["Location"] == case.page(world, scene)
    x_ga.post(CASES["license_unassign"].action(world, scene))
    response = x_ga.get(CASES["license_unassign"].action(world, scene), follow=True)
    assert "has no license for this subscription" in response.content.decode()
    admin.post(CASES["remove_global_admin"].action(world, scene))
    response = admin.get(CASES["remove_global_admin"].action(world, scene), follow=True)
    assert "doesn&#x27;t include the Global Administrator role" in response.content.decode()
    x_ga.post(CASES["reject"].action(world, scene))
    assert x_ga.get(CASES["reject"].action(world, scene)).status_code == 404  # the link is gone
