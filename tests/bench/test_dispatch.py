"""The dispatch benchmark (bench/dispatch/): the fake provider's rate limit and its Twilio protocol as
the portal's real TwilioSmsBackend speaks it, the outbox rows as the service writes them, the
referee's counts, the process accounting, and a small run end to end with real Celery workers."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from twilio.http.http_client import TwilioHttpClient

from bench.broker import queue_keys
from bench.dispatch import format_report, judge, run_dispatch
from bench.dispatch.outbox import CYCLE, KIND, body_digest, voter_key, write_outbox
from bench.dispatch.processes import ProcessSampler, children_by_parent, descendants
from bench.dispatch.provider import FakeTwilioServer, TokenBucket, default_burst
from bench.dispatch.report import outcome
from bench.dispatch.worker import loopback_url, point_twilio_at
from citizens.models import Citizen
from notifications.backends import SendError
from notifications.backends import sms as sms_backends
from notifications.backends.sms import SmsMessage, TwilioSmsBackend
from notifications.models import Notification
from notifications.services import notify
from tests.broker_support import worker_database_url

ACCOUNT_SID = "AC" + "0123abcd" * 4
AUTH_TOKEN = "test-token"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


# --- The token bucket ----------------------------------------------------------------------------


def test_the_bucket_gives_its_burst_at_once_then_refuses():
    clock = Clock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_the_bucket_refills_at_its_rate_and_keeps_fractions():
    clock = Clock()
    bucket = TokenBucket(rate=8, burst=3, clock=clock)
    for _ in range(3):
        bucket.take()
    clock.now += 1 / 16  # half a token (times a binary fraction can hold exactly)
    assert not bucket.take()
    clock.now += 1 / 16  # the other half
    assert bucket.take()
    assert not bucket.take()
    clock.now += 1.0  # eight tokens' worth, but the bucket holds three
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


def test_over_a_long_run_the_bucket_passes_its_rate_plus_its_burst():
    clock = Clock()
    bucket = TokenBucket(rate=200, burst=default_burst(200), clock=clock)
    taken = 0
    for _ in range(10_000):  # asked every millisecond for ten seconds: five times the rate
        clock.now += 0.001
        taken += bucket.take()
    assert taken == pytest.approx(200 * 10 + default_burst(200), abs=2)


def test_a_bucket_needs_a_rate_and_room_for_a_token():
    with pytest.raises(ValueError):
        TokenBucket(rate=0, burst=1)
    with pytest.raises(ValueError):
        TokenBucket(rate=5, burst=0.5)


# --- The fake provider, with the portal's Twilio backend --------------------------------------------


@pytest.fixture
def provider(settings, monkeypatch):
    """The fake provider in a thread, and the portal's TwilioSmsBackend pointed at it as the
    benchmark's workers point it (bench/dispatch/worker.py)."""
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "0123abcd" * 4
    settings.TWILIO_FROM_NUMBER = ""
    settings.PUBLIC_BASE_URL = "https://participation.seoul.go.kr"
    server = FakeTwilioServer(0, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, rate=1000, burst=1000)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    # Restored after the test: point_twilio_at wraps the library's request method.
    monkeypatch.setattr(TwilioHttpClient, "request", TwilioHttpClient.request)
    monkeypatch.setattr(sms_backends, "_twilio_http_clients", {})
    point_twilio_at(f"http://127.0.0.1:{server.server_address[1]}")
    waits = []
    monkeypatch.setattr(TwilioSmsBackend, "sleep", staticmethod(waits.append))
    server.waits = waits
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_only_twilios_api_is_sent_to_loopback():
    base = "http://127.0.0.1:8000"
    path = "/2010-04-01/Accounts/AC1/Messages.json"
    assert loopback_url("https://api.twilio.com" + path, base) == base + path
    assert loopback_url("https://api.twilio.com.example.org" + path, base).startswith("https://api.twilio.com.")
    assert loopback_url("https://messaging.twilio.com/v1/Services", base) == "https://messaging.twilio.com/v1/Services"


def test_the_provider_accepts_what_the_twilio_backend_sends_and_answers_like_twilio(provider):
    message = SmsMessage(to="+821001000001", body="[서울시] 결과가 발표되었습니다.", reference="42")

    sid = TwilioSmsBackend().send(message)

    assert sid.startswith("SM") and len(sid) == 34
    stats = provider.ledger.stats(with_references=True)
    assert (stats["accepted"], stats["doubled"], stats["rate_limited"]) == (1, 0, 0)
    assert stats["references"] == {"42": 1}
    assert stats["digests"] == {"42": body_digest(message.body)}


def test_the_provider_counts_a_message_accepted_twice(provider):
    message = SmsMessage(to="+821001000001", body="text", reference="7")
    TwilioSmsBackend().send(message)
    TwilioSmsBackend().send(SmsMessage(to="+821001000002", body="other", reference="8"))
    TwilioSmsBackend().send(message)

    stats = provider.ledger.stats()
    assert (stats["accepted"], stats["distinct"], stats["doubled"], stats["doubled_references"]) == (3, 2, 1, ["7"])


def test_over_the_rate_the_provider_answers_twilios_429_which_the_backend_retries(provider, monkeypatch):
    provider.bucket = TokenBucket(rate=0.001, burst=1)  # one message, then nothing for a long while
    monkeypatch.setattr(TwilioSmsBackend, "rate_limit_wait_seconds", 0.5)
    TwilioSmsBackend().send(SmsMessage(to="+821001000001", body="first", reference="1"))

    with pytest.raises(SendError) as refused:
        TwilioSmsBackend().send(SmsMessage(to="+821001000002", body="second", reference="2"))

    assert "Twilio 429 error 20429" in str(refused.value)
    assert refused.value.permanent is False  # the outbox tries again later
    stats = provider.ledger.stats(with_references=True)
    assert stats["references"] == {"1": 1}
    # The backend waited the limit out (recorded waits, not slept), asking again after each wait.
    assert stats["rate_limited"] == len(provider.waits) + 1 >= 2
    assert sum(provider.waits) == pytest.approx(0.5)


def test_the_provider_refuses_other_credentials(provider, settings):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    with pytest.raises(SendError) as refused:
        TwilioSmsBackend().send(SmsMessage(to="+821001000001", body="text", reference="1"))
    assert "401" in str(refused.value) and "20003" in str(refused.value)
    assert refused.value.permanent is True
    assert provider.ledger.stats()["unauthorized"] == 1


# --- The outbox rows --------------------------------------------------------------------------------

# Set by the database when written, or the call's own identity: everything else must match notify's.
PER_CALL_FIELDS = {"id", "key", "created_at", "next_attempt_at"}


def make_citizen(phone, **fields):
    return Citizen.objects.create_user(phone=phone, **fields)


def row_fields(row):
    return {field.attname: getattr(row, field.attname) for field in Notification._meta.concrete_fields
            if field.name not in PER_CALL_FIELDS}  # fmt: skip


@pytest.mark.django_db
def test_the_bulk_rows_are_the_rows_notify_writes():
    korean = make_citizen("+821055500001", language="ko")
    english = make_citizen("+821055500002", language="en")
    both = make_citizen("+821055500003", email="both@example.org", notify_by=Citizen.NotifyBy.BOTH)

    written = write_outbox([korean.pk, english.pk, both.pk])

    assert written["channels"] == {"sms": 3, "email": 1}
    bulk = {(row.citizen_id, row.channel): row for row in Notification.objects.all()}
    for citizen in (korean, english, both):
        for expected in notify(recipient=citizen, kind=KIND, context=CYCLE, key=f"reference:{citizen.pk}"):
            row = bulk[citizen.pk, expected.channel]
            assert row_fields(row) == row_fields(Notification.objects.get(pk=expected.pk))
            assert row.key == voter_key(citizen.pk) == f"budgeting:results-voter:{CYCLE['cycle_id']}:{citizen.pk}"
            assert row.next_attempt_at is not None and row.status == "pending"
    assert bulk[korean.pk, "sms"].body != bulk[english.pk, "sms"].body  # each in the citizen's language
    assert "2026" in bulk[korean.pk, "sms"].body
    assert body_digest(bulk[korean.pk, "sms"].body) in written["digests"]


# --- The referee ----------------------------------------------------------------------------------


def test_the_referee_counts_lost_doubled_unknown_and_garbled_messages():
    rows = [(1, "sent"), (2, "sent"), (3, "pending"), (4, "sent"), (5, "failed")]
    stats = {
        "references": {"1": 1, "2": 2, "5": 1, "99": 1},
        "digests": {"1": "good", "2": "good", "5": "good", "99": "bad"},
    }

    result = outcome(rows, stats, expected_digests={"good"})

    # 3 was never sent; 4 says sent but the provider never took it; 5 was taken, its row failed.
    assert (result["lost"], result["lost_ids"]) == (3, [3, 4, 5])
    assert (result["not_sent"], result["never_accepted"]) == (2, 2)
    assert (result["doubled"], result["doubled_ids"]) == (1, [2])
    assert (result["strangers"], result["garbled"]) == (1, 1)


def test_the_verdicts():
    result = {"lost": 0, "doubled": 0, "timed_out": False, "strangers": 0, "garbled": 0, "rate_ratio": 0.8,
              "memory": [{"process_peak_rss_mb": 250.0}, {"process_peak_rss_mb": 120.0}]}  # fmt: skip
    assert judge(result) == {"exactly_once": True, "rate": True, "memory": True}
    assert judge({**result, "doubled": 1})["exactly_once"] is False
    assert judge({**result, "timed_out": True})["exactly_once"] is False
    assert judge({**result, "rate_ratio": 0.79})["rate"] is False
    assert judge({**result, "memory": [{"process_peak_rss_mb": 251.0}]})["memory"] is False


def test_the_report_prints_the_ratio_and_the_verdicts():
    result = {
        "messages": 300, "rate": 200.0, "workers": 2, "concurrency": 4, "accepted": 300, "achieved_rate": 150.0,
        "rate_ratio": 0.75, "wall_seconds": 2.0, "rate_limited": 12, "provider_requests": 312, "refused_other": 0,
        "attempts": {"total": 300, "rows_tried_again": 0, "max": 1}, "task_outcomes": {"sent": 300},
        "sweep_republished": 0, "queue_left": 0, "rows": {"sent": 300}, "lost": 0, "lost_ids": [], "not_sent": 0,
        "never_accepted": 0, "doubled": 0, "doubled_ids": [], "strangers": 0, "garbled": 0, "timed_out": False,
        "memory": [{"process_peak_rss_mb": 120.0, "main_peak_rss_mb": 118.0, "processes": 5,
                    "tree_peak_rss_mb": 590.0, "tree_peak_pss_mb": 350.0}],
        "cpu_seconds": {"worker 1": 3.0, "provider": 0.3}, "run_seconds": 20.0,
        "seed": {"seed_seconds": 1.0, "outbox_seconds": 1.0, "published": 300, "publish_seconds": 0.5},
        "workers_ready_seconds": 9.0, "machine": {"cpus": 2, "loadavg_before": [1.0], "loadavg_after": [2.0]},
        "worker_logs_errors": 0,
    }  # fmt: skip

    text = format_report(result)

    assert "achieved / allowed            0.750     target >= 0.80: FAIL" in text
    assert "429s answered                    12" in text
    assert "exactly once             PASS" in text
    assert "memory (process <= 250 MB RSS) PASS" in text
    assert "CPU per message (ms)     11.0 in all: worker 1 10.0, provider 1.0" in text


# --- Process accounting ---------------------------------------------------------------------------

TREE = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "x = bytearray(60_000_000); import time; time.sleep(30)"])
sum(range(5_000_000))
print("started", flush=True)
time.sleep(30)
"""


def test_a_tree_is_measured_with_its_children():
    parent = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "started"
        time.sleep(0.5)  # the child has written its 60 MB
        sampler = ProcessSampler(interval=0.1)
        sampler.tree("tree", parent.pid)
        sampler.start()
        time.sleep(0.3)
        (summary,) = sampler.stop().values()
    finally:
        for pid in reversed(descendants(parent.pid, children_by_parent())):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        parent.wait()
    assert summary["processes"] == 2
    assert summary["process_peak_rss_mb"] >= 60  # the child's bytearray
    assert summary["main_peak_rss_mb"] < summary["process_peak_rss_mb"]
    assert summary["tree_peak_rss_mb"] >= summary["process_peak_rss_mb"]
    assert 0 < summary["tree_peak_pss_mb"] <= summary["tree_peak_rss_mb"]
    assert summary["main_cpu_seconds"] > 0  # it counted to five million


# --- End to end -------------------------------------------------------------------------------------



@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_small_run_delivers_every_message_once_within_the_providers_rate(broker_url):
    lines = []
    # A rate low enough that eight senders meet the limit: the provider must answer 429s.
    result = run_dispatch(
        worker_database_url(), broker_url, messages=150, rate=10, workers=2, concurrency=4, timeout=300,
        fresh_database=False, write=lines.append,
    )  # fmt: skip

    assert (result["lost"], result["doubled"], result["timed_out"]) == (0, 0, False), json.dumps(result)[:2000]
    assert (result["strangers"], result["garbled"], result["refused_other"]) == (0, 0, 0)
    assert result["rows"] == {"sent": 150} and result["accepted"] == 150
    assert result["rate_limited"] > 0
    assert isinstance(result["rate_ratio"], float) and result["rate_ratio"] > 0
    # The provider held to its rate (a burst of one token at 10/s adds nearly nothing).
    assert result["achieved_rate"] <= 10 * 1.1
    assert result["attempts"]["max"] == 1  # every 429 was waited out within its attempt
    assert result["task_outcomes"].get("sent") == 150
    # Whatever is still queued at the end is the sweep's second publish of a row sent since.
    assert result["queue_left"] <= result["sweep_republished"]
    assert [tree["processes"] for tree in result["memory"]] == [5, 5]  # each worker and its pool of 4
    assert all(0 < tree["process_peak_rss_mb"] < 1000 for tree in result["memory"])
    # Each process group is accounted; the work itself may fall mostly to one worker (its
    # prefetch takes what the other has not), so the workers' CPU is judged together.
    assert {"worker 1", "worker 2", "provider"} <= set(result["cpu_seconds"])
    assert result["cpu_seconds"]["worker 1"] + result["cpu_seconds"]["worker 2"] > 0
    assert result["cpu_seconds"]["provider"] > 0
    assert any("Starting 2 workers" in line for line in lines)
    # Nothing of the run is left: its processes, its queue.
    assert not [line for line in os.popen("ps -eo args").read().splitlines() if result["queue"] in line]
    import redis

    client = redis.Redis.from_url(broker_url)
    assert client.exists(*queue_keys(result["queue"])) == 0
    client.close()
