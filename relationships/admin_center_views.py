"""The customer's Settings > Partner relationships: every partner with a relationship with the tenant, its details
pane, and removing its delegated admin privileges. The tenant's own Global admins only; a partner acting on the
customer's behalf, even as Global Administrator through delegated admin, may not (access.own_global_admin_center_for).
"""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.access import AdminCenter, own_global_admin_center_for
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import annotate_rows, paginate

from . import services
from .selectors import (
    PARTNER_RELATIONSHIP_SORTING,
    PARTNER_ROW_FIELDS,
    PartnerRelationship,
    admin_relationships_for_customer,
    partner_relationship_of,
    partner_relationship_source,
    partner_relationships_of,
    partner_rows,
    partner_with_history,
    role_names,
)

PAGE_SIZE = 50


def _render(
    request: AuthenticatedRequest,
    template: str,
    center: AdminCenter,
    selected: PartnerRelationship | None = None,
    extra: dict | None = None,
) -> HttpResponse:
    """The list of partners, with the selected partner's pane (details or confirmation) when there is one."""
    source = partner_relationship_source(center.tenant)
    page = paginate(
        request,
        None if source is not None else partner_relationships_of(center.tenant),
        PARTNER_RELATIONSHIP_SORTING,
        per_page=PAGE_SIZE,
        values=PARTNER_ROW_FIELDS,
        source=source,
    )
    annotate_rows(page, partner_rows)
    return render(
        request,
        template,
        {
            "center": center,
            "page": page,
            "rows": page.rows,
            "selected": selected,
            **(extra or {}),
        },
    )


def _selected(center: AdminCenter, partner_tenant_id: UUID) -> PartnerRelationship:
    selected = partner_relationship_of(center.tenant, partner_tenant_id)
    if selected is None:
        raise Http404
    return selected


@require_GET
def partner_relationship_list(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    center = own_global_admin_center_for(request, tenant_id)
    return _render(request, "relationships/admin_center/partner_relationships.html", center)


@require_GET
def partner_relationship_detail(
    request: AuthenticatedRequest, tenant_id: UUID, partner_tenant_id: UUID
) -> HttpResponse:
    center = own_global_admin_center_for(request, tenant_id)
    selected = _selected(center, partner_tenant_id)
    gdap = [
        (relationship, role_names(relationship.roles))
        for relationship in admin_relationships_for_customer(center.tenant, selected.partner)
    ]
    return _render(
        request,
        "relationships/admin_center/partner_relationship_detail.html",
        center,
        selected,
        {"admin_relationships": gdap},
    )


@require_http_methods(["GET", "POST"])
def delegated_admin_remove(request: AuthenticatedRequest, tenant_id: UUID, partner_tenant_id: UUID) -> HttpResponse:
    """GET: the confirmation pane. POST (its Remove button): remove the partner's delegated admin privileges."""
    center = own_global_admin_center_for(request, tenant_id)
    if request.method == "GET":
        selected = _selected(center, partner_tenant_id)
        if not selected.has_delegated_admin:
            messages.error(request, _not_active_message(selected.partner.name))
            return redirect("admincenter:partner_relationship_detail", tenant_id, partner_tenant_id)
        return _render(request, "relationships/admin_center/delegated_admin_remove.html", center, selected)

    # A partner removed a moment ago may no longer be listed (a grant without a reseller relationship): a second
    # Remove still gets a clear answer rather than a 404.
    partner = partner_with_history(center.tenant, partner_tenant_id)
    if partner is None:
        raise Http404
    try:
        services.delegated_admin_remove(customer=center.tenant, partner=partner, removed_by=request.user)
    except services.DelegatedAdminNotActive:
        messages.error(request, _not_active_message(partner.name))
    else:
        messages.success(
            request,
            _(
                "You removed the delegated admin privileges of %(partner)s. Its agents no longer have any role in "
                "your organization; its Admin agents have been notified by email."
            )
            % {"partner": partner.name},
        )
    if partner_relationship_of(center.tenant, partner_tenant_id) is None:
        return redirect("admincenter:partner_relationships", tenant_id)
    return redirect(reverse("admincenter:partner_relationship_detail", args=[tenant_id, partner_tenant_id]))


def _not_active_message(partner_name: str) -> str:
    return _("%(partner)s has no delegated admin privileges in your organization: nothing was changed.") % {
        "partner": partner_name
    }
