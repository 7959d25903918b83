from django.core.management.base import BaseCommand

from seoul_portal.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Destroy personal data past its retention period, kind by kind (PERSONAL_DATA_RETENTION, listed on the "
        "privacy policy page), and print what each kind removed. Safe to run again; Celery beat runs it daily."
    )

    def handle(self, *args, **options):
        report = personal_data_purge()
        for line in report.lines():
            self.stdout.write(line)
