"""Keep the dashboards' rollups current, or rebuild them from the complaints.

    manage.py complaints_rollup                 # refresh: recount the days touched since the last run
    manage.py complaints_rollup --rebuild       # recount everything (counts, then the map's cells)
    manage.py complaints_rollup --terms         # also recount the trends' term counts (35 days)
    manage.py complaints_rollup --now 2026-10-02T09:00

Celery beat runs the refresh every few minutes (complaints.tasks.refresh_rollups); running it
by hand as well is harmless (a day recounted twice gives the same rows), and so is a --rebuild
while beat refreshes: the recounts take the same lock and wait for each other (a month of the
rebuild, a week of the map's cells at a time), and the dashboards keep the previous counts of
the months the rebuild has not reached yet.
"""

import resource
import sys
import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from complaints.services import cells, rollups, text_analysis
from seoul_portal.progress import Progress

# The trends compare this week with the previous four: their counts cover five weeks.
TERMS_DAYS = 35


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--now takes an ISO 8601 date and time, e.g. 2026-10-02T09:00+09:00, not {value!r}."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the site's time zone: Asia/Seoul
    return moment


def _days(days) -> str:
    if not days:
        return "none"
    shown = ", ".join(f"{day:%Y-%m-%d}" for day in days[:20])
    return shown + (f" ... ({len(days)} in all)" if len(days) > 20 else "")


def _peak_mib() -> float:
    """The process's peak resident memory (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


class Command(BaseCommand):
    help = "Refresh the complaints dashboards' rollups (or --rebuild them from the complaints)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Delete and recount every rollup.")
        parser.add_argument("--terms", action="store_true",
                            help=f"Also recount the trends' term counts of the last {TERMS_DAYS} days.")  # fmt: skip
        parser.add_argument("--now", type=_moment, default=None, help="Count as of this moment (ISO 8601).")

    def handle(self, *args, rebuild=False, terms=False, now=None, **options):
        if now is not None and now > timezone.now() + timedelta(minutes=5):
            raise CommandError("--now may not be in the future: the rollups would count deadlines not yet passed.")
        if rebuild:
            self._rebuild(now)
        else:
            report = rollups.rollups_refresh(now=now)
            if report.rebuilt:
                self.stdout.write("No rollups yet: rebuilt them all.")
            self.stdout.write(f"Recounted days: {_days(report.days)}")
            self.stdout.write(f"Re-summed months: {_days(report.months)}")
            self.stdout.write(f"Daily rows written: {report.daily_rows}; monthly rows: {report.monthly_rows}")
            self.stdout.write(f"Counted up to: {timezone.localtime(report.watermark):%Y-%m-%d %H:%M:%S %Z}")
        if terms:
            since = timezone.localdate(now or timezone.now()) - timedelta(days=TERMS_DAYS)
            self.stdout.write(f"Term counts: recounting from {since:%Y-%m-%d} ...")
            text_analysis.terms_recount(since=since)
            text_analysis.trends_compute(now=now)
            self.stdout.write("Trending terms computed.")

    def _rebuild(self, now):
        # A bar per step on a terminal (months, then the map's weeks), a line every 10 s in a log;
        # the latest month's or week's line of the service goes along.
        started = time.monotonic()
        with Progress(self.stdout, "rollups", what="months") as progress:
            report = rollups.rollups_rebuild(progress=progress.note, step=progress.update, now=now)
            progress.finish(
                "Counts rebuilt in {time}: {done} months, {days} days, {daily} daily rows, {monthly} monthly rows.",
                days=len(report.days), daily=report.daily_rows, monthly=report.monthly_rows,
            )
        with Progress(self.stdout, "map cells", what="weeks") as progress:
            written = cells.cells_rebuild(progress=progress.note, step=progress.update)
            progress.finish("Map cells rebuilt in {time}: {done} weeks, {rows} rows.", rows=written)
        self.stdout.write(self.style.SUCCESS(
            f"Rebuilt in {time.monotonic() - started:.1f} s (peak memory of this process {_peak_mib():.0f} MiB)."
        ))  # fmt: skip
