"""Settings > Partner relationships' rows, rendered in Python.

In the template language its 50 rows were most of the page's time (a {% url %}, a date, the roles' loop with its
translations, for each row). Here a row is one format string: the URL's shape, the words and the roles of delegated
admin are worked out once per page, and each row pays only for its own values, escaped with the standard library's
html.escape (what django.utils.html.escape calls). The markup stays in one place, below."""

from collections.abc import Iterable
from html import escape
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from relationships.selectors import PartnerRelationship, PartnerRow

register = template.Library()

# Filled in with each partner's Microsoft ID (reverse() once per page, not once per row).
_PLACEHOLDER = str(UUID(int=0))

ROW = (
    "<tr{selected}>\n"
    '      <th scope="row"><a href="{url}"{current}>{name}</a></th>\n'
    "      <td>{relationship}</td>\n"
    "      <td>{roles}</td>\n"
    '      <td class="hide-narrow">{since}</td>\n'
    "    </tr>\n    "
)


@register.simple_tag
def partner_relationship_rows(
    rows: Iterable[PartnerRow], customer_id: UUID, selected: PartnerRelationship | None = None
) -> SafeString:
    """The rows of relationships.selectors.partner_rows as the table's body; the row of `selected` marked."""
    url_shape = reverse("admincenter:partner_relationship_detail", args=[customer_id, _PLACEHOLDER])
    # As {% translate %} writes them, unescaped; outside the f-strings, where makemessages finds them.
    separator = pgettext("separator between listed items", ", ")
    no_roles = _("None")
    roles_words: dict[bool, str] = {}
    selected_pk = selected.partner.pk if selected is not None else None
    html = []
    for row in rows:
        if row.has_delegated_admin not in roles_words:  # the same roles for every partner with delegated admin
            roles = separator.join(escape(str(role)) for role, _group in row.roles)
            roles_words[row.has_delegated_admin] = roles or no_roles
        chosen = row.partner_pk == selected_pk
        html.append(
            ROW.format(
                selected=' class="selected"' if chosen else "",
                url=url_shape.replace(_PLACEHOLDER, str(row.public_id)),
                current=' aria-current="true"' if chosen else "",
                name=escape(row.name),
                relationship=escape(row.relationship_type),
                roles=roles_words[row.has_delegated_admin],
                since=escape(date_format(localtime(row.since), "DATE_FORMAT")),  # as the date filter writes it
            )
        )
    return SafeString("".join(html))
