"""The customer's side of an active admin relationship (GDAP), in its admin center: Remove roles, which terminates
the relationship. The tenant's own Global admins only; a partner acting on the customer's behalf may not."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partnercenter.access import own_global_admin_center_for
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import AdminRelationship

from . import services
from .selectors import role_rows


@require_http_methods(["GET", "POST"])
def remove_roles(request: AuthenticatedRequest, tenant_id: UUID, relationship_id: UUID) -> HttpResponse:
    """GET: the confirmation. POST: terminate the relationship; every role it gives the partner is gone at once."""
    center = own_global_admin_center_for(request, tenant_id)
    relationship = (
        AdminRelationship.objects.select_related("partner__tenant", "customer")
        .filter(public_id=relationship_id, customer=center.tenant)
        .exclude(status=AdminRelationship.Status.CREATED)
        .first()
    )
    if relationship is None:
        raise Http404
    back = redirect("admincenter:partner_relationship_detail", tenant_id, relationship.partner.tenant.public_id)
    if request.method == "POST":
        try:
            services.admin_relationship_terminate(relationship=relationship, terminated_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The roles of %(partner)s in %(name)s were removed.")
                % {"partner": relationship.partner.name, "name": relationship.display_name},
            )
        return back
    if relationship.status != AdminRelationship.Status.ACTIVE:
        messages.error(request, _("Only an active admin relationship's roles can be removed."))
        return back
    return render(
        request,
        "admin_relationships/admin_center/remove_roles.html",
        {"center": center, "relationship": relationship, "roles": role_rows(relationship.roles)},
    )
