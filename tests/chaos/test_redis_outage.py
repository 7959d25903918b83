"""The site's Redis (cache, sessions' cache, Celery broker) stops for 30 s in the middle of a burst
of proposals (written and published), ballots (M-Voting) and complaints (the web form), sent
through the running site by several signed-in citizens at once, while others keep reading pages.

What must hold:
- a write either succeeded (its redirect) and is committed, or answered the 503 "try again"
  page (Korean, Retry-After) and is not committed: never a 500, never half-written;
- the read pages keep answering 200 while Redis is down (the cache falls back to the database);
- once Redis is back, a worker and the outbox's sweep deliver every notification the writes
  committed, including those whose publish was lost in the outage;
- the web process was never restarted.

CI runs the full 30 s outage; CHAOS_REDIS_OUTAGE_SECONDS shortens it for a local run.
"""

import os
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO

import pytest
import requests
from django.core.management import call_command

from complaints.models import Complaint
from notifications.models import Notification
from proposals.models import Proposal
from tests.integration.conftest import sms_files, wait_until
from voting.models import Participation

from . import builders
from .attempts import Attempt, record
from .conftest import Browser

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = (
    30 if os.environ.get("CI", "").lower() == "true" else int(os.environ.get("CHAOS_REDIS_OUTAGE_SECONDS", "30"))
)
BEFORE_SECONDS = 4  # the burst runs this long before Redis stops...
AFTER_SECONDS = 6  # ...and this long after it is back
CITIZENS = 6
POLLS = 6
SLOT_SECONDS = 2.5  # each citizen starts an action this often
@dataclass
class Clock:
    start: float = field(default_factory=time.monotonic)
    down_at: float | None = None
    up_at: float | None = None

    def now(self) -> float:
        return time.monotonic() - self.start

    def during_outage(self, attempt) -> bool:
        """Sent after Redis was stopped and answered before it was back."""
        return self.down_at is not None and attempt.started > self.down_at and attempt.finished < (self.up_at or 1e9)


def citizen_burst(browser, *, index, world, clock, end_at, attempts):
    """One citizen's actions, one every SLOT_SECONDS (staggered between citizens): proposals
    (draft, then publish), a ballot in each poll in turn, a complaint every sixth slot."""
    plan = ["proposal", "ballot", "complaint", "ballot", "proposal", "ballot"]
    polls = iter(world["polls"])
    slot = 0
    while True:
        at = index * SLOT_SECONDS / CITIZENS + slot * SLOT_SECONDS
        if at >= end_at:
            return
        time.sleep(max(0.0, at - clock.now()))
        kind = plan[slot % len(plan)]
        tag = f"c{browser.citizen_id}-{slot}"
        slot += 1
        if kind == "ballot":
            poll = next(polls, None)
            if poll is None:
                continue
            attempt = Attempt("ballot", browser.citizen_id, str(poll.pk), clock.now())
            attempts.append(
                record(attempt, clock, lambda poll=poll: browser.post(f"/votes/{poll.pk}/vote/", {"choices": "1"}))
            )
        elif kind == "complaint":
            title = f"보도블록 파손 {tag}"
            attempt = Attempt("complaint", browser.citizen_id, title, clock.now())
            attempts.append(record(attempt, clock, lambda title=title: browser.post("/complaints/new/", {
                "category": "pothole", "title": title, "description": "보도블록이 깨져 있어 위험합니다.",
                "address": "세종대로 110", "visibility": "private", "contact_preference": "sms",
            })))  # fmt: skip
        else:
            title = f"심야 버스 노선 확대 제안 {tag}"
            draft = Attempt("draft", browser.citizen_id, title, clock.now())
            attempts.append(record(draft, clock, lambda title=title: browser.post("/proposals/new/", {
                "title": title, "body": "심야 버스를 늘려 주세요. 귀갓길이 너무 멉니다.",
                "category": str(world["category"].pk), "district": "",
            })))  # fmt: skip
            made = re.fullmatch(r"/proposals/(\d+)/", draft.location)
            if draft.status == 302 and made:
                pk = made.group(1)
                publish = Attempt("publish", browser.citizen_id, pk, clock.now())
                attempts.append(record(publish, clock, lambda pk=pk: browser.post(f"/proposals/{pk}/publish/")))


def reader(*, pages, clock, end_at, reads):
    """Reads every page in turn until the burst ends: (time, path, status)."""
    while clock.now() < end_at:
        for browser, path in pages:
            started = clock.now()
            try:
                status = browser.get(path).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            reads.append((started, clock.now(), path, status))
        time.sleep(0.2)


@pytest.fixture
def world(db):
    author = builders.participant()
    category = builders.proposal_category()
    proposal = builders.published_proposal(author, category)
    polls = [builders.open_poll() for _ in range(POLLS)]
    complaint_category = builders.complaint_category()
    complaint = builders.answered_complaint(author, complaint_category)
    return {"author": author, "category": category, "proposal": proposal, "polls": polls,
            "complaint": complaint}  # fmt: skip


def test_a_30_second_redis_outage_loses_no_committed_write_and_no_notification(
    site, browsers, world, chaos_redis, chaos_workers, settings
):
    citizens = builders.participants(CITIZENS)
    burst = browsers(citizens)
    (author_browser,) = browsers([world["author"]])
    anonymous = Browser(base_url=site.url, citizen_id=0, cookies={}, token="")
    pages = [
        (anonymous, "/"),
        (anonymous, "/proposals/"),
        (anonymous, f"/proposals/{world['proposal'].pk}/"),
        (author_browser, f"/votes/{world['polls'][0].pk}/"),
        (author_browser, "/complaints/track/"),
        (author_browser, f"/complaints/{world['complaint'].tracking_number}/"),
        (author_browser, "/"),
    ]
    gunicorn_pid = site.pid
    end_at = BEFORE_SECONDS + OUTAGE_SECONDS + AFTER_SECONDS
    attempts, reads = [], []
    clock = Clock()
    threads = [
        threading.Thread(target=citizen_burst, args=(browser,),
                         kwargs={"index": index, "world": world, "clock": clock, "end_at": end_at, "attempts": attempts})
        for index, browser in enumerate(burst)
    ] + [threading.Thread(target=reader, kwargs={"pages": pages, "clock": clock, "end_at": end_at, "reads": reads})]  # fmt: skip
    for thread in threads:
        thread.start()

    time.sleep(max(0.0, BEFORE_SECONDS - clock.now()))
    clock.down_at = clock.now()
    chaos_redis.stop()
    health = requests.get(f"{site.url}/healthz", timeout=30)
    time.sleep(max(0.0, clock.down_at + OUTAGE_SECONDS - clock.now()))
    chaos_redis.start()
    clock.up_at = clock.now()
    for thread in threads:
        thread.join(timeout=end_at + 300)
    assert not any(thread.is_alive() for thread in threads), "a burst thread never finished"

    outcomes = Counter((a.kind, a.status, clock.during_outage(a)) for a in attempts)
    print(f"Redis down {clock.down_at:.1f}-{clock.up_at:.1f}s; (kind, status, during the outage): {sorted(outcomes.items())}; "
          f"{len(reads)} reads")  # fmt: skip

    # Redis was really down for the site.
    assert health.status_code == 503 and health.json()["cache"].startswith("error"), health.text

    # Every write either went through and is committed, or said "try again" and is not.
    patterns = {
        "draft": r"/proposals/\d+/",
        "publish": r"/proposals/\d+/",
        "ballot": r"/votes/\d+/receipt/",
        "complaint": r"/complaints/\d{4}-\d{7,9}/filed/",
    }

    def committed(attempt) -> bool:
        if attempt.kind == "draft":
            return Proposal.objects.filter(author_id=attempt.citizen_id, title=attempt.target).exists()
        if attempt.kind == "publish":
            return Proposal.objects.filter(pk=attempt.target, status=Proposal.Status.OPEN).exists()
        if attempt.kind == "ballot":
            return Participation.objects.filter(poll_id=attempt.target, citizen_id=attempt.citizen_id).exists()
        return Complaint.objects.filter(citizen_id=attempt.citizen_id, title=attempt.target).exists()

    unclear = [str(a) for a in attempts if not a.succeeded(patterns[a.kind]) and not a.try_again()]
    assert unclear == [], "answers that are neither a success nor the try-again page:\n" + "\n".join(unclear)
    wrong = [f"{a} (committed: {committed(a)})" for a in attempts if a.succeeded(patterns[a.kind]) != committed(a)]
    assert wrong == [], "success and commit disagree:\n" + "\n".join(wrong)
    # Nothing was written that no request reported.
    citizen_ids = [citizen.pk for citizen in citizens]
    drafts_ok = [a for a in attempts if a.kind == "draft" and a.succeeded(patterns["draft"])]
    assert Proposal.objects.filter(author_id__in=citizen_ids).count() == len(drafts_ok)
    ballots_ok = [a for a in attempts if a.kind == "ballot" and a.succeeded(patterns["ballot"])]
    assert Participation.objects.filter(citizen_id__in=citizen_ids).count() == len(ballots_ok)
    complaints_ok = [a for a in attempts if a.kind == "complaint" and a.succeeded(patterns["complaint"])]
    assert Complaint.objects.filter(citizen_id__in=citizen_ids).count() == len(complaints_ok)

    # The outage was exercised: every kind of write was sent, and answered, while Redis was down.
    during = {a.kind for a in attempts if clock.during_outage(a)}
    assert during >= {"draft", "ballot", "complaint"}, [str(a) for a in attempts]

    # The read pages kept serving, Redis or not.
    assert {path for _, _, path, _ in reads} == {path for _, path in pages}
    failed_reads = [read for read in reads if read[3] != 200]
    assert failed_reads == []
    assert any(started > clock.down_at and finished < clock.up_at for started, finished, _, _ in reads)

    # The same web process served it all.
    assert site.pid == gunicorn_pid and site.process.poll() is None

    # Every notification the writes committed is delivered once a worker runs and the sweep
    # re-enqueues what was published into the stopped Redis (or not published at all).
    settings.NOTIFICATION_SWEEP_GRACE_SECONDS = 0
    chaos_workers.start()

    def all_sent():
        if not Notification.objects.exclude(status=Notification.Status.SENT).exists():
            return True
        call_command("sweep_outbox", stdout=StringIO())
        return False

    wait_until(all_sent, timeout=120, interval=2, what="every notification to be sent")
    notified = set(Notification.objects.filter(citizen_id__in=citizen_ids).values_list("citizen_id", "kind"))
    for attempt in complaints_ok:
        assert (attempt.citizen_id, "complaint_received") in notified
    sent = Notification.objects.filter(channel="sms").count()
    assert len(sms_files(chaos_workers.sms_dir)) >= sent > 0
