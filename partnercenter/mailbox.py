"""The local mailbox: the embedded default's mailer keeps every message in a table, readable at /mailbox/."""

from django.core.mail.backends.base import BaseEmailBackend

from .models import LocalMailboxMessage


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
