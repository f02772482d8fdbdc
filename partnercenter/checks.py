"""System checks of the project's own settings."""

from django.conf import settings
from django.core.checks import Error, register

LOCAL_MAILBOX_BACKEND = "partnercenter.mailbox.LocalMailboxBackend"
NO_MAILER_BACKEND = "partnercenter.mailbox.NoMailerBackend"


# Not tagged "deploy", on purpose: a deploy check runs only when someone runs `check --deploy`, and a production
# that never does would start without a mailer. Untagged, it runs with every command that checks the project, among
# them `migrate` and `runserver` (production starts by migrating: docker-compose.yml) as well as `check --deploy`.
# It is an error only with DEBUG off, so that the embedded default (make run: DEBUG on, the local mailbox) is unchanged.
@register()
def mailer_check(app_configs=None, **kwargs):
    """With DEBUG off, email must go to a real mailer (EMAIL_URL): never to the local mailbox, whose pages would show
    every invitation and password-reset link to anyone, and never nowhere."""
    if settings.DEBUG:
        return []
    backends = {alias: config.get("BACKEND") for alias, config in getattr(settings, "MAILERS", {}).items()}
    if not backends.get("default") or any(b in (LOCAL_MAILBOX_BACKEND, NO_MAILER_BACKEND) for b in backends.values()):
        return [
            Error(
                "No mailer: with DEBUG off, EMAIL_URL must name a real mail server. Invitations, links to choose a "
                "password and password resets are sent by email; the local mailbox, which shows them to anyone, "
                "exists only for local development (DEBUG on).",
                hint="Set EMAIL_URL, e.g. smtp://user:password@mail.example:587 (smtp+tls:// for STARTTLS, "
                "smtp+ssl:// for TLS); see .env.example.",
                id="partnercenter.E001",
            )
        ]
    return []
