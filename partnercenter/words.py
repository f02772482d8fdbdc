"""How the portal lists things in a sentence, in the page's language."""

from collections.abc import Iterable

from django.utils.translation import pgettext


def join_list(items: Iterable[object]) -> str:
    """Items side by side: "Global Administrator, Helpdesk Administrator"; in Chinese with the enumeration comma,
    全域管理員、技術服務管理員."""
    return pgettext("separator between listed items", ", ").join(str(item) for item in items)
