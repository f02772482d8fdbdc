"""Admin center > Activity: what was done in this tenant, including what partners did on its behalf."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from azure_subscriptions.selectors import provisioned_by_other_partners
from partnercenter.access import CAN_VIEW_ACTIVITY, admin_center_for
from partnercenter.audit_labels import action_label, actor_label, details_summary
from partnercenter.other_partners import other_partners_for
from partnercenter.selectors import audit_events_for_tenant

ACTIVITY_PAGE_SIZE = 50


@require_GET
def activity_list(request: HttpRequest, tenant_id: UUID) -> HttpResponse:
    center = admin_center_for(request, tenant_id, CAN_VIEW_ACTIVITY)
    # A partner acting for the customer does not learn of its other partners (partnercenter.other_partners).
    others = other_partners_for(
        center.tenant,
        center.partner,
        their_object_ids=provisioned_by_other_partners(center.tenant, center.partner),
    )
    page = Paginator(audit_events_for_tenant(center.tenant), ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "event": event,
            "who": actor_label(event, center.tenant, others),
            "action": action_label(event.action),
            "details": details_summary(event, others=others),
        }
        for event in page.object_list
    ]
    return render(request, "admincenter/activity.html", {"center": center, "page": page, "rows": rows})
