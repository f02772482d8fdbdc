"""The mailers the project defines itself: the local mailbox, the embedded default's mailer (DEBUG only), which keeps
every message in a table readable at /mailbox/; and the refusal that stands in for a mailer when production has none."""

from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

from .models import LocalMailboxMessage

NO_MAILER_MESSAGE = "No mailer: set EMAIL_URL (with DEBUG off, email is never delivered to the local mailbox)."


class LocalMailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            html = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html = content
            LocalMailboxMessage.objects.create(
                sender=message.from_email,
                to=", ".join(message.recipients()),
                subject=message.subject,
                body_text=message.body,
                body_html=html,
            )
            count += 1
        return count


class NoMailerBackend(BaseEmailBackend):
    """The mailer of a production (DEBUG off) without EMAIL_URL: it sends nothing and says why, loudly. The system
    check partnercenter.E001 refuses such a setup first; this is for a portal started without the checks (gunicorn
    alone): the outbox keeps the emails and records the reason, and they go out once EMAIL_URL is set."""

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        raise ImproperlyConfigured(NO_MAILER_MESSAGE)
