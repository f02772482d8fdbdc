"""Forms of granular delegated admin (GDAP): the shape of input; the services check the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partnercenter.languages import LanguageField
from partnercenter.models import AdminRelationship, DirectoryRole, SecurityGroup
from partnercenter.roles import CATALOGUE

from .models import BulkRequest, RoleTemplate
from .selectors import group_label


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
    # The role template the request starts from (its public ID), if any: on approval its groups get their roles.
    template = forms.UUIDField(required=False, widget=forms.HiddenInput)


class FinalizeForm(forms.Form):
    """The language the customer reads: the draft email and the email the portal sends are in it."""

    language = LanguageField(label=_("Language of the email to the customer"))


class DraftEmailForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    recipient_email = forms.EmailField(label=_("Customer's email address"), max_length=254)
    message = forms.CharField(label=_("Email message"), widget=forms.Textarea(attrs={"rows": 14}), max_length=10000)
    language = LanguageField(widget=forms.HiddenInput)  # chosen before the draft was written in it


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


def role_field_name(role: str) -> str:
    return f"group_{role}"


class RoleTemplateForm(forms.Form):
    """A template's name and, for each role of the catalogue, the partner security group it goes to (its public ID;
    empty: the role is not in the template). Only the partner's own groups are valid choices."""

    name = forms.CharField(label=_("Template name"), max_length=RoleTemplate.NAME_MAX)

    def __init__(self, *args, groups: list[SecurityGroup], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(group.public_id): group for group in groups}
        choices = [("", _("Not included")), *((key, group_label(group)) for key, group in self.groups.items())]
        for role in CATALOGUE:
            self.fields[role_field_name(role)] = forms.ChoiceField(
                label=CATALOGUE[role].name, choices=choices, required=False
            )

    def entries(self) -> dict[str, SecurityGroup]:
        """The chosen roles and their groups (after is_valid)."""
        return {
            role: self.groups[self.cleaned_data[role_field_name(role)]]
            for role in CATALOGUE
            if self.cleaned_data.get(role_field_name(role))
        }


def form_add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: each field's errors on its field, the rest on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


class BulkRequestForm(forms.Form):
    """Request admin relationships of several customers: a template of the partner's (its public ID), a name made
    unique by each customer's name or a number, a duration and auto extend. The customers are the view's."""

    template = forms.ChoiceField(label=_("Role template"))
    base_name = forms.CharField(
        label=_("Admin relationship name"),
        max_length=AdminRelationship.NAME_MAX - 3,
        help_text=_("Each relationship gets this name and, to keep names unique, the customer's name or a number."),
    )
    suffix = forms.ChoiceField(
        label=_("Keep names unique with"),
        choices=BulkRequest.Suffix.choices,
        initial=BulkRequest.Suffix.CUSTOMER,
        widget=forms.RadioSelect,
    )
    duration_days = forms.IntegerField(
        label=_("Duration in days"),
        min_value=1,
        max_value=AdminRelationship.DURATION_MAX_DAYS,
        initial=AdminRelationship.DURATION_DEFAULT_DAYS,
    )
    auto_extend = forms.BooleanField(label=_("Auto extend"), required=False)

    def __init__(self, *args, templates: list[RoleTemplate], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {str(template.public_id): template for template in templates}
        field = self.fields["template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a role template")), *((k, t.name) for k, t in self.templates.items())]

    def chosen_template(self) -> RoleTemplate:
        return self.templates[self.cleaned_data["template"]]
