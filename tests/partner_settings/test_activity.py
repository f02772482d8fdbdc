"""Activity: the customer's admin center page (what was done in the tenant, including by partners on its behalf) and
the partner's activity log (its users' actions, filtered, exported to CSV)."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from azure_subscriptions.services import azure_subscription_provision, resource_group_create, role_assignment_create
from customers.catalogue import Product
from customers.models import Subscription
from customers.services import license_assign, subscription_create
from partner_settings.activity_views import CUSTOMER_CHOICES
from partnercenter.audit import audit_record
from partnercenter.audit_labels import details_summary
from partnercenter.models import AuditAction, AuditEvent, DirectoryRole, ResellerRelationship, SecurityGroup
from partnercenter.other_partners import other_partners_for

from ..factories import TenantFactory, UserFactory
from ..other_partners import leaked, northwind_works_for_contoso

Kind = SecurityGroup.Kind


def _at(event: AuditEvent, when: datetime) -> AuditEvent:
    AuditEvent.objects.filter(pk=event.pk).update(at=when)
    event.refresh_from_db()
    return event


def _day(year, month, day, hour=12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


# Admin center > Activity.


def _activity_url(world):
    return reverse("admincenter:activity", args=[world.customer_x.public_id])


def test_customer_sees_what_a_partner_agent_did_on_its_behalf(world, client_for):
    subscription = Subscription.objects.create(tenant=world.customer_x, product=Product.O365_E3, seats=5)
    license_assign(subscription=subscription, user=world.x_user, assigned_by=world.a_admin, partner=world.partner_a)
    page = client_for("x_ga").get(_activity_url(world)).content.decode()
    assert "Assigned a license" in page
    assert f"{world.a_admin.display_name} (Fabrikam, on your behalf)" in page
    assert world.x_user.email in page and "Office 365 E3" in page


def test_customer_sees_its_own_users_actions_by_name_and_a_partners_sale_on_its_behalf(world, client_for):
    subscription_create(
        customer=world.customer_x, partner=world.partner_a, product=Product.M365_E5, seats=3, created_by=world.a_sales
    )
    audit_record(actor=world.x_ga, action="tenant.create", target_tenant=world.customer_x, details={"name": "Contoso"})
    page = client_for("x_ga").get(_activity_url(world)).content.decode()
    assert f"<td>{world.x_ga.display_name}</td>" in page
    assert "Created the organization" in page
    assert f"{world.a_sales.display_name} (Fabrikam, on your behalf)" in page and "Added a subscription" in page


def test_customer_activity_is_newest_first(world, client_for):
    _at(audit_record(actor=world.x_ga, action="role.assign", target_tenant=world.customer_x), _day(2024, 1, 1))
    _at(audit_record(actor=world.x_ga, action="role.remove", target_tenant=world.customer_x), _day(2024, 3, 1))
    page = client_for("x_ga").get(_activity_url(world)).content.decode()
    assert page.index("Removed a role assignment") < page.index("Assigned a role")


def test_customer_activity_shows_nothing_of_other_tenants(world, client_for):
    audit_record(
        actor=world.y_ga, action="user.create", target_tenant=world.customer_y, details={"user": "new@litware.test"}
    )
    audit_record(actor=world.b_admin, action="subscription.create", target_tenant=world.customer_y)
    audit_record(actor=world.a_admin, action="relationship_request.create")  # partner A's own business
    page = client_for("x_ga").get(_activity_url(world)).content.decode()
    assert "No activity yet." in page
    assert "litware" not in page.lower() and "Northwind" not in page


def test_a_partner_reads_the_customers_activity_without_its_other_partners(world, client_for):
    two = northwind_works_for_contoso(world)
    url = reverse("admincenter:activity", args=[world.customer_x.public_id])
    body = client_for("a_admin").get(url).content.decode()
    assert leaked(body, two) == []
    # Northwind's objects: its resource group, and the subscription it provisioned (in Contoso's events about it too).
    assert "rg-nw-only" not in body and "Contoso analytics" not in body
    # Northwind's events stay, done by "Another partner", without their details; Contoso's own events keep theirs,
    # with Northwind's group as another partner's.
    assert "Another partner" in body and "Provisioned an Azure subscription" in body
    assert "Helpdesk Agents — Another partner" in body and "Contoso production" in body
    assert other_partners_for(world.customer_x, world.partner_a).names == {"Northwind"}
    # The customer's own Global admin reads every partner's name, people and objects.
    body = client_for("x_ga").get(url).content.decode()
    assert "Northwind" in body and world.b_admin.get_full_name() in body
    assert "rg-nw-only" in body and "Contoso analytics" in body and "Another partner" not in body


def test_an_unknown_action_code_is_shown_as_it_is(world, client_for):
    # Services can no longer write one (audit_record takes an AuditAction), but a stored event may keep a code
    # that a later version no longer has.
    AuditEvent.objects.create(
        actor=world.x_ga, actor_tenant=world.customer_x, action="something.new", target_tenant=world.customer_x
    )
    assert "something.new" in client_for("x_ga").get(_activity_url(world)).content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (DirectoryRole.GLOBAL_ADMINISTRATOR, 200),
        (DirectoryRole.GLOBAL_READER, 200),
        (DirectoryRole.USER_ADMINISTRATOR, 403),
        (DirectoryRole.HELPDESK_ADMINISTRATOR, 403),
        (None, 403),
    ],
)
def test_global_admins_and_global_readers_see_the_activity(world, client, role, status):
    client.force_login(UserFactory(tenant=world.customer_x, roles=[role] if role else []))
    assert client.get(_activity_url(world)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("a_admin", 200), ("a_helpdesk", 403), ("a_sales", 403), ("b_admin", 404), ("y_ga", 404)]
)
def test_partner_agents_see_the_customers_activity_per_their_effective_roles(world, client_for, persona, status):
    assert client_for(persona).get(_activity_url(world)).status_code == status


def test_customer_activity_answers_405_to_post(world, client_for):
    assert client_for("x_ga").post(_activity_url(world)).status_code == 405


def _add_customer_events(world, count):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=world.a_admin if n % 2 else world.x_ga,
            actor_email="x",
            actor_tenant=world.partner_a.tenant if n % 2 else world.customer_x,
            target_tenant=world.customer_x,
            action="license.assign",
            details={"user": f"u{n}@contoso.test", "product": Product.M365_E5},
            on_behalf=bool(n % 2),
        )
        for n in range(count)
    )


def _queries(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries), body.decode()


@pytest.mark.parametrize("persona", ["x_ga", "a_admin"])
def test_customer_activity_queries_do_not_grow_with_events(world, client_for, persona):
    client = client_for(persona)
    client.get(_activity_url(world))
    _add_customer_events(world, 10)
    small, _page = _queries(client, _activity_url(world))
    _add_customer_events(world, 290)
    large, page = _queries(client, _activity_url(world))
    assert "Page 1</span>" in page and 'rel="next"' in page  # the customer's Activity shows no count
    assert large == small, f"{small} queries for 10 events, {large} for 300"


# Partner settings > Activity log.

LOG = "partnersettings:activity"
EXPORT = "partnersettings:activity_export"


@pytest.fixture
def log(world):
    """Partner A's users' events over three days of March 2024, and one of partner B's."""
    other_customer = TenantFactory(name="Adatum", primary_domain="adatum.test")
    ResellerRelationship.objects.create(partner=world.partner_a, customer=other_customer)
    events = {
        "early": _at(
            audit_record(actor=world.a_sales, action="subscription.create", target_tenant=world.customer_x),
            _day(2024, 3, 1, 9),
        ),
        "middle": _at(
            audit_record(
                actor=world.a_admin,
                action="license.assign",
                target_tenant=world.customer_x,
                details={"user": "user@contoso.test", "product": Product.O365_E3},
                acting_for=world.partner_a,
            ),
            _day(2024, 3, 2, 23),
        ),
        "late": _at(
            audit_record(actor=world.a_admin, action="subscription.create", target_tenant=other_customer),
            _day(2024, 3, 3, 0),
        ),
        "theirs": _at(
            audit_record(actor=world.b_admin, action="subscription.create", target_tenant=world.customer_y),
            _day(2024, 3, 2),
        ),
    }
    events["other_customer"] = other_customer
    return events


def _rows(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


@pytest.mark.parametrize("persona", ["a_admin", "a_sales", "a_helpdesk"])
def test_every_partner_agent_reads_the_partners_activity_log(world, client_for, log, persona):
    page = client_for(persona).get(reverse(LOG)).content.decode()
    # The fixture's pending request (created, then marked as sent), and the three events of March.
    assert "5 events" in page
    assert "Created a reseller relationship request" in page and "Assigned a license" in page
    assert "(on the customer's behalf)" in page
    assert "Northwind" not in page and "Litware" not in page


def test_another_partner_sees_only_its_own_activity(world, client_for, log):
    page = client_for("b_admin").get(reverse(LOG)).content.decode()
    assert "1 event" in page and "Litware" in page and "Contoso" not in page and "Adatum" not in page


@pytest.mark.parametrize(("persona", "status"), [("x_ga", 403), ("x_user", 403), ("y_ga", 403), ("anon", 302)])
def test_customers_users_have_no_activity_log(world, client_for, persona, status):
    assert client_for(persona).get(reverse(LOG)).status_code == status
    assert client_for(persona).get(reverse(EXPORT)).status_code == status


def test_activity_log_answers_405_to_post(world, client_for):
    assert client_for("a_admin").post(reverse(LOG)).status_code == 405
    assert client_for("a_admin").post(reverse(EXPORT)).status_code == 405


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_from": "2024-03-02"}, {"middle", "late", "pending"}),
        ({"date_to": "2024-03-02"}, {"early", "middle"}),  # the whole day of the 2nd, up to 23:59
        ({"date_from": "2024-03-02", "date_to": "2024-03-02"}, {"middle"}),
        ({"action": "subscription.create"}, {"early", "late"}),
        ({"customer": "x"}, {"early", "middle"}),
        ({"customer": "other"}, {"late"}),
        ({"user": "a_admin"}, {"middle", "late", "pending"}),
        ({"user": "a_sales", "action": "license.assign"}, set()),
        ({"customer": "x", "date_to": "2024-03-01", "user": "a_sales"}, {"early"}),
    ],
)
def test_activity_log_filters(world, client_for, log, params, expected):
    ids = {
        "x": world.customer_x.public_id,
        "other": log["other_customer"].public_id,
        "a_admin": world.a_admin.public_id,
        "a_sales": world.a_sales.public_id,
    }
    query = {key: ids.get(value, value) for key, value in params.items()}
    response = client_for("a_helpdesk").get(reverse(LOG), query)
    assert response.status_code == 200
    page = response.content.decode()
    events = [e for e in AuditEvent.objects.filter(actor_tenant=world.partner_a.tenant)]
    names = {
        log["early"].pk: "early",
        log["middle"].pk: "middle",
        log["late"].pk: "late",
    }
    shown = {names.get(e.pk, "pending") for e in response.context["page"].object_list}
    assert shown == expected, (params, shown)
    assert len(events) == 5  # the fixture's pending request has two
    if not expected:
        assert "No activity matches these filters." in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2024-03-03", "date_to": "2024-03-01"}, "The start date must be on or before the end date."),
        ({"date_from": "2024-02-30"}, "Enter the start date as YYYY-MM-DD."),
        ({"date_to": "yesterday"}, "Enter the end date as YYYY-MM-DD."),
        ({"customer": "not-a-uuid"}, "Select one of your customers."),
        ({"customer": "litware"}, "Select one of your customers."),
        ({"user": "b_admin"}, "Select one of your organization&#x27;s users."),
        ({"action": "drop.table"}, "Select an action from the list."),
    ],
)
def test_activity_log_with_a_bad_filter_shows_a_clear_message(world, client_for, log, params, message):
    ids = {"litware": world.customer_y.public_id, "b_admin": world.b_admin.public_id}
    query = {key: ids.get(value, value) for key, value in params.items()}
    client = client_for("a_admin")
    for name in (LOG, EXPORT):
        response = client.get(reverse(name), query)
        assert response.status_code == 400, name
        page = response.content.decode()
        assert message in page and 'role="alert"' in page
        assert "Litware" not in page and "Northwind" not in page


def test_the_largest_and_smallest_dates_do_not_break_the_log(world, client_for, log):
    response = client_for("a_admin").get(reverse(LOG), {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200 and "5 events" in response.content.decode()


def test_activity_log_offers_its_customers_actions_and_users(world, client_for, log):
    page = client_for("a_admin").get(reverse(LOG)).content.decode()
    customers = page[page.index('name="customer"') : page.index("</select>", page.index('name="customer"'))]
    assert "Contoso" in customers and "Adatum" in customers and "Litware" not in customers
    users = page[page.index('name="user"') : page.index("</select>", page.index('name="user"'))]
    assert world.a_sales.email in users and world.b_admin.email not in users and world.x_ga.email not in users
    actions = page[page.index('name="action"') : page.index("</select>", page.index('name="action"'))]
    offered = actions.replace("&#x27;", "'")
    assert all(f'value="{action.value}"' in offered and str(action.label) in offered for action in AuditAction)


def _customer_options(page: str) -> list[str]:
    select = page[page.index('name="customer"') : page.index("</select>", page.index('name="customer"'))]
    return re.findall(r'<option value="([^"]*)"', select)


def _add_customers(world, start: int, count: int) -> list:
    tenants = [
        TenantFactory(name=f"Tailspin {n:05d}", primary_domain=f"tailspin{n:05d}.test")
        for n in range(start, start + count)
    ]
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=world.partner_a, customer=t) for t in tenants)
    return tenants


def test_the_customer_filter_stays_the_same_size_as_customers_grow(world, client_for):
    """The select offers the newest customers only, whatever their number: the page stays the same size."""
    client = client_for("a_admin")
    client.get(reverse(LOG))  # the first request of a session may warm caches; not measured
    _add_customers(world, 0, 30)
    small, page = _queries(client, reverse(LOG))
    small_size, small_options = len(page), _customer_options(page)
    newest = _add_customers(world, 30, 270)
    large, page = _queries(client, reverse(LOG))
    options = _customer_options(page)
    assert len(options) == len(small_options) == 1 + CUSTOMER_CHOICES  # "All customers" and the newest
    assert str(newest[-1].public_id) in options and str(world.customer_x.public_id) not in options
    assert abs(len(page) - small_size) < 200, (small_size, len(page))
    assert large == small, f"{small} queries for 31 customers, {large} for 301"


def test_an_older_customer_is_still_accepted_and_shown_as_chosen(world, client_for, log):
    _add_customers(world, 0, 2 * CUSTOMER_CHOICES)
    response = client_for("a_admin").get(reverse(LOG), {"customer": world.customer_x.public_id})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{world.customer_x.public_id}" selected>Contoso</option>' in page
    assert len(_customer_options(page)) == 2 + CUSTOMER_CHOICES
    assert {e.target_tenant_id for e in response.context["page"].object_list} == {world.customer_x.pk}


@pytest.mark.parametrize(("text", "expected"), [("adatum", {"late"}), ("CONTOSO.TEST", {"early", "middle"})])
def test_the_customer_text_filter_finds_any_customer_by_name_or_domain(world, client_for, log, text, expected):
    names = {log["early"].pk: "early", log["middle"].pk: "middle", log["late"].pk: "late"}
    for name in (LOG, EXPORT):
        response = client_for("a_admin").get(reverse(name), {"customer_q": text})
        assert response.status_code == 200
    response = client_for("a_admin").get(reverse(LOG), {"customer_q": text})
    assert {names.get(e.pk, "pending") for e in response.context["page"].object_list} == expected


def test_activity_log_pages_keep_the_filter(world, client_for):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=world.a_admin, actor_tenant=world.partner_a.tenant, action="subscription.create")
        for _ in range(60)
    )
    page = client_for("a_admin").get(reverse(LOG), {"action": "subscription.create"}).content.decode()
    assert "60 events" in page and "Page 1 of 2" in page
    assert 'href="?action=subscription.create&amp;page=2"' in page
    assert 'href="/settings/activity/export.csv?action=subscription.create"' in page


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="activity.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_activity_export_has_the_filtered_events_with_headers(world, client_for, log):
    rows = _csv(client_for("a_sales").get(reverse(EXPORT), {"customer": world.customer_x.public_id}))
    assert rows[0] == [
        "Date and time",
        "User email",
        "User",
        "Customer",
        "Customer Microsoft ID",
        "Action",
        "Action code",
        "On the customer's behalf",
        "Details",
    ]
    assert rows[1] == [
        "2024-03-02T23:00:00+00:00",
        world.a_admin.email,
        world.a_admin.display_name,
        "Contoso",
        str(world.customer_x.public_id),
        "Assigned a license",
        "license.assign",
        "Yes",
        "Partner: Fabrikam; User: user@contoso.test; Product: Office 365 E3",
    ]
    assert rows[2][:2] == ["2024-03-01T09:00:00+00:00", world.a_sales.email]
    assert rows[2][5:8] == ["Added a subscription", "subscription.create", "No"]
    assert len(rows) == 3


@pytest.fixture
def azure_log(world):
    """Fabrikam's Admin agent provisions an Azure subscription for Contoso, creates a resource group in it and gives
    Fabrikam's Helpdesk Agents a role on it: names only Fabrikam's Admin agents may read."""
    subscription = azure_subscription_provision(
        partner=world.partner_a, customer=world.customer_x, name="Fabrikam-sub-7Q", agent=world.a_admin
    )
    resource_group_create(
        subscription=subscription,
        name="rg-fab-7Q",
        region="westeurope",
        created_by=world.a_admin,
        partner=world.partner_a,
    )
    helpdesk = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=Kind.HELPDESK_AGENTS)
    role_assignment_create(
        subscription=subscription, role="reader", principal=helpdesk, created_by=world.a_admin, partner=world.partner_a
    )
    return ("Fabrikam-sub-7Q", "rg-fab-7Q", "Helpdesk Agents — Fabrikam")


@pytest.mark.parametrize("persona", ["a_sales", "a_helpdesk"])
def test_sales_and_helpdesk_agents_read_azure_events_without_azure_names(world, client_for, azure_log, persona):
    client = client_for(persona)
    page = client.get(reverse(LOG)).content.decode()
    export = "\n".join(",".join(row) for row in _csv(client.get(reverse(EXPORT))))
    for body in (page, export):
        assert [name for name in azure_log if name in body] == []
        for action in ("Provisioned an Azure subscription", "Created a resource group", "Added an Azure role"):
            assert action in body
        assert "West Europe" in body  # what is not a name stays


def test_admin_agents_read_azure_names_in_the_log_and_its_export(world, client_for, azure_log):
    client = client_for("a_admin")
    page = client.get(reverse(LOG)).content.decode()
    export = "\n".join(",".join(row) for row in _csv(client.get(reverse(EXPORT))))
    for body in (page, export):
        assert [name for name in azure_log if name in body] == list(azure_log)


def test_activity_export_without_a_filter_has_every_event_of_the_partner_only(world, client_for, log):
    rows = _csv(client_for("a_admin").get(reverse(EXPORT)))
    assert len(rows) == 1 + 5
    assert not any("Litware" in cell or "Northwind" in cell for row in rows for cell in row)


def test_activity_export_neutralises_cells_that_look_like_formulas(world, client_for):
    world.a_sales.first_name, world.a_sales.last_name = '=HYPERLINK("http://evil")', "x"
    world.a_sales.save()
    audit_record(actor=world.a_sales, action="subscription.create", details={"name": "+cmd|calc"})
    rows = _csv(client_for("a_admin").get(reverse(EXPORT), {"user": world.a_sales.public_id}))
    assert rows[1][2].startswith("'=HYPERLINK")
    assert rows[1][8] == "Name: +cmd|calc"  # inside the cell, not at its start: harmless


def test_activity_export_is_in_the_pages_language(world, client_for, log):
    client = client_for("a_admin")
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    rows = _csv(client.get(reverse(EXPORT)))
    assert len(rows) == 1 + 5


@pytest.mark.parametrize("name", [LOG, EXPORT])
def test_activity_log_queries_do_not_grow_with_events(world, client_for, name):
    client = client_for("a_admin")
    client.get(reverse(LOG))

    def add(count):
        AuditEvent.objects.bulk_create(
            AuditEvent(
                actor=world.a_admin,
                actor_email=world.a_admin.email,
                actor_tenant=world.partner_a.tenant,
                target_tenant=world.customer_x,
                action="license.assign",
                at=timezone.now() - timedelta(minutes=n),
                details={"user": f"u{n}@contoso.test", "product": Product.M365_E5},
                on_behalf=True,
            )
            for n in range(count)
        )

    add(9)
    small, body = _queries(client, reverse(name), {"customer": world.customer_x.public_id})
    add(291)
    large, body = _queries(client, reverse(name), {"customer": world.customer_x.public_id})
    if name == LOG:
        assert "300 events" in body and "Page 1 of 6" in body
    else:
        assert body.count("license.assign") == 300
    assert large == small, f"{small} queries for 10 events, {large} for 300"


# Acting for a partner: "on the customer's behalf", decided in one place.


def test_a_partners_agent_in_a_customers_tenant_acts_on_its_behalf_and_the_partner_is_named(world):
    event = audit_record(
        actor=world.a_sales, action="subscription.create", target_tenant=world.customer_x, acting_for=world.partner_a
    )
    assert event.on_behalf
    assert event.details == {"partner": "Fabrikam", "partner_id": world.partner_a.partner_id}


def test_acting_for_a_partner_in_its_own_tenant_or_for_none_is_on_no_ones_behalf(world):
    own = audit_record(
        actor=world.a_admin,
        action="partner_user.update",
        target_tenant=world.partner_a.tenant,
        details={"user": "sales@fabrikam.test"},
        acting_for=world.partner_a,
    )
    customers_own = audit_record(actor=world.x_ga, action="role.assign", target_tenant=world.customer_x)
    assert not own.on_behalf and own.details == {"user": "sales@fabrikam.test"}
    assert not customers_own.on_behalf and customers_own.details == {}


# Action codes and details in words.


def test_every_action_has_words_in_english_and_traditional_chinese():
    """Services record AuditActions (audit_record refuses anything else), so each one's label is its words."""
    for action in AuditAction:
        with translation.override("en"):
            english = str(action.label)
        with translation.override("zh-hant"):
            chinese = str(action.label)
        assert english and english != action.value, action
        assert chinese and chinese != english, action


def test_an_action_that_is_not_an_audit_action_is_refused(world):
    before = AuditEvent.objects.count()
    with pytest.raises(ValueError):
        audit_record(actor=world.x_ga, action="user.rename", target_tenant=world.customer_x)
    assert AuditEvent.objects.count() == before


def test_apps_register_the_words_of_their_details(world):
    """The core imports no app: each app registers its choices (AppConfig.ready) for the details it writes."""
    events = [
        audit_record(
            actor=world.a_admin,
            action="azure_resource_group.create",
            details={"resource_group": "web", "region": "westeurope", "azure_role": "owner"},
        ),
        audit_record(actor=world.x_ga, action="autopilot.device_list.upload", details={"source": "intune"}),
    ]
    assert [details_summary(e) for e in events] == [
        [("Resource group", "web"), ("Region", "West Europe"), ("Role", "Owner")],
        [("Added by", "Microsoft Intune")],
    ]


def test_details_are_shown_in_words(world):
    events = [
        audit_record(
            actor=world.x_ga, action="role.assign", details={"email": "u@contoso.test", "role": "global_reader"}
        ),
        audit_record(
            actor=world.a_admin,
            action="partner_user.update",
            details={"user": "s@fabrikam.test", "roles": ["admin_agents", "sales_agents"], "previous_roles": []},
        ),
        audit_record(actor=world.a_admin, action="subscription.create", details={"product": "o365_e3", "seats": 5}),
        audit_record(
            actor=world.a_admin, action="relationship_request.create", details={"include_delegated_admin": False}
        ),
    ]
    assert [details_summary(e) for e in events] == [
        [("User", "u@contoso.test"), ("Role", "Global Reader")],
        [("User", "s@fabrikam.test"), ("Roles", "Admin Agents, Sales Agents")],
        [("Product", "Office 365 E3"), ("Seats", "5")],
        [("Delegated admin", "No")],
    ]
