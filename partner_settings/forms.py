"""Forms of Settings > User management."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.languages import LanguageField
from partnercenter.models import ApiApplication, ApiPermission, SecurityGroup

from .rules import PARTNER_ROLE_KINDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a test dependency: the types only, not at run time

Kind = SecurityGroup.Kind

# A partner user's role, named as Partner Center names it: membership of the built-in group of that kind.
ROLE_LABELS: dict[str, "StrOrPromise"] = {
    Kind.ADMIN_AGENTS: _("Admin agent"),
    Kind.SALES_AGENTS: _("Sales agent"),
    Kind.HELPDESK_AGENTS: _("Helpdesk agent"),
}
ROLE_HELP: dict[str, "StrOrPromise"] = {
    Kind.ADMIN_AGENTS: _(
        "Manages customers' services; with delegated admin, has the Global Administrator role in the customer's tenant."
    ),
    Kind.SALES_AGENTS: _("Requests reseller relationships and adds subscriptions for customers."),
    Kind.HELPDESK_AGENTS: _(
        "Helps customers; with delegated admin, has the Helpdesk Administrator role in the customer's tenant."
    ),
}
ROLE_CHOICES = [(kind, ROLE_LABELS[kind]) for kind in PARTNER_ROLE_KINDS]


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", ROLE_CHOICES)
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose roles from the list.")})
        super().__init__(**kwargs)


class PartnerUserForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={"invalid": _("Enter a valid email address.")},
    )
    language = LanguageField(label=_("Language of their emails"))
    roles = RolesField()


class PartnerUserRolesForm(forms.Form):
    roles = RolesField()


class SecurityGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class SecurityGroupMemberForm(forms.Form):
    """A member to add: the public ID of a user of the partner's own tenant (the service checks it)."""

    user = forms.UUIDField(label=_("User"))


class AppForm(forms.Form):
    """Register an app, or change its permissions."""

    display_name = forms.CharField(label=_("Name"), max_length=ApiApplication.NAME_MAX)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=ApiPermission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AppPermissionsForm(forms.Form):
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=ApiPermission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ClientSecretForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=100, required=False)
    lifetime_days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        initial=180,
        choices=[
            (90, _("90 days (3 months)")),
            (180, _("180 days (6 months)")),
            (365, _("365 days (12 months)")),
            (730, _("730 days (24 months)")),
        ],
    )
