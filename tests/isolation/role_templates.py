"""Settings > Role templates (granular delegated admin): every partner agent reads its own partner's; Admin agents
create, edit and delete them. Customers' users are not partner users (403); another partner's template does not
exist (404). Below them, the bulk requests that start from a template."""

from django.urls import reverse

from admin_relationships.services import admin_relationships_bulk_request, role_template_create
from partnercenter.models import DirectoryRole, SecurityGroup

from . import SIGNED_IN_ONLY_405, Route, row


def _a_template(w):
    """Partner A's template (made inside the case's savepoint)."""
    group = SecurityGroup.objects.get(tenant=w.partner_a.tenant, kind=SecurityGroup.Kind.HELPDESK_AGENTS)
    return role_template_create(
        partner=w.partner_a,
        created_by=w.a_admin,
        name="Helpdesk, least privilege",
        entries={DirectoryRole.HELPDESK_ADMINISTRATOR: group},
    )


ROUTES: dict[str, Route] = {
    "roletemplates:list": Route(
        lambda w: reverse("roletemplates:list"),
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302", a_tier1=403),
        post=SIGNED_IN_ONLY_405,
    ),
    # An empty POST: the form again, with its errors.
    "roletemplates:new": Route(
        lambda w: reverse("roletemplates:new"),
        get=row("200 403 403 200 | 403 403 403 403 403 | 403 302"),
        post=row("400 403 403 400 | 403 403 403 403 403 | 403 302"),
    ),
    "roletemplates:edit": Route(
        lambda w: reverse("roletemplates:edit", args=[_a_template(w).public_id]),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("400 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
    # A confirmation, then the deletion and back to the list.
    "roletemplates:delete": Route(
        lambda w: reverse("roletemplates:delete", args=[_a_template(w).public_id]),
        get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
        post=row("302 403 403 404 | 404 404 404 404 404 | 404 302"),
    ),
}


def _a_bulk(w):
    """Partner A's bulk request of customer X (made inside the case's savepoint; its task is never run)."""
    return admin_relationships_bulk_request(
        partner=w.partner_a,
        requested_by=w.a_admin,
        template=_a_template(w),
        customers=[w.customer_x],
        base_name="Helpdesk",
        suffix="customer",
        duration_days=30,
        auto_extend=False,
        language="en",
    )


# Customers > Request admin relationships: Admin agents only (403 for the partner's other agents and for customers'
# users, who are not partner users), of their own customers: partner B's Admin agent selecting X finds no such
# customer (404). An empty POST: the form again, with its errors. The results of a bulk request: its partner's
# Admin agents; another partner's (or no partner's) does not exist.
ROUTES["customers:admin_relationships_bulk_new"] = Route(
    lambda w: reverse("customers:admin_relationships_bulk_new") + f"?customer={w.customer_x.public_id}",
    get=row("200 403 403 404 | 403 403 403 403 403 | 403 302"),
    post=row("400 403 403 400 | 403 403 403 403 403 | 403 302"),
)
ROUTES["customers:admin_relationships_bulk"] = Route(
    lambda w: reverse("customers:admin_relationships_bulk", args=[_a_bulk(w).public_id]),
    get=row("200 403 403 404 | 404 404 404 404 404 | 404 302"),
    post=SIGNED_IN_ONLY_405,
)
