"""Forms of the customers' pages: the admin center's Users and Roles, and subscriptions and licenses. They check the
input's shape; the services check the rest."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.models import DirectoryRole, Tenant, User

from .catalogue import Product
from .models import MAX_SEATS, Subscription

# --- Users and roles --------------------------------------------------------------------------------------------------
# Forms of the admin center's Users and Roles pages. They check the input's shape; the services check the rest.


class PasswordChoiceForm(forms.Form):
    """A password the administrator enters, or one the portal creates and shows once."""

    auto_password = forms.BooleanField(label=_("Automatically create a password"), required=False, initial=True)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits."),
    )

    def clean(self):
        data = super().clean()
        if data.get("auto_password"):
            data["password"] = None
        elif not data.get("password") and "password" not in self.errors:
            self.add_error("password", _("Enter a password, or choose to create one automatically."))
        return data


class TenantUserNameForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)


class TenantUserNewForm(TenantUserNameForm, PasswordChoiceForm):
    email = forms.EmailField(label=_("Email address"), max_length=254, help_text=_("The user signs in with it."))
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=DirectoryRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave them all clear for a user without admin center access."),
    )

    field_order = ["first_name", "last_name", "email", "auto_password", "password", "roles"]

    def __init__(self, *args, can_assign_roles: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_assign_roles:
            # Only a Global Administrator assigns roles; the others add users without any.
            del self.fields["roles"]


class RoleAssignForm(forms.Form):
    user = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"required": _("Choose a user."), "invalid": _("Choose a user.")}
    )


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form: field errors by field (fields the form lacks: on the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            for e in field_errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


# --- Subscriptions and licenses ---------------------------------------------------------------------------------------
# Forms of the subscription pages: a partner adds a subscription; an administrator assigns a license.


class SubscriptionForm(forms.Form):
    product = forms.ChoiceField(
        label=_("Product"),
        choices=[("", _("Select a product")), *Product.choices],
        error_messages={
            "required": _("Select a product."),
            "invalid_choice": _("Select a product from the catalog."),
        },
    )
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=MAX_SEATS,
        help_text=_("From 1 to 300,000. Each seat is one license."),
        error_messages={
            "required": _("Enter the number of seats."),
            "invalid": _("Enter the number of seats as a whole number."),
            "min_value": _("A subscription has at least 1 seat."),
            "max_value": _("A subscription has at most %(limit_value)s seats."),
        },
    )


class _UserByNameField(forms.ModelChoiceField):
    """A user as a choice: by name and email address, by email address alone when it has no name."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.email})" if obj.get_full_name() else obj.email


class LicenseAssignForm(forms.Form):
    """Which user of the tenant gets a license: those who do not hold one of this subscription yet."""

    user = _UserByNameField(
        label=_("User"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        empty_label=_("Select a user"),
        error_messages={
            "required": _("Select the user who gets the license."),
            "invalid_choice": _("Select a user of this organization who has no license for this subscription yet."),
        },
    )

    def __init__(self, *args, tenant: Tenant, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = (
            User.objects.filter(tenant=tenant, is_active=True)
            .exclude(licenses__subscription=subscription)
            .order_by("email")
        )
