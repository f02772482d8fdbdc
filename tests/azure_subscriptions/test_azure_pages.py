"""Azure subscriptions through the pages: the seed's four rules, each role's pages (Owner, Contributor, Reader, the
tenant's own Global admin), bad input, the partner's Customers rows, and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from azure_subscriptions.models import AzureRoleAssignment, AzureSubscription, ResourceGroup
from azure_subscriptions.services import (
    azure_subscription_create,
    azure_subscription_provision,
    resource_group_create,
    role_assignment_create,
)
from partnercenter.models import AuditEvent, SecurityGroup
from relationships.services import relationship_request_accept
from tests.factories import ResellerRelationshipFactory, UserFactory
from tests.other_partners import leaked, northwind_works_for_contoso

Kind = SecurityGroup.Kind


def admin_agents(partner) -> SecurityGroup:
    return SecurityGroup.objects.get(tenant=partner.tenant, kind=Kind.ADMIN_AGENTS)


def overview_url(subscription) -> str:
    return reverse("admincenter:azure_subscription", args=[subscription.tenant.public_id, subscription.public_id])


def access_url(subscription) -> str:
    return reverse("admincenter:azure_access_control", args=[subscription.tenant.public_id, subscription.public_id])


def list_url(tenant) -> str:
    return reverse("admincenter:azure_subscriptions", args=[tenant.public_id])


def resource_group_new_url(subscription) -> str:
    return reverse("admincenter:azure_resource_group_new", args=[subscription.tenant.public_id, subscription.public_id])


def remove_url(assignment) -> str:
    s = assignment.subscription
    return reverse(
        "admincenter:azure_role_assignment_remove", args=[s.tenant.public_id, s.public_id, assignment.public_id]
    )


def add_url(subscription) -> str:
    return reverse(
        "admincenter:azure_role_assignment_add", args=[subscription.tenant.public_id, subscription.public_id]
    )


def azure_portal(client, customer):
    """The Azure portal of the customer's row on the Customers page, as its details (fetched on expand) show it."""
    response = client.get(reverse("customers:details", args=[customer.public_id]))
    (portal,) = [p for p in response.context["row"].admin_portals if p.name == "Azure"]
    return portal


@pytest.fixture
def provisioned(world) -> AzureSubscription:
    return azure_subscription_provision(
        partner=world.partner_a, customer=world.customer_x, name="Fabrikam-managed", agent=world.a_admin
    )


def remove_delegated_admin(client_for, world):
    response = client_for("x_ga").post(
        reverse(
            "admincenter:delegated_admin_remove", args=[world.customer_x.public_id, world.partner_a.tenant.public_id]
        )
    )
    assert response.status_code == 302


# Rule 1: delegated admin gives no access to the customer's Azure subscriptions.


def test_an_admin_agent_with_delegated_admin_cannot_open_the_customers_own_subscription(world, client_for):
    x_ga = client_for("x_ga")
    response = x_ga.post(
        reverse("admincenter:azure_subscription_new", args=[world.customer_x.public_id]), {"name": "Prod"}
    )
    own = AzureSubscription.objects.get(name="Prod")
    assert response.status_code == 302
    assert response["Location"] == overview_url(own)

    agent = client_for("a_admin")
    # Global Administrator of Contoso through delegated admin: its users, yes …
    assert agent.get(reverse("admincenter:users", args=[world.customer_x.public_id])).status_code == 200
    # … its Azure subscription, no.
    assert agent.get(overview_url(own)).status_code == 404
    assert agent.get(access_url(own)).status_code == 404
    assert agent.get(list_url(world.customer_x)).status_code == 403
    portal = azure_portal(agent, world.customer_x)
    assert not portal.is_available
    assert portal.reason == "No role assignment on this customer's subscriptions."


def test_accepting_with_delegated_admin_opens_no_existing_subscription(world, client_for):
    existing = azure_subscription_create(tenant=world.customer_y, name="Litware data", created_by=world.y_ga)
    relationship_request_accept(relationship_request=world.pending.request, user=world.y_ga)
    agent = client_for("a_admin")
    assert agent.get(reverse("admincenter:home", args=[world.customer_y.public_id])).status_code == 200
    assert agent.get(overview_url(existing)).status_code == 404
    assert agent.get(list_url(world.customer_y)).status_code == 403


# Rule 2: a subscription the partner provisions has its Admin Agents as Owner.


def test_an_admin_agent_provisions_a_subscription_and_its_admin_agents_own_it(world, client_for):
    agent = client_for("a_admin")
    url = reverse("customers:azure_subscription_new", args=[world.customer_x.public_id])
    page = agent.get(url)
    assert page.status_code == 200
    assert "Admin Agents group becomes its Owner" in page.content.decode()
    response = agent.post(url, {"name": "Fabrikam-managed"}, follow=True)
    subscription = AzureSubscription.objects.get(name="Fabrikam-managed")
    # Back on the customer's page in Partner Center, which lists it, linking to its page in the admin center.
    customer_page = reverse("customers:detail", args=[world.customer_x.public_id])
    assert response.redirect_chain[-1][0] == customer_page + "#azure-heading"
    assert subscription.provisioned_by == world.partner_a
    body = response.content.decode()
    assert "Your Admin Agents group is its Owner." in body
    assert f'<a href="{overview_url(subscription)}">Fabrikam-managed</a>' in body
    assert "on behalf of the customer" not in body
    # An agent who may not open it there sees it listed, without the link.
    sales_page = client_for("a_sales").get(customer_page).content.decode()
    assert "Fabrikam-managed" in sales_page and overview_url(subscription) not in sales_page
    assert (
        "You are managing <strong>Contoso</strong> on behalf of the customer"
        in agent.get(overview_url(subscription)).content.decode()
    )

    access = agent.get(access_url(subscription)).content.decode()
    assert "Admin Agents — Fabrikam (partner)" in access
    assert "Foreign principal" in access
    # The customer sees the same foreign principal on its Access control.
    assert "Admin Agents — Fabrikam (partner)" in client_for("x_ga").get(access_url(subscription)).content.decode()
    portal = azure_portal(agent, world.customer_x)
    assert portal.url == list_url(world.customer_x)
    assert "Fabrikam-managed" in agent.get(portal.url).content.decode()


@pytest.mark.parametrize("persona", ["a_sales", "a_helpdesk"])
def test_only_admin_agents_can_add_an_azure_subscription(world, client_for, persona):
    url = reverse("customers:azure_subscription_new", args=[world.customer_x.public_id])
    client = client_for(persona)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Nope"}).status_code == 403
    assert not AzureSubscription.objects.exists()


def test_add_azure_subscription_is_not_offered_for_other_partners_customers(world, client_for):
    url = reverse("customers:azure_subscription_new", args=[world.customer_y.public_id])
    assert client_for("a_admin").post(url, {"name": "Nope"}).status_code == 404
    assert not AzureSubscription.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Enter a name for the subscription."), ("x" * 65, "A subscription name has at most 64 characters.")],
)
def test_a_bad_subscription_name_is_refused_with_a_message(world, client_for, name, message):
    response = client_for("a_admin").post(
        reverse("customers:azure_subscription_new", args=[world.customer_x.public_id]), {"name": name}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AzureSubscription.objects.exists()


def test_a_duplicate_subscription_name_is_refused_with_a_message(world, client_for, provisioned):
    response = client_for("a_admin").post(
        reverse("customers:azure_subscription_new", args=[world.customer_x.public_id]), {"name": "fabrikam-MANAGED"}
    )
    assert response.status_code == 400
    assert "already has an Azure subscription with this name" in response.content.decode()
    assert AzureSubscription.objects.count() == 1


def test_bad_input_is_refused_in_the_pages_language(world, client_for):
    client = client_for("a_admin")
    client.cookies["django_language"] = "zh-hant"
    response = client.post(
        reverse("customers:azure_subscription_new", args=[world.customer_x.public_id]),
        {"name": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    assert response.status_code == 400
    assert '<html lang="zh-hant">' in response.content.decode()
    assert not AzureSubscription.objects.exists()


# Rule 3: after delegated admin is removed, the role assignment still counts.


def test_the_agent_still_manages_its_subscription_after_delegated_admin_is_removed(world, client_for, provisioned):
    remove_delegated_admin(client_for, world)
    agent = client_for("a_admin")
    assert agent.get(reverse("admincenter:users", args=[world.customer_x.public_id])).status_code == 403
    page = agent.get(overview_url(provisioned))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Create resource group" in body
    # The admin center's nav offers only what the agent may open: no Home, no Users; Azure subscriptions.
    assert reverse("admincenter:users", args=[world.customer_x.public_id]) not in body
    assert f'href="{list_url(world.customer_x)}" aria-current="page"' in body

    response = agent.post(resource_group_new_url(provisioned), {"name": "rg-web", "region": "westeurope"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="azure_resource_group.create")
    assert event.on_behalf and event.actor == world.a_admin and event.details["partner"] == "Fabrikam"
    assert agent.get(access_url(provisioned)).status_code == 200
    portal = azure_portal(agent, world.customer_x)
    assert portal.is_available


# Rule 4: the customer removes the role assignment on Access control, and that stops the partner.


def test_the_customer_removes_the_partners_owner_assignment_and_the_agent_is_refused(world, client_for, provisioned):
    remove_delegated_admin(client_for, world)
    assignment = AzureRoleAssignment.objects.get(subscription=provisioned)
    customer = client_for("x_ga")
    access = customer.get(access_url(provisioned)).content.decode()
    assert remove_url(assignment) in access
    confirmation = customer.get(remove_url(assignment)).content.decode()
    assert "The agents of Fabrikam in this group will no longer be able to manage this subscription" in confirmation
    assert "This is the subscription's last Owner." in confirmation
    response = customer.post(remove_url(assignment))
    assert response.status_code == 302
    assert response["Location"] == access_url(provisioned)
    assert not AzureRoleAssignment.objects.exists()

    agent = client_for("a_admin")
    assert agent.get(overview_url(provisioned)).status_code == 404
    assert agent.post(resource_group_new_url(provisioned), {"name": "rg", "region": "eastus"}).status_code == 404
    assert agent.get(list_url(world.customer_x)).status_code == 403
    assert not azure_portal(agent, world.customer_x).is_available
    assert not ResourceGroup.objects.exists()


def test_removing_its_own_groups_assignment_sends_the_agent_back_to_customers(world, client_for, provisioned):
    assignment = AzureRoleAssignment.objects.get(subscription=provisioned)
    agent = client_for("a_admin")
    assert "This role assignment is how you have access" in agent.get(remove_url(assignment)).content.decode()
    response = agent.post(remove_url(assignment))
    assert response["Location"] == reverse("customers:list")
    event = AuditEvent.objects.get(action="azure_role_assignment.remove")
    assert event.on_behalf and event.target_tenant == world.customer_x


# What each role allows.


@pytest.fixture
def roles_world(world, provisioned):
    """X's plain user is Reader; a group of X with a new user is Contributor."""
    contributor = UserFactory(tenant=world.customer_x, email="dev@contoso.test")
    developers = SecurityGroup.objects.create(tenant=world.customer_x, name="Developers")
    developers.members.add(contributor)
    role_assignment_create(subscription=provisioned, role="reader", principal=world.x_user, created_by=world.a_admin)
    role_assignment_create(subscription=provisioned, role="contributor", principal=developers, created_by=world.a_admin)
    group = resource_group_create(subscription=provisioned, name="rg-base", region="eastus", created_by=world.a_admin)
    return contributor, group


def test_a_reader_sees_and_changes_nothing(world, client_for, provisioned, roles_world):
    _contributor, group = roles_world
    reader = client_for("x_user")
    overview = reader.get(overview_url(provisioned)).content.decode()
    assert "rg-base" in overview
    assert "Create resource group" not in overview
    assert "You can see this subscription, but not change it." in overview
    assert "Add role assignment" not in reader.get(access_url(provisioned)).content.decode()
    assert reader.get(resource_group_new_url(provisioned)).status_code == 403
    delete = reverse(
        "admincenter:azure_resource_group_delete",
        args=[world.customer_x.public_id, provisioned.public_id, group.public_id],
    )
    assert reader.post(delete).status_code == 403
    assert (
        reader.post(add_url(provisioned), {"role": "owner", "principal": f"user:{world.x_user.public_id}"}).status_code
        == 403
    )
    assert ResourceGroup.objects.count() == 1


def test_a_contributor_creates_and_deletes_resource_groups_but_not_role_assignments(
    world, client_for, provisioned, roles_world
):
    contributor, group = roles_world
    client = client_for("x_ga")
    client.force_login(contributor)
    response = client.post(resource_group_new_url(provisioned), {"name": "rg-new", "region": "japaneast"})
    assert response.status_code == 302
    created = ResourceGroup.objects.get(name="rg-new")
    assert (created.region, created.created_by) == ("japaneast", contributor)
    event = AuditEvent.objects.get(action="azure_resource_group.create", actor=contributor)
    assert not event.on_behalf
    delete = reverse(
        "admincenter:azure_resource_group_delete",
        args=[world.customer_x.public_id, provisioned.public_id, group.public_id],
    )
    assert "Delete rg-base?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert list(ResourceGroup.objects.values_list("name", flat=True)) == ["rg-new"]
    assert client.get(add_url(provisioned)).status_code == 403
    reader = AzureRoleAssignment.objects.get(user=world.x_user)
    assert client.post(remove_url(reader)).status_code == 403
    assert AzureRoleAssignment.objects.filter(pk=reader.pk).exists()


def test_the_tenants_global_admin_manages_access_but_not_resources_of_a_partners_subscription(
    world, client_for, provisioned
):
    ga = client_for("x_ga")
    overview = ga.get(overview_url(provisioned)).content.decode()
    assert "Global admin (manages access)" in overview
    assert "Create resource group" not in overview
    assert ga.get(resource_group_new_url(provisioned)).status_code == 403
    response = ga.post(add_url(provisioned), {"role": "contributor", "principal": f"user:{world.x_user.public_id}"})
    assert response.status_code == 302
    assert AzureRoleAssignment.objects.filter(user=world.x_user, role="contributor").exists()
    event = AuditEvent.objects.get(action="azure_role_assignment.create")
    assert (event.actor, event.on_behalf, event.details["principal"]) == (world.x_ga, False, world.x_user.email)


def test_an_owner_gives_a_partners_helpdesk_agents_a_role(world, client_for, provisioned):
    helpdesk = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=Kind.HELPDESK_AGENTS)
    agent = client_for("a_admin")
    form = agent.get(add_url(provisioned)).content.decode()
    assert "Helpdesk Agents — Fabrikam (partner)" in form
    assert "Northwind" not in form
    response = agent.post(add_url(provisioned), {"role": "reader", "principal": f"group:{helpdesk.public_id}"})
    assert response.status_code == 302
    assert client_for("a_helpdesk").get(overview_url(provisioned)).status_code == 200
    event = AuditEvent.objects.get(action="azure_role_assignment.create")
    assert event.on_behalf and event.details["principal"] == "Helpdesk Agents — Fabrikam"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "", "principal": ""}, "Select a role."),
        ({"role": "owner", "principal": ""}, "Select the user or group that gets the role."),
        ({"role": "king", "principal": "user:x"}, "Select a role from the list."),
        ({"role": "owner", "principal": "user:00000000-0000-0000-0000-000000000000"}, "Select a user or group from"),
    ],
)
def test_bad_role_assignments_are_refused_with_a_message(world, client_for, provisioned, data, message):
    response = client_for("x_ga").post(add_url(provisioned), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert AzureRoleAssignment.objects.count() == 1


def test_users_and_groups_of_other_tenants_cannot_be_chosen(world, client_for, provisioned):
    northwind = admin_agents(world.partner_b)
    for principal in (f"user:{world.y_ga.public_id}", f"group:{northwind.public_id}"):
        response = client_for("x_ga").post(add_url(provisioned), {"role": "owner", "principal": principal})
        assert response.status_code == 400
        assert "Select a user or group from the list." in response.content.decode()
    assert AzureRoleAssignment.objects.count() == 1


def test_a_partner_acting_for_the_customer_is_offered_and_may_assign_only_its_own_groups(
    world, client_for, provisioned
):
    # Northwind works for Contoso too: Contoso's admins may give its groups a role, Fabrikam may not, nor see them.
    ResellerRelationshipFactory(partner=world.partner_b, customer=world.customer_x)
    northwind = admin_agents(world.partner_b)
    agent = client_for("a_admin")
    form = agent.get(add_url(provisioned)).content.decode()
    assert "Admin Agents — Fabrikam (partner)" in form
    assert "Northwind" not in form and str(northwind.public_id) not in form
    before = list(AzureRoleAssignment.objects.values_list("pk", "role", "group_id", "user_id").order_by("pk"))
    events = AuditEvent.objects.count()
    response = agent.post(add_url(provisioned), {"role": "owner", "principal": f"group:{northwind.public_id}"})
    assert response.status_code == 400
    assert "Select a user or group from the list." in response.content.decode()
    assert "Northwind" not in response.content.decode()
    assert list(AzureRoleAssignment.objects.values_list("pk", "role", "group_id", "user_id").order_by("pk")) == before
    assert AuditEvent.objects.count() == events
    assert client_for("b_admin").get(overview_url(provisioned)).status_code == 404

    # The customer's own Global admin sees Northwind's groups as foreign principals, and may assign them.
    ga = client_for("x_ga")
    assert "Admin Agents — Northwind (partner)" in ga.get(add_url(provisioned)).content.decode()
    response = ga.post(add_url(provisioned), {"role": "reader", "principal": f"group:{northwind.public_id}"})
    assert response.status_code == 302
    assert AzureRoleAssignment.objects.filter(subscription=provisioned, group=northwind, role="reader").exists()


def test_a_duplicate_role_assignment_is_refused_with_a_message(world, client_for, provisioned):
    group = admin_agents(world.partner_a)
    response = client_for("x_ga").post(add_url(provisioned), {"role": "owner", "principal": f"group:{group.public_id}"})
    assert response.status_code == 400
    assert "This group already has this role on the subscription." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "region": "eastus"}, "Enter a name for the resource group."),
        ({"name": "rg.", "region": "eastus"}, "can&#x27;t end with a period"),
        ({"name": "rg", "region": ""}, "Select a region."),
        ({"name": "RG-BASE", "region": "eastus"}, "This subscription already has a resource group with this name."),
    ],
)
def test_bad_resource_groups_are_refused_with_a_message(world, client_for, provisioned, data, message):
    resource_group_create(subscription=provisioned, name="rg-base", region="eastus", created_by=world.a_admin)
    response = client_for("a_admin").post(resource_group_new_url(provisioned), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ResourceGroup.objects.count() == 1


def test_a_plain_user_without_a_role_sees_an_empty_list_and_no_subscription(world, client_for, provisioned):
    client = client_for("x_user")
    body = client.get(list_url(world.customer_x)).content.decode()
    assert "You have no role assignment on any of this organization's Azure subscriptions." in body
    assert client.get(overview_url(provisioned)).status_code == 404
    assert (
        client.get(reverse("admincenter:azure_subscription_new", args=[world.customer_x.public_id])).status_code == 403
    )


def test_a_subscription_is_found_only_under_its_own_tenant(world, client_for, provisioned):
    url = reverse("admincenter:azure_subscription", args=[world.customer_y.public_id, provisioned.public_id])
    assert client_for("x_ga").get(url).status_code == 404
    assert client_for("a_admin").get(url).status_code == 404


def test_the_global_admin_sees_every_subscription_and_its_nav_entry(world, client_for, provisioned):
    own = azure_subscription_create(tenant=world.customer_x, name="Contoso production", created_by=world.x_ga)
    body = client_for("x_ga").get(list_url(world.customer_x)).content.decode()
    assert "Contoso production" in body and "Fabrikam-managed" in body
    assert reverse("admincenter:azure_subscription_new", args=[world.customer_x.public_id]) in body
    home = client_for("x_ga").get(reverse("admincenter:home", args=[world.customer_x.public_id])).content.decode()
    assert list_url(world.customer_x) in home
    assert own.public_id


def test_the_nav_entry_is_hidden_from_an_agent_without_a_role(world, client_for):
    body = client_for("a_admin").get(reverse("admincenter:home", args=[world.customer_x.public_id])).content.decode()
    assert list_url(world.customer_x) not in body


@pytest.mark.parametrize("name", ["azure_subscription", "azure_access_control"])
def test_subscription_pages_refuse_other_methods(world, client_for, provisioned, name):
    url = reverse(f"admincenter:{name}", args=[world.customer_x.public_id, provisioned.public_id])
    assert client_for("a_admin").post(url).status_code == 405
    assert client_for("a_admin").delete(url).status_code == 405


# Query counts stay flat as rows grow.


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_access_control_run_a_bounded_number_of_queries(world, client_for, provisioned):
    agent = client_for("a_admin")
    agent.get(list_url(world.customer_x))  # the session's MFA answer is kept after the first request
    agent.get(reverse("customers:list"))  # and the partner's count of customers
    few_list, few_access = _count(agent, list_url(world.customer_x)), _count(agent, access_url(provisioned))
    few_customers = _count(agent, reverse("customers:list"))
    for i in range(12):
        subscription = azure_subscription_provision(
            partner=world.partner_a, customer=world.customer_x, name=f"Extra {i}", agent=world.a_admin
        )
        resource_group_create(subscription=subscription, name=f"rg{i}", region="eastus", created_by=world.a_admin)
        user = UserFactory(tenant=world.customer_x)
        role_assignment_create(subscription=provisioned, role="reader", principal=user, created_by=world.a_admin)
    assert _count(agent, list_url(world.customer_x)) == few_list
    assert _count(agent, access_url(provisioned)) == few_access
    assert _count(agent, reverse("customers:list")) == few_customers


def test_a_plain_user_with_a_role_finds_azure_subscriptions_from_home(world, client_for, provisioned):
    client = client_for("x_user")
    assert list_url(world.customer_x) not in client.get(reverse("home")).content.decode()
    role_assignment_create(subscription=provisioned, role="reader", principal=world.x_user, created_by=world.x_ga)
    assert list_url(world.customer_x) in client.get(reverse("home")).content.decode()
    body = client.get(list_url(world.customer_x)).content.decode()
    assert "Fabrikam-managed" in body
    # Not an administrator: the admin center's nav offers it only what it may open.
    assert f'href="{reverse("admincenter:home", args=[world.customer_x.public_id])}"' not in body


def test_the_customer_page_offers_add_azure_subscription_to_admin_agents_only(world, client_for, provisioned):
    url = reverse("customers:detail", args=[world.customer_x.public_id])
    add = reverse("customers:azure_subscription_new", args=[world.customer_x.public_id])
    admin = client_for("a_admin").get(url)
    assert add in admin.content.decode()
    (portal,) = [p for p in admin.context["row"].admin_portals if p.name == "Azure"]
    assert portal.url == list_url(world.customer_x)
    sales = client_for("a_sales").get(url)
    assert add not in sales.content.decode()
    (portal,) = [p for p in sales.context["row"].admin_portals if p.name == "Azure"]
    assert portal.reason == "No role assignment on this customer's subscriptions."


def test_azure_actions_read_in_words_on_the_customers_activity(world, client_for, provisioned):
    resource_group_create(
        subscription=provisioned, name="rg-web", region="westeurope", created_by=world.a_admin, partner=world.partner_a
    )
    body = client_for("x_ga").get(reverse("admincenter:activity", args=[world.customer_x.public_id])).content.decode()
    for words in ("Created a resource group", "rg-web", "West Europe", "Provisioned an Azure subscription"):
        assert words in body


def test_a_partner_reads_another_partners_subscription_and_groups_without_its_name(world, client_for):
    two = northwind_works_for_contoso(world)
    agent, ga = client_for("a_admin"), client_for("x_ga")
    for url in (list_url(world.customer_x), overview_url(two.azure), access_url(two.azure)):
        response = agent.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert leaked(body, two) == [] and "Another partner" in body
        body = ga.get(url).content.decode()
        assert "Northwind" in body and "Another partner" not in body
    access = agent.get(access_url(two.azure)).content.decode()
    assert "Admin Agents — Another partner (partner)" in access and "Admin Agents — Fabrikam (partner)" in access
