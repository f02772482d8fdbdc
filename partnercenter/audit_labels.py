"""Audit events in words: the details worth showing, and who did it.

What people read on the activity pages and in the CSV export. The actions' words are AuditAction's labels
(partnercenter.models), so every action a service can record has them. A detail whose value is a code of an app's
choices (a product, an Azure role) is shown in their words once the app registers them
(`register_detail_values`, in its AppConfig.ready()): the core imports no app.
"""

import functools
from typing import TYPE_CHECKING

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .models import AuditAction, AuditEvent, DirectoryRole, SecurityGroup, Tenant
from .other_partners import ANOTHER_PARTNER, OtherPartners
from .words import join_list

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a test dependency: the types only, not at run time


# AuditAction.values builds its list on every read: about 80 µs, once per row of an activity page.
_ACTION_LABELS = dict(AuditAction.choices)


def action_label(code: str) -> str:
    """The action in words; a code that is no longer an AuditAction (kept by an old event) as the code itself."""
    label = _ACTION_LABELS.get(code)
    return code if label is None else str(label)


def action_choices() -> list[tuple[str, str]]:
    """The actions a filter offers, every AuditAction, in the page's language, sorted by their words."""
    return list(_action_choices(get_language()))


@functools.cache
def _action_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    # The words of every action, sorted, once per language: a filter asked for them on every visit.
    return tuple(sorted(((action.value, str(action.label)) for action in AuditAction), key=lambda choice: choice[1]))


# Details shown on the activity pages: a key of `AuditEvent.details` and its label. Other keys stay in the record
# (and in the Django admin) but are not shown.
DETAIL_LABELS: dict[str, "StrOrPromise"] = {
    "partner": gettext_lazy("Partner"),
    "user": gettext_lazy("User"),
    "email": gettext_lazy("User"),
    "name": gettext_lazy("Name"),
    "role": gettext_lazy("Role"),
    "roles": gettext_lazy("Roles"),
    "roles_before": gettext_lazy("Previous roles"),
    "product": gettext_lazy("Product"),
    "seats": gettext_lazy("Seats"),
    "subscription": gettext_lazy("Subscription"),
    "resource_group": gettext_lazy("Resource group"),
    "region": gettext_lazy("Region"),
    "principal": gettext_lazy("Assigned to"),
    "azure_role": gettext_lazy("Role"),
    "profile": gettext_lazy("Profile"),
    "source": gettext_lazy("Added by"),
    "count": gettext_lazy("Devices"),
    "skipped": gettext_lazy("Skipped"),
    "recipient": gettext_lazy("Recipient"),
    "how": gettext_lazy("How"),
    "include_delegated_admin": gettext_lazy("Delegated admin"),
    "group": gettext_lazy("Security group"),
    "template": gettext_lazy("Role template"),
    "customers": gettext_lazy("Customers"),
    "days": gettext_lazy("Days before the end date"),
    "ends_at": gettext_lazy("End date"),
}
# Details stored as ISO 8601 date and time, shown in the reader's format.
DATETIME_DETAILS = frozenset({"ends_at"})

# Where a detail's value is a code of a set of choices, the choices that give its words, tried in order. The core
# registers its own below; each app registers its own in its AppConfig.ready() (the core imports no app).
_CHOICES_OF_DETAIL: dict[str, list[type[models.Choices]]] = {}


def register_detail_values(key: str, choices: type[models.Choices]) -> None:
    """Show the values of detail `key` (a code, or a list of codes) in the words of `choices`. Registering the same
    choices again changes nothing."""
    registered = _CHOICES_OF_DETAIL.setdefault(key, [])
    if choices not in registered:
        registered.append(choices)


register_detail_values("role", DirectoryRole)
register_detail_values("roles", DirectoryRole)
register_detail_values("roles", SecurityGroup.Kind)
register_detail_values("roles_before", DirectoryRole)


def _choice_label(key: str, value: object) -> str:
    for choices in _CHOICES_OF_DETAIL.get(key, ()):
        if value in choices.values:
            return str(choices(value).label)
    return str(value)


def _detail_value(key: str, value: object) -> str:
    if key in DATETIME_DETAILS and isinstance(value, str) and (when := parse_datetime(value)) is not None:
        return date_format(localtime(when) if is_aware(when) else when, "DATETIME_FORMAT")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return join_list(_choice_label(key, v) for v in value) or "—"
    return _choice_label(key, value)


def details_summary(
    event: AuditEvent, *, others: OtherPartners | None = None, withheld: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The event's details worth showing, as (label, value) pairs in a fixed order. `others`: what the viewer must
    not learn of a customer's other partners (partnercenter.other_partners); `withheld`: detail keys the viewer may not
    read (access.activity_log_withheld_details)."""
    if others is not None and others.withholds_event_details(event):
        return []
    summary = details_summary_of(event.details, withheld=withheld)
    if others is not None:
        summary = [(label, others.redact(value)) for label, value in summary]
    return summary


def details_summary_of(details: object, *, withheld: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """details_summary of an event's `details` alone, for a list that reads the events' values (no `others`)."""
    if not isinstance(details, dict):
        details = {}
    return [
        (str(label), _detail_value(key, details[key]))
        for key, label in DETAIL_LABELS.items()
        if details.get(key) not in (None, "") and key not in withheld
    ]


def actor_name(event: AuditEvent) -> str:
    display_name = event.actor.display_name if event.actor is not None else None
    return actor_name_of(display_name, event.actor_email, event.details)


def actor_name_of(display_name: str | None, actor_email: str, details: dict) -> str:
    """actor_name from an event's values: `display_name` is its user's (None when there is no user)."""
    if display_name is not None:
        return display_name
    if actor_email:
        return actor_email
    if app := details.get("app"):
        return _("%(app)s (app)") % {"app": app}
    return _("System")


def actor_label(event: AuditEvent, viewer: Tenant, others: OtherPartners | None = None) -> str:
    """Who did it, as the tenant `viewer` reads it: its own users by name; another tenant's users (a partner's
    agents) with that tenant's name, and whether they acted on the viewer's behalf. To a partner acting for the
    viewer (`others`), another partner's agents are "Another partner", neither the person nor the partner named."""
    if others is not None and others.is_other_partner_tenant(event.actor_tenant_id):
        return str(ANOTHER_PARTNER)
    name = actor_name(event)
    if event.actor_tenant_id is None or event.actor_tenant_id == viewer.pk:
        return name
    assert event.actor_tenant is not None  # actor_tenant_id is set
    organization = event.actor_tenant.name
    if event.on_behalf:
        return _("%(name)s (%(partner)s, on your behalf)") % {"name": name, "partner": organization}
    return _("%(name)s (%(partner)s)") % {"name": name, "partner": organization}
