"""Granular delegated admin (GDAP): a customer's admin relationships on the partner side, and the customer's page
behind a request's personalized link."""

from django.urls import reverse

from admin_relationships.services import (
    access_assignment_create,
    admin_relationship_approve,
    admin_relationship_create,
    admin_relationship_finalize,
)
from partnercenter.models import DirectoryRole, SecurityGroup

from . import SIGNED_IN_ONLY_405, Route, row


def _relationship(w):
    """Partner A's admin relationship with customer X, in status created (made inside the case's savepoint)."""
    return admin_relationship_create(
        partner=w.partner_a,
        customer=w.customer_x,
        created_by=w.a_admin,
        display_name="Helpdesk",
        roles=[DirectoryRole.HELPDESK_ADMINISTRATOR],
    )


def _token(w) -> str:
    return admin_relationship_finalize(relationship=_relationship(w), finalized_by=w.a_admin).token


def _url(name: str):
    return lambda w: reverse(f"customers:{name}", args=[w.customer_x.public_id, _relationship(w).public_id])


def _request(w):
    """Partner A's request for an organization that is not yet its customer (no customer bound), in status created."""
    return admin_relationship_create(
        partner=w.partner_a,
        customer=None,
        created_by=w.a_admin,
        display_name="Prospect",
        roles=[DirectoryRole.GLOBAL_READER],
    )


def _request_url(name: str):
    return lambda w: reverse(f"customers:{name}", args=[_request(w).public_id])


def _active(w):
    """The same relationship, approved by customer X's Global admin."""
    relationship = admin_relationship_finalize(relationship=_relationship(w), finalized_by=w.a_admin).relationship
    return admin_relationship_approve(relationship=relationship, approved_by=w.x_ga)


def _active_url(name: str):
    return lambda w: reverse(f"customers:{name}", args=[w.customer_x.public_id, _active(w).public_id])


def _with_global_admin_url(name: str):
    """A URL of partner A's active relationship with X that has Global Administrator and Helpdesk Administrator."""

    def url(w) -> str:
        relationship = admin_relationship_create(
            partner=w.partner_a,
            customer=w.customer_x,
            created_by=w.a_admin,
            display_name="Everything",
            roles=[DirectoryRole.GLOBAL_ADMINISTRATOR, DirectoryRole.HELPDESK_ADMINISTRATOR],
        )
        relationship = admin_relationship_finalize(relationship=relationship, finalized_by=w.a_admin).relationship
        admin_relationship_approve(relationship=relationship, approved_by=w.x_ga)
        return reverse(f"customers:{name}", args=[w.customer_x.public_id, relationship.public_id])

    return url


def _assignment_url(name: str):
    def url(w) -> str:
        relationship = _active(w)
        group = SecurityGroup.objects.get(tenant=w.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
        assignment = access_assignment_create(
            relationship=relationship, security_group=group, roles=relationship.roles, created_by=w.a_admin
        )
        return reverse(f"customers:{name}", args=[w.customer_x.public_id, relationship.public_id, assignment.public_id])

    return url


# Partner A's agents read the customer's admin relationships; only its Admin agent changes them. Partner B and the
# customers' own users do not know X as a customer (404).
READ = row("200 200 200 404 | 404 404 404 404 404 | 404 302", a_tier1=403)
CHANGE_EMPTY = row("400 403 403 404 | 404 404 404 404 404 | 404 302")
# Approve partner roles: only a Global admin of the customer; anyone else signed in, the permission-required page.
APPROVAL_GET = row("403 403 403 403 | 200 403 403 403 403 | 403 302")
APPROVAL_POST = row("403 403 403 403 | 302 403 403 403 403 | 403 302")

# Requests for organizations that are not yet customers (Customers > Admin relationship requests): every agent of
# partner A reads them, its Admin agent changes them; partner B's Admin agent has none of its own here and does not
# know A's (404); customers' users are not let into the partner area (403).
REQUESTS_READ = row("200 200 200 200 | 403 403 403 403 403 | 403 302", a_tier1=403)
REQUEST_READ = row("200 200 200 404 | 403 403 403 403 403 | 403 302", a_tier1=403)

ROUTES: dict[str, Route] = {
    # Expiring granular relationships (under Customers) and its Download: every agent of a partner, each seeing only
    # its own partner's relationships (partner B's Admin agent opens its own page); the partner area is closed to
    # customers' users.
    "customers:expiring_relationships": Route(
        lambda w: reverse("customers:expiring_relationships"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
        post=SIGNED_IN_ONLY_405,
    ),
    "customers:expiring_relationships_export": Route(
        lambda w: reverse("customers:expiring_relationships_export"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
        post=SIGNED_IN_ONLY_405,
    ),
    "customers:admin_relationship_requests": Route(
        lambda w: reverse("customers:admin_relationship_requests"), get=REQUESTS_READ, post=SIGNED_IN_ONLY_405
    ),
    # An empty POST: the form again, with its errors.
    "customers:admin_relationship_request_new": Route(
        lambda w: reverse("customers:admin_relationship_request_new"),
        get=row("200 403 403 200 | 403 403 403 403 403 | 403 302"),
        post=row("400 403 403 400 | 403 403 403 403 403 | 403 302"),
    ),
    "customers:admin_relationship_request": Route(
        _request_url("admin_relationship_request"), get=REQUEST_READ, post=SIGNED_IN_ONLY_405
    ),
    # Finalize: the draft email with the personalised link; an empty Send has no link: back to the request.
    "customers:admin_relationship_request_finalize": Route(
        _request_url("admin_relationship_request_finalize"),
        get=SIGNED_IN_ONLY_405,
        post=row("200 403 403 404 | 403 403 403 403 403 | 403 302"),
    ),
    "customers:admin_relationship_request_send": Route(
        _request_url("admin_relationship_request_send"),
        get=SIGNED_IN_ONLY_405,
        post=row("302 403 403 404 | 403 403 403 403 403 | 403 302"),
    ),
    "customers:admin_relationship_new": Route(
        lambda w: reverse("customers:admin_relationship_new", args=[w.customer_x.public_id]),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=CHANGE_EMPTY,
    ),
    "customers:admin_relationship": Route(_url("admin_relationship"), get=READ, post=SIGNED_IN_ONLY_405),
    # Finalize: the draft email with the personalized link.
    "customers:admin_relationship_finalize": Route(
        _url("admin_relationship_finalize"),
        get=SIGNED_IN_ONLY_405,
        post=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    # An empty POST has no link: back to the relationship, with the reason.
    "customers:admin_relationship_send": Route(
        _url("admin_relationship_send"),
        get=SIGNED_IN_ONLY_405,
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    "adminrelationships:approval": Route(
        lambda w: reverse("adminrelationships:approval", args=[_token(w)]),
        get=APPROVAL_GET,
        post=row("405 405 405 405 | 405 405 405 405 405 | 405 405"),
        delete=row("405 405 405 405 | 405 405 405 405 405 | 405 405"),
    ),
    "adminrelationships:approval_approve": Route(
        lambda w: reverse("adminrelationships:approval_approve", args=[_token(w)]),
        get=row("405 405 405 405 | 405 405 405 405 405 | 405 405"),
        post=APPROVAL_POST,
        delete=row("405 405 405 405 | 405 405 405 405 405 | 405 405"),
    ),
    # Reject: the question first (GET), for the same people as the approval page; the POST rejects.
    "adminrelationships:approval_reject": Route(
        lambda w: reverse("adminrelationships:approval_reject", args=[_token(w)]),
        get=APPROVAL_GET,
        post=APPROVAL_POST,
        delete=row("405 405 405 405 | 405 405 405 405 405 | 405 405"),
    ),
    # On an active relationship, Admin agents only: Add security groups (an empty POST: the form and its errors),
    # remove an assignment and Terminate relationship (each a confirmation, then back to the relationship).
    "customers:access_assignment_new": Route(
        _active_url("access_assignment_new"),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=CHANGE_EMPTY,
    ),
    "customers:access_assignment_remove": Route(
        _assignment_url("access_assignment_remove"),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    # Edit roles of an assignment: Admin agents; an empty POST chooses no role (the form and its error).
    "customers:access_assignment_edit": Route(
        _assignment_url("access_assignment_edit"),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=CHANGE_EMPTY,
    ),
    "customers:admin_relationship_terminate": Route(
        _active_url("admin_relationship_terminate"),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    # Auto extend on or off: Admin agents, back to the relationship.
    "customers:admin_relationship_auto_extend": Route(
        _active_url("admin_relationship_auto_extend"),
        get=SIGNED_IN_ONLY_405,
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    # Remove Global Administrator, from a relationship that has it and another role: Admin agents, the question
    # first, then back to the relationship.
    "customers:admin_relationship_remove_global_admin": Route(
        _with_global_admin_url("admin_relationship_remove_global_admin"),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
}
