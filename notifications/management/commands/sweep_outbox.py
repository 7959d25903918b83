from django.core.management.base import BaseCommand

from notifications.sweep import sweep_outbox


class Command(BaseCommand):
    help = "Re-enqueue due outbox notifications and take back sends interrupted by a dead worker."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=1000, help="At most this many rows are enqueued.")

    def handle(self, *args, limit, **options):
        report = sweep_outbox(limit=limit)
        self.stdout.write(str(report))
