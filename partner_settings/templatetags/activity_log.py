"""The Activity log's rows, rendered in Python.

In the template language its 50 rows were most of the page's time: each row's moment (`when`), its action's words,
who did it, its details, a dozen escaped variables. Here a row is one format string: the labels, the time zone and
the date format are worked out once per page, and each row pays only for its own values, escaped with the standard
library's html.escape (what django.utils.html.escape calls). The markup stays in one place, below."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from partnercenter.audit_labels import action_label, actor_name_of, details_summary_of
from partnercenter.selectors import ActivityRow
from partnercenter.templatetags.when import Moments

register = template.Library()

ROW = (
    "<tr>\n"
    "    <td>{when}</td>\n"
    "    <td>{who}</td>\n"
    '    <th scope="row">{action}{on_behalf}</th>\n'
    "    <td>{customer}</td>\n"
    '    <td class="hide-narrow">{details}</td>\n'
    "  </tr>\n  "
)


@register.simple_tag
def activity_log_rows(events: Iterable[ActivityRow], withheld: frozenset[str] = frozenset()) -> SafeString:
    """A page of the partner's Activity log (partnercenter.selectors.activity_rows), as its table's body; the details
    in `withheld` left out (access.activity_log_withheld_details)."""
    when = Moments()
    # Not escaped, as {% translate %} writes it; outside the f-string, where makemessages finds it.
    label_on_behalf = _("on the customer's behalf")
    on_behalf = f" <small>({label_on_behalf})</small>"
    html = []
    for event in events:
        html.append(
            ROW.format(
                when=when(event.at),
                who=escape(actor_name_of(event.actor_display_name, event.actor_email, event.details)),
                action=escape(action_label(event.action)),
                on_behalf=on_behalf if event.on_behalf else "",
                customer="—" if event.customer_name is None else escape(event.customer_name),
                details="<br>".join(
                    f"{escape(label)}: {escape(value)}"
                    for label, value in details_summary_of(event.details, withheld=withheld)
                ),
            )
        )
    return SafeString("".join(html))
