from django.core.management.base import BaseCommand

from budgeting.services.mixing import budget_mix


class Command(BaseCommand):
    help = (
        "Mix the budget ballots and participations cast since the last run: rewrite them in random order, "
        "so that nothing in the database pairs a ballot with its voter, and rewrite the vote counters of the "
        "projects they picked. Safe to run twice (Celery beat runs the same every minute)."
    )

    def handle(self, *args, **options):
        report = budget_mix()
        self.stdout.write(f"Budget ballots mixed: {report.ballots}")
        self.stdout.write(f"Budget participations mixed: {report.participations}")
        self.stdout.write(f"Project vote counters rewritten: {report.projects}")
        self.stdout.write(f"Imported ballots marked mixed: {report.imported}")
