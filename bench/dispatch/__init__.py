"""The notification dispatch benchmark (issue: a mass SMS delivered at the provider's rate).

`python -m bench.dispatch --messages 100000 --rate 300 --workers 2` runs it (bench/dispatch/runner.py
says how); `run_dispatch(...)` is the same run for the whole-portal runner, returning its report.
"""

from .report import format_report, judge
from .runner import run_dispatch

__all__ = ["format_report", "judge", "run_dispatch"]
