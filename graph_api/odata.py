"""The OData query options the API understands: $top and $skiptoken (paging with @odata.nextLink), $filter with eq
joined by and, $orderby on status, and $select. Anything else is Graph's 400, never a 500."""

import base64
import binascii
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

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
    offset: int = 0
    filters: dict[str, str] = field(default_factory=dict)
    orderby: tuple[str, bool] | None = None  # (property, descending)
    select: list[str] | None = None


def _offset(token: str) -> int:
    try:
        value = int(base64.urlsafe_b64decode(token.encode() + b"==").decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_request("The $skiptoken is not valid.") from None
    if value < 0:
        raise bad_request("The $skiptoken is not valid.")
    return value


def skiptoken(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


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
        query.offset = _offset(params["$skiptoken"])
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


def page(request: HttpRequest, query: Query, rows: list, items: list[dict], context: str) -> dict:
    """One page of a collection: `rows` are at most $top + 1 rows from `query.offset` (one more says there is a next
    page), `items` their JSON."""
    body: dict = {"@odata.context": context, "value": [selected(item, query.select) for item in items[: query.top]]}
    if len(rows) > query.top:
        params = {key: value for key, value in request.GET.items() if key != "$skiptoken"}
        params["$skiptoken"] = skiptoken(query.offset + query.top)
        body["@odata.nextLink"] = request.build_absolute_uri(request.path) + "?" + urlencode(params)
    return body
