"""Customers > Request admin relationships: one role template, several selected customers, one admin relationship
and one personalized link per customer, emailed to each customer's Global admins by a task; then the results page,
customer by customer, which refreshes itself (no script) until every customer is done. Admin agents only."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partnercenter.http import AuthenticatedRequest
from partnercenter.languages import current_language

from . import services
from .forms import BulkRequestForm, form_add_errors
from .models import BulkRequest, BulkRequestItem
from .rules import bulk_request_for, bulk_requests_for, selected_customers
from .selectors import bulk_request_items, role_templates_of, template_rows

# Seconds between two loads of the results page while customers are waiting.
REFRESH_SECONDS = 3


@require_http_methods(["GET", "POST"])
def bulk_new(request: AuthenticatedRequest) -> HttpResponse:
    """The selected customers (`customer`, their Microsoft IDs, from the Customers page's check boxes) and the
    request's template, name, duration and auto extend."""
    partner = bulk_requests_for(request)
    data = request.POST if request.method == "POST" else None
    customers = selected_customers(partner, (request.GET if data is None else data).getlist("customer"))
    if not customers and data is None:
        messages.error(request, _("Select the customers to request admin relationships from."))
        return redirect("customers:list")
    templates = list(role_templates_of(partner))
    form = BulkRequestForm(data, templates=templates)
    if data is not None and form.is_valid():
        try:
            bulk = services.admin_relationships_bulk_request(
                partner=partner,
                requested_by=request.user,
                template=form.chosen_template(),
                customers=customers,
                base_name=form.cleaned_data["base_name"],
                suffix=form.cleaned_data["suffix"],
                duration_days=form.cleaned_data["duration_days"],
                auto_extend=form.cleaned_data["auto_extend"],
                language=current_language(),  # for a Global admin who never said which language they read
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            return redirect("customers:admin_relationships_bulk", bulk_id=bulk.public_id)
    return render(
        request,
        "admin_relationships/bulk_new.html",
        {"form": form, "customers": customers, "templates": [(t, template_rows(t)) for t in templates]},
        status=400 if form.errors else 200,
    )


@require_GET
def bulk_results(request: AuthenticatedRequest, bulk_id: UUID) -> HttpResponse:
    bulk = bulk_request_for(request, bulk_id)
    items = list(bulk_request_items(bulk))
    counts = {status: sum(1 for item in items if item.status == status) for status in BulkRequestItem.Status.values}
    waiting = bulk.status != BulkRequest.Status.DONE
    response = render(
        request,
        "admin_relationships/bulk_results.html",
        {
            "bulk": bulk,
            "items": items,
            "sent": counts[BulkRequestItem.Status.SENT],
            "failed": counts[BulkRequestItem.Status.FAILED],
            "waiting": waiting,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )
    if waiting:
        # Reloads itself without script (browsers honour Refresh as they do <meta http-equiv="refresh">).
        response["Refresh"] = str(REFRESH_SECONDS)
        response["Cache-Control"] = "no-store"
    return response
