"""What the benchmark measures: for each channel, its key pages and actions as scenarios.

A channel module provides `prepare(context, *, requests)` (rows a scenario needs that the seed
does not hold, e.g. fresh citizens to support with; run before any timing) and `SCENARIOS`, a list
of Scenario, measured in-process (bench/measure.py). It may also provide `LOAD`, a list of
LoadScenario that bench/load.py drives through real servers with wrk, on the biggest dataset.
`context` starts as what the channel's seeder reported (ids of featured objects).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scenario:
    name: str
    describe: str
    url: Callable[[dict], str]
    method: str = "get"
    # The POST's form, or a function of the context returning it.
    data: dict | Callable[[dict], dict] = field(default_factory=dict)
    # Called before each request, untimed and uncounted (e.g. signing in the next fresh citizen).
    before_each: Callable[[Any, dict, int], None] | None = None
    expect: tuple = (200,)
    # Request headers (e.g. {"HX-Request": "true"}: the htmx fragment of a page).
    headers: dict = field(default_factory=dict)
    # Called after all requests with their number: how many did not do what they should.
    failures_after: Callable[[dict, int], int] | None = None


@dataclass(frozen=True)
class LoadVariant:
    """One server of a load scenario: gunicorn with these settings, on 127.0.0.1."""

    name: str
    describe: str
    settings: str  # DJANGO_SETTINGS_MODULE of the server
    ready_path: str  # answers (any status) once the server is up
    environment: dict = field(default_factory=dict)  # more environment variables for the server
    # The server publishes its tasks to a broker, as production's does, rather than running them in
    # the request: to queues of the run's own that no worker reads (bench/load.py counts and deletes
    # them), when the load has a Redis; eagerly otherwise.
    publishes_tasks: bool = False


@dataclass(frozen=True)
class LoadScenario:
    """Requests that each change something once (a ballot per citizen), sent by wrk to real servers
    (bench/load.py): the throughput of the first variant as a share of the last one's.

    requests(context, variant, count) returns `count` (path, cookie, urlencoded body) tuples, each
    sent at most once; check(context, totals) returns what went wrong (e.g. a ballot counted twice),
    where totals = {"accepted": accepted responses, "sent": requests sent}, over every variant and
    run, warm-ups included (a request sent but not answered, in flight when a run ended, may have
    done its work: accepted <= done <= sent). A 200 is accepted, and so is a 303 to
    ok_location(context, variant) when given (a POST that redirects to its result page: the
    redirect is the request's answer; the page is another request), or to a Location matching
    ok_pattern.
    """

    name: str
    describe: str
    variants: tuple
    requests: Callable[[dict, str, int], list]
    check: Callable[[dict, dict], list]
    # The first variant's throughput over the last one's must reach this; None: one variant, the
    # throughput is reported as it is (nothing to compare it with).
    min_ratio: float | None = 0.5
    ok_location: Callable[[dict, str], str] | None = None
    # A Lua pattern a 303's Location may match instead (a result page per request), and the
    # statuses that succeed by themselves (None: 200; (): none, e.g. a form shown again is a failure).
    ok_pattern: str = ""
    ok_statuses: tuple | None = None
    # What check() verified, printed when it passes.
    checks: str = "every accepted response is one ballot, counted once"


def channel_scenarios(channel):
    from . import analysis, budgeting, complaints, proposals, voting

    return {
        "proposals": proposals, "voting": voting, "budgeting": budgeting, "complaints": complaints,
        "analysis": analysis,
    }[channel]  # fmt: skip
