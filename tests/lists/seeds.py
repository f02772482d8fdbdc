"""Rows of each list's own data, made with bulk_create (a few queries whatever the count), for the list tests."""

from datetime import timedelta

from django.utils import timezone

from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
from azure_subscriptions.models import AzureSubscription
from customers.catalogue import Product
from customers.models import Subscription
from partnercenter.models import (
    AuditAction,
    AuditEvent,
    DelegatedAdminGrant,
    DirectoryRole,
    DirectoryRoleAssignment,
    Partner,
    ResellerRelationship,
    Tenant,
    User,
)
from partnercenter.selectors import forget_customer_count
from relationships.models import RelationshipRequest


def customers(world, count: int) -> None:
    """`count` more customers of partner A, one in three with delegated admin."""
    tenants = Tenant.objects.bulk_create(
        Tenant(name=f"Seed {n:06d}", primary_domain=f"seed{n:06d}.example") for n in range(count)
    )
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=world.partner_a, customer=t) for t in tenants)
    forget_customer_count(world.partner_a.pk)  # a bulk insert sends no post_save
    DelegatedAdminGrant.objects.bulk_create(
        DelegatedAdminGrant(partner=world.partner_a, customer=t) for t in tenants[::3]
    )


def relationship_requests(world, count: int) -> None:
    """`count` more requests of partner A, drafts, pending, expired and revoked, some accepted by a customer."""
    now = timezone.now()
    State = RelationshipRequest.State
    states = (State.REVOKED, State.DRAFT, State.DRAFT, State.DRAFT, State.PENDING)
    RelationshipRequest.objects.bulk_create(
        RelationshipRequest(
            partner=world.partner_a,
            created_by=world.a_admin,
            token_hash=f"{n:064d}",
            expires_at=now + timedelta(days=(n % 7) - 2),
            state=states[n % 5],
            recipient_email=f"seed{n}@example.com",
            customer=world.customer_x if n % 4 == 0 else None,
        )
        for n in range(count)
    )


def users(world, count: int) -> None:
    """`count` more users of customer X, every other one a Helpdesk Administrator."""
    made = User.objects.bulk_create(
        User(tenant=world.customer_x, email=f"seed{n:06d}@contoso.test", first_name="Seed", last_name=f"{n:06d}")
        for n in range(count)
    )
    DirectoryRoleAssignment.objects.bulk_create(
        DirectoryRoleAssignment(user=u, role=DirectoryRole.HELPDESK_ADMINISTRATOR) for u in made[::2]
    )


def devices(world, count: int) -> None:
    """`count` more Autopilot devices of customer X, added by partner A in one registered list, every other one
    with a profile."""
    batch = DeviceBatch.objects.create(
        tenant=world.customer_x,
        name="Seed list",
        source=DeviceSource.PARTNER,
        partner=world.partner_a,
        uploaded_by=world.a_admin,
        state=DeviceBatch.State.REGISTERED,
    )
    profile = AutopilotProfile.objects.create(tenant=world.customer_x, name="Seed profile")
    Device.objects.bulk_create(
        Device(
            tenant=world.customer_x,
            serial_number=f"SN{count - n:06d}",
            manufacturer=f"Maker {n % 3}",
            model=f"Model {n % 7}",
            batch=batch,
            added_by_source=DeviceSource.PARTNER,
            added_by_partner=world.partner_a,
            profile=profile if n % 2 else None,
        )
        for n in range(count)
    )


def device_lists(world, count: int) -> None:
    """`count` more device lists that partner A uploaded for customer X."""
    DeviceBatch.objects.bulk_create(
        DeviceBatch(
            tenant=world.customer_x,
            name=f"Seed list {n:06d}",
            source=DeviceSource.PARTNER,
            partner=world.partner_a,
            uploaded_by=world.a_admin,
            state=DeviceBatch.State.REGISTERED,
        )
        for n in range(count)
    )


def profiles(world, count: int) -> None:
    """`count` more Autopilot profiles of customer X, each applied to a device."""
    made = AutopilotProfile.objects.bulk_create(
        AutopilotProfile(tenant=world.customer_x, name=f"Seed profile {n:06d}") for n in range(count)
    )
    Device.objects.bulk_create(
        Device(
            tenant=world.customer_x,
            serial_number=f"P{n:06d}",
            manufacturer="Maker",
            model="Model",
            added_by_source=DeviceSource.PARTNER,
            added_by_partner=world.partner_a,
            profile=p,
        )
        for n, p in enumerate(made)
    )


def events(world, count: int) -> None:
    """`count` more audit events: half what partner A's Admin agent did for customer X, half what customer X's
    Global admin did."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=world.a_admin if n % 2 else world.x_ga,
            actor_tenant=world.partner_a.tenant if n % 2 else world.customer_x,
            target_tenant=world.customer_x,
            on_behalf=bool(n % 2),
            action=AuditAction.SUBSCRIPTION_CREATE if n % 3 else AuditAction.LICENSE_ASSIGN,
        )
        for n in range(count)
    )


def subscriptions(world, count: int) -> None:
    """`count` more Microsoft 365 subscriptions of customer X, provisioned by partner A."""
    products = list(Product.values)
    Subscription.objects.bulk_create(
        Subscription(
            tenant=world.customer_x,
            product=products[n % len(products)],
            seats=n % 50 + 1,
            provisioned_by=world.partner_a,
        )
        for n in range(count)
    )


def azure_subscriptions(world, count: int) -> None:
    """`count` more Azure subscriptions of customer X."""
    AzureSubscription.objects.bulk_create(
        AzureSubscription(tenant=world.customer_x, name=f"Seed {n:06d}", provisioned_by=world.partner_a)
        for n in range(count)
    )


def partner_relationships(world, count: int) -> None:
    """`count` more partners with a reseller relationship with customer X, one in three with delegated admin."""
    tenants = Tenant.objects.bulk_create(
        Tenant(name=f"Seed partner {n:06d}", primary_domain=f"partner{n:06d}.example") for n in range(count)
    )
    partners = Partner.objects.bulk_create(
        Partner(tenant=t, partner_id=f"8{n:07d}", tenant_name=t.name) for n, t in enumerate(tenants)
    )
    ResellerRelationship.objects.bulk_create(
        ResellerRelationship(partner=p, customer=world.customer_x) for p in partners
    )
    DelegatedAdminGrant.objects.bulk_create(
        DelegatedAdminGrant(partner=p, customer=world.customer_x) for p in partners[::3]
    )


def partner_users(world, count: int) -> None:
    """`count` more users of partner A (no role: User management lists them all the same), whose Admin agent is
    its Global admin (who alone may open User management)."""
    DirectoryRoleAssignment.objects.get_or_create(user=world.a_admin, role=DirectoryRole.GLOBAL_ADMINISTRATOR)
    User.objects.bulk_create(
        User(tenant=world.partner_a.tenant, email=f"seed{n:06d}@fabrikam.test", first_name="Seed", last_name=f"{n:06d}")
        for n in range(count)
    )


SEEDS = {
    "events": events,
    "subscriptions": subscriptions,
    "azure-subscriptions": azure_subscriptions,
    "partner-relationships": partner_relationships,
    "partner-users": partner_users,
    "devices": devices,
    "device-lists": device_lists,
    "profiles": profiles,
    "users": users,
    "customers": customers,
    "relationship-requests": relationship_requests,
}
