"""One per person, through the running site: 200 requests released together by a barrier, served
by gunicorn's threads sharing each process's connection pool (2 processes x 16 threads, 8 pooled
connections each: the burst queues on the pool, well under PostgreSQL's 100 connections).

- the same citizen 200 times (a double-click storm, several tabs): exactly one row, the other
  199 refused with a clear answer, never a 500;
- 200 different citizens at once: every counter (a proposal's supports, a poll's turnout and
  tally, a budget project's votes) equals the rows it counts.

The channels' own race tests call the services from threads; these go through everything a
browser's request does (middleware, sessions, the views' fast paths such as the cached poll).
"""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from audit.models import LedgerEntry
from budgeting.models import BudgetBallot, BudgetParticipation, Project
from budgeting.recount import cycle_count_problems
from complaints.models import Satisfaction
from proposals.models import Proposal, Support
from voting.models import Ballot, Participation
from voting.recount import poll_count_problems
from voting.tallies import tally_sums

from . import builders
from .site_server import SITE_APPLICATION_NAME

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ATTEMPTS = 200
WORKERS, THREADS = 2, 16
POOL_PER_PROCESS = THREADS // 2  # SiteServer's DATABASE_POOL_MAX
HTMX = {"HX-Request": "true", "HX-Target": "support"}


class ConnectionWatch:
    """The most connections the site held to the test database while the burst ran (a thread of
    its own, polling pg_stat_activity), so that the test shows the burst queued on the pools."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def _watch(self):
        try:
            with connection.cursor() as cursor:
                while not self._stop.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name = %s",
                        [SITE_APPLICATION_NAME],
                    )
                    self.peak = max(self.peak, cursor.fetchone()[0])
                    time.sleep(0.02)
        finally:
            connection.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)


def burst(requests_to_send):
    """Send every request in its own thread, released together; [(status, body) or the error]."""
    barrier = threading.Barrier(len(requests_to_send))
    answers = [None] * len(requests_to_send)

    def send(index, call):
        try:
            barrier.wait(timeout=60)
            response = call()
            answers[index] = (response.status_code, response.text)
        except Exception as error:  # noqa: BLE001 -- surfaced by the assertions on the answers
            answers[index] = (type(error).__name__, str(error))

    threads = [threading.Thread(target=send, args=(index, call)) for index, call in enumerate(requests_to_send)]
    with ConnectionWatch() as watch:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "some requests never finished"
    # The site's processes never held more connections than their pools: the burst queued on them.
    assert 0 < watch.peak <= WORKERS * POOL_PER_PROCESS, f"the site held {watch.peak} connections"
    return answers


def statuses(answers) -> Counter:
    return Counter(status for status, _body in answers)


def korean(message) -> str:
    with translation.override("ko"):
        return gettext(message)


@pytest.fixture
def busy_site(site):
    assert (site.workers, site.threads) == (WORKERS, THREADS)
    return site


def test_200_attempts_by_one_citizen_give_exactly_one_row_each(busy_site, browsers):
    author, citizen = builders.participant(), builders.participant()
    proposal = builders.published_proposal(author, builders.proposal_category())
    poll = builders.open_poll()
    cycle = builders.vote_cycle()
    builders.declare(citizen, cycle)
    picks = [str(pk) for pk in builders.ballot_picks(cycle, citizen)]
    complaint = builders.answered_complaint(citizen, builders.complaint_category())
    (browser,) = browsers([citizen])

    # Supporting: with htmx the answer is the support box, saying which request counted.
    answers = burst([lambda: browser.post(f"/proposals/{proposal.pk}/support/", headers=HTMX)] * ATTEMPTS)
    assert statuses(answers) == {200: ATTEMPTS}
    thanked = [body for _status, body in answers if korean("You have already supported this proposal.") not in body]
    assert len(thanked) == 1
    assert Support.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).support_count == 1
    assert LedgerEntry.objects.filter(scope=proposal.ledger_scope, kind="support").count() == 1

    # M-Voting: one receipt (303), 199 "already voted" (409).
    answers = burst([lambda: browser.post(f"/votes/{poll.pk}/vote/", {"choices": "1"})] * ATTEMPTS)
    assert statuses(answers) == {303: 1, 409: ATTEMPTS - 1}
    assert all(
        korean("You have already voted in this poll. A vote cannot be changed.") in body
        for status, body in answers
        if status == 409
    )
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == 1
    assert tally_sums(poll.pk).get((0, "", ""), 0) == 1
    assert poll_count_problems(poll.ledger_scope) == []

    # Participatory budgeting: one ballot.
    answers = burst([lambda: browser.post(f"/budgeting/{cycle.pk}/vote/", {"projects": picks})] * ATTEMPTS)
    assert statuses(answers) == {303: 1, 409: ATTEMPTS - 1}
    assert (
        BudgetParticipation.objects.filter(cycle=cycle).count() == BudgetBallot.objects.filter(cycle=cycle).count() == 1
    )
    assert sorted(Project.objects.filter(votes__gt=0).values_list("pk", "votes")) == sorted(
        (int(pk), 1) for pk in picks
    )
    assert cycle_count_problems(cycle.ledger_scope) == []

    # The complaint's satisfaction: one rating of the answer; the others are refused (4xx).
    path = f"/complaints/{complaint.tracking_number}/rate/"
    answers = burst([lambda: browser.post(path, {"rating": "4", "comment": ""})] * ATTEMPTS)
    counts = statuses(answers)
    assert counts[303] == 1 and sum(counts.values()) == ATTEMPTS
    assert set(counts) <= {303, 403, 409}, counts
    assert Satisfaction.objects.filter(complaint=complaint).count() == 1


def test_200_citizens_at_once_keep_every_counter_equal_to_its_rows(busy_site, browsers):
    author = builders.participant()
    proposal = builders.published_proposal(author, builders.proposal_category())
    poll = builders.open_poll()
    cycle = builders.vote_cycle()
    citizens = builders.participants(ATTEMPTS)
    for citizen in citizens:
        builders.declare(citizen, cycle)
    people = browsers(citizens)

    answers = burst([lambda b=b: b.post(f"/proposals/{proposal.pk}/support/", headers=HTMX) for b in people])
    assert statuses(answers) == {200: ATTEMPTS}
    assert not [body for _status, body in answers if korean("You have already supported this proposal.") in body]
    proposal.refresh_from_db()
    assert proposal.support_count == Support.objects.filter(proposal=proposal).count() == ATTEMPTS
    assert Support.objects.filter(proposal=proposal).values("citizen").distinct().count() == ATTEMPTS
    assert LedgerEntry.objects.filter(scope=proposal.ledger_scope, kind="support").count() == ATTEMPTS

    # Options 1-3 in turn: the tally by option must add up to the turnout.
    answers = burst(
        [lambda b=b, n=n: b.post(f"/votes/{poll.pk}/vote/", {"choices": str(n % 3 + 1)}) for n, b in enumerate(people)]
    )
    assert statuses(answers) == {303: ATTEMPTS}
    assert Participation.objects.filter(poll=poll).count() == Ballot.objects.filter(poll=poll).count() == ATTEMPTS
    tally = tally_sums(poll.pk)
    assert tally.get((0, "", ""), 0) == ATTEMPTS
    chosen = Counter(n % 3 + 1 for n in range(ATTEMPTS))
    assert {position: tally.get((position, "", ""), 0) for position in (1, 2, 3)} == dict(chosen)
    assert LedgerEntry.objects.filter(scope=poll.ledger_scope, kind="ballot").count() == ATTEMPTS
    assert poll_count_problems(poll.ledger_scope) == []

    picks = {citizen.pk: [str(pk) for pk in builders.ballot_picks(cycle, citizen)] for citizen in citizens}
    answers = burst(
        [lambda b=b: b.post(f"/budgeting/{cycle.pk}/vote/", {"projects": picks[b.citizen_id]}) for b in people]
    )
    assert statuses(answers) == {303: ATTEMPTS}
    assert BudgetBallot.objects.filter(cycle=cycle).count() == ATTEMPTS
    assert BudgetParticipation.objects.filter(cycle=cycle).values("citizen").distinct().count() == ATTEMPTS
    expected = Counter(int(pk) for chosen_ids in picks.values() for pk in chosen_ids)
    votes = Counter(
        {pk: count for pk, count in Project.objects.filter(cycle=cycle).values_list("pk", "votes") if count}
    )
    assert votes == expected
    assert cycle_count_problems(cycle.ledger_scope) == []
