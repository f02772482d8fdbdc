"""Accounts (allauth): nobody signs up on their own; users come with their tenant."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # A new customer organization is created from an invitation link (relationships.views.invitation_signup).
        return False

    def get_password_change_redirect_url(self, request) -> str:
        # Back to Security, where Change password is offered (allauth's default is the form again).
        return reverse("mfa_index")

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (a password link, a notice) in the language the user reads, not the page's: whoever
        asked for the link, it is the user who reads it."""
        language = getattr(context.get("user"), "preferred_language", "") or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        # allauth's own message names no way to verify an address, and this portal has no email page: the one proof it
        # takes is a password chosen from an emailed link (partnercenter.signals). An address stays unverified when a
        # link was asked for but never used.
        "unverified_email": _(
            "Before you set up two-step verification, confirm your email address: sign out, select “Forgot your "
            "password?” and choose a password with the link we email you."
        ),
    }


# Words of Django's password validators, which the set-password pages show. Marked here so that our catalogue, which
# comes first (LOCALE_PATHS), translates them as the rest of the portal speaks: Django's zh-Hant says 你, not 您.
LIBRARY_WORDS = (
    _("Your password can’t be too similar to your other personal information."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    _("Your password can’t be a commonly used password."),
    _("Your password can’t be entirely numeric."),
    _("Your old password was entered incorrectly. Please enter it again."),
)
