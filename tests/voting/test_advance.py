"""The operators' `manage.py voting_advance` and its Celery beat task: polls open and close on
time, and running either twice changes nothing more."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from audit.models import AuditEvent
from seoul_portal.celery import app
from voting.errors import VotingError
from voting.models import Poll
from voting.services import ballot_cast
from voting.tasks import advance_polls

pytestmark = pytest.mark.django_db
Status = Poll.Status


def advance():
    out = io.StringIO()
    call_command("voting_advance", stdout=out)
    return out.getvalue()


@pytest.fixture
def polls(make_poll, now):
    """One poll due to open in an hour, one due to close in two, one opening tomorrow."""
    return {
        "opens": make_poll(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=2)),
        "closes": make_poll(closes_at=now + timedelta(hours=2)),
        "later": make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=3)),
    }


def statuses(polls):
    return {name: Poll.objects.get(pk=poll.pk).status for name, poll in polls.items()}


def test_the_command_opens_and_closes_what_is_due_and_says_so(polls, now):
    with freeze_time(now + timedelta(minutes=30)):
        assert advance() == "Polls opened: 0\nPolls closed: 0\nBallots mixed: 0\n"
    with freeze_time(now + timedelta(hours=3)):
        assert advance() == "Polls opened: 1\nPolls closed: 1\nBallots mixed: 0\n"
        # Twice: nothing more to do.
        assert advance() == "Polls opened: 0\nPolls closed: 0\nBallots mixed: 0\n"
    assert statuses(polls) == {"opens": Status.OPEN, "closes": Status.CLOSED, "later": Status.SCHEDULED}
    for name, action in (("opens", "poll.open"), ("closes", "poll.close")):
        assert AuditEvent.objects.filter(action=action, target_id=str(polls[name].pk)).count() == 1


def test_the_beat_task_does_the_same_and_is_safe_to_run_twice(polls, now):
    with freeze_time(now + timedelta(hours=3)):
        assert advance_polls.delay().get() == 2
        assert advance_polls() == 0
    assert statuses(polls) == {"opens": Status.OPEN, "closes": Status.CLOSED, "later": Status.SCHEDULED}


def test_the_task_and_the_command_together_move_each_poll_once(polls, now):
    with freeze_time(now + timedelta(days=1, hours=1)):
        advance_polls()
        assert advance() == "Polls opened: 0\nPolls closed: 0\nBallots mixed: 0\n"
    assert statuses(polls) == {"opens": Status.OPEN, "closes": Status.CLOSED, "later": Status.OPEN}
    assert AuditEvent.objects.filter(action="poll.open").count() == 2


def test_a_poll_opened_by_the_job_takes_ballots_and_a_closed_one_does_not(polls, voter, now):
    with freeze_time(now + timedelta(hours=3)):
        advance()
        opened = Poll.objects.get(pk=polls["opens"].pk)
        ballot_cast(citizen=voter, poll=opened, choices=["1"])
        closed = Poll.objects.get(pk=polls["closes"].pk)
        with pytest.raises(VotingError) as caught:
            ballot_cast(citizen=voter, poll=closed, choices=["1"])
    assert caught.value.code == "closed"


def test_the_task_runs_every_minute_from_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["voting-advance"]
    assert entry["task"] == "voting.tasks.advance_polls" == advance_polls.name
    assert entry["schedule"] == 60.0
    assert "voting.tasks.advance_polls" in app.tasks
