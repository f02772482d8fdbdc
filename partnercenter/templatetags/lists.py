"""A list's sortable column headers, its paging (partnercenter/listing.py's ListPage) and its Refresh command,
rendered in Python.

Every list page shows them, and as included templates they cost the Customers page about a fifth of its template
time (an include, its context, a dozen tags each). lists/th.html and lists/pages.html call these tags, so the markup
lives here only; a hot page calls them without the include."""

from html import escape

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnercenter.icons import icon_html
from partnercenter.listing import ListPage, SortLink

register = template.Library()

_ARROWS = {"ascending": ' <span aria-hidden="true">▲</span>', "descending": ' <span aria-hidden="true">▼</span>'}


@register.simple_tag
def sort_header(h: SortLink, extra: str = "") -> SafeString:
    """A sortable column's header cell; `extra` its classes."""
    classes = f' class="{escape(extra)}"' if extra else ""
    return SafeString(
        f'<th scope="col"{classes} aria-sort="{h.aria_sort}"><a class="sort" href="{escape(h.url)}">'
        f"{escape(str(h.label))}{_ARROWS.get(h.aria_sort, '')}</a></th>"
    )


@register.simple_tag
def list_pages(page: ListPage) -> SafeString:
    """Previous/Next by cursor, the first pages by number, the page size."""
    # Each word outside the f-strings: makemessages (xgettext) does not look inside them.
    pages, previous, next_, per_page = (
        escape(_("Pages")),
        escape(_("Previous")),
        escape(_("Next")),
        escape(_("Per page:")),
    )
    parts = [f'<nav class="pagination" aria-label="{pages}">']
    if page.previous_url:
        parts.append(f'<a href="{escape(page.previous_url)}" rel="prev">{previous}</a>')
    if page.has_other_pages:
        for n, url in page.numbered:
            if n == page.number:
                parts.append(f'<span class="page-number" aria-current="page">{n}</span>')
            else:
                parts.append(f'<a class="page-number" href="{escape(url)}">{n}</a>')
    number = number_format(page.number)
    if page.num_pages:
        where = _("Page %(number)s of %(total)s") % {"number": number, "total": number_format(page.num_pages)}
    else:
        where = _("Page %(number)s") % {"number": number}
    parts.append(f'<span class="page-of">{escape(where)}</span>')
    if page.next_url:
        parts.append(f'<a href="{escape(page.next_url)}" rel="next">{next_}</a>')
    sizes = " · ".join(
        f'<span aria-current="true">{size}</span>' if current else f'<a href="{escape(url)}">{size}</a>'
        for size, url, current in page.size_urls
    )
    parts.append(f'<span class="page-size">{per_page} {sizes}</span>')
    parts.append("</nav>")
    return SafeString("\n".join(parts))


@register.simple_tag(takes_context=True)
def list_refresh(context: template.Context) -> SafeString:
    """Refresh, the last command of every list's command bar, as in the Microsoft 365 admin center: the same page,
    with its filters."""
    url, label = escape(context["request"].get_full_path()), escape(_("Refresh"))
    return SafeString(f'<a class="btn" href="{url}">{icon_html("arrow_clockwise")}{label}</a>')
