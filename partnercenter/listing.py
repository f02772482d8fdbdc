"""Sorting and paging for every list page, in the database, at a cost that does not grow with the rows.

A list offers columns to sort by (`?sort=name`, `?sort=-name` for descending; anything else is the list's default,
never an error) and pages in one of two ways, both bounded:

- **By cursor (keyset).** Next and Previous carry the sort key of the page's last (first) row: the next page is the
  rows after it in the sort order (`WHERE (key, pk) > (…) ORDER BY key, pk LIMIT n+1`), read from an index as
  cheaply on page 200 as on page 1, whatever the number of rows. The primary key breaks ties, so the order is total
  and no row is shown twice or skipped.
- **By number, for the first few pages** (`?page=3`, up to MAX_NUMBERED_PAGE): an OFFSET of at most a few hundred
  rows, so that page links stay meaningful. A deeper `?page=` shows the last numbered page; deeper pages are reached
  by Next, and their links carry their number (for "Page 200"), which is only ever shown.

The count is capped: counting stops at COUNT_CAP rows ("more than 10,000"), so a list of 100,000 rows counts no
longer than one of 10,001. Lists sort only by columns that are never NULL (a row comparison with NULL is unknown).

A cursor or page number that does not parse, from a stale or edited link, is the first page: the queryset is the
user's own, so a cursor can only move within what the user may see anyway.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import CharField, Count, F, Model, QuerySet, Value, Window
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Concat
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

# ?page=N is honoured up to this page (an OFFSET of at most (N-1) × page size rows); deeper pages go by cursor.
MAX_NUMBERED_PAGE = 10
# Counting stops here: "more than 10,000" rather than a count over every row.
COUNT_CAP = 10_000
PAGE_SIZES = (25, 50, 100)
# Parameters the paging owns: dropped from links that start a new order or size.
_PAGING_PARAMS = ("page", "after", "before")


@dataclass(frozen=True)
class Column:
    """A column the list sorts by: its `?sort=` key, its header, and the fields it orders by (never NULL), the
    ascending way round; descending reverses them all, the tiebreaker too."""

    key: str
    label: str | Promise
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Sorting:
    """A list's sortable columns and its default (`"-created"`: newest first). `tiebreaker` is a unique field that
    ends every order; an index on (filter columns…, sort fields…, tiebreaker) serves each order."""

    columns: tuple[Column, ...]
    default: str
    tiebreaker: str = "pk"

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def parse(self, value: str) -> tuple[Column, bool]:
        """The column and whether descending, from `?sort=`; the default for anything not offered."""
        for candidate in (value, self.default):
            descending = candidate.startswith("-")
            column = self.column(candidate.removeprefix("-"))
            if column is not None:
                return column, descending
        raise ValueError(f"default sort {self.default!r} is not a column")


@dataclass(frozen=True)
class SortLink:
    """A column header: its label, the link that sorts by it (or reverses it), and aria-sort."""

    label: str | Promise
    url: str
    aria_sort: str  # "ascending", "descending" or "none"


@dataclass
class ListPage:
    """One page of a list, with what its template needs: the rows, the links, the (capped) count."""

    rows: list[Any]
    number: int
    size: int
    count: int
    count_capped: bool
    sort: str
    previous_url: str | None
    next_url: str | None
    numbered: list[tuple[int, str]]
    headers: dict[str, SortLink] = field(default_factory=dict)
    size_urls: list[tuple[int, str, bool]] = field(default_factory=list)

    @property
    def num_pages(self) -> int | None:
        """The number of pages when the count is exact; None past the cap."""
        if self.count_capped:
            return None
        return max(1, -(-self.count // self.size))

    @property
    def object_list(self) -> list[Any]:
        """The rows, under the name Django's Page gives them."""
        return self.rows

    @property
    def has_other_pages(self) -> bool:
        return self.previous_url is not None or self.next_url is not None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def _encode(values: Sequence[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, UUID):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, queryset: QuerySet, paths: Sequence[str]) -> list[Any] | None:
    """The sort key a cursor carries, each value converted by its model field; None if it does not parse."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(values, list) or len(values) != len(paths):
        return None
    out = []
    for path, value in zip(paths, values, strict=True):
        if not isinstance(value, str | int | float | bool):
            return None
        try:
            out.append(_field_of(queryset.model, path).to_python(value))
        except Exception:  # noqa: BLE001 - a malformed value in an edited link is the first page, not a 500
            return None
    return out


def _field_of(model: type[Model], path: str) -> Any:
    """The model field at the end of a lookup path ("customer__name")."""
    *relations, last = path.split("__")
    current: Any = model
    for part in relations:
        current = current._meta.get_field(part).related_model
    return current._meta.pk if last == "pk" else current._meta.get_field(last)


def _key(model: type[Model], path: str, unindexed: bool) -> Any:
    if unindexed and isinstance(_field_of(model, path), CharField):
        return Concat(F(path), Value(""))  # sorts exactly like the column, but is not its index
    return F(path)


def _positive_int(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 6:
        return None
    number = int(value)
    return number if number >= 1 else None


def _url(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than `cap`: (count, True) when there are more."""
    n = queryset.order_by()[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    sorting: Sorting,
    *,
    per_page: int = 50,
    values: Sequence[str] | None = None,
    count: bool = True,
    count_cap: int | None = None,
    sort_after_filter: bool = False,
    parts: Sequence[QuerySet] = (),
    known_count: int | None = None,
) -> ListPage:
    """The page of `queryset` that the request asks for, sorted as it asks (see the module's docstring).

    `values`: rows as tuples of these fields (values_list) rather than model instances. `count`: False for a list
    that shows no count (one query less). `sort_after_filter`: order the text columns by an expression no index
    holds, so that PostgreSQL finds a selective filter's matches first (a trigram search, say) and sorts those, rather
    than walk the column's index testing every row until a page of them matches. `parts`: disjoint querysets whose
    union is the list, for a filter with OR that no one index serves (each part reads its own index, a page's worth,
    and the rows are merged here): then `queryset` is only the model, and the orders must not be of text, which
    Python and the database collate differently. `known_count`: the list's count, kept by the caller (no query).

    With `sort_after_filter` and `values`, a numbered page counts its matches in the rows' own query (COUNT(*) OVER
    (), computed before the LIMIT): the database gathers every match to sort them anyway, so a second query that
    gathers them again to count them is saved."""
    params = request.GET
    column, descending = sorting.parse(params.get("sort", ""))
    sort = ("-" if descending else "") + column.key
    size = _positive_int(params.get("size"))
    if size not in PAGE_SIZES:
        size = per_page
    paths = [*column.fields, sorting.tiebreaker]
    keys = {f"sort_key_{i}": _key(queryset.model, path, sort_after_filter) for i, path in enumerate(paths)}
    sources = list(parts) or [queryset]

    def ordered(source: QuerySet, reverse: bool) -> QuerySet:
        down = descending != reverse
        return source.annotate(**keys).order_by(*(f"-{k}" if down else k for k in keys))

    def seek(key: list[Any], backwards: bool) -> list[QuerySet]:
        # Reading forwards in a descending order (or backwards in an ascending one), the rows come before the key.
        before = descending != backwards
        lookup = TupleLessThan if before else TupleGreaterThan
        # The first column's bound, implied by the row comparison, is repeated on its own: PostgreSQL starts the index
        # scan there even when the tiebreaker is another table's column (a customer's name, the relationship's
        # customer_id), which a row comparison across tables cannot bound.
        first = {f"sort_key_0__{'lte' if before else 'gte'}": key[0]}
        return [
            ordered(q, backwards).filter(lookup(Tuple(*(F(k) for k in keys)), tuple(key)), **first) for q in sources
        ]

    cap = count_cap or COUNT_CAP
    cursor_token = any(params.get(name) for name in ("after", "before"))
    count_in_rows = count and known_count is None and sort_after_filter and values is not None and not parts
    count_in_rows = count_in_rows and not cursor_token
    if known_count is not None:
        total, capped = min(known_count, cap), known_count > cap
    elif count_in_rows:
        total, capped = 0, True  # from the rows, below
    elif count:
        counts = [capped_count(q, count_cap or COUNT_CAP) for q in sources]
        total = sum(n for n, _capped in counts)
        capped = any(c for _n, c in counts) or total > (count_cap or COUNT_CAP)
        total = min(total, count_cap or COUNT_CAP)
    else:
        total, capped = 0, True
    number = _positive_int(params.get("page")) or 1
    selected: list[QuerySet] | None = None
    backwards = False
    offset = 0
    for name, back in (("after", False), ("before", True)):
        if (token := params.get(name)) and (key := _decode(token, queryset, paths)) is not None:
            selected, backwards = seek(key, back), back
            break
    cursor = selected is not None
    fetched: list[tuple[Any, tuple]] = []
    counted = False
    if count_in_rows and values is not None:
        number = min(number, MAX_NUMBERED_PAGE)
        offset = (number - 1) * size
        window = ordered(queryset, False).annotate(list_total=Window(Count("pk")))[offset : offset + size + 1]
        raw = list(window.values_list(*values, *keys, "list_total"))
        if raw or offset == 0:
            counted = True
            total = raw[0][-1] if raw else 0
            total, capped = min(total, cap), total > cap
            fetched = [(row[: len(values)], row[len(values) : -1]) for row in raw]
        else:  # a page past the last: count, then show the last page
            total, capped = capped_count(queryset, cap)
    if selected is None:
        number = min(number, MAX_NUMBERED_PAGE)
        if count and not capped:
            number = min(number, max(1, -(-total // size)))
        offset = (number - 1) * size
        selected = [] if counted else [ordered(q, False) for q in sources]

    # With parts, each is read from its start: the offset is of the merged rows (at most MAX_NUMBERED_PAGE pages).
    start = offset if len(selected) == 1 else 0
    for rows_qs in selected:
        fetch = rows_qs[start : offset + size + 1]
        if values is not None:
            fetched += [(row[: len(values)], row[len(values) :]) for row in fetch.values_list(*values, *keys)]
        else:
            fetched += [(obj, tuple(getattr(obj, k) for k in keys)) for obj in fetch]
    if len(selected) > 1:
        fetched.sort(key=lambda row: row[1], reverse=descending != backwards)
        fetched = fetched[offset : offset + size + 1]
    more = len(fetched) > size
    fetched = fetched[:size]
    if backwards:
        fetched.reverse()
        if not more:
            number = 1  # back at the first rows (from page 2, or from a stale cursor)
        has_previous, has_next = more, bool(fetched)
    else:
        has_previous, has_next = number > 1, more
    if not cursor and not fetched:
        has_next = False

    keep = params.copy()
    for name in _PAGING_PARAMS:
        keep.pop(name, None)
    previous_url = next_url = None
    if has_previous:
        if number <= 2 or not fetched or (not cursor and number <= MAX_NUMBERED_PAGE):
            previous_url = _url(keep, page=None if number <= 2 else number - 1)
        else:
            previous_url = _url(keep, before=_encode(fetched[0][1]), page=number - 1)
    if has_next:
        next_url = _url(keep, after=_encode(fetched[-1][1]), page=number + 1)

    last_known = (-(-total // size) if not capped else MAX_NUMBERED_PAGE) if count else number
    numbered = [
        (n, _url(keep, page=None if n == 1 else n))
        for n in range(1, min(MAX_NUMBERED_PAGE, max(last_known, 1)) + 1)
        if abs(n - number) <= 4 or n == 1
    ]

    no_paging = keep
    headers = {}
    for c in sorting.columns:
        active = c.key == column.key
        # A click on the active column reverses it; on another, sorts by it ascending (dates: newest first).
        default_descending = sorting.default == f"-{c.key}"
        next_desc = (not descending) if active else default_descending
        url = _url(no_paging, sort=("-" if next_desc else "") + c.key)
        aria = ("descending" if descending else "ascending") if active else "none"
        headers[c.key] = SortLink(c.label, url, aria)
    size_urls = [(s, _url(no_paging, size=None if s == per_page else s), s == size) for s in PAGE_SIZES]

    return ListPage(
        rows=[row for row, _key in fetched],
        number=number,
        size=size,
        count=total,
        count_capped=capped,
        sort=sort,
        previous_url=previous_url,
        next_url=next_url,
        numbered=numbered,
        headers=headers,
        size_urls=size_urls,
    )


def annotate_rows(page: ListPage, transform: Callable[[list[Any]], Iterable[Any]]) -> ListPage:
    """The same page with its rows replaced by `transform(rows)` (say, rows with their facts), links unchanged."""
    page.rows = list(transform(page.rows))
    return page
