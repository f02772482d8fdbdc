"""Customers > Request admin relationships: an Admin agent selects several customers, chooses a role template, a name
(made unique with each customer's name or a number), a duration and auto extend; a task creates one admin
relationship and one personalized link per customer, finalizes it and emails it to the customer's Global admins
through the outbox; the results page says, customer by customer, sent or why not, and reloads itself until done.
Only Admin agents; only the partner's own customers."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admin_relationships.models import BulkRequest, BulkRequestItem, TemplatedRelationship
from admin_relationships.selectors import admin_relationship_by_token
from admin_relationships.services import (
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationships_bulk_run,
    role_template_create,
)
from admin_relationships.tasks import bulk_request_sweep
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    AuditAction,
    AuditEvent,
    DirectoryRole,
    OutboxEmail,
    ResellerRelationship,
    SecurityGroup,
    Tenant,
)

from ..factories import ResellerRelationshipFactory, TenantFactory, UserFactory

R = DirectoryRole
Item = BulkRequestItem
pytestmark = pytest.mark.django_db

NEW = reverse("customers:admin_relationships_bulk_new")


@pytest.fixture
def template(world):
    helpdesk = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    return role_template_create(
        partner=world.partner_a,
        created_by=world.a_admin,
        name="Helpdesk, least privilege",
        entries={R.HELPDESK_ADMINISTRATOR: helpdesk, R.USER_ADMINISTRATOR: helpdesk},
    )


def add_customer(world, name: str, *, global_admin: bool = True) -> Tenant:
    domain = re.sub(r"\W", "", name.lower()) + ".test"
    tenant = TenantFactory(name=name, primary_domain=domain)
    ResellerRelationshipFactory(partner=world.partner_a, customer=tenant)
    if global_admin:
        UserFactory(tenant=tenant, email=f"ga@{domain}", roles=[R.GLOBAL_ADMINISTRATOR])
    return tenant


def post_data(chosen, customers, **extra) -> dict:
    return {
        "customer": [str(c.public_id) for c in customers],
        "template": str(chosen.public_id),
        "base_name": "Helpdesk",
        "suffix": "customer",
        "duration_days": "90",
        **extra,
    }


def request_bulk(client, template, customers, capture, **extra):
    with capture(execute=True):  # the task runs after the commit, in-process as in the embedded default
        return client.post(NEW, post_data(template, customers, **extra))


def test_the_customers_page_offers_selection_to_admin_agents_only(world, client_for):
    body = client_for("a_admin").get(reverse("customers:list")).content.decode()
    assert 'id="bulk-request"' in body and f'name="customer" value="{world.customer_x.public_id}"' in body
    assert "Request admin relationships" in body
    body = client_for("a_sales").get(reverse("customers:list")).content.decode()
    assert 'id="bulk-request"' not in body and 'name="customer"' not in body


def test_an_admin_agent_requests_relationships_of_several_customers(
    world, client_for, template, django_capture_on_commit_callbacks
):
    fourth = add_customer(world, "Adatum")
    client = client_for("a_admin")
    form = client.get(NEW, {"customer": [world.customer_x.public_id, fourth.public_id]})
    assert form.status_code == 200
    body = form.content.decode()
    assert "2 customers selected" in body and "Contoso" in body and "Adatum" in body
    assert "Helpdesk Administrator → Helpdesk Agents" in body

    response = request_bulk(client, template, [world.customer_x, fourth], django_capture_on_commit_callbacks)
    bulk = BulkRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:admin_relationships_bulk", args=[bulk.public_id])
    assert bulk.status == BulkRequest.Status.DONE

    relationships = AdminRelationship.objects.filter(partner=world.partner_a).order_by("display_name")
    assert [(r.display_name, r.customer, r.status, r.roles, r.duration_days) for r in relationships] == [
        ("Helpdesk - Adatum", fourth, "approvalPending", [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR], 90),
        (
            "Helpdesk - Contoso",
            world.customer_x,
            "approvalPending",
            [R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR],
            90,
        ),
    ]
    assert TemplatedRelationship.objects.filter(template=template, snapshot_at__isnull=False).count() == 2
    # One personalized link per customer, to each of its Global admins.
    emails = {email.to: email for email in OutboxEmail.objects.all()}
    assert set(emails) == {world.x_ga.email, "ga@adatum.test"}
    links = set()
    for email in emails.values():
        assert email.subject == "Fabrikam requests admin roles in your organization"
        (link,) = re.findall(r"http\S+/admin-relationships/approve/[\w-]+/", email.body_text)
        assert link in email.body_html
        links.add(link)
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert admin_relationship_by_token(token).customer.primary_domain == email.to.split("@")[1]
    assert len(links) == 2
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_BULK_REQUEST).get().details["customers"] == 2
    assert AuditEvent.objects.filter(action=AuditAction.ADMIN_RELATIONSHIP_SEND).count() == 2

    results = client.get(response["Location"])
    page = results.content.decode()
    assert "2 of 2 sent, 0 failed." in page and page.count("Sent to 1 Global admin") == 2
    assert "Refresh" not in results  # done: no more reloads


def test_a_customer_approves_and_the_templates_groups_get_their_roles(
    world, client_for, template, django_capture_on_commit_callbacks
):
    request_bulk(client_for("a_admin"), template, [world.customer_x], django_capture_on_commit_callbacks)
    relationship = AdminRelationship.objects.get(customer=world.customer_x)
    with django_capture_on_commit_callbacks(execute=True):
        admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    (assignment,) = AccessAssignment.objects.filter(relationship=relationship)
    assert assignment.security_group.kind == SecurityGroup.Kind.HELPDESK_AGENTS
    assert (assignment.roles, assignment.status) == ([R.HELPDESK_ADMINISTRATOR, R.USER_ADMINISTRATOR], "active")


def test_each_customer_fails_alone_with_its_reason(world, client_for, template, django_capture_on_commit_callbacks):
    admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="helpdesk - CONTOSO",
        roles=[R.GLOBAL_READER],
    )
    lonely = add_customer(world, "Proseware", global_admin=False)
    fine = add_customer(world, "Adatum")
    client = client_for("a_admin")
    response = request_bulk(client, template, [world.customer_x, lonely, fine], django_capture_on_commit_callbacks)
    items = {item.customer: item for item in Item.objects.all()}
    assert (items[world.customer_x].status, items[world.customer_x].failure) == ("failed", Item.Failure.NAME_TAKEN)
    assert (items[lonely].status, items[lonely].failure) == ("failed", Item.Failure.NO_GLOBAL_ADMIN)
    assert items[fine].status == "sent" and items[fine].relationship.display_name == "Helpdesk - Adatum"
    # Nothing half written for the failed ones: no relationship, no email.
    assert not AdminRelationship.objects.filter(customer=lonely).exists()
    assert AdminRelationship.objects.filter(customer=world.customer_x).count() == 1
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["ga@adatum.test"]
    page = client.get(response["Location"]).content.decode()
    assert "1 of 3 sent, 2 failed." in page
    assert "Your organization already has an admin relationship with this name." in page
    assert "The customer has no Global admin to send the request to." in page


def test_numbers_keep_names_unique(world, client_for, template, django_capture_on_commit_callbacks):
    second = add_customer(world, "Adatum")
    request_bulk(
        client_for("a_admin"), template, [world.customer_x, second], django_capture_on_commit_callbacks, suffix="number"
    )
    names = dict(AdminRelationship.objects.values_list("customer__name", "display_name"))
    assert names == {"Adatum": "Helpdesk 1", "Contoso": "Helpdesk 2"}


def test_a_second_run_changes_nothing(world, client_for, template, django_capture_on_commit_callbacks):
    request_bulk(client_for("a_admin"), template, [world.customer_x], django_capture_on_commit_callbacks)
    bulk = BulkRequest.objects.get()
    BulkRequest.objects.filter(pk=bulk.pk).update(status=BulkRequest.Status.RUNNING)  # as if a worker died
    admin_relationships_bulk_run(bulk_id=bulk.pk)
    assert AdminRelationship.objects.count() == 1 and OutboxEmail.objects.count() == 1


def test_the_results_page_reloads_itself_while_customers_wait(world, client_for, template):
    client = client_for("a_admin")
    client.post(NEW, post_data(template, [world.customer_x]))  # the task is queued after a commit that never comes
    bulk = BulkRequest.objects.get()
    response = client.get(reverse("customers:admin_relationships_bulk", args=[bulk.public_id]))
    assert response["Refresh"] == "3" and "Queued" in response.content.decode()
    assert "0 of 1 sent, 0 failed." in response.content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"base_name": ""}, "This field is required."),
        ({"duration_days": "731"}, "less than or equal to 730"),
        ({"suffix": "emoji"}, "Select a valid choice"),
        ({"template": ""}, "This field is required."),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(world, client_for, template, extra, message):
    response = client_for("a_admin").post(NEW, post_data(template, [world.customer_x], **extra))
    assert response.status_code == 400 and message in response.content.decode()
    assert not BulkRequest.objects.exists() and not AdminRelationship.objects.exists()


def test_auto_extend_is_refused_with_global_administrator(world, client_for):
    admins = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.ADMIN_AGENTS)
    template = role_template_create(
        partner=world.partner_a, created_by=world.a_admin, name="Everything", entries={R.GLOBAL_ADMINISTRATOR: admins}
    )
    response = client_for("a_admin").post(NEW, post_data(template, [world.customer_x], auto_extend="on"))
    assert response.status_code == 400 and "extended automatically" in response.content.decode()
    assert not BulkRequest.objects.exists()


def test_only_admin_agents_and_only_their_own_customers(world, client_for, template):
    for persona in ("a_sales", "a_helpdesk"):
        assert client_for(persona).get(NEW, {"customer": world.customer_x.public_id}).status_code == 403
        assert client_for(persona).post(NEW, post_data(template, [world.customer_x])).status_code == 403
    client = client_for("a_admin")
    # Partner B's customer, or one that is no one's, makes the selection unknown.
    assert client.post(NEW, post_data(template, [world.customer_x, world.customer_y])).status_code == 404
    assert client.get(NEW, {"customer": [world.customer_y.public_id]}).status_code == 404
    assert client.get(NEW, {"customer": ["not-an-id"]}).status_code == 404
    assert not BulkRequest.objects.exists()
    # Nothing selected: back to Customers, with the reason.
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"] == reverse("customers:list")


def test_another_partners_template_and_results_are_not_theirs(world, client_for, template):
    b_template = role_template_create(
        partner=world.partner_b,
        created_by=world.b_admin,
        name="Northwind",
        entries={R.GLOBAL_READER: SecurityGroup.objects.get(tenant=world.partner_b.tenant, kind="admin_agents")},
    )
    response = client_for("a_admin").post(NEW, post_data(b_template, [world.customer_x]))
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    client_for("a_admin").post(NEW, post_data(template, [world.customer_x]))
    results = reverse("customers:admin_relationships_bulk", args=[BulkRequest.objects.get().public_id])
    assert client_for("b_admin").get(results).status_code == 404
    assert client_for("a_sales").get(results).status_code == 403


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return len(queries)


def test_the_request_and_results_are_flat_and_the_run_costs_the_same_per_customer(
    world, client_for, template, django_capture_on_commit_callbacks
):
    client = client_for("a_admin")
    client.get(reverse("customers:list"))  # the session's first request warms its caches; not measured
    few = [world.customer_x, add_customer(world, "Adatum 0")]
    many = few + [add_customer(world, f"Adatum {n}") for n in range(1, 21)]
    counts = {}
    for label, customers in (("few", few), ("many", many)):
        AdminRelationship.objects.all().delete()
        counts[f"form-{label}"] = _queries(lambda c=customers: client.get(NEW, {"customer": [x.public_id for x in c]}))
        counts[f"post-{label}"] = _queries(lambda c=customers: client.post(NEW, post_data(template, c)))
        bulk = BulkRequest.objects.latest("id")
        counts[f"run-{label}"] = _queries(lambda b=bulk: admin_relationships_bulk_run(bulk_id=b.pk))
        url = reverse("customers:admin_relationships_bulk", args=[bulk.public_id])
        counts[f"results-{label}"] = _queries(lambda u=url: client.get(u))
        assert Item.objects.filter(bulk=bulk, status="sent").count() == len(customers)
    for page in ("form", "post", "results"):
        assert counts[f"{page}-few"] == counts[f"{page}-many"], counts
    per_customer = (counts["run-many"] - counts["run-few"]) / (len(many) - len(few))
    assert per_customer <= 30, counts  # its relationship, link, snapshot, emails and audit events; savepoints
    print(
        f"bulk run: {counts['run-few']} queries for 2 customers, {counts['run-many']} for 22 ({per_customer}/customer)"
    )


def test_a_customer_lost_or_a_template_deleted_before_the_run_fails_with_the_reason(world, client_for, template):
    client = client_for("a_admin")
    gone = add_customer(world, "Adatum")
    client.post(NEW, post_data(template, [world.customer_x, gone]))  # queued: its commit never comes in this test
    ResellerRelationship.objects.filter(partner=world.partner_a, customer=gone).update(is_active=False)
    bulk = BulkRequest.objects.get()
    admin_relationships_bulk_run(bulk_id=bulk.pk)
    items = {item.customer: item for item in Item.objects.all()}
    assert (items[gone].status, items[gone].failure) == ("failed", Item.Failure.NOT_A_CUSTOMER)
    assert items[world.customer_x].status == "sent"

    client.post(NEW, post_data(template, [world.customer_x], base_name="Second"))
    template.delete()
    second = BulkRequest.objects.latest("id")
    admin_relationships_bulk_run(bulk_id=second.pk)
    (item,) = second.items.all()
    assert (item.status, item.failure) == ("failed", Item.Failure.TEMPLATE_GONE)
    assert (
        "The role template was deleted."
        in client.get(reverse("customers:admin_relationships_bulk", args=[second.public_id])).content.decode()
    )


def test_the_sweep_runs_again_what_lost_its_task(world, client_for, template):
    client = client_for("a_admin")
    client.post(NEW, post_data(template, [world.customer_x]))  # the task is never queued: no commit here
    bulk = BulkRequest.objects.get()
    assert bulk_request_sweep() == 0  # too recent: its task may still come
    BulkRequest.objects.filter(pk=bulk.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert bulk_request_sweep() == 1  # in-process here, as in the embedded default
    bulk.refresh_from_db()
    assert bulk.status == BulkRequest.Status.DONE and Item.objects.get().status == "sent"
    assert bulk_request_sweep() == 0


def test_the_partners_activity_log_says_what_was_done(world, client_for, template, django_capture_on_commit_callbacks):
    client = client_for("a_admin")
    request_bulk(client, template, [world.customer_x], django_capture_on_commit_callbacks)
    body = client.get(reverse("partnersettings:activity")).content.decode()
    assert "Requested admin relationships in bulk" in body and "Created a role template" in body
    assert "Helpdesk, least privilege" in body
