"""Flag overdue complaints (and tell their unit heads) and send the 30-day progress notices.

    manage.py complaints_escalate [--now 2026-10-02T09:00]

Celery beat runs the same every 15 minutes (complaints.tasks.escalate_complaints). Safe to run
twice: nothing is flagged or sent twice. `--now` replays a moment (a naive time is Seoul time).
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.services.escalation import complaints_escalate


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now takes an ISO 8601 date and time, e.g. 2026-10-02T09:00+09:00, not {value!r}.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the site's time zone: Asia/Seoul
    return moment


def _listed(numbers: list[str]) -> str:
    return (" (" + ", ".join(numbers[:50]) + (" ..." if len(numbers) > 50 else "") + ")") if numbers else ""


class Command(BaseCommand):
    help = "Flag overdue complaints, alert their unit heads, and send the 30-day progress notices. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--now", type=_moment, default=None, help="Act as of this moment (ISO 8601).")

    def handle(self, *args, now=None, **options):
        report = complaints_escalate(now=now)
        self.stdout.write(f"Flagged overdue: {len(report.overdue)}{_listed(report.overdue)}")
        self.stdout.write(f"Unit head alerts written: {report.heads_notified}")
        if report.without_head:
            self.stdout.write(self.style.WARNING(
                f"Overdue in a unit without a current head: {len(report.without_head)}{_listed(report.without_head)}"
            ))  # fmt: skip
        self.stdout.write(f"Progress notices (30 days open): {len(report.progress_notices)}"
                          f"{_listed(report.progress_notices)}")  # fmt: skip
        if report.progress_unsent:
            self.stdout.write(f"  of which not sent (the filer takes no messages): {len(report.progress_unsent)}"
                              f"{_listed(report.progress_unsent)}")  # fmt: skip
