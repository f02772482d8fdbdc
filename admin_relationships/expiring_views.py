"""Partner side: Expiring granular relationships, under Customers. The partner's active admin relationships by how
soon they end and those expired in the last year: tiles that count them and filter the table, a search by customer
or relationship name, the table sorted and paginated in the database, and a CSV download of the same rows."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnercenter.csv_export import csv_response
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import AdminRelationship
from partnercenter.roles import CATALOGUE

from .rules import partner_reader_for
from .selectors import (
    EXPIRING_DEFAULT_SORT,
    EXPIRING_SORTS,
    SEARCH_MAX_LENGTH,
    ExpiringWindow,
    expiring_relationships,
    expiring_tiles,
    is_expired,
)

PAGE_SIZE = 50
EXPORT_CHUNK = 2000


def _parameters(request: HttpRequest) -> tuple[str, str, str]:
    """(window, search, sort) from the query string; an unknown window or sort is the default (all, by end date)."""
    window = request.GET.get("expires", "")
    if window not in ExpiringWindow.values:
        window = ""
    sort = request.GET.get("sort", EXPIRING_DEFAULT_SORT)
    if sort not in EXPIRING_SORTS:
        sort = EXPIRING_DEFAULT_SORT
    return window, request.GET.get("q", "")[:SEARCH_MAX_LENGTH].strip(), sort


def _role_names(roles: list[str]) -> list[str]:
    wanted = set(roles)
    return [str(definition.name) for value, definition in CATALOGUE.items() if value in wanted]


def _status(relationship: AdminRelationship, now) -> str:
    if is_expired(relationship, now):
        return str(AdminRelationship.Status.EXPIRED.label)
    return relationship.get_status_display()


def _auto_extend(relationship: AdminRelationship) -> str:
    if relationship.auto_extend_days:
        return _("On, by %(days)s days") % {"days": relationship.auto_extend_days}
    return _("Off")


@require_GET
def expiring_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = partner_reader_for(request)
    window, q, sort = _parameters(request)
    now = timezone.now()
    relationships = expiring_relationships(partner, now=now, window=window, q=q, sort=sort)
    page = Paginator(relationships, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "relationship": relationship,
            "customer": relationship.customer,
            "roles": _role_names(relationship.roles),
            "status": _status(relationship, now),
            "auto_extend": _auto_extend(relationship),
        }
        for relationship in page.object_list
    ]
    return render(
        request,
        "admin_relationships/expiring.html",
        {
            "tiles": expiring_tiles(partner, now=now),
            "window": window,
            "window_label": ExpiringWindow(window).label if window else "",
            "q": q,
            "sort": sort,
            "page": page,
            "rows": rows,
        },
    )


@require_GET
def expiring_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """Download: the page's rows (the same tile, search and order), every page of them, streamed."""
    partner = partner_reader_for(request)
    window, q, sort = _parameters(request)
    now = timezone.now()
    relationships = expiring_relationships(partner, now=now, window=window, q=q, sort=sort)
    language = translation.get_language()

    def rows():
        # The response streams after the view returns: keep the page's language for the words.
        with translation.override(language):
            for relationship in relationships.iterator(chunk_size=EXPORT_CHUNK):
                customer = relationship.customer
                yield (
                    customer.name if customer else "",
                    customer.public_id if customer else "",
                    relationship.display_name,
                    "; ".join(_role_names(relationship.roles)),
                    timezone.localdate(relationship.activated_at).isoformat() if relationship.activated_at else "",
                    timezone.localdate(relationship.ends_at).isoformat() if relationship.ends_at else "",
                    _auto_extend(relationship),
                    _status(relationship, now),
                )

    header = [
        _("Customer"),
        _("Customer Microsoft ID"),
        _("Admin relationship name"),
        _("Roles"),
        _("Start date"),
        _("End date"),
        _("Auto extend"),
        _("Status"),
    ]
    return csv_response(filename="expiring-granular-relationships.csv", header=header, rows=rows())
