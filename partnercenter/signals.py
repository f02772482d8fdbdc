"""Receivers of other apps' signals."""

from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver

from .access import MFA_SESSION_KEY


@receiver(authenticator_removed)
def forget_mfa_in_session(sender, request, **kwargs) -> None:
    # The partner pages check this flag instead of the database; with an authenticator gone it must be checked again.
    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_SESSION_KEY, None)
