"""Partner side: Expiring granular relationships, under Customers. The partner's active admin relationships by how
soon they end and those expired in the last year: tiles that count them and filter the table, a search by customer
or relationship name, the table sorted and paginated in the database, and a CSV download of the same rows."""

from typing import cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partnercenter.csv_export import csv_response
from partnercenter.http import AuthenticatedRequest
from partnercenter.models import AdminRelationship

from .rules import partner_reader_for
from .selectors import (
    EXPIRING_DEFAULT_SORT,
    EXPIRING_SORTS,
    SEARCH_MAX_LENGTH,
    ExpiringWindow,
    ExpiringWords,
    expiring_relationships,
    expiring_rows,
    expiring_tiles,
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


@require_GET
def expiring_list(request: AuthenticatedRequest) -> HttpResponse:
    partner = partner_reader_for(request)
    window, q, sort = _parameters(request)
    now = timezone.now()
    tiles, total = expiring_tiles(partner, now=now)
    paginator = Paginator(expiring_relationships(partner, now=now, window=window, q=q, sort=sort), PAGE_SIZE)
    if not q:
        # Without a search, the tiles have counted the table's rows already: no second count of them.
        paginator.count = next((t.count for t in tiles if t.window == window), total)
    page = paginator.get_page(request.GET.get("page"))
    # The page's slice of the queryset, as tuples, which the expiring_rows tag renders.
    page.object_list = expiring_rows(cast("QuerySet[AdminRelationship]", page.object_list))
    return render(
        request,
        "admin_relationships/expiring.html",
        {
            "tiles": tiles,
            "window": window,
            "window_label": ExpiringWindow(window).label if window else "",
            "q": q,
            "sort": sort,
            "page": page,
            "now": now,
        },
    )


@require_GET
def expiring_export(request: AuthenticatedRequest) -> StreamingHttpResponse:
    """Download: the page's rows (the same tile, search and order), every page of them, streamed."""
    partner = partner_reader_for(request)
    window, q, sort = _parameters(request)
    now = timezone.now()
    rows = expiring_rows(expiring_relationships(partner, now=now, window=window, q=q, sort=sort))
    language = translation.get_language()

    def lines():
        # The response streams after the view returns: keep the page's language for the words.
        with translation.override(language):
            words = ExpiringWords(now)
            for (
                _id,
                name,
                roles,
                status,
                activated_at,
                ends_at,
                auto_extend_days,
                customer_id,
                customer,
            ) in rows.iterator(chunk_size=EXPORT_CHUNK):
                yield (
                    customer or "",
                    customer_id or "",
                    name,
                    "; ".join(words.role_names(roles)),
                    timezone.localdate(activated_at).isoformat() if activated_at else "",
                    timezone.localdate(ends_at).isoformat() if ends_at else "",
                    words.auto_extend(auto_extend_days),
                    words.status(status, ends_at),
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
    return csv_response(filename="expiring-granular-relationships.csv", header=header, rows=lines())
