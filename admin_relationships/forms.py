"""Forms of granular delegated admin (GDAP): the shape of input; the services check the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.models import AdminRelationship, DirectoryRole


class AdminRelationshipForm(forms.Form):
    display_name = forms.CharField(label=_("Admin relationship name"), max_length=AdminRelationship.NAME_MAX)
    duration_days = forms.IntegerField(
        label=_("Duration in days"),
        min_value=1,
        max_value=AdminRelationship.DURATION_MAX_DAYS,
        initial=AdminRelationship.DURATION_DEFAULT_DAYS,
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=DirectoryRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )
    auto_extend = forms.BooleanField(label=_("Auto extend"), required=False)


class DraftEmailForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    recipient_email = forms.EmailField(label=_("Customer's email address"), max_length=254)
    message = forms.CharField(label=_("Email message"), widget=forms.Textarea(attrs={"rows": 14}), max_length=10000)


class AccessAssignmentForm(forms.Form):
    """A partner security group (its public ID) and some of the relationship's roles; the service checks both."""

    security_group = forms.UUIDField(label=_("Security group"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=DirectoryRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )


class AccessAssignmentRolesForm(forms.Form):
    """Edit roles: some of the relationship's roles, at least one; the service checks that they are."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=DirectoryRole.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one role."),
            "invalid_choice": _("Choose roles of this admin relationship."),
        },
    )
