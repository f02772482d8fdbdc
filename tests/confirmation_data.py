"""Test data for the actions that ask first: one of each thing a destructive or link-invalidating action acts on, in
the personas' world (tests/conftest.py)."""

from dataclasses import dataclass

from admin_relationships.services import (
    access_assignment_activate,
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from autopilot.models import DeviceBatch, DeviceSource
from customers.models import LicenseAssignment, Subscription
from partner_settings.app_services import api_application_create, api_client_secret_create
from partnercenter.models import (
    AccessAssignment,
    AdminRelationship,
    ApiApplication,
    ApiClientSecret,
    ApiPermission,
    DirectoryRole,
    SecurityGroup,
)
from tests.conftest import World

GA = DirectoryRole.GLOBAL_ADMINISTRATOR
HA = DirectoryRole.HELPDESK_ADMINISTRATOR


@dataclass
class Scene:
    relationship: AdminRelationship  # partner A's, with X, active: Global Administrator and Helpdesk Administrator
    assignment: AccessAssignment  # Helpdesk Agents → Helpdesk Administrator in it, active
    request: AdminRelationship  # partner A's request to X, awaiting approval
    request_token: str  # its personalized link
    group: SecurityGroup  # partner A's custom group "Tier 1", with its Sales agent in it
    app: ApiApplication  # partner A's app with one secret
    secret: ApiClientSecret
    partner_batch: DeviceBatch  # partner A's device list for X, waiting for confirmation
    customer_batch: DeviceBatch  # X's own device list, waiting for confirmation
    subscription: Subscription  # X's, with a license for X's plain user
    license: LicenseAssignment


def _waiting_batch(world: World, name: str, **fields) -> DeviceBatch:
    """A checked device list of 3 rows, one with a problem: its uploader registers the 2 others, or discards it."""
    return DeviceBatch.objects.create(
        tenant=world.customer_x,
        name=name,
        file_name=f"{name.lower().replace(' ', '-')}.csv",
        state=DeviceBatch.State.NEEDS_CONFIRMATION,
        total_rows=3,
        checked_rows=3,
        invalid_rows=1,
        **fields,
    )


def build_scene(world: World) -> Scene:
    relationship = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Contoso support",
        roles=[GA, HA],
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=world.a_admin)
    relationship = admin_relationship_approve(relationship=relationship, approved_by=world.x_ga)
    helpdesk = SecurityGroup.objects.get(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    assignment = access_assignment_create(
        relationship=relationship, security_group=helpdesk, roles=[HA], created_by=world.a_admin
    )
    assignment = access_assignment_activate(assignment_id=assignment.pk) or assignment
    requested = admin_relationship_create(
        partner=world.partner_a,
        customer=world.customer_x,
        created_by=world.a_admin,
        display_name="Contoso security review",
        roles=[DirectoryRole.GLOBAL_READER],
    )
    token = admin_relationship_finalize(relationship=requested, finalized_by=world.a_admin).token
    group = SecurityGroup.objects.create(tenant=world.partner_a.tenant, kind=SecurityGroup.Kind.CUSTOM, name="Tier 1")
    group.members.add(world.a_sales)
    app = api_application_create(
        partner=world.partner_a,
        created_by=world.a_admin,
        display_name="Automation",
        permissions=list(ApiPermission.values),
    )
    secret = api_client_secret_create(app=app, created_by=world.a_admin, description="Nightly report").secret
    subscription = Subscription.objects.create(
        tenant=world.customer_x, product="m365_business_basic", seats=5, provisioned_by=world.partner_a
    )
    return Scene(
        relationship=relationship,
        assignment=assignment,
        request=requested,
        request_token=token,
        group=group,
        app=app,
        secret=secret,
        partner_batch=_waiting_batch(
            world, "Spring laptops", source=DeviceSource.PARTNER, partner=world.partner_a, uploaded_by=world.a_admin
        ),
        customer_batch=_waiting_batch(world, "Office desktops", source=DeviceSource.INTUNE, uploaded_by=world.x_ga),
        subscription=subscription,
        license=LicenseAssignment.objects.create(subscription=subscription, user=world.x_user),
    )
