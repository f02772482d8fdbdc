"""Run the admin relationships' lifecycle now: what Celery beat runs every 15 minutes (CELERY_BEAT_SCHEDULE). For
setups without beat (the embedded default) or to see at once what it does."""

from django.core.management.base import BaseCommand

from admin_relationships.services import admin_relationships_lifecycle


class Command(BaseCommand):
    help = "Expire old requests and ended admin relationships, extend the auto-extending ones, send due notices."

    def handle(self, *args, **options):
        run = admin_relationships_lifecycle()
        self.stdout.write(
            f"{run.requests_expired} request(s) expired, {run.expired} relationship(s) expired, "
            f"{run.extended} extended, {run.notices} notice(s) sent."
        )
