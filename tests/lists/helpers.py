"""What the list pages' tests share: how to read a page's links and count its queries."""

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREVIOUS = re.compile(r'<a href="([^"]+)" rel="prev">')


def link(pattern: re.Pattern, page: str) -> str | None:
    match = pattern.search(page)
    return html.unescape(match.group(1)) if match else None


def get(client, url: str, params: dict | None = None) -> tuple[int, str]:
    """The page's text and how many queries it took (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, params, response.status_code)
    return len(queries), response.content.decode()


def follow(client, url: str, query: str) -> tuple[int, str]:
    """A link of the page at `url` (its query string starting with "?")."""
    return get(client, url + query)


def walk_shown(client, url: str, params: dict, shown: re.Pattern) -> list[str]:
    """What the list at `url` shows (the parts `shown` matches) at each step of a person paging through it: page 1,
    Next to the end, then Previous back to the start."""
    _n, page = get(client, url, params)
    steps = ["".join(shown.findall(page))]
    for pattern in (NEXT, PREVIOUS):
        while query := link(pattern, page):
            _n, page = follow(client, url, query)
            steps.append("".join(shown.findall(page)))
    return steps
