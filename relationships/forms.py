from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.languages import LanguageField


class EmailLanguageForm(forms.Form):
    """The language the customer reads: the draft email and the email the portal sends are in it."""

    language = LanguageField(label=_("Language of the email to the customer"))


class RequestOptionsForm(EmailLanguageForm):
    include_delegated_admin = forms.BooleanField(
        label=_("Include delegated admin privileges for Azure Active Directory and Office 365"),
        required=False,
        initial=True,
    )


class DraftEmailForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    recipient_email = forms.EmailField(label=_("Customer's email address"), max_length=254)
    message = forms.CharField(label=_("Email message"), widget=forms.Textarea(attrs={"rows": 14}), max_length=10000)
    language = LanguageField(widget=forms.HiddenInput)  # chosen before the draft was written in it


class AcceptForm(forms.Form):
    agree = forms.BooleanField(
        label=_("I have read and agree: I authorize this partner as described above."),
        error_messages={"required": _("Confirm that you agree before you accept.")},
    )


class OrganisationSignupForm(forms.Form):
    organisation_name = forms.CharField(label=_("Organization name"), max_length=200)
    primary_domain = forms.RegexField(
        label=_("Domain name"),
        max_length=253,
        regex=r"^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$",
        error_messages={"invalid": _("Enter a domain name such as contoso.example.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Work email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=200)
