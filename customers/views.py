"""Partner side: the Customers page and its CSV export, a customer's detail page, adding a subscription."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from admin_relationships.rules import MANAGERS as ADMIN_RELATIONSHIP_MANAGERS
from admin_relationships.rules import READERS as ADMIN_RELATIONSHIP_READERS
from admin_relationships.rules import can_request_in_bulk
from admin_relationships.selectors import admin_relationships_of, role_rows
from azure_subscriptions.rules import PROVISIONERS, has_azure_role
from azure_subscriptions.selectors import provisioned_for_customer
from partnercenter.access import (
    assigned_granular_roles,
    live_admin_relationships,
    partner_customer_for,
    partner_for,
    partner_group_kinds,
    partner_relationship_for,
)
from partnercenter.csv_export import csv_response
from partnercenter.http import AuthenticatedRequest
from partnercenter.listing import paginate
from partnercenter.models import ResellerRelationship
from partnercenter.selectors import customer_count

from .forms import SubscriptionForm
from .models import Subscription
from .rules import SUBSCRIPTION_SELLERS
from .selectors import (
    CUSTOMER_ROW_FIELDS,
    CUSTOMER_SORTING,
    RELATIONSHIP_KINDS,
    admin_portal_availability,
    azure_portal_availability,
    customers_for,
    customers_of_kind,
    customers_page_rows,
    customers_search,
    lost_admin_relationship,
    search_sorts_after_filter,
    with_lost_admin_relationship,
)
from .services import subscription_create


def relationship_label(row) -> str:
    if not row.is_active:  # a customer through granular delegated admin (GDAP) alone
        return _("Granular delegated admin")
    if row.has_delegated_admin:
        return _("Reseller, Delegated admin")
    return _("Reseller")


@require_GET
def customer_list(request: AuthenticatedRequest) -> HttpResponse:
    """The partner's customers, a page at a time. A row's details (its admin portals, which need the agent's roles
    and Azure role assignments) are not decided here: the row fetches them when it is expanded (customer_details)."""
    partner = partner_for(request)
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("relationship", "")
    # Hand-written SQL on PostgreSQL (CustomerRows); the ORM's query elsewhere.
    source = customers_page_rows(partner, kind, q)
    relationships = (
        None
        if source is not None
        else with_lost_admin_relationship(
            customers_search(customers_of_kind(customers_for(partner, removal=False), kind), q)
        )
    )
    # The page's rows as tuples of CUSTOMER_ROW_FIELDS (building model instances was a good part of the page's time).
    # Unfiltered, the count is the partner's kept count (no query); a search counts its matches with its rows.
    page = paginate(
        request,
        relationships,
        CUSTOMER_SORTING,
        per_page=settings.CUSTOMERS_PAGE_SIZE,
        values=CUSTOMER_ROW_FIELDS,
        sort_after_filter=search_sorts_after_filter(q),
        known_count=None if q.strip() or kind in RELATIONSHIP_KINDS else customer_count(partner),
        source=source,
    )
    kinds = partner_group_kinds(request.user)
    context = {
        "page": page,
        "q": q,
        "partner": partner,
        "relationship": kind if kind in RELATIONSHIP_KINDS else "",
        "relationship_kinds": RELATIONSHIP_KINDS.items(),
        "can_request_in_bulk": can_request_in_bulk(request.user),
        # The agent's groups are read once per request, for the navigation too: no query of their own.
        "can_request_admin_relationship": bool(kinds & ADMIN_RELATIONSHIP_MANAGERS),
        "can_see_admin_relationship_requests": bool(kinds & ADMIN_RELATIONSHIP_READERS),
        "can_see_expiring": bool(kinds & ADMIN_RELATIONSHIP_READERS),
    }
    return render(request, "customers/list.html", context)


def _customer_row(request: AuthenticatedRequest, tenant_id: UUID) -> tuple[ResellerRelationship, frozenset[str]]:
    """A customer of the agent's partner as a Customers row (404 for any other tenant), with its admin portals as
    the agent may use them now, and the agent's partner roles."""
    # The Azure portal's fact comes in the row's query (azure_portal_availability reads it).
    row = partner_relationship_for(
        request, tenant_id, reseller=False, annotations={"has_azure_role": has_azure_role(request.user)}
    )
    kinds = partner_group_kinds(request.user)
    # With a live admin relationship, GDAP decides the agent's roles there (one query, only then).
    granular = (
        {row.customer_id: assigned_granular_roles(request.user, live_admin_relationships(row.partner, row.customer))}
        if row.has_granular  # type: ignore[attr-defined]  # an annotation of partner_relationship_for's query
        else {}
    )
    admin_portal_availability(group_kinds=kinds, rows=[row], granular_roles=granular)
    azure_portal_availability(user=request.user, rows=[row])
    return row, kinds


@require_GET
@never_cache
def customer_details(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """A Customers row's details, fetched when the row is expanded: a fragment of HTML, not a page.

    Decided on every request and never cached (never_cache, for browsers and proxies too): a customer who has just
    removed delegated admin must never show an enabled Admin center link. Rendered without the request, so the
    page shell's context processors (the navigation's queries) are not paid for a fragment that has no shell."""
    row, _kinds = _customer_row(request, tenant_id)
    context = {"row": row, "customer": row.customer, "relationship": relationship_label(row)}
    return HttpResponse(render_to_string("customers/details.html", context))


@require_GET
def customer_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """The Customers page's rows as CSV, with what each row says: its relationship, and an admin relationship the
    partner lost with the customer."""
    partner = partner_for(request)
    kind = request.GET.get("relationship", "")
    rows = with_lost_admin_relationship(
        customers_search(customers_of_kind(customers_for(partner, removal=False), kind), request.GET.get("q", "")[:200])
    )
    now, language, zone = timezone.now(), translation.get_language(), timezone.get_current_timezone()

    def lines():
        # The response streams after the view returns: keep the page's language and time zone for the words.
        with translation.override(language), timezone.override(zone):
            for r in rows.iterator(chunk_size=2000):
                lost = lost_admin_relationship(r.admin_relationship_status, r.admin_relationship_end, now)
                yield (
                    r.customer.public_id,
                    r.customer.name,
                    r.customer.primary_domain,
                    relationship_label(r),
                    str(lost) if lost else "",
                )

    return csv_response(
        filename="customers.csv",
        header=["Microsoft ID", "Company name", "Primary domain name", "Relationship", "Admin relationship lost"],
        rows=lines(),
    )


# Rule: adding a subscription for a customer is for Admin agents and Sales agents (no delegated admin needed).


@require_GET
def customer_detail(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    """A customer's account, the subscriptions the partner provisioned for it, and its service admin portals."""
    row, kinds = _customer_row(request, tenant_id)
    partner, customer = row.partner, row.customer
    subscriptions = (
        Subscription.objects.filter(tenant=customer, provisioned_by=partner)
        .annotate(assigned=Count("assignments"))
        .order_by("product", "created_at", "pk")
    )
    page = Paginator(subscriptions, 25).get_page(request.GET.get("page"))
    context = {
        "partner": partner,
        "customer": customer,
        "row": row,
        "relationship": relationship_label(row),
        "page": page,
        # What only resellers may do: not for a customer through granular delegated admin alone.
        "can_add_subscription": row.is_active and bool(kinds & set(SUBSCRIPTION_SELLERS)),
        "can_add_azure_subscription": row.is_active and bool(kinds & PROVISIONERS),
        "azure_subscriptions": provisioned_for_customer(partner, customer, request.user),
        # Granular delegated admin: the partner's admin relationships with the customer, with their groups.
        "admin_relationships": [
            (relationship, role_rows(relationship.roles)) for relationship in admin_relationships_of(partner, customer)
        ],
        "can_request_admin_relationship": bool(kinds & ADMIN_RELATIONSHIP_MANAGERS),
    }
    return render(request, "customers/detail.html", context)


@require_http_methods(["GET", "POST"])
def subscription_new(request: AuthenticatedRequest, tenant_id: UUID) -> HttpResponse:
    partner, customer = partner_customer_for(request, tenant_id, *SUBSCRIPTION_SELLERS)
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = subscription_create(
                customer=customer,
                partner=partner,
                product=form.cleaned_data["product"],
                seats=form.cleaned_data["seats"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(product)s with %(seats)s seats was added for %(customer)s.")
                % {
                    "product": subscription.get_product_display(),
                    "seats": subscription.seats,
                    "customer": customer.name,
                },
            )
            return redirect("customers:detail", customer.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "customers/subscription_new.html", {"form": form, "customer": customer}, status=status)
