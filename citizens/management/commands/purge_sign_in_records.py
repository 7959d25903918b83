from django.core.management.base import BaseCommand

from citizens.services import sign_in_records_purge


class Command(BaseCommand):
    help = "Delete verification codes and send counters older than a day (Celery beat runs it daily)."

    def handle(self, *args, **options):
        codes, counters = sign_in_records_purge()
        self.stdout.write(f"Deleted {codes} verification code(s) and {counters} send counter(s) older than a day.")
