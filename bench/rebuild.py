"""Rebuild the complaint analysis' rollups of one seeded database, timed, in a process of its own.

Run by bench/run.py after seeding the analysis channel (DATABASE_URL points at the database):

    python -m bench.rebuild --out rebuild.json

What the issue asks to report of a full rebuild at 10 M complaints: its wall time and peak
memory. The memory is this process's maximum resident set (ru_maxrss: Python, Django and
whatever the rebuild holds; the process does nothing else). PostgreSQL's side, which a
process's RSS cannot show: the temporary files its sorts and hashes spilled (pg_stat_database,
the difference over the rebuild), and the size of the tables written.
"""

import argparse
import json
import os
import resource
import sys
import time


def peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _temp_files(cursor):
    cursor.execute("SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()")
    files, size = cursor.fetchone()
    return files or 0, size or 0


def _table_figures(cursor, models):
    figures = {}
    for model in models:
        table = model._meta.db_table
        cursor.execute(f"SELECT count(*), pg_total_relation_size(%s) FROM {table}", [table])  # noqa: S608
        rows, size = cursor.fetchone()
        figures[model._meta.label] = {"rows": rows, "mb": round(size / (1024 * 1024), 1)}
    return figures


def _print(line):
    print(line, flush=True)  # progress, also when the output goes to a file or a pipe


def rebuild(write=_print) -> dict:
    from django.db import connection

    from complaints.models import CellRollup, DailyRollup, MonthlyRollup
    from complaints.services.cells import cells_rebuild
    from complaints.services.rollups import rollups_rebuild

    last_line = [time.monotonic()]

    def every_ten_seconds(text):
        if time.monotonic() - last_line[0] >= 10:
            last_line[0] = time.monotonic()
            write(f"  {text}; peak memory {peak_memory_mb():.0f} MB")

    steps = {}
    with connection.cursor() as cursor:
        temp_before = _temp_files(cursor)

    def told(name):
        # A line of the rebuild's own (one string; tolerant of a few values).
        return lambda *parts: every_ten_seconds(f"{name}: " + " ".join(str(part) for part in parts))

    for name, step in (
        ("rollups", lambda: rollups_rebuild(progress=told("rollups"))),
        ("cells", lambda: cells_rebuild(progress=told("cells"))),
    ):
        write(f"Rebuilding the {name} ...")
        started = time.monotonic()
        try:
            step()
        except NotImplementedError:
            write(f"  the {name} rebuild is not implemented yet: skipped")
            steps[name] = {"seconds": None, "missing": True}
            continue
        steps[name] = {"seconds": round(time.monotonic() - started, 1)}
        write(f"  {name} rebuilt in {steps[name]['seconds']:,.1f} s; peak memory {peak_memory_mb():.0f} MB")
    with connection.cursor() as cursor:
        # The statistics collector reports with a small delay: give it a moment.
        time.sleep(1.0)
        temp_after = _temp_files(cursor)
        tables = _table_figures(cursor, (DailyRollup, MonthlyRollup, CellRollup))
        for model in (DailyRollup, MonthlyRollup, CellRollup):
            if connection.in_atomic_block:
                break  # a test's transaction: VACUUM cannot run there
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
    seconds = [step["seconds"] for step in steps.values() if step["seconds"] is not None]
    return {
        "steps": steps,
        "seconds": round(sum(seconds), 1) if seconds else None,
        "complete": all(not step.get("missing") for step in steps.values()),
        "peak_memory_mb": round(peak_memory_mb()),
        "postgres_temp_files": temp_after[0] - temp_before[0],
        "postgres_temp_mb": round((temp_after[1] - temp_before[1]) / (1024 * 1024)),
        "tables": tables,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="Write the figures (JSON) here.")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoul_portal.settings")
    import django

    django.setup()
    result = rebuild()
    print(
        f"Rebuilt in {result['seconds'] or 0:,.1f} s, peak memory {result['peak_memory_mb']} MB (this process); "
        f"PostgreSQL temporary files: {result['postgres_temp_files']} ({result['postgres_temp_mb']} MB)",
        flush=True,
    )
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
