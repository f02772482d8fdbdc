"""Print the current authenticator code of a demo user, so that a newcomer can sign in as a partner user without a
phone: `manage.py totp_code admin@fabrikam.example`. Or of any secret, such as the one the set-up page shows:
`manage.py totp_code --secret ABCD…`.

It only computes codes of the demo's published secrets (and of a secret given on the command line): on a real
installation it cannot be used to get round anyone's two-step verification.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from partnercenter.models import User

from .demo_data import DEMO_TOTP_SECRETS


def current_code(secret: str, now: float | None = None) -> tuple[str, int]:
    """The code for `secret` now, and how many seconds it stays current."""
    now = time.time() if now is None else now
    period = app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, int(now) // period)), period - int(now) % period


class Command(BaseCommand):
    help = "Print the current authenticator (TOTP) code of a demo partner user, or of a given secret."

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="A demo user's email, e.g. admin@fabrikam.example")
        parser.add_argument("--secret", help="A base32 secret, e.g. the one the set-up page shows")

    def handle(self, *args, email: str | None, secret: str | None, **options):
        if bool(email) == bool(secret):
            raise CommandError("Give a demo user's email, or --secret.")
        if email:
            secret = self._demo_secret(email.strip().lower())
        assert secret is not None  # given, or the demo user's
        secret = secret.replace(" ", "").upper()
        try:
            code, seconds = current_code(secret)
        except ValueError as error:  # binascii.Error is a ValueError: not base32
            raise CommandError(f"Not a base32 secret: {error}") from None
        self.stdout.write(code)
        self.stderr.write(f"Current for {seconds} more seconds; a code works once.")

    def _demo_secret(self, email: str) -> str:
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user {email}. Run `manage.py demo_data` first.")
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} has no authenticator app.")
        secret = decrypt(authenticator.data["secret"])
        if DEMO_TOTP_SECRETS.get(email) != secret:
            raise CommandError(
                f"{email} does not use a demo secret (its authenticator was set up with its own), so this command "
                "cannot compute its code. Use the authenticator app, or --secret with the secret you were shown."
            )
        return secret
