from django.core.management.base import BaseCommand

from notifications.retention import outbox_purge_expired


class Command(BaseCommand):
    help = (
        "Delete sign-in code notifications older than a day, other sent or failed notifications past "
        "NOTIFICATION_RETENTION_DAYS, and contacts no notification refers to any more."
    )

    def handle(self, *args, **options):
        report = outbox_purge_expired()
        self.stdout.write(str(report))
