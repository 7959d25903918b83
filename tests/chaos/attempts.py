"""One request sent through the running site while a service is down, and what it answered: the
outage tests (Redis, PostgreSQL) sort every attempt into committed or "try again"."""

import re
from dataclasses import dataclass

import requests

# The 503 page's Korean heading (templates/errors/503.html).
TRY_AGAIN = "잠시 후 다시 시도해 주세요"


@dataclass
class Attempt:
    kind: str  # what was sent: a read, a draft, a ballot, a complaint, a profile save...
    citizen_id: int
    target: str  # the path read, the title written, the poll's id...
    started: float
    finished: float = 0.0
    status: int | None = None
    location: str = ""
    retry_after: str = ""
    body: str = ""
    error: str = ""

    def succeeded(self, pattern) -> bool:
        return self.status in (302, 303) and re.fullmatch(pattern, self.location) is not None

    def try_again(self) -> bool:
        return self.status == 503 and TRY_AGAIN in self.body and self.retry_after.isdigit()

    def __str__(self):
        return (f"{self.kind} by {self.citizen_id} ({self.target}) at +{self.started:.1f}-{self.finished:.1f}s: "
                f"{self.status} {self.location} {self.error}")  # fmt: skip


def record(attempt, clock, send):
    """Send (a callable making the request), note its answer or its error, and when it ended."""
    try:
        response = send()
    except requests.RequestException as error:
        attempt.error = f"{type(error).__name__}: {error}"
    else:
        attempt.status = response.status_code
        attempt.location = response.headers.get("Location", "")
        attempt.retry_after = response.headers.get("Retry-After", "")
        attempt.body = response.text if response.status_code >= 400 else ""
    attempt.finished = clock.now()
    return attempt
