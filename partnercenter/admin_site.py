"""The Django admin's site: site staff sign in through the portal's own sign-in, with two-step verification.

Django's admin has a sign-in form of its own, which knows nothing of allauth: no failed-sign-in limit and no second
step. Here the admin's sign-in page sends visitors to the portal's (allauth's `secure_admin_login`), and the admin
lets in only active staff who have an authenticator, so that a stolen staff password alone opens nothing.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .access import has_mfa


class AdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and has_mfa(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not has_mfa(user):
            messages.info(request, _("Site staff must use two-step verification. Set up an authenticator app first."))
            return redirect("mfa_activate_totp")
        return secure_admin_login(super().login)(request, extra_context)
