from django.core.management.base import BaseCommand

from voting.services import ballots_mix, polls_advance


class Command(BaseCommand):
    help = (
        "Open the polls whose opening time has come, close those whose closing time has passed, and mix "
        "the ballots cast since the last run. Safe to run twice (Celery beat runs the same every minute)."
    )

    def handle(self, *args, **options):
        report = polls_advance()
        self.stdout.write(f"Polls opened: {report['opened']}")
        self.stdout.write(f"Polls closed: {report['closed']}")
        self.stdout.write(f"Ballots mixed: {ballots_mix()}")
