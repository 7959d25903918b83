"""PostgreSQL restarts under the running site: pages are read and forms sent from several threads
while the server is stopped (fast: every session is cut), left down for a while, and started
again. The site runs on a PostgreSQL of the test's own (postgres_server.py), a copy of the test
database, so that stopping it touches nothing else.

What must hold:
- every answer is the page asked for or the 503 "try again" page, never a 500, and no request
  waits longer than the pool's wait for a connection (DATABASE_POOL_TIMEOUT) and a margin;
- a form answered "try again" saved nothing; a form answered with its redirect is saved;
- once PostgreSQL is back, every request succeeds again within seconds...
- ... served by the same web process: the gunicorn master and its workers are those of before
  (their connection pools recovered by themselves).
"""

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError
from django.urls import reverse

from citizens.models import Citizen
from complaints.models import Complaint
from tests.broker_support import worker_database_url

from . import builders
from .attempts import Attempt, record
from .conftest import Browser
from .postgres_server import PostgresServer
from .site_server import SiteServer

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

POOL_TIMEOUT = 10  # the site's wait for a pooled connection: the production default
BEFORE_SECONDS = 4  # the load runs this long before PostgreSQL stops...
# ... PostgreSQL stays down longer than a request waits for a connection, so that requests do
# run out of patience during the outage (and must get the 503 page, not a 500)...
# CHAOS_POSTGRES_DOWN_SECONDS tries a longer outage.
DOWN_SECONDS = int(os.environ.get("CHAOS_POSTGRES_DOWN_SECONDS", POOL_TIMEOUT + 2))
AFTER_SECONDS = 15  # ... and the load goes on this long after it is back.
# No request takes longer than its wait for a connection plus its own work on a busy machine.
REQUEST_BOUND = POOL_TIMEOUT + 10
# Every request sent this long after PostgreSQL is back succeeds: the pool reconnects by itself.
RECOVERY_SECONDS = 8
FILING_EVERY = 2.0  # seconds between complaints: under the hourly filing limits per IP and filer


@dataclass
class Clock:
    start: float = field(default_factory=time.monotonic)
    down_at: float = 1e9
    up_at: float = 1e9
    stop: threading.Event = field(default_factory=threading.Event)

    def now(self) -> float:
        return time.monotonic() - self.start


def reader(browser, pages, clock, calls):
    while not clock.stop.is_set():
        for path in pages:
            calls.append(record(Attempt("read", browser.citizen_id, path, clock.now()), clock,
                              lambda path=path: browser.get(path, timeout=REQUEST_BOUND + 30)))  # fmt: skip
            time.sleep(0.05)


def profile_writer(browser, district, clock, calls):
    """Saves the citizen's profile again and again, each time with another birth date."""
    born = date(1980, 1, 1)
    while not clock.stop.is_set():
        born += timedelta(days=1)
        form = {"birth_date": born.isoformat(), "residence_basis": "lives", "district": district,
                "gender": "female", "language": "ko", "notify_by": "sms", "email": ""}  # fmt: skip
        calls.append(record(Attempt("profile", browser.citizen_id, born.isoformat(), clock.now()), clock,
                          lambda form=form: browser.post("/me/profile/", form, timeout=REQUEST_BOUND + 30)))  # fmt: skip
        time.sleep(0.3)


def complaint_filer(browsers, clock, calls):
    """A complaint every FILING_EVERY seconds, from each citizen in turn."""
    number = 0
    while not clock.stop.is_set():
        browser = browsers[number % len(browsers)]
        title = f"보도블록 파손 {number}"
        form = {"category": "pothole", "title": title, "description": "보도블록이 깨져 있어 위험합니다.",
                "address": "세종대로 110", "visibility": "private", "contact_preference": "sms"}  # fmt: skip
        calls.append(record(Attempt("complaint", browser.citizen_id, title, clock.now()), clock,
                          lambda form=form, browser=browser: browser.post("/complaints/new/", form, timeout=REQUEST_BOUND + 30)))  # fmt: skip
        number += 1
        clock.stop.wait(FILING_EVERY)


def process_children(pid):
    children = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children.update(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return children


@pytest.fixture
def private_postgres():
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_a_postgresql_restart_answers_try_again_and_recovers_without_restarting_the_site(
    private_postgres, chaos_redis, site_cache, tmp_path, language_isolated
):
    from bench.scenarios.citizens import signed_in_sessions

    author = builders.participant()
    proposal = builders.published_proposal(author, builders.proposal_category())
    builders.complaint_category()
    profile_citizens = builders.participants(2)
    filers = builders.participants(3)
    everyone = [author, *profile_citizens, *filers]
    sessions = signed_in_sessions([citizen.pk for citizen in everyone])  # in the database and the cache
    # The site's database: a copy of the test database as it is now (citizens, sessions, ...).
    private_postgres.create_database("portal", copy_of=worker_database_url())
    site = SiteServer(database_url=private_postgres.url("portal"), redis_url=chaos_redis.url, log_dir=tmp_path,
                      env={"DATABASE_POOL_TIMEOUT": str(POOL_TIMEOUT)})  # fmt: skip
    site.start()
    try:
        run_the_restart(site, private_postgres, sessions, author, proposal, profile_citizens, filers)
    finally:
        site.stop()


def run_the_restart(site, postgres, sessions, author, proposal, profile_citizens, filers):
    def browser(citizen):
        cookie, token = sessions[citizen.pk]
        cookies = dict(part.split("=", 1) for part in cookie.split("; "))
        return Browser(base_url=site.url, citizen_id=citizen.pk, cookies=cookies, token=token)

    anonymous = Browser(base_url=site.url, citizen_id=0, cookies={}, token="")
    me = reverse("citizens:me")
    reads = [
        (anonymous, ["/", "/proposals/", f"/proposals/{proposal.pk}/", "/complaints/list/"]),
        (browser(author), ["/", me, "/complaints/track/", f"/proposals/{proposal.pk}/"]),
        (browser(author), [me, "/proposals/", "/"]),
    ]
    for who, pages in reads:  # the site works before anything happens
        for path in pages:
            response = who.get(path)
            assert response.status_code == 200, (path, response.status_code, site.log_text()[-3000:])

    master = site.pid
    web_workers = process_children(master)
    postmaster = postgres.postmaster_pid()
    assert len(web_workers) == 2 and postmaster

    clock, calls = Clock(), []
    threads = [threading.Thread(target=reader, args=(who, pages, clock, calls)) for who, pages in reads]
    threads += [threading.Thread(target=profile_writer, args=(browser(citizen), citizen.district_id, clock, calls))
                for citizen in profile_citizens]  # fmt: skip
    threads.append(threading.Thread(target=complaint_filer, args=([browser(citizen) for citizen in filers], clock,
                                                                   calls)))  # fmt: skip
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE_SECONDS)
        clock.down_at = clock.now()
        postgres.stop_server(mode="fast")
        time.sleep(DOWN_SECONDS)
        postgres.start_server()
        clock.up_at = clock.now()
        time.sleep(AFTER_SECONDS)
    finally:
        clock.stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_BOUND + 60)
    assert not any(thread.is_alive() for thread in threads), "a load thread never finished"
    assert postgres.postmaster_pid() not in (None, postmaster)  # PostgreSQL did restart

    calls.sort(key=lambda call: call.started)
    summary = f"PostgreSQL down {clock.down_at:.1f}-{clock.up_at:.1f}s; calls:\n" + "\n".join(map(str, calls))
    success = {
        "read": lambda call: call.status == 200,
        "profile": lambda call: call.status == 302 and call.location == me,
        "complaint": lambda call: call.status in (302, 303) and call.location.startswith("/complaints/")
        and call.location.endswith("/filed/"),
    }

    # Every answer is what was asked for or "try again": no 500, no broken or hung request.
    unclear = [str(call) for call in calls if not success[call.kind](call) and not call.try_again()]
    assert unclear == [], "neither a success nor the try-again page:\n" + "\n".join(unclear) + "\n" + summary
    slow = [str(call) for call in calls if call.finished - call.started > REQUEST_BOUND]
    assert slow == [], "requests that waited too long:\n" + "\n".join(slow)

    # The outage was felt: requests sent while PostgreSQL was down got the try-again page.
    during = [call for call in calls if clock.down_at < call.started < clock.up_at]
    assert any(call.try_again() for call in during), summary
    assert {call.kind for call in during} >= {"read", "profile"}, summary

    # Back within seconds, and for good: every request sent after that succeeded.
    recovered_at = clock.up_at + RECOVERY_SECONDS
    late = [str(call) for call in calls if call.started > recovered_at and not success[call.kind](call)]
    assert late == [], "failures after the recovery:\n" + "\n".join(late)
    after = [call for call in calls if call.started > recovered_at]
    assert {call.kind for call in after} == {"read", "profile", "complaint"}, summary
    first_success = min(call.finished for call in calls if call.started > clock.up_at and success[call.kind](call))
    print(f"PostgreSQL down {clock.down_at:.1f}-{clock.up_at:.1f}s; first success after it at {first_success:.1f}s; "
          f"{len(calls)} calls, {sum(call.try_again() for call in calls)} answered try-again")  # fmt: skip

    # A form saved is saved; a form answered "try again" saved nothing.
    with psycopg.connect(postgres.url("portal"), autocommit=True) as database:
        filed = {title for (title,) in database.execute(
            f'SELECT title FROM "{Complaint._meta.db_table}" WHERE citizen_id = ANY(%s)', [[c.pk for c in filers]])}  # noqa: S608 -- a model's table name
        born = dict(database.execute(
            f'SELECT id, birth_date FROM "{Citizen._meta.db_table}" WHERE id = ANY(%s)', [[c.pk for c in profile_citizens]]))  # noqa: S608
    complaints = [call for call in calls if call.kind == "complaint"]
    assert filed == {call.target for call in complaints if success["complaint"](call)}, summary
    for citizen in profile_citizens:
        saves = [call for call in calls if call.kind == "profile" and call.citizen_id == citizen.pk]
        last_saved = [call for call in saves if success["profile"](call)][-1]
        # The latest save that answered success is what the database holds: no later attempt
        # answered "try again" after it had committed.
        assert born[citizen.pk].isoformat() == last_saved.target, summary

    # The same web process throughout: master and workers never restarted.
    assert site.process.poll() is None and site.pid == master
    assert process_children(master) == web_workers



def test_a_session_the_database_cannot_save_keeps_the_views_answer(monkeypatch, caplog):
    """What a complaint filed just before PostgreSQL stopped met: its transaction committed, then
    the session's save after the view found no database."""
    from django.contrib.sessions.models import Session

    from seoul_portal.sessions import SessionStore

    store = SessionStore()
    store["filed"] = [1]
    store.create()

    def no_database(self, *args, **kwargs):
        raise OperationalError("couldn't get a connection after 10.00 sec")

    monkeypatch.setattr(Session, "save", no_database)
    store["filed"] = [1, 2]
    with caplog.at_level("WARNING", logger="seoul_portal.sessions"):
        store.save()  # no UpdateError: SessionMiddleware answers what the view answered
    assert "Session not saved to the database (OperationalError)" in caplog.text
    assert SessionStore(store.session_key)["filed"] == [1, 2]  # the next request reads it from the cache
    monkeypatch.undo()
    assert SessionStore().decode(Session.objects.get(pk=store.session_key).session_data) == {"filed": [1]}


def test_a_session_deleted_meanwhile_still_fails_as_django_decides():
    from django.contrib.sessions.models import Session

    from seoul_portal.sessions import SessionStore

    store = SessionStore()
    store["filed"] = [1]
    store.create()
    Session.objects.filter(pk=store.session_key).delete()  # signed out in another tab
    store["filed"] = [1, 2]
    with pytest.raises(UpdateError):
        store.save()


def test_the_pool_checks_its_connections_and_keeps_reconnecting(settings):
    database = settings.DATABASES["default"]
    # Each connection is tested as it leaves the pool (a dead one is replaced, not handed out).
    assert database["CONN_HEALTH_CHECKS"] is True and database["CONN_MAX_AGE"] == 0
    pool = database["OPTIONS"]["pool"]
    # A request waits this long for a connection, then answers 503 "try again" (not hung)...
    assert 0 < pool["timeout"] <= 10
    # ... and the pool's reconnection never sleeps for long once PostgreSQL is back.
    assert 0 < pool["reconnect_timeout"] <= 30
