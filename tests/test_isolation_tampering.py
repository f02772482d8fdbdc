"""The isolation matrix's second axis: tampered forms and swapped IDs.

The matrix (test_isolation_matrix.py) asks every URL with the world's own objects. Here each persona works where it
may (its own admin center, or a customer of its partner) but names an object or a principal of another tenant, in the
URL or in a form value, as an attacker who swaps IDs would. Every case must be refused (an error status, or a
redirect that reports no success) and must leave every row of the database as it was: no change, no audit event, no
email.

Another tenant's objects: customer Y's users, subscriptions, Azure subscriptions, resource groups and role
assignments, device lists, devices and profiles; partner B's users and security groups; partner B's request.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse

from admin_relationships.models import BulkRequest, RoleTemplate
from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
    admin_relationships_bulk_request,
    role_template_create,
)
from autopilot.models import AutopilotProfile, Device, DeviceBatch, DeviceSource
from azure_subscriptions.models import AzureRoleAssignment, ResourceGroup
from azure_subscriptions.services import azure_subscription_provision
from customers.services import license_assign, subscription_create
from partnercenter.models import AccessAssignment, AdminRelationship, DirectoryRole, SecurityGroup, User
from relationships.services import relationship_request_create

from .conftest import World
from .factories import DelegatedAdminGrantFactory, PartnerFactory, ResellerRelationshipFactory, UserFactory

Kind = SecurityGroup.Kind
PRODUCT = "m365_business_basic"


@dataclass
class Objects:
    """Customer X's objects (where the personas work) and their twins in customer Y, partner B's."""

    x_subscription: object
    x_azure: object
    x_device: Device
    x_batch: DeviceBatch
    x_profile: AutopilotProfile
    y_user: User
    y_subscription: object
    y_azure: object
    y_resource_group: ResourceGroup
    y_assignment: AzureRoleAssignment
    y_device: Device
    y_batch: DeviceBatch
    y_profile: AutopilotProfile
    y_group: SecurityGroup
    b_admin_agents: SecurityGroup
    b_request: object
    c_admin_agents: SecurityGroup
    a_group: SecurityGroup
    a_relationship: AdminRelationship
    b_relationship: AdminRelationship
    b_assignment: AccessAssignment
    b_template: RoleTemplate
    a_bulk: BulkRequest
    b_prospect: AdminRelationship  # partner B's request for an organization that is not yet a customer


def _device(tenant, serial: str, **kwargs) -> Device:
    return Device.objects.create(
        tenant=tenant, serial_number=serial, windows_product_id="", hardware_hash="", manufacturer="Contoso",
        model="Laptop 7", **kwargs,
    )  # fmt: skip


@pytest.fixture
def objects(world: World) -> Objects:
    w = world
    x_azure = azure_subscription_provision(partner=w.partner_a, customer=w.customer_x, name="X web", agent=w.a_admin)
    y_azure = azure_subscription_provision(partner=w.partner_b, customer=w.customer_y, name="Y web", agent=w.b_admin)
    y_user = UserFactory(tenant=w.customer_y, email="user@litware.test")
    y_subscription = subscription_create(
        customer=w.customer_y, partner=w.partner_b, product=PRODUCT, seats=5, created_by=w.b_admin
    )
    license_assign(subscription=y_subscription, user=y_user, assigned_by=w.y_ga)
    y_batch = DeviceBatch.objects.create(
        tenant=w.customer_y, name="Y laptops", source=DeviceSource.PARTNER, partner=w.partner_b, uploaded_by=w.b_admin
    )
    y_profile = AutopilotProfile.objects.create(tenant=w.customer_y, name="Y standard")
    b_admin_agents = SecurityGroup.objects.get(tenant=w.partner_b.tenant, kind=Kind.ADMIN_AGENTS)
    b_relationship = _active_relationship(w.partner_b, w.customer_y, w.b_admin, w.y_ga)
    x_batch = DeviceBatch.objects.create(
        tenant=w.customer_x, name="X laptops", source=DeviceSource.PARTNER, partner=w.partner_a, uploaded_by=w.a_admin
    )
    return Objects(
        x_subscription=subscription_create(
            customer=w.customer_x, partner=w.partner_a, product=PRODUCT, seats=5, created_by=w.a_admin
        ),
        x_azure=x_azure,
        x_device=_device(
            w.customer_x, "X-0001", added_by_source=DeviceSource.PARTNER, added_by_partner=w.partner_a, batch=x_batch
        ),
        x_batch=x_batch,
        x_profile=AutopilotProfile.objects.create(tenant=w.customer_x, name="X standard"),
        y_user=y_user,
        y_subscription=y_subscription,
        y_azure=y_azure,
        y_resource_group=ResourceGroup.objects.create(subscription=y_azure, name="rg-y", region="eastus"),
        y_assignment=AzureRoleAssignment.objects.create(subscription=y_azure, role="reader", user=y_user),
        y_device=_device(
            w.customer_y,
            "Y-0001",
            added_by_source=DeviceSource.PARTNER,
            added_by_partner=w.partner_b,
            batch=y_batch,
            profile=y_profile,
        ),
        y_batch=y_batch,
        y_profile=y_profile,
        y_group=SecurityGroup.objects.create(tenant=w.customer_y, name="Litware finance", kind=Kind.CUSTOM),
        b_admin_agents=b_admin_agents,
        b_request=relationship_request_create(
            partner=w.partner_b, created_by=w.b_admin, include_delegated_admin=True
        ).request,
        c_admin_agents=_second_partner_of_x(w).admin_agents,
        a_group=SecurityGroup.objects.create(tenant=w.partner_a.tenant, name="Tier 1", kind=Kind.CUSTOM),
        a_relationship=_active_relationship(w.partner_a, w.customer_x, w.a_admin, w.x_ga),
        b_relationship=b_relationship,
        b_assignment=access_assignment_create(
            relationship=b_relationship,
            security_group=b_admin_agents,
            roles=[DirectoryRole.USER_ADMINISTRATOR],
            created_by=w.b_admin,
        ),
        b_template=role_template_create(
            partner=w.partner_b,
            created_by=w.b_admin,
            name="Northwind helpdesk",
            entries={DirectoryRole.USER_ADMINISTRATOR: b_admin_agents},
        ),
        a_bulk=admin_relationships_bulk_request(
            partner=w.partner_a,
            requested_by=w.a_admin,
            template=role_template_create(
                partner=w.partner_a,
                created_by=w.a_admin,
                name="Fabrikam helpdesk",
                entries={
                    DirectoryRole.USER_ADMINISTRATOR: SecurityGroup.objects.get(
                        tenant=w.partner_a.tenant, kind=Kind.ADMIN_AGENTS
                    )
                },
            ),
            customers=[w.customer_x],
            base_name="Helpdesk",
            suffix="customer",
            duration_days=30,
            auto_extend=False,
            language="en",
        ),
        b_prospect=admin_relationship_create(
            partner=w.partner_b,
            customer=None,
            created_by=w.b_admin,
            display_name="Prospect",
            roles=[DirectoryRole.GLOBAL_READER],
        ),
    )


def _b_group_page(w: World, o: Objects) -> str:
    return reverse("partnersettings:security_group", args=[o.b_admin_agents.public_id])


def _active_relationship(partner, customer, agent: User, approver: User) -> AdminRelationship:
    relationship = admin_relationship_create(
        partner=partner,
        customer=customer,
        created_by=agent,
        display_name="Helpdesk",
        roles=[DirectoryRole.USER_ADMINISTRATOR],
        duration_days=30,
    )
    admin_relationship_finalize(relationship=relationship, finalized_by=agent)
    return admin_relationship_approve(relationship=relationship, approved_by=approver)


@dataclass
class SecondPartner:
    """Partner C, which also works with customer X (reseller and delegated admin) and has left its marks there."""

    partner: object
    admin_agents: SecurityGroup
    markers: list[str]


def _second_partner_of_x(w: World) -> SecondPartner:
    if hasattr(w, "_partner_c"):
        return w._partner_c
    partner = PartnerFactory(name="Tailspin Partners", primary_domain="tailspin.test", partner_id="7654321")
    agent = UserFactory(tenant=partner.tenant, email="admin@tailspin.test", group_kinds=[Kind.ADMIN_AGENTS])
    ResellerRelationshipFactory(partner=partner, customer=w.customer_x)
    DelegatedAdminGrantFactory(partner=partner, customer=w.customer_x)
    admin_agents = SecurityGroup.objects.get(tenant=partner.tenant, kind=Kind.ADMIN_AGENTS)
    azure = azure_subscription_provision(partner=partner, customer=w.customer_x, name="Tailspin cloud", agent=agent)
    ResourceGroup.objects.create(subscription=azure, name="rg-tailspin", region="eastus")
    subscription_create(customer=w.customer_x, partner=partner, product=PRODUCT, seats=3, created_by=agent)
    batch = DeviceBatch.objects.create(
        tenant=w.customer_x, name="Tailspin rollout", source=DeviceSource.PARTNER, partner=partner, uploaded_by=agent
    )
    _device(w.customer_x, "TS-0001", added_by_source=DeviceSource.PARTNER, added_by_partner=partner, batch=batch)
    w._partner_c = SecondPartner(
        partner=partner,
        admin_agents=admin_agents,
        markers=[
            partner.name,
            partner.partner_id,
            partner.tenant.primary_domain,
            str(partner.tenant.public_id),
            str(admin_agents.public_id),
            "Tailspin cloud",
            str(azure.public_id),
            "rg-tailspin",
            "Tailspin rollout",
            "admin@tailspin.test",
        ],
    )
    return w._partner_c


@dataclass
class Case:
    """One tampered request: who sends it, to which URL, with which form values."""

    persona: str
    method: str
    url: Callable[[World, Objects], str]
    data: Callable[[World, Objects], dict] = lambda w, o: {}


def _center(name: str, *args: Callable[[World, Objects], object]):
    """An admin-center URL of customer X (where both X's Global admin and partner A's Admin agent may work)."""
    return lambda w, o: reverse(f"admincenter:{name}", args=[w.customer_x.public_id, *(a(w, o) for a in args)])


def _partner(name: str, *args: Callable[[World, Objects], object]):
    """A Partner Center URL of partner A's customer X."""
    return lambda w, o: reverse(f"customers:{name}", args=[w.customer_x.public_id, *(a(w, o) for a in args)])


def _both(method: str, url, data=lambda w, o: {}) -> list[Case]:
    """The same tampering by the customer's own Global admin and by a partner agent acting for the customer."""
    return [Case("x_ga", method, url, data), Case("a_admin", method, url, data)]


def _device_list_pages(persona: str, pages) -> list[Case]:
    """Every page of one device list (Partner Center's or the admin center's), given another tenant's list."""
    return [
        Case(persona, method, pages(name, lambda w, o: o.y_batch.public_id))
        for name, method in (
            ("device_list", "get"),
            ("device_list_status", "get"),
            ("device_list_report", "get"),
            ("device_list_confirm", "post"),
            ("device_list_discard", "post"),
        )
    ]


Y_USER = lambda w, o: o.y_user.public_id  # noqa: E731
Y_GA = lambda w, o: w.y_ga.public_id  # noqa: E731
GA_SLUG = lambda w, o: DirectoryRole.GLOBAL_ADMINISTRATOR  # noqa: E731

CASES: dict[str, list[Case]] = {
    # Users: another tenant's user in a URL of this tenant's admin center.
    "user_edit": _both("get", _center("user_edit", Y_USER))
    + _both("post", _center("user_edit", Y_USER), lambda w, o: {"first_name": "Mallory", "last_name": "M"}),
    "user_reset_password": _both("post", _center("user_reset_password", Y_USER), lambda w, o: {"auto_password": "on"}),
    "user_delete": _both("post", _center("user_delete", Y_USER)),
    # Roles: another tenant's user as the member to add or remove.
    "role_assign": _both("post", _center("role_assign", GA_SLUG), lambda w, o: {"user": str(o.y_user.public_id)}),
    "role_remove": _both("post", _center("role_remove", GA_SLUG, Y_GA)),
    # Licenses: another tenant's subscription, or another tenant's user on this tenant's subscription.
    "subscription_detail": _both("get", _center("subscription_detail", lambda w, o: o.y_subscription.public_id)),
    "license_assign": _both(
        "post",
        _center("license_assign", lambda w, o: o.x_subscription.public_id),
        lambda w, o: {"user": str(o.y_user.public_id)},
    )
    + _both(
        "post",
        _center("license_assign", lambda w, o: o.y_subscription.public_id),
        lambda w, o: {"user": str(w.x_user.public_id)},
    ),
    "license_unassign": _both("post", _center("license_unassign", lambda w, o: o.y_subscription.public_id, Y_USER)),
    # Azure: another tenant's subscription, resource group, role assignment; another tenant's principal.
    "azure_subscription": _both("get", _center("azure_subscription", lambda w, o: o.y_azure.public_id)),
    "azure_access_control": _both("get", _center("azure_access_control", lambda w, o: o.y_azure.public_id)),
    "azure_resource_group_new": _both(
        "post",
        _center("azure_resource_group_new", lambda w, o: o.y_azure.public_id),
        lambda w, o: {"name": "rg-mallory", "region": "eastus"},
    ),
    "azure_resource_group_delete": _both(
        "post",
        _center(
            "azure_resource_group_delete", lambda w, o: o.x_azure.public_id, lambda w, o: o.y_resource_group.public_id
        ),
    ),
    "azure_role_assignment_add": [
        case
        for principal in (
            lambda w, o: f"user:{o.y_user.public_id}",
            lambda w, o: f"group:{o.y_group.public_id}",
        )
        for case in _both(
            "post",
            _center("azure_role_assignment_add", lambda w, o: o.x_azure.public_id),
            lambda w, o, principal=principal: {"role": "owner", "principal": principal(w, o)},
        )
    ]
    # A partner acting for the customer may not hand a role to another partner's group: neither one that does not
    # work with the customer, nor one that does (the customer's own admins may).
    + [
        Case(
            "a_admin",
            "post",
            _center("azure_role_assignment_add", lambda w, o: o.x_azure.public_id),
            lambda w, o, group=group: {"role": "owner", "principal": f"group:{group(o).public_id}"},
        )
        for group in (lambda o: o.b_admin_agents, lambda o: o.c_admin_agents)
    ],
    "azure_role_assignment_remove": _both(
        "post",
        _center(
            "azure_role_assignment_remove", lambda w, o: o.x_azure.public_id, lambda w, o: o.y_assignment.public_id
        ),
    ),
    # Partner relationships: a partner that does not work with this customer.
    "partner_relationship_detail": [
        Case(
            "x_ga",
            "get",
            _center("partner_relationship_detail", lambda w, o: w.partner_b.tenant.public_id),
        )
    ],
    "delegated_admin_remove": [
        Case(
            "x_ga",
            "post",
            _center("delegated_admin_remove", lambda w, o: w.partner_b.tenant.public_id),
        )
    ],
    # Devices in the admin center: another tenant's devices and device lists.
    "admincenter_device_remove": [
        Case(
            "x_ga",
            "post",
            _center("device_remove"),
            lambda w, o: {"device": [str(o.y_device.public_id)], "confirm": "yes"},
        )
    ],
    "admincenter_device_list": _device_list_pages("x_ga", _center),
    # Devices in Partner Center: another tenant's devices, device lists and profiles, alone or beside the
    # customer's own.
    "profile_apply": [
        Case(
            "a_admin",
            "post",
            _partner("profile_apply"),
            lambda w, o: {"profile": str(o.y_profile.public_id), "device": [str(o.x_device.public_id)]},
        ),
        Case(
            "a_admin",
            "post",
            _partner("profile_apply"),
            lambda w, o: {"profile": str(o.x_profile.public_id), "device": [str(o.y_device.public_id)]},
        ),
        Case(
            "a_admin",
            "post",
            _partner("profile_apply"),
            lambda w, o: {"profile": str(o.x_profile.public_id), "device_list": [str(o.y_batch.public_id)]},
        ),
    ],
    "profile_unassign": [
        Case(
            "a_admin",
            "post",
            _partner("profile_unassign"),
            lambda w, o: {"device": [str(o.y_device.public_id)], "device_list": [str(o.y_batch.public_id)]},
        ),
        Case(
            "a_admin",
            "post",
            _partner("profile_unassign"),
            lambda w, o: {"device": [str(o.y_device.public_id)], "confirm": "yes"},
        ),
        Case(
            "a_admin",
            "post",
            _partner("profile_unassign"),
            lambda w, o: {"device_list": [str(o.y_batch.public_id)], "confirm": "yes"},
        ),
    ],
    "device_remove": [
        Case(
            "a_admin",
            "post",
            _partner("device_remove"),
            lambda w, o: {"device": [str(o.y_device.public_id)], "confirm": "yes"},
        )
    ],
    "device_list": _device_list_pages("a_admin", _partner),
    "profile_edit": [
        Case("a_admin", "get", _partner("profile_edit", lambda w, o: o.y_profile.public_id)),
        Case(
            "a_admin",
            "post",
            _partner("profile_edit", lambda w, o: o.y_profile.public_id),
            lambda w, o: {"name": "Mallory", "description": ""},
        ),
    ],
    "profile_delete": [Case("a_admin", "post", _partner("profile_delete", lambda w, o: o.y_profile.public_id))],
    # Partner Center: another partner's relationship request; another partner's or a customer's user.
    "relationship_request": [
        Case("a_admin", method, lambda w, o, name=name: reverse(f"relationships:{name}", args=[o.b_request.public_id]))
        for name, methods in (
            ("request_send", ["post"]),
            ("request_done", ["post"]),
            ("request_shared", ["post"]),
            ("request_reissue", ["get", "post"]),
            ("request_revoke", ["get", "post"]),
            ("request_discard", ["get", "post"]),
        )
        for method in methods
    ],
    # GDAP: another partner's group or user in the partner's own group and assignment forms; another partner's
    # relationship, assignment and group in the partner's URLs.
    "security_group_member": [
        Case(
            "a_admin",
            "post",
            lambda w, o: reverse("partnersettings:security_group", args=[o.a_group.public_id]),
            lambda w, o, u=u: {"user": str(u(w).public_id)},
        )
        for u in (lambda w: w.b_admin, lambda w: w.x_user)
    ]
    + [
        Case(
            "a_admin", method, lambda w, o: reverse("partnersettings:security_group", args=[o.b_admin_agents.public_id])
        )
        for method in ("get", "post")
    ]
    + [
        Case(
            "a_admin",
            "post",
            lambda w, o: reverse(
                "partnersettings:security_group_member_remove", args=[o.a_group.public_id, w.b_admin.public_id]
            ),
        )
    ],
    "access_assignment_new": [
        Case(
            "a_admin",
            "post",
            _partner("access_assignment_new", lambda w, o: o.a_relationship.public_id),
            lambda w, o, g=g: {"security_group": str(g(o).public_id), "roles": [DirectoryRole.USER_ADMINISTRATOR]},
        )
        for g in (lambda o: o.b_admin_agents, lambda o: o.c_admin_agents)
    ],
    "admin_relationship": [
        Case("a_admin", method, _partner(name, lambda w, o: o.b_relationship.public_id))
        for name, method in (
            ("admin_relationship", "get"),
            ("admin_relationship_finalize", "post"),
            ("admin_relationship_terminate", "post"),
            ("admin_relationship_remove_global_admin", "post"),
            ("access_assignment_new", "get"),
        )
    ]
    + [
        Case(
            "a_admin",
            method,
            _partner(name, lambda w, o: o.a_relationship.public_id, lambda w, o: o.b_assignment.public_id),
            lambda w, o: {"roles": [DirectoryRole.USER_ADMINISTRATOR]},
        )
        for name, method in (
            ("access_assignment_remove", "post"),
            ("access_assignment_edit", "get"),
            ("access_assignment_edit", "post"),
        )
    ]
    + [
        # Another partner's relationship and its assignment, both in partner A's URL of customer X.
        Case(
            "a_admin",
            method,
            _partner(
                "access_assignment_edit", lambda w, o: o.b_relationship.public_id, lambda w, o: o.b_assignment.public_id
            ),
            lambda w, o: {"roles": [DirectoryRole.USER_ADMINISTRATOR]},
        )
        for method in ("get", "post")
    ],
    # The requests no customer has approved yet: another partner's, or one a customer approved (it lives under its
    # customer's page), are not among partner A's requests.
    "admin_relationship_request": [
        Case("a_admin", method, lambda w, o, name=name, r=r: reverse(f"customers:{name}", args=[r(w, o).public_id]))
        for name, method in (
            ("admin_relationship_request", "get"),
            ("admin_relationship_request_finalize", "post"),
            ("admin_relationship_request_send", "post"),
        )
        for r in (lambda w, o: o.b_prospect, lambda w, o: o.a_relationship)
    ],
    "partner_user": [
        Case("a_ga", method, lambda w, o, name=name, u=u: reverse(f"partnersettings:{name}", args=[u(w).public_id]))
        for name, method in (("user_edit", "get"), ("user_edit", "post"), ("user_remove", "post"))
        for u in (lambda w: w.b_admin, lambda w: w.x_user)
    ],
}

# Role templates: another partner's template (edit, delete, or a request started from it), or another partner's
# group (or another tenant's) in a template of one's own.
CASES["role_template"] = (
    [
        Case("a_admin", method, lambda w, o, name=name: reverse(f"roletemplates:{name}", args=[o.b_template.public_id]))
        for name, method in (("edit", "get"), ("edit", "post"), ("delete", "get"), ("delete", "post"))
    ]
    + [
        Case(
            "a_admin",
            "post",
            lambda w, o: reverse("roletemplates:new"),
            lambda w, o, g=g: {"name": "Mine", f"group_{DirectoryRole.USER_ADMINISTRATOR}": str(g(w, o).public_id)},
        )
        for g in (lambda w, o: o.b_admin_agents, lambda w, o: o.c_admin_agents, lambda w, o: o.y_group)
    ]
    + [
        Case(
            "a_admin",
            "post",
            lambda w, o: reverse("customers:admin_relationship_new", args=[w.customer_x.public_id]),
            lambda w, o: {
                "display_name": "From their template",
                "duration_days": "30",
                "roles": [DirectoryRole.USER_ADMINISTRATOR],
                "template": str(o.b_template.public_id),
            },
        )
    ]
)

# Bulk requests: another partner's customer (or another partner's template) in the selection, another partner's
# results page.
_BULK = lambda w, o: reverse("customers:admin_relationships_bulk_new")  # noqa: E731
CASES["bulk_request"] = [
    Case("a_admin", "get", lambda w, o: _BULK(w, o) + f"?customer={w.customer_y.public_id}"),
    Case(
        "a_admin",
        "post",
        _BULK,
        lambda w, o: {
            "customer": [str(w.customer_x.public_id), str(w.customer_y.public_id)],
            "template": str(o.b_template.public_id),
            "base_name": "Helpdesk",
            "suffix": "customer",
            "duration_days": "30",
        },
    ),
    Case(
        "a_admin",
        "post",
        _BULK,
        lambda w, o: {
            "customer": [str(w.customer_x.public_id)],
            "template": str(o.b_template.public_id),
            "base_name": "Helpdesk",
            "suffix": "customer",
            "duration_days": "30",
        },
    ),
    Case("b_admin", "get", lambda w, o: reverse("customers:admin_relationships_bulk", args=[o.a_bulk.public_id])),
]

FLAT = [(area, i, case) for area, cases in CASES.items() for i, case in enumerate(cases)]
REFUSED = {400, 403, 404, 409}


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of the product's own tables (sign-in bookkeeping aside), to compare before and after."""
    rows = {}
    for label in ("partnercenter", "customers", "relationships", "autopilot", "admin_relationships"):
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
            rows[model._meta.label] = list(model.objects.order_by("pk").values_list(*fields))
    return rows


@pytest.fixture
def a_ga(world: World) -> User:
    """Partner A's own Global admin, who manages its users (Settings > User management)."""
    from .factories import mfa_enable

    user = UserFactory(
        tenant=world.partner_a.tenant,
        email="ga@fabrikam.test",
        roles=[DirectoryRole.GLOBAL_ADMINISTRATOR],
        group_kinds=[Kind.ADMIN_AGENTS],
    )
    mfa_enable(user)
    return user


@pytest.mark.parametrize(("area", "index", "case"), FLAT, ids=[f"{a}-{i}-{c.persona}-{c.method}" for a, i, c in FLAT])
def test_another_tenants_object_is_refused_and_nothing_changes(world, objects, client_for, a_ga, area, index, case):
    if case.persona == "a_ga":
        from django.test import Client

        client = Client()
        client.force_login(a_ga)
    else:
        client = client_for(case.persona)
    before = _snapshot()
    response = getattr(client, case.method)(case.url(world, objects), case.data(world, objects))
    if response.status_code == 302:
        # A bulk action that finds nothing it may change goes back to its list: it must say so, not report success.
        reported = [m for m in get_messages(response.wsgi_request) if m.level == messages.SUCCESS]
        assert not reported, f"{area} reported success: {[str(m) for m in reported]}"
    else:
        assert response.status_code in REFUSED, f"{area}: {case.method.upper()} answered {response.status_code}"
    assert _snapshot() == before, f"{area} changed rows"


# --- A partner acting for a customer learns nothing of the customer's other partners ------------------------------


def _customer_x_routes() -> list[str]:
    """The matrix's routes whose URL names customer X: the pages a partner's agent reaches acting for X."""
    from .test_isolation_matrix import ROUTES

    return sorted(ROUTES)


@pytest.mark.parametrize("persona", ["a_admin", "a_sales", "a_helpdesk"])
def test_a_partner_acting_for_a_customer_sees_no_other_partner(world, client_for, persona):
    """Every page (and export) partner A's agents may open about customer X names nothing of partner C, which also
    works with X: not its name, IDs, domain, users or groups, nor the names of what it provisioned or uploaded."""
    from .test_isolation_matrix import ROUTES

    other = _second_partner_of_x(world)
    client = client_for(persona)
    checked, leaks = [], {}
    for name in _customer_x_routes():
        # Each route may make objects of its own (the matrix's builders do): each is asked in a savepoint, rolled
        # back, and the world forgets what the builder cached.
        try:
            with transaction.atomic():
                url = ROUTES[name].url(world)
                response = client.get(url) if str(world.customer_x.public_id) in url else None
                body = ""
                if response is not None and response.status_code == 200:
                    streaming = getattr(response, "streaming", False)
                    body = (b"".join(response.streaming_content) if streaming else response.content).decode()
                transaction.set_rollback(True)
        finally:
            for cached in [k for k in vars(world) if k.startswith("_") and k != "_partner_c"]:
                delattr(world, cached)
        if not body:
            continue
        checked.append(name)
        shown = [marker for marker in other.markers if marker in body]
        if shown:
            leaks[name] = shown
    assert not leaks, f"pages that show {persona} the other partner: {leaks}"
    assert checked, "no page of customer X was open to this persona"
