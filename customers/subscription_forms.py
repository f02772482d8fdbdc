"""Forms of the subscription pages: a partner adds a subscription; an administrator assigns a licence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partnercenter.models import Tenant, User

from .catalogue import Product
from .models import MAX_SEATS, Subscription


class SubscriptionForm(forms.Form):
    product = forms.ChoiceField(
        label=_("Product"),
        choices=[("", _("Select a product")), *Product.choices],
        error_messages={
            "required": _("Select a product."),
            "invalid_choice": _("Select a product from the catalogue."),
        },
    )
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=MAX_SEATS,
        help_text=_("From 1 to 300,000. Each seat is one licence."),
        error_messages={
            "required": _("Enter the number of seats."),
            "invalid": _("Enter the number of seats as a whole number."),
            "min_value": _("A subscription has at least 1 seat."),
            "max_value": _("A subscription has at most %(limit_value)s seats."),
        },
    )


class LicenseAssignForm(forms.Form):
    """Which user of the tenant gets a licence: those who do not hold one of this subscription yet."""

    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        empty_label=_("Select a user"),
        error_messages={
            "required": _("Select the user who gets the licence."),
            "invalid_choice": _("Select a user of this organisation who has no licence for this subscription yet."),
        },
    )

    def __init__(self, *args, tenant: Tenant, subscription: Subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(tenant=tenant, is_active=True)
            .exclude(licenses__subscription=subscription)
            .order_by("email")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.display_name} ({u.email})" if u.get_full_name() else u.email
        )
