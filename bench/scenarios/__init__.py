"""What the benchmark measures: for each channel, its key pages and actions as scenarios.

A channel module provides `prepare(context, *, requests)` (rows a scenario needs that the seed
does not hold, e.g. fresh citizens to support with; run before any timing) and `SCENARIOS`, a list
of Scenario. `context` starts as what the channel's seeder reported (ids of featured objects).
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
    data: dict = field(default_factory=dict)
    # Called before each request, untimed and uncounted (e.g. signing in the next fresh citizen).
    before_each: Callable[[Any, dict, int], None] | None = None
    expect: tuple = (200,)
    # Called after all requests with their number: how many did not do what they should.
    failures_after: Callable[[dict, int], int] | None = None


def channel_scenarios(channel):
    from . import proposals

    return {"proposals": proposals}[channel]
