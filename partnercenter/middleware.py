"""Turns the access module's MFARequired into a visit to the two-factor setup page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import MFARequired


class PartnerMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, MFARequired):
            messages.info(
                request,
                _("Partner users must use multi-factor authentication. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return None
