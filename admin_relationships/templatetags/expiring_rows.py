"""The Expiring granular relationships table's rows, rendered in Python.

As on the Customers page (customers/templatetags/customer_rows.py): in the template language 50 rows of two links,
a plural, a date and a few words cost as much as the rest of the page. Here a row is one format string; what is the
same for every row (words, the URLs' shapes) is worked out once per page, and each row pays only for its own
values. The markup stays in one place, below."""

from collections.abc import Iterable
from datetime import datetime
from html import escape
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import ngettext

from admin_relationships.selectors import ExpiringWords

register = template.Library()

# Filled in with each row's IDs: reverse() once per page, not twice per row.
_CUSTOMER, _RELATIONSHIP = str(UUID(int=1)), str(UUID(int=2))

ROW = (
    '<tr><td><a href="{customer_url}">{customer}</a></td>'
    '<th scope="row"><a href="{url}">{name}</a></th>'
    '<td>{roles_count}<span class="reason">: {roles}</span></td>'
    "<td>{ends}</td><td>{auto_extend}</td><td>{status}</td></tr>\n"
)
# A relationship whose customer is not known yet has no page under a customer (never on this page: it has no end
# date until a customer approves it, and approving binds it).
ROW_WITHOUT_CUSTOMER = (
    '<tr><td></td><th scope="row">{name}</th><td>{roles_count}<span class="reason">: {roles}</span></td>'
    "<td>{ends}</td><td>{auto_extend}</td><td>{status}</td></tr>\n"
)


@register.simple_tag
def expiring_rows(rows: Iterable[tuple], now: datetime) -> SafeString:
    """Rows of admin_relationships.selectors.expiring_rows as the table's body. The names (a customer's, a
    relationship's) are escaped per row; the words once per page; IDs are UUIDs and need none."""
    customer_shape = reverse("customers:detail", args=[_CUSTOMER])
    relationship_shape = reverse("customers:admin_relationship", args=[_CUSTOMER, _RELATIONSHIP])
    words = ExpiringWords(now)
    role_counts: dict[int, str] = {}
    dates: dict[object, str] = {}
    html = []
    for public_id, name, roles, status, _activated_at, ends_at, auto_extend_days, customer_id, customer in rows:
        names = words.role_names(roles)
        if len(names) not in role_counts:
            role_counts[len(names)] = escape(
                ngettext("%(count)s role", "%(count)s roles", len(names)) % {"count": len(names)}
            )
        day = localtime(ends_at).date() if ends_at else None
        if day not in dates:
            dates[day] = date_format(day, "DATE_FORMAT") if day else ""
        values = {
            "name": escape(name),
            "roles_count": role_counts[len(names)],
            "roles": escape(", ".join(names)),
            "ends": dates[day],
            "auto_extend": escape(words.auto_extend(auto_extend_days)),
            "status": escape(words.status(status, ends_at)),
        }
        if customer_id is None:
            html.append(ROW_WITHOUT_CUSTOMER.format(**values))
            continue
        customer_id = str(customer_id)
        html.append(
            ROW.format(
                customer_url=customer_shape.replace(_CUSTOMER, customer_id),
                customer=escape(customer),
                url=relationship_shape.replace(_CUSTOMER, customer_id).replace(_RELATIONSHIP, str(public_id)),
                **values,
            )
        )
    return SafeString("".join(html))
