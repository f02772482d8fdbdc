"""Azure subscriptions in the services and the access module: the seed's four rules, and the invariants of
subscriptions, resource groups and role assignments.

1. Accepting a request with delegated admin gives the partner no access to the customer's existing subscriptions.
2. A subscription the partner provisions gets the partner's Admin Agents as Owner.
3. After delegated admin is removed, the partner still manages the subscriptions it holds a role on.
4. Removing the role assignment stops it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from azure_subscriptions.models import AzureRole, AzureRoleAssignment, AzureSubscription, ResourceGroup
from azure_subscriptions.rules import (
    AZURE_CONTRIBUTOR,
    AZURE_OWNER,
    AZURE_READER,
    azure_roles,
    azure_subscriptions_visible_to,
)
from azure_subscriptions.services import (
    azure_subscription_create,
    azure_subscription_provision,
    resource_group_create,
    resource_group_delete,
    role_assignment_create,
    role_assignment_remove,
)
from partnercenter.access import effective_roles
from partnercenter.models import AuditEvent, DirectoryRole, SecurityGroup
from relationships.services import delegated_admin_remove, relationship_request_accept
from tests.factories import ResellerRelationshipFactory, TenantFactory, UserFactory

Kind = SecurityGroup.Kind
GA = DirectoryRole.GLOBAL_ADMINISTRATOR


def admin_agents(partner) -> SecurityGroup:
    return SecurityGroup.objects.get(tenant=partner.tenant, kind=Kind.ADMIN_AGENTS)


@pytest.fixture
def provisioned(world) -> AzureSubscription:
    """A subscription partner A provisioned for customer X."""
    return azure_subscription_provision(
        partner=world.partner_a, customer=world.customer_x, name="Fabrikam-managed", agent=world.a_admin
    )


@pytest.fixture
def own(world) -> AzureSubscription:
    """A subscription customer X created itself."""
    return azure_subscription_create(tenant=world.customer_x, name="Contoso production", created_by=world.x_ga)


# Rule 1


def test_accepting_delegated_admin_gives_the_partner_no_access_to_existing_azure_subscriptions(world):
    existing = azure_subscription_create(tenant=world.customer_y, name="Litware data", created_by=world.y_ga)
    relationship_request_accept(relationship_request=world.pending.request, user=world.y_ga)
    # Partner A's Admin agent is now Global Administrator of Litware through delegated admin …
    assert GA in effective_roles(world.a_admin, world.customer_y)
    # … and still has no role on, and cannot see, the subscription Litware already had.
    assert azure_roles(world.a_admin, existing) == frozenset()
    assert not azure_subscriptions_visible_to(world.a_admin, world.customer_y).exists()


def test_delegated_admin_gives_no_access_to_a_customers_own_subscription(world, own):
    assert GA in effective_roles(world.a_admin, world.customer_x)
    for agent in (world.a_admin, world.a_helpdesk, world.a_sales):
        assert azure_roles(agent, own) == frozenset()
        assert not azure_subscriptions_visible_to(agent, world.customer_x).exists()


# Rule 2


def test_a_provisioned_subscription_makes_the_partners_admin_agents_its_owner(world, provisioned):
    assert provisioned.tenant == world.customer_x
    assert provisioned.provisioned_by == world.partner_a
    (assignment,) = AzureRoleAssignment.objects.filter(subscription=provisioned)
    assert (assignment.role, assignment.group, assignment.user) == (
        AzureRole.OWNER,
        admin_agents(world.partner_a),
        None,
    )
    assert azure_roles(world.a_admin, provisioned) == {AZURE_OWNER}
    # Only the Admin Agents group: the partner's other agents have no role on it.
    assert azure_roles(world.a_helpdesk, provisioned) == frozenset()
    assert azure_roles(world.a_sales, provisioned) == frozenset()
    event = AuditEvent.objects.get(action="azure_subscription.provision")
    assert (event.actor, event.target_tenant, event.object_id) == (
        world.a_admin,
        world.customer_x,
        str(provisioned.public_id),
    )
    assert event.details["partner"] == "Fabrikam"
    assert event.details["azure_role"] == "owner"


def test_a_new_admin_agent_of_the_partner_gets_the_groups_access(world, provisioned):
    newcomer = UserFactory(tenant=world.partner_a.tenant, group_kinds=[Kind.ADMIN_AGENTS])
    assert azure_roles(newcomer, provisioned) == {AZURE_OWNER}


@pytest.mark.parametrize("persona", ["a_sales", "a_helpdesk"])
def test_only_admin_agents_can_provision_an_azure_subscription(world, persona):
    with pytest.raises(PermissionDenied):
        azure_subscription_provision(
            partner=world.partner_a, customer=world.customer_x, name="Nope", agent=world.user(persona)
        )
    assert not AzureSubscription.objects.exists()


def test_provisioning_needs_an_active_reseller_relationship(world):
    with pytest.raises(PermissionDenied):
        azure_subscription_provision(
            partner=world.partner_b, customer=world.customer_x, name="Nope", agent=world.b_admin
        )
    assert not AzureSubscription.objects.exists()


def test_provisioning_does_not_need_delegated_admin(world):
    """Partner B resells to Litware without delegated admin: its Admin agent provisions all the same."""
    subscription = azure_subscription_provision(
        partner=world.partner_b, customer=world.customer_y, name="Northwind-managed", agent=world.b_admin
    )
    assert azure_roles(world.b_admin, subscription) == {AZURE_OWNER}


# Rule 3


def test_the_partner_still_manages_its_subscription_after_delegated_admin_is_removed(world, provisioned):
    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    assert effective_roles(world.a_admin, world.customer_x) == frozenset()
    assert azure_roles(world.a_admin, provisioned) == {AZURE_OWNER}
    group = resource_group_create(
        subscription=provisioned, name="rg-web", region="westeurope", created_by=world.a_admin, partner=world.partner_a
    )
    assert group.subscription == provisioned


# Rule 4


def test_removing_the_role_assignment_stops_the_partner(world, provisioned):
    delegated_admin_remove(customer=world.customer_x, partner=world.partner_a, removed_by=world.x_ga)
    assignment = AzureRoleAssignment.objects.get(subscription=provisioned, group=admin_agents(world.partner_a))
    role_assignment_remove(assignment=assignment, removed_by=world.x_ga)
    assert azure_roles(world.a_admin, provisioned) == frozenset()
    assert not azure_subscriptions_visible_to(world.a_admin, world.customer_x).exists()
    event = AuditEvent.objects.get(action="azure_role_assignment.remove")
    assert event.actor == world.x_ga
    assert not event.on_behalf
    assert event.details["principal"] == "Admin Agents — Fabrikam"
    assert event.details["azure_role"] == "owner"


# Creating subscriptions


def test_the_customers_creator_becomes_owner_of_its_own_subscription(world, own):
    assert own.provisioned_by is None
    assert azure_roles(world.x_ga, own) == {AZURE_OWNER}
    assert AuditEvent.objects.filter(action="azure_subscription.create", object_id=str(own.public_id)).exists()


def test_a_user_cannot_create_a_subscription_in_another_tenant(world):
    with pytest.raises(PermissionDenied):
        azure_subscription_create(tenant=world.customer_x, name="Foreign", created_by=world.y_ga)


def test_subscription_names_are_unique_per_tenant_regardless_of_case(world, own):
    with pytest.raises(ValidationError) as error:
        azure_subscription_create(tenant=world.customer_x, name="CONTOSO PRODUCTION", created_by=world.x_ga)
    assert "already has an Azure subscription with this name" in str(error.value)
    assert AzureSubscription.objects.count() == 1
    assert AzureRoleAssignment.objects.count() == 1  # nothing half written
    # Another tenant may use the name.
    azure_subscription_create(tenant=world.customer_y, name="Contoso production", created_by=world.y_ga)


# Resource groups


def test_resource_group_names_are_unique_per_subscription_regardless_of_case(world, own):
    resource_group_create(subscription=own, name="rg-Web", region="eastus", created_by=world.x_ga)
    with pytest.raises(ValidationError) as error:
        resource_group_create(subscription=own, name="RG-web", region="eastus", created_by=world.x_ga)
    assert "already has a resource group with this name" in str(error.value)
    assert ResourceGroup.objects.count() == 1


@pytest.mark.parametrize(("name", "region"), [("ends-with-period.", "eastus"), ("bad/slash", "eastus"), ("ok", "mars")])
def test_bad_resource_groups_are_refused(world, own, name, region):
    with pytest.raises(ValidationError):
        resource_group_create(subscription=own, name=name, region=region, created_by=world.x_ga)
    assert not ResourceGroup.objects.exists()
    assert not AuditEvent.objects.filter(action="azure_resource_group.create").exists()


def test_a_disabled_subscriptions_resources_cannot_change(world, own):
    group = resource_group_create(subscription=own, name="rg", region="eastus", created_by=world.x_ga)
    AzureSubscription.objects.filter(pk=own.pk).update(state=AzureSubscription.State.DISABLED)
    own.refresh_from_db()
    with pytest.raises(ValidationError):
        resource_group_create(subscription=own, name="rg2", region="eastus", created_by=world.x_ga)
    group.refresh_from_db()
    with pytest.raises(ValidationError):
        resource_group_delete(resource_group=group, deleted_by=world.x_ga)
    assert ResourceGroup.objects.count() == 1


def test_a_partner_agents_actions_are_audited_on_the_customers_behalf(world, provisioned):
    group = resource_group_create(
        subscription=provisioned, name="rg-app", region="japaneast", created_by=world.a_admin, partner=world.partner_a
    )
    resource_group_delete(resource_group=group, deleted_by=world.a_admin, partner=world.partner_a)
    for action in ("azure_resource_group.create", "azure_resource_group.delete"):
        event = AuditEvent.objects.get(action=action)
        assert event.on_behalf
        assert event.actor_tenant == world.partner_a.tenant
        assert event.target_tenant == world.customer_x
        assert event.details["partner"] == "Fabrikam"
        assert event.details["resource_group"] == "rg-app"
    assert not ResourceGroup.objects.exists()


# Role assignments


def test_roles_come_from_the_users_own_and_its_groups_assignments(world, own):
    group = SecurityGroup.objects.create(tenant=world.customer_x, name="Developers")
    group.members.add(world.x_user)
    role_assignment_create(subscription=own, role=AZURE_READER, principal=world.x_user, created_by=world.x_ga)
    role_assignment_create(subscription=own, role=AZURE_CONTRIBUTOR, principal=group, created_by=world.x_ga)
    assert azure_roles(world.x_user, own) == {AZURE_READER, AZURE_CONTRIBUTOR}
    assert list(azure_subscriptions_visible_to(world.x_user, world.customer_x)) == [own]


def test_a_customer_can_give_a_partners_admin_agents_a_role(world, own):
    role_assignment_create(
        subscription=own, role=AZURE_READER, principal=admin_agents(world.partner_a), created_by=world.x_ga
    )
    assert azure_roles(world.a_admin, own) == {AZURE_READER}


def test_groups_of_partners_without_a_relationship_cannot_be_assigned(world, own):
    with pytest.raises(ValidationError):
        role_assignment_create(
            subscription=own, role=AZURE_OWNER, principal=admin_agents(world.partner_b), created_by=world.x_ga
        )
    # Nor another customer's group, nor a partner's Sales Agents.
    other = SecurityGroup.objects.create(tenant=world.customer_y, name="Litware team")
    sales = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=Kind.SALES_AGENTS)
    for group in (other, sales):
        with pytest.raises(ValidationError):
            role_assignment_create(subscription=own, role=AZURE_OWNER, principal=group, created_by=world.x_ga)
    assert AzureRoleAssignment.objects.count() == 1  # the creator's Owner


def test_a_partner_acting_for_the_customer_cannot_give_another_partners_group_a_role(world, provisioned):
    """Whatever a form offered: the service checks the principal against who acts."""
    ResellerRelationshipFactory(partner=world.partner_b, customer=world.customer_x)
    before = set(AzureRoleAssignment.objects.values_list("pk", flat=True))
    for partner in (world.partner_a, None):
        with pytest.raises(ValidationError) as error:
            role_assignment_create(
                subscription=provisioned,
                role=AZURE_OWNER,
                principal=admin_agents(world.partner_b),
                created_by=world.a_admin,
                partner=partner,
            )
        assert "your own agent groups" in str(error.value)
    # Nor may an agent claim to act for a partner it does not work for.
    with pytest.raises(PermissionDenied):
        role_assignment_create(
            subscription=provisioned,
            role=AZURE_READER,
            principal=admin_agents(world.partner_a),
            created_by=world.a_admin,
            partner=world.partner_b,
        )
    assert set(AzureRoleAssignment.objects.values_list("pk", flat=True)) == before
    # The customer's own Global admin may give a role to any partner that works with it.
    role_assignment_create(
        subscription=provisioned, role=AZURE_READER, principal=admin_agents(world.partner_b), created_by=world.x_ga
    )
    assert azure_roles(world.b_admin, provisioned) == {AZURE_READER}


def test_users_of_other_tenants_cannot_be_assigned(world, own):
    with pytest.raises(ValidationError) as error:
        role_assignment_create(subscription=own, role=AZURE_OWNER, principal=world.a_admin, created_by=world.x_ga)
    assert "Only users of the subscription's organization" in str(error.value)


def test_a_role_assignment_is_not_given_twice(world, own):
    with pytest.raises(ValidationError) as error:
        role_assignment_create(subscription=own, role=AZURE_OWNER, principal=world.x_ga, created_by=world.x_ga)
    assert "already has this role" in str(error.value)
    assert AzureRoleAssignment.objects.count() == 1
    assert not AuditEvent.objects.filter(action="azure_role_assignment.create").exists()


def test_the_last_owner_can_be_removed_and_the_global_admin_still_sees_it(world, own):
    (owner,) = AzureRoleAssignment.objects.filter(subscription=own)
    role_assignment_remove(assignment=owner, removed_by=world.x_ga)
    assert azure_roles(world.x_ga, own) == frozenset()
    assert list(azure_subscriptions_visible_to(world.x_ga, world.customer_x)) == [own]


def test_a_role_assignment_is_removed_once(world, own):
    (owner,) = AzureRoleAssignment.objects.filter(subscription=own)
    role_assignment_remove(assignment=owner, removed_by=world.x_ga)
    with pytest.raises(ValidationError):
        role_assignment_remove(assignment=owner, removed_by=world.x_ga)
    assert AuditEvent.objects.filter(action="azure_role_assignment.remove").count() == 1


def test_the_check_constraint_wants_exactly_one_principal(world, own):
    both = AzureRoleAssignment(
        subscription=own, role=AZURE_READER, user=world.x_user, group=admin_agents(world.partner_a)
    )
    neither = AzureRoleAssignment(subscription=own, role=AZURE_READER)
    for assignment in (both, neither):
        with pytest.raises(ValidationError):
            assignment.full_clean()


def test_a_tenant_is_only_the_users_own(world):
    stranger_tenant = TenantFactory()
    mine = azure_subscription_create(tenant=world.customer_x, name="Mine", created_by=world.x_ga)
    assert not azure_subscriptions_visible_to(world.y_ga, world.customer_x).exists()
    assert azure_roles(world.y_ga, mine) == frozenset()
    assert not azure_subscriptions_visible_to(world.x_ga, stranger_tenant).exists()


def test_demo_data_gives_contoso_an_own_and_a_provisioned_subscription(db):
    import io

    from django.core.management import call_command

    for _run in range(2):  # idempotent
        call_command("demo_data", extra_customers=0, stdout=io.StringIO())
    contoso = AzureSubscription.objects.filter(tenant__primary_domain="contoso.example")
    assert contoso.count() == 2
    own, provisioned = contoso.get(provisioned_by=None), contoso.get(provisioned_by__isnull=False)
    assert provisioned.provisioned_by.tenant.primary_domain == "fabrikam.example"
    assert own.provisioned_by is None
    fabrikam_admin = own.tenant.users.model.objects.get(email="admin@fabrikam.example")
    assert azure_roles(fabrikam_admin, provisioned) == {AZURE_OWNER}
    assert azure_roles(fabrikam_admin, own) == frozenset()
