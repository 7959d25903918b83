"""A poll's life through the services: each legal move, each illegal one refused with nothing
written, reasons required where the public or the proposer is owed one, the audit trail and the
proposer's notifications in the outbox."""

from datetime import timedelta

import pytest
from django.utils import translation

from audit.models import AuditEvent
from notifications.models import Notification
from voting.errors import VotingError
from voting.models import PolicyReflection, Poll, PollOption, PollReport
from voting.services import (
    poll_approve,
    poll_close,
    poll_close_early,
    poll_create,
    poll_hide,
    poll_open,
    poll_publish,
    poll_reject,
    poll_report,
    poll_unhide,
    polls_advance,
    reflection_record,
    report_resolve,
)
from voting.services.polls import ROOM_CODE_ALPHABET

pytestmark = pytest.mark.django_db
Status = Poll.Status
OPTIONS = [{"label": "찬성"}, {"label": "반대"}]


def written():
    return (
        Poll.objects.count(), PollOption.objects.count(), PollReport.objects.count(),
        PolicyReflection.objects.count(), AuditEvent.objects.count(), Notification.objects.count(),
    )


def refused(call, **kwargs) -> VotingError:
    """Call a service, expect a VotingError, check nothing was written; the error's message in English."""
    before = written()
    with translation.override("en"):
        with pytest.raises(VotingError) as caught:
            call(**kwargs)
        caught.value.text = str(caught.value.message)
    assert written() == before, "a refused move wrote something"
    return caught.value


def audit_actions(poll):
    return list(
        AuditEvent.objects.filter(target_type="voting.poll", target_id=str(poll.pk))
        .order_by("occurred_at", "id")
        .values_list("action", "actor_id")
    )


@pytest.fixture
def proposer(make_citizen):
    return make_citizen()


@pytest.fixture
def proposed(proposer, now):
    """A citizen's poll awaiting screening, opening tomorrow."""
    return poll_create(
        actor=proposer, kind="citizen", title="우리 동네 벼룩시장 요일", options=[{"label": "토요일"}, {"label": "일요일"}],
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8), now=now,
    )


@pytest.fixture
def draft(official, unit, now):
    return poll_create(
        actor=official, kind="policy", title="따릉이 대여소 확대", options=OPTIONS, org_unit=unit,
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8), now=now,
    )


# --- Creating ------------------------------------------------------------------------------------------


def test_an_officials_policy_vote_starts_as_a_draft(draft, official):
    assert draft.status == Status.DRAFT and draft.kind == "policy"
    assert draft.created_by == official and draft.proposer is None
    assert list(draft.options.values_list("position", "label")) == [(1, "찬성"), (2, "반대")]
    assert audit_actions(draft) == [("poll.create", official.pk)]


def test_a_citizens_vote_waits_for_screening(proposed, proposer):
    assert proposed.status == Status.PENDING_REVIEW and proposed.proposer == proposer
    assert audit_actions(proposed) == [("poll.create", proposer.pk)]


def test_a_single_choice_poll_allows_one_pick_whatever_was_asked(official, now):
    poll = poll_create(
        actor=official, kind="policy", title="t", options=OPTIONS, max_choices=5,
        opens_at=now, closes_at=now + timedelta(days=1), now=now,
    )
    assert poll.max_choices == 1


def test_blank_options_are_dropped_and_text_is_trimmed(official, now):
    poll = poll_create(
        actor=official, kind="policy", title="  제목  ", options=[{"label": " 가 "}, {"label": ""}, {"label": "나"}],
        opens_at=now, closes_at=now + timedelta(days=1), now=now,
    )
    assert poll.title == "제목"
    assert list(poll.options.values_list("position", "label")) == [(1, "가"), (2, "나")]


def test_access_secrets_are_made_for_rooms_and_events_only(make_poll, now):
    room = make_poll(access="room")
    assert len(room.room_code) == 8 and set(room.room_code) <= set(ROOM_CODE_ALPHABET)
    onsite = make_poll(access="onsite", event_starts_at=now, event_ends_at=now + timedelta(hours=1))
    assert onsite.onsite_token and len(onsite.onsite_token) >= 40 and onsite.room_code is None
    public = make_poll()
    assert public.room_code is None and public.onsite_token is None


def _create_args(official, now, **changes):
    args = {
        "actor": official, "kind": "policy", "title": "제목", "options": OPTIONS, "question_type": "single",
        "opens_at": now, "closes_at": now + timedelta(days=1), "now": now,
    }
    args.update(changes)
    return args


CREATE_ERRORS = [
    ("unknown-kind", {"kind": "referendum"}, "kind", "Unknown kind of poll."),
    ("blank-title", {"title": "   "}, "title", "Give the poll a title."),
    ("long-title", {"title": "가" * 121}, "title", "The title is too long."),
    ("unknown-question", {"question_type": "approval"}, "question_type", "Unknown question type."),
    ("one-option", {"options": [{"label": "가"}]}, "options", "A poll has between 2 and 10 options."),
    ("blank-options", {"options": [{"label": "가"}, {"label": " "}]}, "options", "A poll has between 2 and 10 options."),
    ("eleven-options", {"options": [{"label": str(i)} for i in range(11)]}, "options",
     "A poll has between 2 and 10 options."),
    ("same-options", {"options": [{"label": "가"}, {"label": " 가"}]}, "options", "Two options have the same text."),
    ("long-option", {"options": [{"label": "가" * 121}, {"label": "나"}]}, "options", "An option is too long."),
    ("no-picks", {"question_type": "multiple", "max_choices": 0}, "max_choices",
     "The maximum number of picks must be between 1 and the number of options."),
    ("more-picks-than-options", {"question_type": "ranked", "max_choices": 3}, "max_choices",
     "The maximum number of picks must be between 1 and the number of options."),
    ("no-schedule", {"opens_at": None}, "opens_at", "Set when the poll opens and closes."),
    ("closes-before-opening", {"closes_at": "opens"}, "closes_at", "The poll must close after it opens."),
    ("closes-in-the-past", {"opens_at": "past", "closes_at": "past+1"}, "closes_at",
     "The closing time has already passed."),
    ("ages-inverted", {"audience_min_age": 40, "audience_max_age": 30}, "audience_min_age",
     "The minimum age is above the maximum age."),
    ("unknown-access", {"access": "secret"}, "access", "Unknown kind of access."),
    ("onsite-without-event", {"access": "onsite"}, "event_starts_at",
     "Set the event's start and end for an on-site poll."),
    ("event-ends-first", {"access": "onsite", "event_starts_at": "now", "event_ends_at": "now"}, "event_ends_at",
     "The event must end after it starts."),
]


@pytest.mark.parametrize(("changes", "field", "text"), [c[1:] for c in CREATE_ERRORS], ids=[c[0] for c in CREATE_ERRORS])
def test_bad_poll_fields_are_refused_naming_the_field(official, now, changes, field, text):
    times = {"opens": now, "now": now, "past": now - timedelta(days=2), "past+1": now - timedelta(days=1)}
    changes = {key: times.get(value, value) if isinstance(value, str) and key.endswith("_at") else value
               for key, value in changes.items()}
    error = refused(poll_create, **_create_args(official, now, **changes))
    assert (error.field, error.text) == (field, text)


def test_only_officials_create_policy_votes(make_citizen, now):
    error = refused(poll_create, **_create_args(make_citizen(), now))
    assert error.text == "Only the city's officials create policy votes."


def test_only_verified_citizens_propose(make_citizen, now):
    error = refused(poll_create, **_create_args(make_citizen(verified=False), now, kind="citizen"))
    assert error.text == "Verify your mobile phone before proposing a poll."


# --- Publishing a policy vote -------------------------------------------------------------------------------


def test_publishing_a_draft_schedules_it(draft, official, now):
    poll = poll_publish(actor=official, poll=draft, now=now)
    assert poll.status == Status.SCHEDULED and poll.opened_at is None
    assert audit_actions(poll)[-1] == ("poll.publish", official.pk)


def test_publishing_a_draft_whose_time_has_come_opens_it(draft, official, now):
    poll = poll_publish(actor=official, poll=draft, now=draft.opens_at + timedelta(minutes=5))
    assert poll.status == Status.OPEN and poll.opened_at == draft.opens_at + timedelta(minutes=5)


def test_publishing_twice_is_refused(draft, official, now):
    poll_publish(actor=official, poll=draft, now=now)
    assert refused(poll_publish, actor=official, poll=draft, now=now).text == "Only a draft can be published."


def test_publishing_after_the_closing_time_is_refused(draft, official):
    error = refused(poll_publish, actor=official, poll=draft, now=draft.closes_at)
    assert (error.field, error.text) == ("closes_at", "The closing time has already passed.")


def test_a_citizens_poll_is_screened_not_published(proposed, official, now):
    assert refused(poll_publish, actor=official, poll=proposed, now=now).text == "Only a draft can be published."


# --- Screening a citizen's vote -----------------------------------------------------------------------------


def test_approval_schedules_the_poll_and_tells_the_proposer(proposed, proposer, official, now):
    poll = poll_approve(actor=official, poll=proposed, now=now)

    assert poll.status == Status.SCHEDULED
    assert (poll.reviewed_by, poll.reviewed_at) == (official, now)
    assert audit_actions(poll)[-1] == ("poll.approve", official.pk)
    notice = Notification.objects.get(kind="poll_approved")
    assert notice.citizen == proposer and notice.channel == "sms"
    assert proposed.title in notice.body


def test_approval_after_the_opening_time_opens_at_once(proposed, official):
    poll = poll_approve(actor=official, poll=proposed, now=proposed.opens_at + timedelta(hours=1))
    assert poll.status == Status.OPEN and poll.opened_at == proposed.opens_at + timedelta(hours=1)


def test_approval_after_the_closing_time_is_refused(proposed, official):
    error = refused(poll_approve, actor=official, poll=proposed, now=proposed.closes_at)
    assert error.text == "The poll's closing time has passed: it can only be rejected."


def test_approving_twice_or_approving_a_draft_is_refused(proposed, draft, official, now):
    poll_approve(actor=official, poll=proposed, now=now)
    assert refused(poll_approve, actor=official, poll=proposed, now=now).text == (
        "Only a poll awaiting screening can be approved."
    )
    assert refused(poll_approve, actor=official, poll=draft, now=now).code == "invalid"


def test_rejection_needs_a_reason(proposed, official, now):
    for reason in ("", "   ", None):
        error = refused(poll_reject, actor=official, poll=proposed, reason=reason, now=now)
        assert (error.field, error.text) == ("reason", "Give a reason.")
    assert Poll.objects.get(pk=proposed.pk).status == Status.PENDING_REVIEW


def test_rejection_records_the_reason_and_sends_it_to_the_proposer(proposed, proposer, official, now):
    poll = poll_reject(actor=official, poll=proposed, reason="  특정 업체 광고로 보입니다.  ", now=now)

    assert poll.status == Status.REJECTED and poll.rejection_reason == "특정 업체 광고로 보입니다."
    assert (poll.reviewed_by, poll.reviewed_at) == (official, now)
    assert audit_actions(poll)[-1] == ("poll.reject", official.pk)
    notice = Notification.objects.get(kind="poll_rejected")
    assert notice.citizen == proposer and "특정 업체 광고로 보입니다." in notice.body


def test_a_rejected_poll_cannot_be_approved_or_rejected_again(proposed, official, now):
    poll_reject(actor=official, poll=proposed, reason="중복 제안", now=now)
    assert "awaiting screening" in refused(poll_approve, actor=official, poll=proposed, now=now).text
    assert "awaiting screening" in refused(poll_reject, actor=official, poll=proposed, reason="x", now=now).text


def test_a_deactivated_proposer_is_not_notified(proposed, proposer, official, now):
    proposer.is_active = False
    proposer.save(update_fields=["is_active"])
    poll_approve(actor=official, poll=proposed, now=now)
    assert not Notification.objects.filter(kind="poll_approved").exists()


def test_the_screening_notice_is_written_once(proposed, official, now):
    poll_approve(actor=official, poll=proposed, now=now)
    assert Notification.objects.filter(kind="poll_approved").count() == 1


# --- Opening and closing on schedule -------------------------------------------------------------------------


@pytest.fixture
def scheduled(draft, official, now):
    return poll_publish(actor=official, poll=draft, now=now)


def test_opening_waits_for_the_time_and_happens_once(scheduled):
    assert poll_open(poll=scheduled, now=scheduled.opens_at - timedelta(seconds=1)) is False
    assert poll_open(poll=scheduled, now=scheduled.opens_at) is True
    assert poll_open(poll=scheduled, now=scheduled.opens_at + timedelta(minutes=1)) is False
    poll = Poll.objects.get(pk=scheduled.pk)
    assert poll.status == Status.OPEN and poll.opened_at == scheduled.opens_at
    event = AuditEvent.objects.filter(action="poll.open", target_id=str(poll.pk)).get()
    assert event.actor_kind == AuditEvent.ActorKind.SYSTEM and event.actor_id is None


def test_closing_waits_for_the_time_and_records_the_closing_time(scheduled):
    poll_open(poll=scheduled, now=scheduled.opens_at)
    assert poll_close(poll=scheduled, now=scheduled.closes_at - timedelta(seconds=1)) is False
    assert poll_close(poll=scheduled, now=scheduled.closes_at + timedelta(minutes=3)) is True
    assert poll_close(poll=scheduled, now=scheduled.closes_at + timedelta(minutes=4)) is False
    poll = Poll.objects.get(pk=scheduled.pk)
    # Ballots stopped at the closing time, whenever the job ran.
    assert poll.status == Status.CLOSED and poll.closed_at == scheduled.closes_at
    assert poll.close_reason == ""


def test_a_scheduled_poll_is_not_closed_by_poll_close(scheduled):
    assert poll_close(poll=scheduled, now=scheduled.closes_at) is False


def test_advancing_opens_and_closes_what_is_due_and_is_safe_to_repeat(make_poll, now):
    due_to_open = make_poll(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=2))
    due_to_close = make_poll(closes_at=now + timedelta(hours=2))
    not_due = make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    later = now + timedelta(hours=3)

    assert polls_advance(now=later) == {"opened": 1, "closed": 1}
    assert polls_advance(now=later) == {"opened": 0, "closed": 0}
    statuses = dict(Poll.objects.values_list("pk", "status"))
    assert statuses == {due_to_open.pk: Status.OPEN, due_to_close.pk: Status.CLOSED, not_due.pk: Status.SCHEDULED}


def test_a_poll_whose_whole_window_passed_unattended_ends_closed_and_never_open_after_closing(make_poll, now):
    """The job did not run during the poll's window (an outage): it opens and closes in one run,
    and the record does not claim it opened after it closed."""
    poll = make_poll(opens_at=now + timedelta(hours=1), closes_at=now + timedelta(hours=2))
    assert polls_advance(now=now + timedelta(hours=5)) == {"opened": 1, "closed": 1}
    poll.refresh_from_db()
    assert poll.status == Status.CLOSED
    assert poll.opened_at <= poll.closed_at == poll.closes_at


# --- Closing early ---------------------------------------------------------------------------------------------


def test_closing_early_needs_a_reason(open_poll, official):
    error = refused(poll_close_early, actor=official, poll=open_poll, reason=" ")
    assert (error.field, error.text) == ("reason", "Give a reason.")


def test_closing_early_records_the_reason_and_the_time(open_poll, official, now):
    at = now + timedelta(hours=1)
    poll = poll_close_early(actor=official, poll=open_poll, reason="선거법 저촉 우려", now=at)
    assert (poll.status, poll.closed_at, poll.close_reason) == (Status.CLOSED, at, "선거법 저촉 우려")
    assert audit_actions(poll)[-1] == ("poll.close_early", official.pk)


def test_an_upcoming_poll_can_be_called_off(scheduled, official, now):
    poll = poll_close_early(actor=official, poll=scheduled, reason="사업 취소", now=now)
    assert poll.status == Status.CLOSED and poll.opened_at == poll.closed_at == now


def test_closing_early_a_closed_draft_or_pending_poll_is_refused(open_poll, draft, proposed, official):
    poll_close_early(actor=official, poll=open_poll, reason="일정 변경")
    for poll in (open_poll, draft, proposed):
        error = refused(poll_close_early, actor=official, poll=poll, reason="다시")
        assert error.text == "Only an open or upcoming poll can be closed early."


# --- Hiding and reports ------------------------------------------------------------------------------------------


def test_hiding_needs_a_reason_and_unhiding_restores(open_poll, official, now):
    assert refused(poll_hide, actor=official, poll=open_poll, reason="").text == "Give a reason."
    poll = poll_hide(actor=official, poll=open_poll, reason="욕설", now=now)
    assert (poll.hidden_at, poll.hidden_reason) == (now, "욕설")
    assert refused(poll_hide, actor=official, poll=open_poll, reason="또").text == "This poll is already hidden."
    poll = poll_unhide(actor=official, poll=open_poll)
    assert (poll.hidden_at, poll.hidden_reason) == (None, "")
    assert refused(poll_unhide, actor=official, poll=open_poll).text == "This poll is not hidden."
    assert [action for action, _ in audit_actions(poll)][-2:] == ["poll.hide", "poll.unhide"]


@pytest.fixture
def citizen_poll(make_poll, proposer):
    return make_poll(kind="citizen", proposer=proposer)


def test_a_citizen_reports_a_citizen_poll_once(citizen_poll, make_citizen, now):
    reporter = make_citizen()
    report = poll_report(citizen=reporter, poll=citizen_poll, category="advertising", detail=" 광고 ", now=now)
    assert (report.category, report.detail, report.reported_at, report.resolution) == ("advertising", "광고", now, "")
    assert AuditEvent.objects.filter(action="poll.report", actor_id=reporter.pk).count() == 1
    error = refused(poll_report, citizen=reporter, poll=citizen_poll, category="obscenity")
    assert error.text == "You have already reported this poll."


REPORT_ERRORS = [
    ("unverified", {"verified": False}, {}, None, "Sign in with a verified phone to report a poll."),
    ("unknown-category", {}, {"category": "spam"}, "category", "Choose why you are reporting this poll."),
    ("long-detail", {}, {"detail": "가" * 1001}, "detail", "The details are too long."),
]


@pytest.mark.parametrize(("citizen", "changes", "field", "text"), [c[1:] for c in REPORT_ERRORS],
                         ids=[c[0] for c in REPORT_ERRORS])
def test_bad_reports_are_refused(citizen_poll, make_citizen, citizen, changes, field, text):
    args = {"citizen": make_citizen(**citizen), "poll": citizen_poll, "category": "advertising", **changes}
    error = refused(poll_report, **args)
    assert (error.field, error.text) == (field, text)


def test_nobody_signed_in_cannot_report(citizen_poll):
    from django.contrib.auth.models import AnonymousUser

    assert "verified phone" in refused(poll_report, citizen=AnonymousUser(), poll=citizen_poll, category="obscenity").text


def test_policy_votes_and_unpublished_polls_cannot_be_reported(open_poll, proposed, make_citizen):
    reporter = make_citizen()
    for poll in (open_poll, proposed):
        error = refused(poll_report, citizen=reporter, poll=poll, category="advertising")
        assert error.text == "Only published citizen polls can be reported."


@pytest.fixture
def report(citizen_poll, make_citizen, now):
    return poll_report(citizen=make_citizen(), poll=citizen_poll, category="groundless_attack", now=now)


def test_resolving_a_report_by_hiding_the_poll(report, citizen_poll, official, now):
    resolved = report_resolve(actor=official, report=report, hide=True, reason="허위 사실", now=now)
    assert (resolved.resolution, resolved.resolved_by, resolved.resolved_at) == ("hidden", official, now)
    poll = Poll.objects.get(pk=citizen_poll.pk)
    assert (poll.hidden_at, poll.hidden_reason) == (now, "허위 사실")
    assert [action for action, _ in audit_actions(poll)][-2:] == ["poll.hide", "poll.report_resolve"]


def test_hiding_through_a_report_needs_a_reason_and_leaves_the_report_open(report, citizen_poll, official):
    assert refused(report_resolve, actor=official, report=report, hide=True, reason="").text == "Give a reason."
    report.refresh_from_db()
    assert report.resolved_at is None and Poll.objects.get(pk=citizen_poll.pk).hidden_at is None


def test_dismissing_a_report_leaves_the_poll_visible(report, citizen_poll, official):
    resolved = report_resolve(actor=official, report=report)
    assert resolved.resolution == "dismissed"
    assert Poll.objects.get(pk=citizen_poll.pk).hidden_at is None
    assert refused(report_resolve, actor=official, report=report).text == "This report has already been handled."


def test_a_second_report_on_a_hidden_poll_resolves_without_hiding_again(report, citizen_poll, official, make_citizen):
    report_resolve(actor=official, report=report, hide=True, reason="허위 사실")
    second = poll_report(citizen=make_citizen(), poll=citizen_poll, category="advertising")
    assert report_resolve(actor=official, report=second, hide=True).resolution == "hidden"
    assert AuditEvent.objects.filter(action="poll.hide", target_id=str(citizen_poll.pk)).count() == 1


# --- Results into policy ------------------------------------------------------------------------------------


def test_only_a_closed_polls_result_is_reflected(open_poll, official):
    error = refused(reflection_record, actor=official, poll=open_poll, outcome="reflected", note="반영")
    assert error.text == "Only a closed poll's result can be reflected in policy."


def test_a_reflection_needs_a_note_and_a_known_outcome(open_poll, official):
    poll_close_early(actor=official, poll=open_poll, reason="조기 종료")
    error = refused(reflection_record, actor=official, poll=open_poll, outcome="reflected", note=" ")
    assert (error.field, error.text) == ("note", "Give a reason.")
    error = refused(reflection_record, actor=official, poll=open_poll, outcome="maybe", note="검토")
    assert (error.field, error.text) == ("outcome", "Choose how the result was reflected.")


def test_a_reflection_is_recorded_and_can_be_corrected(open_poll, official, now):
    poll_close_early(actor=official, poll=open_poll, reason="조기 종료")
    reflection_record(actor=official, poll=open_poll, outcome="partly", note="일부 반영", now=now)
    corrected = reflection_record(
        actor=official, poll=open_poll, outcome="reflected", note="전면 반영", link="https://news.seoul.go.kr/1",
        now=now + timedelta(days=1),
    )
    assert PolicyReflection.objects.count() == 1
    assert (corrected.outcome, corrected.note, corrected.link) == ("reflected", "전면 반영", "https://news.seoul.go.kr/1")
    assert [action for action, _ in audit_actions(open_poll)][-2:] == ["poll.reflect", "poll.reflect"]


# --- The proposer hears when their poll closes ------------------------------------------------------------


def test_the_proposer_is_told_when_their_poll_closes_on_time(citizen_poll, proposer):
    assert poll_close(poll=citizen_poll, now=citizen_poll.closes_at) is True
    assert poll_close(poll=citizen_poll, now=citizen_poll.closes_at) is False
    notice = Notification.objects.get(kind="poll_results")
    assert notice.citizen == proposer and citizen_poll.title in notice.body


def test_the_proposer_is_told_when_their_poll_is_closed_early(citizen_poll, proposer, official):
    poll_close_early(actor=official, poll=citizen_poll, reason="신고 누적")
    assert Notification.objects.filter(kind="poll_results", citizen=proposer).count() == 1


def test_a_policy_vote_closing_notifies_nobody(open_poll):
    poll_close(poll=open_poll, now=open_poll.closes_at)
    assert not Notification.objects.filter(kind="poll_results").exists()
