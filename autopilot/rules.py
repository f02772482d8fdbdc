"""Who may do what with Windows Autopilot: the one module that answers it, for views, templates and the querysets
that bulk actions run on (so that a bulk action touches only the devices the user may manage).

Partner side (Partner Center > Customers > a customer > Devices), with a reseller relationship (without one: 404):

- Admin agents and Sales agents add devices. Only Admin agents create, edit and delete profiles, apply or remove
  them, and remove devices. Helpdesk agents only look.
- Default rules (the seed's current ones). Profiles: managed with or without delegated admin. Devices: without
  delegated admin, a partner manages (applies or removes profiles, removes) the devices it or another partner
  added, and those the manufacturer (OEM) registered, but not those the customer added through Microsoft Store for
  Business/Education or Intune: those are shown with the reason instead of actions.
- Strict rules (AUTOPILOT_STRICT_PARTNER_RULES, the changes the seed says are being considered). Delegated admin is
  required to add, edit or delete profiles and to apply or remove them on any device; without it a partner removes
  only devices it added itself.
- With delegated admin (either rules) the partner's Admin agents are the customer's Global Administrators, so they
  manage every device of the tenant, as its own Global admins do.

Customer side (the admin center): Global Administrators and Global Readers see the tenant's devices; Global
Administrators remove any device, and add devices as the organization (through Intune or Microsoft Store for
Business/Education). A partner agent acting in the admin center through delegated admin has the Global
Administrator's rights there, except adding devices as the organization: a partner adds devices in Partner Center,
as itself.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from partnercenter.access import CAN_MANAGE_DEVICES, CAN_VIEW_DEVICES, AdminCenter
from partnercenter.models import Partner, SecurityGroup

from .models import CUSTOMER_SOURCES, DeviceSource

Kind = SecurityGroup.Kind
DEVICE_ADDERS = frozenset({Kind.ADMIN_AGENTS, Kind.SALES_AGENTS})
DEVICE_MANAGERS = frozenset({Kind.ADMIN_AGENTS})
PARTNER_ADDED = frozenset({DeviceSource.PARTNER, DeviceSource.OEM})

# What a rule is about: applying or removing a profile on a device, or removing the device.
PROFILE = "profile"
REMOVE = "remove"


def strict_rules() -> bool:
    return bool(settings.AUTOPILOT_STRICT_PARTNER_RULES)


# --- partner side -----------------------------------------------------------------------------------------------------


def can_add_devices(kinds: frozenset[str]) -> bool:
    """Admin agents and Sales agents; delegated admin is not needed, under either rules."""
    return bool(kinds & DEVICE_ADDERS)


def profile_actions_allowed(kinds: frozenset[str], *, has_dap: bool, strict: bool) -> bool:
    """Create, edit, delete profiles and apply or remove them: Admin agents; under the strict rules only with
    delegated admin."""
    return bool(kinds & DEVICE_MANAGERS) and (has_dap or not strict)


def can_remove_devices(kinds: frozenset[str]) -> bool:
    """Admin agents (which devices, see device_manageable_by_partner)."""
    return bool(kinds & DEVICE_MANAGERS)


def device_manageable_by_partner(
    *, source: str, added_by_partner_id: int | None, partner: Partner, has_dap: bool, strict: bool, action: str
) -> bool:
    """May the partner (an Admin agent of it) apply or remove a profile on the device (action PROFILE), or remove it
    (REMOVE)? The device's role-free half of the rules; manageable_q is the same rule as a queryset filter."""
    if has_dap:
        return True
    if strict:
        # Profiles need delegated admin; removal, a device the partner added itself.
        return action == REMOVE and source == DeviceSource.PARTNER and added_by_partner_id == partner.pk
    return source in PARTNER_ADDED


def manageable_q(*, partner: Partner, has_dap: bool, strict: bool, action: str) -> Q:
    """device_manageable_by_partner as a filter on Device querysets."""
    if has_dap:
        return Q()
    if strict:
        if action == REMOVE:
            return Q(added_by_source=DeviceSource.PARTNER, added_by_partner=partner)
        return Q(pk__in=[])
    return Q(added_by_source__in=PARTNER_ADDED)


def device_reason(
    *, source: str, added_by_partner_id: int | None, partner: Partner, has_dap: bool, strict: bool
) -> str:
    """Why the partner may not manage the device, in words; empty when it may (at least remove it)."""
    for action in (PROFILE, REMOVE):
        if device_manageable_by_partner(
            source=source,
            added_by_partner_id=added_by_partner_id,
            partner=partner,
            has_dap=has_dap,
            strict=strict,
            action=action,
        ):
            return ""
    if source in CUSTOMER_SOURCES:
        return _(
            "Added by the customer through %(source)s. Partners without delegated admin privileges can't manage it."
        ) % {"source": DeviceSource(source).label}
    if source == DeviceSource.OEM:
        return _("Registered by the manufacturer. Without delegated admin privileges you can't remove it.")
    return _("Added by another partner. Without delegated admin privileges you can remove only devices you added.")


@dataclass(frozen=True)
class PartnerRights:
    """What a partner agent may do with one customer's Autopilot devices and profiles, for views and templates."""

    partner: Partner
    kinds: frozenset[str]
    has_dap: bool
    strict: bool

    @property
    def can_add_devices(self) -> bool:
        return can_add_devices(self.kinds)

    @property
    def can_manage_profiles(self) -> bool:
        """Create, edit, delete, apply and remove profiles."""
        return profile_actions_allowed(self.kinds, has_dap=self.has_dap, strict=self.strict)

    @property
    def can_remove_devices(self) -> bool:
        return can_remove_devices(self.kinds)

    @property
    def can_act_on_devices(self) -> bool:
        return self.can_manage_profiles or self.can_remove_devices

    @property
    def profiles_reason(self) -> str:
        """Why profiles can't be managed; empty when they can."""
        if not self.kinds & DEVICE_MANAGERS:
            return _("Only Admin agents can manage Autopilot profiles and devices.")
        if self.strict and not self.has_dap:
            return _(
                "Managing Autopilot profiles, and applying or removing them on devices, requires delegated admin "
                "privileges from the customer."
            )
        return ""

    def q(self, action: str) -> Q:
        return manageable_q(partner=self.partner, has_dap=self.has_dap, strict=self.strict, action=action)

    def may(self, device, action: str) -> bool:
        if action == PROFILE and not self.can_manage_profiles:
            return False
        if action == REMOVE and not self.can_remove_devices:
            return False
        return device_manageable_by_partner(
            source=device.added_by_source,
            added_by_partner_id=device.added_by_partner_id,
            partner=self.partner,
            has_dap=self.has_dap,
            strict=self.strict,
            action=action,
        )

    def reason(self, device) -> str:
        return device_reason(
            source=device.added_by_source,
            added_by_partner_id=device.added_by_partner_id,
            partner=self.partner,
            has_dap=self.has_dap,
            strict=self.strict,
        )


def partner_rights(
    *, partner: Partner, kinds: frozenset[str], has_dap: bool, strict: bool | None = None
) -> PartnerRights:
    return PartnerRights(
        partner=partner, kinds=kinds, has_dap=has_dap, strict=strict_rules() if strict is None else strict
    )


# --- customer side (the admin center) ---------------------------------------------------------------------------------


def customer_can_view_devices(center: AdminCenter) -> bool:
    return center.can(CAN_VIEW_DEVICES)


def customer_can_remove_devices(center: AdminCenter) -> bool:
    """The tenant's Global Administrators remove any device (a partner's agents too, through delegated admin)."""
    return center.can(CAN_MANAGE_DEVICES)


def customer_can_add_devices(center: AdminCenter) -> bool:
    """The tenant's own Global Administrators add devices as the organization; a partner does it in Partner Center."""
    return not center.on_behalf and center.can(CAN_MANAGE_DEVICES)
