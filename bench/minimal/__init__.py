"""The benchmark's yardstick for the ballot-cast throughput (issue 5): a minimal Django view that
executes only the write statements of a ballot (participation, ballot, counters, ledger entry),
served by the same gunicorn, on the same database, with no middleware (bench/minimal/settings.py).
Nothing of the portal routes here: it exists only while bench/load.py runs it."""
