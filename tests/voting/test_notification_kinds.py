"""The notices to a poll's proposer: registered, in Korean and English, on both channels; written
to the outbox by the screening and by the close (scheduled or early)."""

from datetime import timedelta

import pytest

from notifications.kinds import get_kind
from notifications.models import Notification
from voting.notifications import KIND_LABELS
from voting.services import poll_approve, poll_close, poll_close_early, poll_create, poll_reject

pytestmark = pytest.mark.django_db

CONTEXT = {"poll_id": 7, "title": "우리 동네 축제 메뉴", "reason": "특정 업체 광고입니다.", "opens_at": None}


@pytest.mark.parametrize("key", sorted(KIND_LABELS))
def test_each_kind_speaks_korean_and_english_on_both_channels(key, now):
    kind = get_kind(key)
    assert set(kind.channels) == {"sms", "email"}
    for language in ("ko", "en"):
        for channel in kind.channels:
            subject, body = kind.render(channel, {**CONTEXT, "opens_at": now}, language=language)
            assert "우리 동네 축제 메뉴" in body and "<" not in body
            if channel == "email":
                assert "우리 동네 축제 메뉴" in subject
    _subject, body = kind.render("sms", {**CONTEXT, "opens_at": now}, language="en")
    assert ("특정 업체 광고입니다." in body) is (key == "poll_rejected")


@pytest.fixture
def proposed(make_citizen, now):
    proposer = make_citizen()

    def make(**times):
        poll = poll_create(
            actor=proposer, kind="citizen", title="우리 동네 축제 메뉴", options=[{"label": "떡볶이"}, {"label": "순대"}],
            opens_at=times.get("opens_at", now - timedelta(hours=1)),
            closes_at=times.get("closes_at", now + timedelta(days=3)), now=now - timedelta(days=1),
        )
        return poll

    return proposer, make


def test_screening_writes_the_proposers_notice(proposed, official, now):
    proposer, make = proposed
    poll_approve(actor=official, poll=make(), now=now)
    poll_reject(actor=official, poll=make(), reason="특정 업체 광고입니다.", now=now)
    assert sorted(Notification.objects.filter(citizen=proposer).values_list("kind", flat=True)) == [
        "poll_approved", "poll_rejected",
    ]
    rejected = Notification.objects.get(citizen=proposer, kind="poll_rejected")
    assert "특정 업체 광고입니다." in rejected.body


def test_closing_tells_the_proposer_once(proposed, official, now):
    proposer, make = proposed
    scheduled = poll_approve(actor=official, poll=make(closes_at=now + timedelta(hours=2)), now=now)
    assert poll_close(poll=scheduled, now=now + timedelta(hours=3))
    assert not poll_close(poll=scheduled, now=now + timedelta(hours=4))  # a second run does nothing
    early = poll_approve(actor=official, poll=make(), now=now)
    poll_close_early(actor=official, poll=early, reason="행사 취소", now=now)
    notices = Notification.objects.filter(citizen=proposer, kind="poll_results")
    assert notices.count() == 2
    assert set(notices.values_list("key", flat=True)) == {f"voting:results:{scheduled.pk}", f"voting:results:{early.pk}"}


def test_a_policy_vote_has_no_proposer_to_tell(make_poll, official, now):
    poll = make_poll()
    poll_close_early(actor=official, poll=poll, reason="계획 변경", now=now)
    assert not Notification.objects.filter(kind="poll_results").exists()
