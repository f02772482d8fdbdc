"""Settings > Partner relationships: the customer's own Global admins see every partner with a relationship, select
one, and remove its delegated admin privileges (details pane → Remove delegated admin → confirmation → Remove). The
reseller relationship stays, the implicit roles end at once, the partner's Admin agents are told by email, and an
audit event is written. On the partner's Customers page, the expanded row's admin portal links follow the grant."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from customers.selectors import admin_portal_availability, customers_for
from partnercenter.access import effective_roles
from partnercenter.models import (
    AuditEvent,
    DelegatedAdminGrant,
    DirectoryRole,
    OutboxEmail,
    ResellerRelationship,
    SecurityGroup,
)
from relationships.selectors import partner_relationships_of
from relationships.services import DelegatedAdminNotActive, delegated_admin_remove

from ..factories import (
    DelegatedAdminGrantFactory,
    PartnerFactory,
    ResellerRelationshipFactory,
    TenantFactory,
    UserFactory,
)

Kind = SecurityGroup.Kind
GA = DirectoryRole.GLOBAL_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR


def list_url(w):
    return reverse("admincenter:partner_relationships", args=[w.customer_x.public_id])


def detail_url(w, partner=None):
    partner = partner or w.partner_a
    return reverse("admincenter:partner_relationship_detail", args=[w.customer_x.public_id, partner.tenant.public_id])


def remove_url(w, partner=None):
    partner = partner or w.partner_a
    return reverse("admincenter:delegated_admin_remove", args=[w.customer_x.public_id, partner.tenant.public_id])


def active_grant(w):
    return DelegatedAdminGrant.objects.filter(partner=w.partner_a, customer=w.customer_x, removed_at__isnull=True)


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# Who may see the page.


def test_global_admin_sees_partners_with_relationship_type_roles_and_since(world, client_for):
    page = text(client_for("x_ga").get(list_url(world)))
    assert "<h1>Partner relationships</h1>" in page
    assert "Fabrikam" in page
    assert "Reseller, Delegated admin" in page
    assert "Global Administrator, Helpdesk Administrator" in page
    grant = active_grant(world).get()
    assert date_format(grant.granted_at, "DATE_FORMAT") in page
    assert f'href="{detail_url(world)}"' in page


@pytest.mark.parametrize("persona", ["a_admin", "a_helpdesk", "a_sales"])
def test_partner_cannot_reach_partner_relationships_even_as_global_administrator(world, client_for, persona):
    if persona == "a_admin":
        # Through delegated admin, partner A's Admin agent is Global Administrator of customer X…
        assert GA in effective_roles(world.a_admin, world.customer_x)
    client = client_for(persona)
    # …and still may not see or change X's partner relationships.
    assert client.get(list_url(world)).status_code == 403
    assert client.get(detail_url(world)).status_code == 403
    assert client.get(remove_url(world)).status_code == 403
    assert client.post(remove_url(world)).status_code == 403
    assert active_grant(world).exists()


def test_partner_relationships_page_is_not_in_the_partners_admin_center_navigation(world, client_for):
    users = client_for("a_admin").get(reverse("admincenter:users", args=[world.customer_x.public_id]))
    assert users.status_code == 200
    assert list_url(world) not in users.content.decode()


@pytest.mark.parametrize("persona", ["b_admin", "y_ga"])
def test_other_tenants_get_not_found(world, client_for, persona):
    client = client_for(persona)
    for url in (list_url(world), detail_url(world), remove_url(world)):
        assert client.get(url).status_code == 404
    assert client.post(remove_url(world)).status_code == 404
    assert active_grant(world).exists()


def test_plain_user_of_the_customer_is_refused(world, client_for):
    client = client_for("x_user")
    assert client.get(list_url(world)).status_code == 403
    assert client.post(remove_url(world)).status_code == 403
    assert active_grant(world).exists()


def test_anonymous_is_sent_to_sign_in(world, client_for):
    response = client_for("anon").post(remove_url(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert active_grant(world).exists()


def test_wrong_methods_are_not_allowed(world, client_for):
    client = client_for("x_ga")
    assert client.post(list_url(world)).status_code == 405
    assert client.post(detail_url(world)).status_code == 405
    assert client.delete(remove_url(world)).status_code == 405
    assert client.put(remove_url(world)).status_code == 405
    assert active_grant(world).exists()


def test_global_admin_sees_partner_relationships_in_admin_center_navigation(world, client_for):
    page = text(client_for("x_ga").get(list_url(world)))
    assert f'href="{list_url(world)}" aria-current="page"' in page


# Only this tenant's relationships.


def test_lists_only_this_tenants_current_relationships(world, client_for):
    # Partner B resells to Y, not X; partner C once resold to X with delegated admin, both removed; partner D has
    # delegated admin without a reseller relationship; partner E resells to X without delegated admin.
    partner_c = PartnerFactory(name="Adatum")
    ResellerRelationshipFactory(partner=partner_c, customer=world.customer_x, is_active=False)
    DelegatedAdminGrantFactory(partner=partner_c, customer=world.customer_x, removed_at=timezone.now())
    partner_d = PartnerFactory(name="Tailwind")
    DelegatedAdminGrantFactory(partner=partner_d, customer=world.customer_x)
    partner_e = PartnerFactory(name="Proseware")
    ResellerRelationshipFactory(partner=partner_e, customer=world.customer_x)
    DelegatedAdminGrantFactory(partner=partner_e, customer=world.customer_y)

    page = text(client_for("x_ga").get(list_url(world)))
    assert "Northwind" not in page and "Adatum" not in page
    assert [p.name for p in partner_relationships_of(world.customer_x)] == ["Fabrikam", "Proseware", "Tailwind"]
    rows = page.split("<tbody>")[1]
    assert rows.index("Fabrikam") < rows.index("Proseware") < rows.index("Tailwind")
    proseware = rows.split("Proseware")[1].split("</tr>")[0]
    assert ">Reseller<" in proseware and "Administrator" not in proseware and "None" in proseware
    tailwind = rows.split("Tailwind")[1].split("</tr>")[0]
    assert ">Delegated admin<" in tailwind and "Global Administrator" in tailwind

    client = client_for("x_ga")
    assert client.get(detail_url(world, world.partner_b)).status_code == 404
    assert client.get(detail_url(world, partner_c)).status_code == 404
    assert client.post(remove_url(world, world.partner_b)).status_code == 404


def test_customer_without_partners_sees_an_empty_page(world, client_for):
    ResellerRelationship.objects.filter(customer=world.customer_x).update(is_active=False)
    active_grant(world).update(removed_at=timezone.now())
    page = text(client_for("x_ga").get(list_url(world)))
    assert "Your organization has no partner relationships." in page


def test_unknown_partner_is_not_found(world, client_for):
    url = reverse(
        "admincenter:partner_relationship_detail",
        args=[world.customer_x.public_id, "00000000-0000-0000-0000-000000000000"],
    )
    assert client_for("x_ga").get(url).status_code == 404
    assert client_for("x_ga").get(list_url(world) + "not-a-uuid/").status_code == 404


def test_page_queries_stay_flat_as_partners_grow(world, client_for):
    client = client_for("x_ga")
    client.get(list_url(world))

    def add(start, count):
        for n in range(start, start + count):
            partner = PartnerFactory(name=f"Partner {n:03d}")
            ResellerRelationshipFactory(partner=partner, customer=world.customer_x)
            if n % 2:
                DelegatedAdminGrantFactory(partner=partner, customer=world.customer_x)

    def load():
        with CaptureQueriesContext(connection) as queries:
            page = text(client.get(list_url(world)))
        return len(queries), page

    add(0, 3)
    small, _ = load()
    add(3, 60)
    large, page = load()
    assert "Page 1 of 2" in page
    assert large == small, f"{small} queries for 4 partners, {large} for 64"


# The details pane and the confirmation pane.


def test_details_pane_shows_partner_id_relationship_roles_with_groups_and_since(world, client_for):
    page = text(client_for("x_ga").get(detail_url(world)))
    pane = page.split('class="details-pane')[1]
    assert '<h2 id="pane-heading">Fabrikam</h2>' in pane
    assert world.partner_a.partner_id in pane
    assert "Reseller, Delegated admin" in pane
    assert "Global Administrator: the partner's Admin Agents group" in pane
    assert "Helpdesk Administrator: the partner's Helpdesk Agents group" in pane
    assert "Reseller since" in pane and "Delegated admin since" in pane
    icon = '<span class="icon icon-delete" aria-hidden="true"></span>'
    assert f'<a class="btn btn-danger" href="{remove_url(world)}">{icon}Remove delegated admin</a>' in pane
    # The list stays beside the pane, with the selected partner marked.
    assert f'href="{detail_url(world)}" aria-current="true"' in page


def test_reseller_without_delegated_admin_has_no_remove_command(world, client_for):
    active_grant(world).update(removed_at=timezone.now())
    page = text(client_for("x_ga").get(detail_url(world)))
    assert "Remove delegated admin" not in page
    assert "Fabrikam has no delegated admin privileges" in page
    assert "continues to be responsible for providing customer support" in page


def test_confirmation_pane_asks_before_removing_and_states_the_partners_duties(world, client_for):
    page = text(client_for("x_ga").get(remove_url(world)))
    pane = page.split('class="details-pane')[1]
    assert '<h2 id="pane-heading">Remove delegated admin</h2>' in pane
    assert "The reseller relationship stays" in pane
    assert (
        "Unless and until you renegotiate your agreement with Fabrikam, it continues to be responsible for providing "
        "customer support and adhering to the terms of the Cloud Reseller Agreement"
    ) in pane
    assert f'<form method="post" action="{remove_url(world)}">' in pane
    assert '<button type="submit" class="btn btn-danger">Remove</button>' in pane
    assert f'href="{detail_url(world)}">Cancel</a>' in pane
    assert active_grant(world).exists()  # asking changes nothing


def test_confirmation_for_a_partner_without_delegated_admin_says_so(world, client_for):
    active_grant(world).update(removed_at=timezone.now())
    response = client_for("x_ga").get(remove_url(world), follow=True)
    assert response.redirect_chain == [(detail_url(world), 302)]
    assert "Fabrikam has no delegated admin privileges in your organization: nothing was changed." in text(response)


# Removing.


def test_global_admin_removes_delegated_admin_and_the_reseller_relationship_stays(world, client_for):
    before = timezone.now()
    response = client_for("x_ga").post(remove_url(world), follow=True)
    assert response.redirect_chain == [(detail_url(world), 302)]
    page = text(response)
    assert "You removed the delegated admin privileges of Fabrikam." in page
    grant = DelegatedAdminGrant.objects.get(partner=world.partner_a, customer=world.customer_x)
    assert grant.removed_at >= before and grant.removed_by == world.x_ga
    assert ResellerRelationship.objects.get(partner=world.partner_a, customer=world.customer_x).is_active
    # The page says the relationship stays and what the partner still owes.
    pane = page.split('class="details-pane')[1]
    assert ">Reseller<" in pane and "Delegated admin" not in pane
    assert "continues to be responsible for providing customer support" in pane
    assert "Remove delegated admin" not in pane


def test_roles_are_listed_only_while_delegated_admin_is_active(world, client_for):
    client = client_for("x_ga")
    assert "Global Administrator" in text(client.get(list_url(world)))
    client.post(remove_url(world))
    page = text(client.get(list_url(world)))
    assert "Fabrikam" in page
    row = page.split("<tbody>")[1]
    assert "Global Administrator" not in row and "Helpdesk Administrator" not in row
    assert "None" in row


def test_removal_ends_the_partners_roles_at_once(world, client_for):
    users = reverse("admincenter:users", args=[world.customer_x.public_id])
    agent = client_for("a_admin")
    helpdesk = client_for("a_helpdesk")
    assert agent.get(users).status_code == 200
    assert helpdesk.get(users).status_code == 200

    assert client_for("x_ga").post(remove_url(world)).status_code == 302

    # The same signed-in sessions, on their very next request.
    assert agent.get(users).status_code == 403
    assert helpdesk.get(users).status_code == 403
    assert effective_roles(world.a_admin, world.customer_x) == frozenset()


def test_removing_twice_says_so_and_changes_nothing(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("x_ga")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remove_url(world))
    grant = DelegatedAdminGrant.objects.get(partner=world.partner_a, customer=world.customer_x)
    events, emails = AuditEvent.objects.count(), OutboxEmail.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(world), follow=True)
    assert response.redirect_chain == [(detail_url(world), 302)]
    assert "Fabrikam has no delegated admin privileges in your organization: nothing was changed." in text(response)
    grant_after = DelegatedAdminGrant.objects.get(pk=grant.pk)
    assert (grant_after.removed_at, grant_after.removed_by_id) == (grant.removed_at, grant.removed_by_id)
    assert (AuditEvent.objects.count(), OutboxEmail.objects.count()) == (events, emails)


def test_removing_from_a_partner_with_only_delegated_admin_returns_to_the_list(world, client_for):
    ResellerRelationship.objects.filter(partner=world.partner_a, customer=world.customer_x).update(is_active=False)
    client = client_for("x_ga")
    response = client.post(remove_url(world))
    assert response.status_code == 302 and response["Location"] == list_url(world)
    assert not active_grant(world).exists()
    # Once more: the partner is no longer listed, and the answer is still a clear message, not a 404.
    response = client.post(remove_url(world), follow=True)
    assert "nothing was changed" in text(response)


def test_removal_writes_an_audit_event(world, client_for):
    client_for("x_ga").post(remove_url(world))
    event = AuditEvent.objects.get(action="delegated_admin.remove")
    assert event.actor == world.x_ga and event.actor_tenant == world.customer_x
    assert event.target_tenant == world.customer_x
    assert event.details == {"partner": "Fabrikam", "partner_id": world.partner_a.partner_id}
    assert not event.on_behalf


def test_partners_admin_agents_are_emailed_each_in_their_language(
    world, client_for, django_capture_on_commit_callbacks
):
    chinese_agent = UserFactory(
        tenant=world.partner_a.tenant,
        email="admin2@fabrikam.test",
        first_name="Mei",
        last_name="Lin",
        group_kinds=[Kind.ADMIN_AGENTS],
        preferred_language="zh-hant",
    )
    UserFactory(tenant=world.partner_b.tenant, email="admin2@northwind.test", group_kinds=[Kind.ADMIN_AGENTS])
    with django_capture_on_commit_callbacks(execute=True):
        client_for("x_ga").post(remove_url(world))
    removed_at = DelegatedAdminGrant.objects.get(partner=world.partner_a, customer=world.customer_x).removed_at

    # One email to each of partner A's Admin agents; none to its Sales or Helpdesk agents, nor to partner B.
    assert sorted(m.to[0] for m in mail.outbox) == ["admin2@fabrikam.test", "admin@fabrikam.test"]
    by_recipient = {m.to[0]: m for m in mail.outbox}

    english = by_recipient["admin@fabrikam.test"]
    assert english.subject == "Contoso removed your delegated admin privileges"
    when = date_format(removed_at, "DATETIME_FORMAT")
    html = english.alternatives[0].content
    for body in (english.body, html):
        assert f"Contoso removed the delegated admin privileges of Fabrikam on {when} (UTC)." in body
        assert "The reseller relationship stays" in body
        assert "Cloud Reseller Agreement" in body
        assert "http://testserver/customers/" in body
    assert world.a_admin.display_name in english.body
    assert '<html lang="en">' in html and 'href="http://testserver/customers/"' in html

    chinese = by_recipient["admin2@fabrikam.test"]
    with translation.override("zh-hant"):
        subject = translation.gettext("%(customer_name)s removed your delegated admin privileges") % {
            "customer_name": "Contoso"
        }
        when_zh = date_format(removed_at, "DATETIME_FORMAT")
    assert chinese.subject == subject
    assert '<html lang="zh-hant">' in chinese.alternatives[0].content
    assert when_zh in chinese.body and chinese_agent.display_name in chinese.body
    assert OutboxEmail.objects.get(to="admin2@fabrikam.test").language == "zh-hant"


def test_email_html_escapes_the_customers_name(world, client_for, django_capture_on_commit_callbacks):
    world.customer_x.name = "Contoso <b>Ltd</b>"
    world.customer_x.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for("x_ga").post(remove_url(world))
    (message,) = mail.outbox
    assert "Contoso &lt;b&gt;Ltd&lt;/b&gt;" in message.alternatives[0].content
    assert "Contoso <b>Ltd</b> removed the delegated admin privileges" in message.body


# The service on its own.


def test_service_removes_only_for_the_customers_own_global_admins(world):
    for user in (world.a_admin, world.x_user, world.y_ga):
        with pytest.raises(PermissionDenied):
            delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=user)
    assert active_grant(world).exists()
    assert not AuditEvent.objects.filter(action="delegated_admin.remove").exists()


def test_service_refuses_a_grant_that_is_not_active(world):
    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    with pytest.raises(DelegatedAdminNotActive):
        delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    with pytest.raises(DelegatedAdminNotActive):  # partner B never had delegated admin with X
        delegated_admin_remove(customer=world.customer_x, partner=world.partner_b, removed_by=world.x_ga)
    assert AuditEvent.objects.filter(action="delegated_admin.remove").count() == 1


# The partner's Customers page: the admin portal links of the expanded row (its details, fetched on expand).


def customers_row(client, customer) -> str:
    return text(client.get(reverse("customers:details", args=[customer.public_id])))


@pytest.mark.parametrize("persona", ["a_admin", "a_helpdesk"])
def test_agents_with_delegated_roles_get_the_admin_center_link(world, client_for, persona):
    row = customers_row(client_for(persona), world.customer_x)
    home = reverse("admincenter:home", args=[world.customer_x.public_id])
    assert f'<a href="{home}">Admin center</a>' in row
    assert 'aria-disabled="true">Admin center<' not in row


def test_sales_agent_sees_the_admin_center_disabled_because_of_its_role(world, client_for):
    row = customers_row(client_for("a_sales"), world.customer_x)
    assert '<span class="portal-disabled" aria-disabled="true">Admin center</span>' in row
    assert "Your role does not include this." in row
    assert ">Admin center</a>" not in row


def test_without_delegated_admin_ever_the_admin_center_is_disabled(world, client_for):
    row = customers_row(client_for("b_admin"), world.customer_y)
    assert '<span class="portal-disabled" aria-disabled="true">Admin center</span>' in row
    assert "No delegated admin privileges." in row


def test_after_removal_the_customers_row_gives_the_reason_and_the_reseller_relationship_stays(world, client_for):
    client_for("x_ga").post(remove_url(world))
    removed_at = DelegatedAdminGrant.objects.get(partner=world.partner_a, customer=world.customer_x).removed_at
    agent = client_for("a_admin")
    row = customers_row(agent, world.customer_x)
    assert '<span class="portal-disabled" aria-disabled="true">Admin center</span>' in row
    assert f"Delegated admin was removed by the customer on {date_format(removed_at, 'DATE_FORMAT')}." in row
    assert reverse("admincenter:home", args=[world.customer_x.public_id]) not in row
    page = text(agent.get(reverse("customers:list")))
    assert "Contoso" in page and "1 customer" in page
    assert ">Reseller<" in page and "Reseller, Delegated admin" not in page


def test_latest_removal_is_the_one_shown_and_a_new_grant_opens_the_link_again(world, client_for):
    old = timezone.now() - timedelta(days=400)
    DelegatedAdminGrantFactory(partner=world.partner_a, customer=world.customer_x, removed_at=old)
    client_for("x_ga").post(remove_url(world))
    latest = DelegatedAdminGrant.objects.filter(removed_at__gt=old).get().removed_at
    row = customers_row(client_for("a_admin"), world.customer_x)
    assert date_format(latest, "DATE_FORMAT") in row and date_format(old, "DATE_FORMAT") not in row

    DelegatedAdminGrantFactory(partner=world.partner_a, customer=world.customer_x)
    row = customers_row(client_for("a_admin"), world.customer_x)
    assert '">Admin center</a>' in row


def test_another_partners_removal_is_not_this_partners_reason(world, client_for):
    DelegatedAdminGrantFactory(partner=world.partner_a, customer=world.customer_y, removed_at=timezone.now())
    row = customers_row(client_for("b_admin"), world.customer_y)
    assert "No delegated admin privileges." in row


def test_availability_puts_the_agents_role_before_the_customers_grant(world):
    rows = list(customers_for(world.partner_a))
    admin_portal_availability(group_kinds=frozenset({Kind.SALES_AGENTS}), rows=rows)
    assert [p.reason for p in rows[0].admin_portals if not p.is_available] == ["Your role does not include this."]
    admin_portal_availability(group_kinds=frozenset(), rows=rows)
    assert not rows[0].admin_portals[0].is_available
    admin_portal_availability(group_kinds=frozenset({Kind.SALES_AGENTS, Kind.HELPDESK_AGENTS}), rows=rows)
    assert rows[0].admin_portals[0].is_available


def test_reasons_are_in_the_agents_language(world, client_for):
    client_for("x_ga").post(remove_url(world))
    agent = client_for("a_admin")
    agent.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    with translation.override("zh-hant"):
        expected = translation.gettext("Admin center")
    row = customers_row(agent, world.customer_x)
    assert f'aria-disabled="true">{expected}</span>' in row


def test_customers_page_queries_stay_flat_with_removed_grants(world, client_for):
    client = client_for("a_admin")
    client.get(reverse("customers:list"))

    def add(start, count):
        tenants = TenantFactory.create_batch(count)
        for n, tenant in enumerate(tenants, start):
            ResellerRelationshipFactory(partner=world.partner_a, customer=tenant)
            DelegatedAdminGrantFactory(partner=world.partner_a, customer=tenant, removed_at=timezone.now())
            if n % 2:
                DelegatedAdminGrantFactory(partner=world.partner_a, customer=tenant)

    def load():
        with CaptureQueriesContext(connection) as queries:
            page = text(client.get(reverse("customers:list")))
        return len(queries), page

    add(0, 4)
    small, _ = load()
    add(4, 60)
    large, page = load()
    assert page.count('class="details-row"') == 50
    assert large == small, f"{small} queries for 5 customers, {large} for 65"
