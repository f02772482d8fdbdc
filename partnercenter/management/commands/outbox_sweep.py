"""Send what the outbox still holds. Celery beat runs the same sweep every minute; without a broker (the embedded
default with a real SMTP server, or a cron job) run this instead."""

from django.core.management.base import BaseCommand

from partnercenter.tasks import outbox_sweep


class Command(BaseCommand):
    help = "Queue (or, without a broker, send) every outbox email that is due."

    def handle(self, *args, **options):
        count = outbox_sweep()
        self.stdout.write(f"{count} email(s) handed over for delivery.")
