"""The Customers page's rows, rendered in Python.

The page is the one partner agents live on, and its 50 rows were most of its time: in the template language each row
cost about 80 µs (two {% url %}, a {% blocktranslate %}, a dozen escaped variables), several times a bare page's
whole table. Here a row is one format string: what is the same for every row (labels, the URLs' shape) is worked out
once per page, and each row pays only the escaping of its own values. The markup stays in one place, below."""

from collections.abc import Iterable
from html import escape
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from customers.selectors import LostAdminRelationship, lost_admin_relationship
from partnercenter.icons import icon_html

register = template.Library()

# Filled in with each customer's Microsoft ID (reverse() once per page, not once per row).
_PLACEHOLDER = str(UUID(int=0))

# A customer's row, and its details row: hidden until expanded; static/js/app.js then fetches the details into it
# from data-details-url. Without script the expander is a link to the details row, which CSS shows (:target), with
# a link to the customer's page; the details row's Close button is then a link back to the customer's row.
ROW = (
    '<tr id="customer-{id}"><td><a class="expander" role="button" href="#details-{id}" aria-expanded="false" '
    'aria-controls="details-{id}"><span class="visually-hidden">{show}</span></a></td>'
    '<th scope="row"><a href="{detail}">{name}</a></th>'
    '<td class="hide-narrow">{domain}</td>'
    '<td class="hide-narrow"><code>{id}</code></td>'
    "<td>{relationship}{lost}</td></tr>\n"
    '<tr id="details-{id}" class="details-row" data-details-url="{details}" hidden><td></td>'
    '<td colspan="4"><a class="btn-icon pane-close" role="button" href="#customer-{id}" aria-controls="details-{id}" '
    f'title="{{close}}">{icon_html("dismiss")}<span class="visually-hidden">{{close}}</span></a>'
    '<div class="details-body"><a href="{detail}">{open}</a></div></td></tr>\n'
)

# With `selectable` (agents who may request admin relationships of several customers): a check box first, in the
# form the page's command bar submits (form="bulk-request"; no script needed, and no form inside the table).
SELECT = (
    '<td><input type="checkbox" name="customer" value="{id}" form="bulk-request" id="select-{id}" '
    'aria-label="{select}"></td>'
)


LOST = '<br><span class="lost-access">{text}</span>'


def _lost_marker(lost: LostAdminRelationship) -> str:
    """The partner lost its admin relationship with the customer, and has no live one (a few rows at most: the
    words are worked out per row)."""
    return LOST.format(text=escape(str(lost)))


@register.simple_tag
def customer_rows(rows: Iterable[tuple], selectable: bool = False) -> SafeString:
    """The rows of customers.selectors.customer_rows, as the Customers table's body.

    Only a customer's name and domain can hold markup: they are escaped per row, with the standard library's
    html.escape (what django.utils.html.escape calls, without its lazy-string wrapper). The labels are escaped
    once per page; the Microsoft ID is a UUID and the URLs are built from it, so they need none."""
    detail_shape = reverse("customers:detail", args=[_PLACEHOLDER])
    details_shape = reverse("customers:details", args=[_PLACEHOLDER])
    show = escape(_("Show details of %(name)s"))
    label_open = escape(_("Open the customer's page"))
    label_close = escape(_("Close"))
    reseller, reseller_dap = escape(_("Reseller")), escape(_("Reseller, Delegated admin"))
    row_shape = ROW
    if selectable:
        row_shape = ROW.replace('<tr id="customer-{id}">', '<tr id="customer-{id}">' + SELECT, 1).replace(
            '<tr id="details-{id}" class="details-row" data-details-url="{details}" hidden><td></td>',
            '<tr id="details-{id}" class="details-row" data-details-url="{details}" hidden><td></td><td></td>',
        )
    select = escape(_("Select %(name)s"))
    granular = escape(_("Granular delegated admin"))  # a customer through GDAP alone
    html = []
    now = timezone.now()
    for (
        public_id,
        name,
        domain,
        has_delegated_admin,
        is_reseller,
        admin_relationship_status,
        admin_relationship_end,
    ) in rows:
        public_id, name = str(public_id), escape(name)
        lost = lost_admin_relationship(admin_relationship_status, admin_relationship_end, now)
        html.append(
            row_shape.format(
                select=select % {"name": name},
                id=public_id,
                show=show % {"name": name},
                detail=detail_shape.replace(_PLACEHOLDER, public_id),
                details=details_shape.replace(_PLACEHOLDER, public_id),
                name=name,
                domain=escape(domain),
                relationship=(reseller_dap if has_delegated_admin else reseller) if is_reseller else granular,
                lost=_lost_marker(lost) if lost else "",
                open=label_open,
                close=label_close,
            )
        )
    return SafeString("".join(html))
