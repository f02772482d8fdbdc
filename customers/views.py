"""Partner side: the Customers page and its CSV export."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnercenter.access import partner_for, partner_group_kinds
from partnercenter.csv_export import csv_response
from relationships.selectors import admin_portal_availability, customers_for, customers_search

from .azure_selectors import azure_portal_availability


def relationship_label(row) -> str:
    if row.has_delegated_admin:
        return _("Reseller, Delegated admin")
    return _("Reseller")


@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    partner = partner_for(request)
    q = request.GET.get("q", "")[:200]
    page = Paginator(customers_search(customers_for(partner), q), settings.CUSTOMERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    admin_portal_availability(group_kinds=partner_group_kinds(request.user), rows=page.object_list)
    azure_portal_availability(user=request.user, rows=page.object_list)
    return render(request, "customers/list.html", {"page": page, "q": q, "partner": partner})


@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    partner = partner_for(request)
    rows = customers_search(customers_for(partner), request.GET.get("q", "")[:200])
    return csv_response(
        filename="customers.csv",
        header=["Microsoft ID", "Company name", "Primary domain name", "Relationship"],
        rows=(
            (r.customer.public_id, r.customer.name, r.customer.primary_domain, relationship_label(r))
            for r in rows.iterator(chunk_size=2000)
        ),
    )


def customer_detail(request: HttpRequest, tenant_id) -> HttpResponse:
    raise Http404


def subscription_new(request: HttpRequest, tenant_id) -> HttpResponse:
    raise Http404
