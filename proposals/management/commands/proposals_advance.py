from django.core.management.base import BaseCommand

from proposals.services import proposal_advance


class Command(BaseCommand):
    help = (
        "Close expired support windows, open and close debates, flag overdue department answers and "
        "close Seoul asks questions past their date. Safe to run twice."
    )

    def handle(self, *args, **options):
        report = proposal_advance()
        lines = [
            ("Sent to department review", report.to_review),
            ("Closed for lack of support", report.closed_insufficient),
            ("Debates opened", report.debates_opened),
            ("Debates closed, awaiting the Mayor", report.to_mayor),
            ("Debates closed", report.debates_closed),
            ("Department answers overdue", report.overdue),
            ("Seoul asks questions closed", report.questions_closed),
        ]
        for label, ids in lines:
            shown = ", ".join(str(pk) for pk in ids[:50]) + (" ..." if len(ids) > 50 else "")
            self.stdout.write(f"{label}: {len(ids)}" + (f" ({shown})" if ids else ""))
        self.stdout.write(f"Proposals moved: {report.changed}")
