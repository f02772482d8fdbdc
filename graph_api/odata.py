"""The OData query options the API understands: $top and $skiptoken (paging with @odata.nextLink), $filter with eq
joined by and, $orderby on status, and $select. Anything else is Graph's 400, never a 500.

Paging is keyset (seek) paging: the $skiptoken is opaque to the client, and holds the sort key of the last item of
the page before; the next page starts right after it, found through an index. Page 1000 costs what page 1 costs,
and an item added or removed between two pages neither repeats nor skips another (an OFFSET would do both)."""

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.http import HttpRequest

from .errors import bad_request

TOP_DEFAULT = 100
TOP_MAX = 300

_CLAUSE = re.compile(r"^\s*([A-Za-z]+(?:/[A-Za-z]+)?)\s+eq\s+'((?:[^']|'')*)'\s*$")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_ORDERBY = re.compile(r"^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$", re.IGNORECASE)
KNOWN = {"$top", "$skiptoken", "$filter", "$orderby", "$select", "$count"}


@dataclass
class Query:
    top: int = TOP_DEFAULT
    after: list[str] | None = None  # the sort key the $skiptoken carries
    filters: dict[str, str] = field(default_factory=dict)
    orderby: tuple[str, bool] | None = None  # (property, descending)
    select: list[str] | None = None


# A collection's order: (field, descending) pairs, the last of them unique, so that the order is total.
Ordering = Sequence[tuple[str, bool]]


def _key_of(token: str) -> list[str]:
    try:
        key = json.loads(base64.urlsafe_b64decode(token.encode() + b"==").decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_request("The $skiptoken is not valid.") from None
    if not isinstance(key, list) or not key or not all(isinstance(value, str) for value in key):
        raise bad_request("The $skiptoken is not valid.")
    return key


def skiptoken(key: list[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def parse(request: HttpRequest, *, filterable: set[str], orderable: set[str]) -> Query:
    """The collection's query options, checked against what this collection can filter and order by."""
    params = request.GET
    for name in params:
        if name.startswith("$") and name not in KNOWN:
            raise bad_request(f"Query option '{name}' is not supported.")
    query = Query()
    if "$top" in params:
        raw = params["$top"]
        if not raw.isdigit() or not 1 <= int(raw) <= TOP_MAX:
            raise bad_request(f"Invalid value for $top: use a whole number from 1 to {TOP_MAX}.")
        query.top = int(raw)
    if "$skiptoken" in params:
        query.after = _key_of(params["$skiptoken"])
    if params.get("$count", "false").lower() not in ("false",):
        raise bad_request("$count is not supported on this collection.")
    if raw_filter := params.get("$filter", "").strip():
        for clause in _AND.split(raw_filter):
            match = _CLAUSE.match(clause)
            if match is None or match.group(1) not in filterable:
                raise bad_request(
                    f"Invalid filter clause: only eq on {', '.join(sorted(filterable))}, joined by 'and', is supported."
                )
            query.filters[match.group(1)] = match.group(2).replace("''", "'")
    if raw_order := params.get("$orderby", "").strip():
        match = _ORDERBY.match(raw_order)
        if match is None or match.group(1) not in orderable:
            raise bad_request(f"Invalid $orderby: only {', '.join(sorted(orderable)) or 'nothing'} can be ordered by.")
        query.orderby = (match.group(1), (match.group(2) or "asc").lower() == "desc")
    if raw_select := params.get("$select", "").strip():
        query.select = [name.strip() for name in raw_select.split(",") if name.strip()]
    return query


def selected(item: dict, select: list[str] | None) -> dict:
    """The item with only the properties $select names (and its identity and annotations)."""
    if not select:
        return item
    return {key: value for key, value in item.items() if key.startswith("@") or key == "id" or key in select}


def _after(model: type[Model], ordering: Ordering, key: list[str]) -> Q:
    """Rows after `key` in `ordering`: (a, b, c) > (x, y, z), spelled out; and a bound on the first column alone, which
    the database can seek to in an index that starts with it."""
    if len(key) != len(ordering):
        raise bad_request("The $skiptoken is not valid.")
    values = []
    for (name, _), raw in zip(ordering, key, strict=True):
        try:
            column = model._meta.get_field(name)
            if not isinstance(column, Field):
                raise FieldDoesNotExist(name)
            values.append(column.to_python(raw))
        except (FieldDoesNotExist, ValidationError):
            raise bad_request("The $skiptoken is not valid.") from None
    pairs = list(zip(ordering, values, strict=True))
    (last, descending), value = pairs[-1]
    condition = Q(**{f"{last}__{'lt' if descending else 'gt'}": value})
    for (name, descending), value in reversed(pairs[:-1]):
        condition = Q(**{f"{name}__{'lt' if descending else 'gt'}": value}) | (Q(**{name: value}) & condition)
    first, descending = ordering[0]
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition


def seek(rows: QuerySet, query: Query, ordering: Ordering) -> list:
    """The rows of one page, in `ordering`, from just after the $skiptoken's key: $top + 1 of them (one more says
    that there is a next page)."""
    rows = rows.order_by(*[("-" if descending else "") + name for name, descending in ordering])
    if query.after is not None:
        rows = rows.filter(_after(rows.model, ordering, query.after))
    return list(rows[: query.top + 1])


def _key(row: Model, ordering: Ordering) -> list[str]:
    values = [getattr(row, name) for name, _ in ordering]
    return [value.isoformat() if hasattr(value, "isoformat") else str(value) for value in values]


def page(request: HttpRequest, query: Query, rows: list, items: list[dict], context: str, ordering: Ordering) -> dict:
    """One page of a collection: `rows` are what seek() found, `items` their JSON. The @odata.nextLink is the same
    request with the $skiptoken of this page's last row, on the portal's address (SITE_URL), as every link it
    writes."""
    body: dict = {"@odata.context": context, "value": [selected(item, query.select) for item in items[: query.top]]}
    if len(rows) > query.top:
        params = {key: value for key, value in request.GET.items() if key != "$skiptoken"}
        params["$skiptoken"] = skiptoken(_key(rows[query.top - 1], ordering))
        body["@odata.nextLink"] = settings.SITE_URL + request.path + "?" + urlencode(params)
    return body
