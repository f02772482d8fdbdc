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
from typing import Any, Protocol
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


@dataclass(frozen=True)
class Read:
    """What paginate asks of a RowSource: rows ordered by `fields` (a column's fields, then the tiebreaker), all
    `descending` or all ascending (the order to read in, reversed already when reading backwards); only the rows
    after `key` in that order when one is given (a cursor), else from `offset`; at most `limit`. Each row is the
    source's values, then the row's values of `fields`, then, with `count`, how many rows the list has (before the
    offset and the limit). `unindexed`: sort text by an expression no index holds (paginate's sort_after_filter)."""

    fields: tuple[str, ...]
    descending: bool
    key: list[Any] | None
    offset: int
    limit: int
    count: bool
    unindexed: bool


class RowSource(Protocol):
    """A list that reads its own rows for paginate (its `source`), in queries written for it."""

    @property
    def model(self) -> type[Model]:
        """Whose fields the sort key's values are, to read them back from a cursor."""
        ...

    def rows(self, read: Read) -> list[tuple]: ...

    def count(self, cap: int) -> int:
        """How many rows, counting no further than cap + 1."""
        ...


def _encode(values: Sequence[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, UUID):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str, model: type[Model], paths: Sequence[str]) -> list[Any] | None:
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
            out.append(_field_of(model, path).to_python(value))
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
    queryset: QuerySet | None,
    sorting: Sorting,
    *,
    per_page: int = 50,
    values: Sequence[str] | None = None,
    count: bool = True,
    count_cap: int | None = None,
    sort_after_filter: bool = False,
    parts: Sequence[QuerySet] = (),
    known_count: int | None = None,
    source: "RowSource | None" = None,
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
    gathers them again to count them is saved.

    `source`: a list that reads its own rows (RowSource) rather than a queryset's, for a page whose queries are
    worth writing by hand; `queryset` is then unused and may be None, and `values` names the source's values."""
    params = request.GET
    column, descending = sorting.parse(params.get("sort", ""))
    sort = ("-" if descending else "") + column.key
    size = _positive_int(params.get("size"))
    if size not in PAGE_SIZES:
        size = per_page
    paths = [*column.fields, sorting.tiebreaker]
    if source is not None:
        model, sources = source.model, []
    elif queryset is not None:
        model, sources = queryset.model, list(parts) or [queryset]
    else:
        raise ValueError("paginate needs a queryset or a source")
    keys = {f"sort_key_{i}": _key(model, path, sort_after_filter) for i, path in enumerate(paths)}

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

    def count_all() -> tuple[int, bool]:
        if source is not None:
            n = source.count(cap)
            return min(n, cap), n > cap
        counts = [capped_count(q, cap) for q in sources]
        n = sum(n for n, _capped in counts)
        return min(n, cap), any(c for _n, c in counts) or n > cap

    def split(raw: Iterable[tuple], width: int) -> list[tuple[Any, tuple]]:
        n = len(values or ())
        return [(row[:n], row[n:width]) for row in raw]

    def read(key: list[Any] | None, backwards: bool, offset: int, with_count: bool) -> list[tuple]:
        """Rows as (values…, sort key…[, count]), or model instances when there are no `values`: after `key` when
        given (a cursor), else from `offset`, reading backwards or not; a page's worth and one more."""
        if source is not None:
            asked = Read(tuple(paths), descending != backwards, key, offset, size + 1, with_count, sort_after_filter)
            return source.rows(asked)
        if key is not None:
            selected = seek(key, backwards)
        else:
            selected = [ordered(q, False) for q in sources]
            if with_count:
                selected = [q.annotate(list_total=Window(Count("pk"))) for q in selected]
        # With parts, each is read from its start: the offset is of the merged rows (at most MAX_NUMBERED_PAGE pages).
        start = offset if len(selected) == 1 else 0
        rows: list[Any] = []
        for rows_qs in selected:
            fetch = rows_qs[start : offset + size + 1]
            if values is not None:
                rows += list(fetch.values_list(*values, *keys, *(["list_total"] if with_count else [])))
            else:
                rows += [(obj, *(getattr(obj, k) for k in keys)) for obj in fetch]
        if len(selected) > 1:
            n = len(values) if values is not None else 1
            rows.sort(key=lambda row: row[n:], reverse=descending != backwards)
            rows = rows[offset : offset + size + 1]
        return rows

    if known_count is not None:
        total, capped = min(known_count, cap), known_count > cap
    elif count_in_rows:
        total, capped = 0, True  # from the rows, below
    elif count:
        total, capped = count_all()
    else:
        total, capped = 0, True
    number = _positive_int(params.get("page")) or 1
    cursor_key: list[Any] | None = None
    backwards = False
    offset = 0
    for name, back in (("after", False), ("before", True)):
        if (token := params.get(name)) and (key := _decode(token, model, paths)) is not None:
            cursor_key, backwards = key, back
            break
    cursor = cursor_key is not None
    width = len(values) + len(paths) if values is not None else 1 + len(paths)
    fetched: list[tuple[Any, tuple]] | None = None
    if count_in_rows:
        number = min(number, MAX_NUMBERED_PAGE)
        offset = (number - 1) * size
        raw = read(None, False, offset, with_count=True)
        if raw or offset == 0:
            n = raw[0][-1] if raw else 0
            total, capped = min(n, cap), n > cap
            fetched = split(raw, width)
        else:  # a page past the last: count, then show the last page
            total, capped = count_all()
    if fetched is None:
        if not cursor:
            number = min(number, MAX_NUMBERED_PAGE)
            if count and not capped:
                number = min(number, max(1, -(-total // size)))
            offset = (number - 1) * size
        raw = read(cursor_key, backwards, offset, with_count=False)
        fetched = split(raw, width) if values is not None else [(row[0], row[1:]) for row in raw]
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
