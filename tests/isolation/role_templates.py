"""Settings > Role templates (granular delegated admin): every partner agent reads its own partner's; Admin agents
create, edit and delete them. Customers' users are not partner users (403); another partner's template does not
exist (404)."""

from django.urls import reverse

from admin_relationships.services import role_template_create
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
        get=row("200 200 200 200 | 403 403 403 403 403 | 403 302"),
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
