"""A customer with two partners, for the tests of what one partner may learn about the other: Northwind (partner B)
works for Contoso (customer X) too, beside Fabrikam (partner A, with delegated admin). Northwind provisioned an Azure
subscription and a Microsoft 365 subscription, created a resource group, and Contoso gave Northwind's Helpdesk
Agents a role on its own subscription and Fabrikam's Admin Agents a role on Northwind's."""

from dataclasses import dataclass

from azure_subscriptions.models import AzureSubscription
from azure_subscriptions.services import (
    azure_subscription_create,
    azure_subscription_provision,
    resource_group_create,
    role_assignment_create,
)
from customers.catalogue import Product
from customers.models import Subscription
from customers.services import subscription_create
from partnercenter.models import SecurityGroup

from .factories import ResellerRelationshipFactory

Kind = SecurityGroup.Kind


@dataclass
class TwoPartners:
    azure: AzureSubscription  # Northwind's, which Fabrikam's Admin Agents may read
    own_azure: AzureSubscription  # Contoso's, where Northwind's Helpdesk Agents are Readers
    m365: Subscription  # Northwind's
    secrets: tuple[str, ...]  # what Fabrikam must not read anywhere: Northwind's name, domain, agent, partner ID


def northwind_works_for_contoso(world) -> TwoPartners:
    b, x = world.partner_b, world.customer_x
    ResellerRelationshipFactory(partner=b, customer=x)
    azure = azure_subscription_provision(partner=b, customer=x, name="Contoso analytics", agent=world.b_admin)
    resource_group_create(
        subscription=azure, name="rg-nw-only", region="westeurope", created_by=world.b_admin, partner=b
    )
    m365 = subscription_create(customer=x, partner=b, product=Product.O365_E3, seats=3, created_by=world.b_admin)
    own_azure = azure_subscription_create(tenant=x, name="Contoso production", created_by=world.x_ga)
    b_helpdesk = SecurityGroup.objects.get(tenant=b.tenant, kind=Kind.HELPDESK_AGENTS)
    role_assignment_create(subscription=own_azure, role="reader", principal=b_helpdesk, created_by=world.x_ga)
    a_admins = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=Kind.ADMIN_AGENTS)
    role_assignment_create(subscription=azure, role="reader", principal=a_admins, created_by=world.x_ga)
    secrets = ("Northwind", "northwind.test", world.b_admin.get_full_name(), b.partner_id)
    return TwoPartners(azure=azure, own_azure=own_azure, m365=m365, secrets=secrets)


def leaked(body: str, two: TwoPartners) -> list[str]:
    return [secret for secret in two.secrets if secret in body]
