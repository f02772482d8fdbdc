"""Audit events in words: every action code's label, the details worth showing, and who did it.

The one place that maps the action codes services write (`audit_record(action=…)`) to what people read on the
activity pages and in the CSV export. A service that writes a new action code adds its label here; a code without a
label is shown as the code itself, never hidden.
"""

from importlib import import_module

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent, Tenant
from .other_partners import ANOTHER_PARTNER, OtherPartners

ACTION_LABELS: dict[str, str] = {
    # The directory.
    "tenant.create": gettext_lazy("Created the organisation"),
    "partner.create": gettext_lazy("Added a partner"),
    "user.create": gettext_lazy("Added a user"),
    "user.update": gettext_lazy("Edited a user"),
    "user.delete": gettext_lazy("Deleted a user"),
    "user.password_reset": gettext_lazy("Reset a user's password"),
    "role.assign": gettext_lazy("Assigned a role"),
    "role.remove": gettext_lazy("Removed a role assignment"),
    # Relationships.
    "relationship_request.create": gettext_lazy("Created a reseller relationship request"),
    "relationship_request.reissue": gettext_lazy("Renewed the link of a reseller relationship request"),
    "relationship_request.send": gettext_lazy("Sent a reseller relationship request"),
    "relationship_request.revoke": gettext_lazy("Revoked a reseller relationship request"),
    "relationship_request.decline": gettext_lazy("Declined a reseller relationship request"),
    "reseller_relationship.create": gettext_lazy("Accepted a reseller relationship"),
    "delegated_admin.grant": gettext_lazy("Granted delegated admin privileges"),
    "delegated_admin.remove": gettext_lazy("Removed delegated admin privileges"),
    # The partner's own users.
    "partner_user.create": gettext_lazy("Added a partner user"),
    "partner_user.update": gettext_lazy("Changed a partner user's roles"),
    "partner_user.remove": gettext_lazy("Removed a partner user"),
    # Subscriptions and licences.
    "subscription.create": gettext_lazy("Added a subscription"),
    "license.assign": gettext_lazy("Assigned a licence"),
    "license.unassign": gettext_lazy("Unassigned a licence"),
    # Azure.
    "azure_subscription.create": gettext_lazy("Added an Azure subscription"),
    "azure_subscription.provision": gettext_lazy("Provisioned an Azure subscription"),
    "azure_resource_group.create": gettext_lazy("Created a resource group"),
    "azure_resource_group.delete": gettext_lazy("Deleted a resource group"),
    "azure_role_assignment.create": gettext_lazy("Added an Azure role assignment"),
    "azure_role_assignment.remove": gettext_lazy("Removed an Azure role assignment"),
    # Windows Autopilot.
    "autopilot.device_list.upload": gettext_lazy("Uploaded a device list"),
    "autopilot.device_list.discard": gettext_lazy("Discarded a device list"),
    "autopilot.devices.register": gettext_lazy("Registered devices"),
    "autopilot.devices.remove": gettext_lazy("Removed devices"),
    "autopilot.profile.create": gettext_lazy("Created an Autopilot profile"),
    "autopilot.profile.update": gettext_lazy("Edited an Autopilot profile"),
    "autopilot.profile.delete": gettext_lazy("Deleted an Autopilot profile"),
    "autopilot.profile.apply": gettext_lazy("Applied an Autopilot profile"),
    "autopilot.profile.unassign": gettext_lazy("Removed an Autopilot profile from devices"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """The actions a filter offers, in the page's language, sorted by their words."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda choice: choice[1])


# Details shown on the activity pages: a key of `AuditEvent.details` and its label. Other keys stay in the record
# (and in the Django admin) but are not shown.
DETAIL_LABELS: dict[str, str] = {
    "partner": gettext_lazy("Partner"),
    "user": gettext_lazy("User"),
    "email": gettext_lazy("User"),
    "name": gettext_lazy("Name"),
    "role": gettext_lazy("Role"),
    "roles": gettext_lazy("Roles"),
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
    "include_delegated_admin": gettext_lazy("Delegated admin"),
}

# Where a detail's value is a code of a set of choices, the choices that give its words (imported when first
# needed: the apps that define them import this module's app).
_CHOICES_OF_DETAIL: dict[str, tuple[str, ...]] = {
    "product": ("customers.catalogue:Product",),
    "role": ("partnercenter.models:DirectoryRole",),
    "roles": ("partnercenter.models:DirectoryRole", "partnercenter.models:SecurityGroup.Kind"),
    "azure_role": ("azure_subscriptions.models:AzureRole",),
    "region": ("azure_subscriptions.models:Region",),
    "source": ("autopilot.models:DeviceSource",),
}


def _choices(path: str):
    """The choices class at "module:Attribute.Attribute"; None if there is none."""
    module_name, _colon, attributes = path.partition(":")
    try:
        found = import_module(module_name)
    except ImportError:
        return None
    for attribute in attributes.split("."):
        found = getattr(found, attribute, None)
    return found


def _choice_label(key: str, value: object) -> str:
    for path in _CHOICES_OF_DETAIL.get(key, ()):
        choices = _choices(path)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
    return str(value)


def _detail_value(key: str, value: object) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple):
        return ", ".join(_choice_label(key, v) for v in value) or "—"
    return _choice_label(key, value)


def details_summary(
    event: AuditEvent, *, others: OtherPartners | None = None, withheld: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The event's details worth showing, as (label, value) pairs in a fixed order. `others`: what the viewer must
    not learn of a customer's other partners (partnercenter.other_partners); `withheld`: detail keys the viewer may not
    read (access.activity_log_withheld_details)."""
    if others is not None and others.withholds_event_details(event):
        return []
    details = event.details if isinstance(event.details, dict) else {}
    summary = [
        (str(label), _detail_value(key, details[key]))
        for key, label in DETAIL_LABELS.items()
        if details.get(key) not in (None, "") and key not in withheld
    ]
    if others is not None:
        summary = [(label, others.redact(value)) for label, value in summary]
    return summary


def actor_name(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.display_name
    return event.actor_email or _("System")


def actor_label(event: AuditEvent, viewer: Tenant, others: OtherPartners | None = None) -> str:
    """Who did it, as the tenant `viewer` reads it: its own users by name; another tenant's users (a partner's
    agents) with that tenant's name, and whether they acted on the viewer's behalf. To a partner acting for the
    viewer (`others`), another partner's agents are "Another partner", neither the person nor the partner named."""
    if others is not None and others.is_other_partner_tenant(event.actor_tenant_id):
        return str(ANOTHER_PARTNER)
    name = actor_name(event)
    if event.actor_tenant_id is None or event.actor_tenant_id == viewer.pk:
        return name
    organisation = event.actor_tenant.name
    if event.on_behalf:
        return _("%(name)s (%(partner)s, on your behalf)") % {"name": name, "partner": organisation}
    return _("%(name)s (%(partner)s)") % {"name": name, "partner": organisation}
