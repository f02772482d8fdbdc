"""Rows of each list's own data, made with bulk_create (a few queries whatever the count), for the list tests."""

from datetime import timedelta

from django.utils import timezone

from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
from partnercenter.models import (
    DelegatedAdminGrant,
    DirectoryRole,
    DirectoryRoleAssignment,
    ResellerRelationship,
    Tenant,
    User,
)
from relationships.models import RelationshipRequest


def customers(world, count: int) -> None:
    """`count` more customers of partner A, one in three with delegated admin."""
    tenants = Tenant.objects.bulk_create(
        Tenant(name=f"Seed {n:06d}", primary_domain=f"seed{n:06d}.example") for n in range(count)
    )
    ResellerRelationship.objects.bulk_create(ResellerRelationship(partner=world.partner_a, customer=t) for t in tenants)
    DelegatedAdminGrant.objects.bulk_create(
        DelegatedAdminGrant(partner=world.partner_a, customer=t) for t in tenants[::3]
    )


def relationship_requests(world, count: int) -> None:
    """`count` more requests of partner A, pending, expired and revoked, some accepted by a customer."""
    now = timezone.now()
    RelationshipRequest.objects.bulk_create(
        RelationshipRequest(
            partner=world.partner_a,
            created_by=world.a_admin,
            token_hash=f"{n:064d}",
            expires_at=now + timedelta(days=(n % 7) - 2),
            state=RelationshipRequest.State.REVOKED if n % 5 == 0 else RelationshipRequest.State.PENDING,
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


SEEDS = {
    "devices": devices,
    "device-lists": device_lists,
    "profiles": profiles,
    "users": users,
    "customers": customers,
    "relationship-requests": relationship_requests,
}
