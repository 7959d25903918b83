"""Milestones: every move, the illegal ones, the overall progress and implemented_at, the audit
events and the notices to the proposer and the followers."""

from datetime import date, timedelta

import pytest

from audit.models import AuditEvent
from notifications.models import Notification
from proposals.errors import ProposalError
from proposals.models import Milestone, Proposal
from proposals.services.implementation import implementation_progress, milestone_add, milestone_update

from .conftest import NOW, TODAY, answer

pytestmark = pytest.mark.django_db

M = Milestone.Status


def add(proposal, actor, title="노선 설계", due_on=date(2026, 9, 1), **kwargs):
    return milestone_add(actor=actor, proposal=proposal, title=title, due_on=due_on, now=NOW, **kwargs)


def update(milestone, actor, status, progress, **kwargs):
    return milestone_update(actor=actor, milestone=milestone, status=status, progress=progress, now=NOW, **kwargs)


def fresh(proposal):
    return Proposal.objects.get(pk=proposal.pk)


# --- adding ---------------------------------------------------------------------------------


def test_add_appends_a_planned_milestone_audits_and_notifies(accepted, official, author, follower):
    first = add(accepted, official, description="강남·송파 방면 노선 검토")
    second = add(accepted, official, title="시범 운행", due_on=date(2026, 11, 1))
    assert (first.position, second.position) == (0, 1)
    assert first.status == M.PLANNED and first.progress == 0 and first.updated_by == official
    assert list(accepted.milestones.values_list("title", flat=True)) == ["노선 설계", "시범 운행"]
    events = AuditEvent.objects.filter(action="proposal.milestone_add", target_id=str(accepted.pk))
    assert events.count() == 2
    notices = Notification.objects.filter(kind="proposal_milestone")
    assert {n.citizen_id for n in notices} == {author.pk, follower.pk}
    assert notices.count() == 4  # two milestones × two recipients (SMS)
    assert "노선 설계" in notices.filter(citizen=author).earliest("pk").body


@pytest.mark.parametrize("answer_type", ["accepted", "partially_accepted"])
def test_accepted_and_partially_accepted_take_milestones(answer_type, published, official, unit):
    proposal = answer(published, official, unit, answer_type)
    assert add(proposal, official).pk


@pytest.mark.parametrize("answer_type", ["not_accepted", "already_in_place"])
def test_other_answers_take_none(answer_type, published, official, unit):
    proposal = answer(published, official, unit, answer_type)
    with pytest.raises(ProposalError, match="accepted or partially accepted"):
        add(proposal, official)
    assert not Milestone.objects.exists()


def test_unanswered_proposals_take_none(published, draft, official, unit):
    Proposal.objects.filter(pk=published.pk).update(assigned_unit=unit)
    with pytest.raises(ProposalError, match="accepted or partially accepted"):
        add(fresh(published), official)


def test_after_the_answer_the_implementation_goes_on_through_a_debate(accepted, official):
    Proposal.objects.filter(pk=accepted.pk).update(
        status=Proposal.Status.IN_DEBATE, debate_opens_at=NOW, debate_closes_at=NOW + timedelta(days=30)
    )
    assert add(fresh(accepted), official).pk


@pytest.mark.parametrize(
    ("title", "due_on", "field"),
    [
        ("", date(2026, 9, 1), "title"),
        ("   ", date(2026, 9, 1), "title"),
        ("가" * 151, date(2026, 9, 1), "title"),
        ("<script>alert(1)</script>", date(2026, 9, 1), "title"),
        ("노선 설계", None, "due_on"),
        ("노선 설계", "2026-09-01", "due_on"),
        ("노선 설계", date(2025, 1, 1), "due_on"),  # before the proposal was published
        ("노선 설계", date(2040, 1, 1), "due_on"),  # more than ten years ahead
    ],
)
def test_bad_milestones_are_refused_and_nothing_is_written(title, due_on, field, accepted, official):
    with pytest.raises(ProposalError) as refused:
        add(accepted, official, title=title, due_on=due_on)
    assert refused.value.field == field
    assert not Milestone.objects.exists()
    assert not AuditEvent.objects.filter(action="proposal.milestone_add").exists()


def test_html_in_the_description_is_refused(accepted, official):
    with pytest.raises(ProposalError) as refused:
        add(accepted, official, description="<b>굵게</b>")
    assert refused.value.field == "description"


@pytest.mark.parametrize("who", ["author", "citizen", "official_elsewhere", "staff_without_unit"])
def test_only_the_units_officials_add(who, accepted, author, make_citizen, official_elsewhere):
    actor = {
        "author": author,
        "citizen": make_citizen(),
        "official_elsewhere": official_elsewhere,
        "staff_without_unit": make_citizen(is_staff=True),
    }[who]
    with pytest.raises(ProposalError, match="official of the responsible unit"):
        add(accepted, actor)
    assert not Milestone.objects.exists()


def test_a_superuser_adds(accepted, superuser):
    assert add(accepted, superuser).updated_by == superuser


def test_an_ended_assignment_no_longer_allows(accepted, official):
    official.org_assignments.update(ended_on=date(2021, 1, 1))
    with pytest.raises(ProposalError):
        add(accepted, official)


# --- updating -------------------------------------------------------------------------------


@pytest.fixture
def plan(accepted, official):
    return [add(accepted, official, title=f"단계 {n}", due_on=date(2026, 6 + n, 1)) for n in range(3)]


def test_progress_is_the_rounded_down_average_of_the_milestones_not_cancelled(accepted, plan, official):
    update(plan[0], official, M.IN_PROGRESS, 50)
    assert fresh(accepted).implementation_progress == 16  # (50 + 0 + 0) / 3
    update(plan[1], official, M.DELAYED, 25)
    assert fresh(accepted).implementation_progress == 25  # 75 / 3
    update(plan[2], official, M.CANCELLED, 0)
    assert fresh(accepted).implementation_progress == 37  # (50 + 25) / 2, rounded down
    update(plan[2], official, M.PLANNED, 0)
    assert fresh(accepted).implementation_progress == 25


def test_done_everywhere_sets_implemented_at_and_reopening_clears_it(accepted, plan, official, author):
    for milestone in plan[:2]:
        update(milestone, official, M.DONE, 100, completed_on=TODAY - timedelta(days=1))
    proposal = fresh(accepted)
    assert proposal.implementation_progress == 66 and proposal.implemented_at is None
    update(plan[2], official, M.DONE, 100)
    proposal = fresh(accepted)
    assert proposal.implementation_progress == 100 and proposal.implemented_at == NOW
    assert Milestone.objects.get(pk=plan[2].pk).completed_on == TODAY  # today when not given
    assert AuditEvent.objects.filter(action="proposal.implemented", target_id=str(accepted.pk)).count() == 1
    implemented = Notification.objects.filter(kind="proposal_implemented", citizen=author)
    assert implemented.count() == 1 and accepted.title in implemented.get().body

    update(plan[1], official, M.IN_PROGRESS, 90, note="추가 점검이 필요합니다.")
    proposal = fresh(accepted)
    assert proposal.implemented_at is None and proposal.implementation_progress == 96
    reopened = Milestone.objects.get(pk=plan[1].pk)
    assert reopened.completed_on is None and reopened.status == M.IN_PROGRESS
    assert AuditEvent.objects.filter(action="proposal.implementation_reopened").count() == 1


def test_cancelling_the_last_open_milestone_completes_the_implementation(accepted, plan, official):
    update(plan[0], official, M.DONE, 100)
    update(plan[1], official, M.DONE, 100)
    update(plan[2], official, M.CANCELLED, 10)
    proposal = fresh(accepted)
    assert proposal.implemented_at == NOW and proposal.implementation_progress == 100


def test_all_cancelled_is_not_implemented(accepted, plan, official):
    for milestone in plan:
        update(milestone, official, M.CANCELLED, 0)
    proposal = fresh(accepted)
    assert proposal.implemented_at is None and proposal.implementation_progress == 0


def test_adding_a_milestone_to_an_implemented_proposal_reopens_it(accepted, plan, official):
    for milestone in plan:
        update(milestone, official, M.DONE, 100)
    assert fresh(accepted).implemented_at is not None
    add(accepted, official, title="사후 평가")
    proposal = fresh(accepted)
    assert proposal.implemented_at is None and proposal.implementation_progress == 75


def test_implemented_at_keeps_the_first_completion(accepted, plan, official):
    for milestone in plan:
        update(milestone, official, M.DONE, 100)
    update(plan[0], official, M.DONE, 100, title="단계 0 (수정)")  # a later edit, still all done
    assert fresh(accepted).implemented_at == NOW


@pytest.mark.parametrize(
    ("status", "progress", "completed_on", "field"),
    [
        ("finished", 100, None, "status"),
        ("", 0, None, "status"),
        (M.IN_PROGRESS, -1, None, "progress"),
        (M.IN_PROGRESS, 101, None, "progress"),
        (M.IN_PROGRESS, "many", None, "progress"),
        (M.IN_PROGRESS, True, None, "progress"),
        (M.DONE, 90, None, "progress"),
        (M.DONE, 100, date(2030, 1, 1), "completed_on"),  # in the future
        (M.DONE, 100, date(2025, 1, 1), "completed_on"),  # before the proposal existed
        (M.IN_PROGRESS, 50, date(2026, 4, 1), "completed_on"),  # only a done milestone has one
    ],
)
def test_illegal_updates_are_refused_and_change_nothing(
    status, progress, completed_on, field, plan, official, accepted
):
    with pytest.raises(ProposalError) as refused:
        update(plan[0], official, status, progress, completed_on=completed_on)
    assert refused.value.field == field
    milestone = Milestone.objects.get(pk=plan[0].pk)
    assert (milestone.status, milestone.progress, milestone.completed_on) == (M.PLANNED, 0, None)
    assert not AuditEvent.objects.filter(action="proposal.milestone_update").exists()


def test_progress_given_as_text_is_taken(plan, official):
    assert update(plan[0], official, M.IN_PROGRESS, " 40 ").progress == 40


def test_an_update_that_changes_nothing_writes_nothing(plan, official):
    update(plan[0], official, M.IN_PROGRESS, 30)
    events, notices = AuditEvent.objects.count(), Notification.objects.count()
    update(plan[0], official, M.IN_PROGRESS, 30)
    assert (AuditEvent.objects.count(), Notification.objects.count()) == (events, notices)


def test_a_due_date_can_be_moved_within_the_range(plan, official):
    moved = update(plan[0], official, M.DELAYED, 20, due_on=date(2027, 3, 1))
    assert moved.due_on == date(2027, 3, 1)
    with pytest.raises(ProposalError) as refused:
        update(plan[0], official, M.DELAYED, 20, due_on=date(2099, 1, 1))
    assert refused.value.field == "due_on"


def test_a_bad_note_is_refused(plan, official):
    with pytest.raises(ProposalError) as refused:
        update(plan[0], official, M.IN_PROGRESS, 10, note="<a href='x'>링크</a>")
    assert refused.value.field == "note"
    with pytest.raises(ProposalError):
        update(plan[0], official, M.IN_PROGRESS, 10, note="가" * 501)


@pytest.mark.parametrize("who", ["author", "official_elsewhere"])
def test_only_the_units_officials_update(who, plan, author, official_elsewhere):
    actor = {"author": author, "official_elsewhere": official_elsewhere}[who]
    with pytest.raises(ProposalError, match="official of the responsible unit"):
        update(plan[0], actor, M.IN_PROGRESS, 10)


def test_reassigning_the_proposal_moves_who_may_update(plan, accepted, other_unit, official, official_elsewhere):
    Proposal.objects.filter(pk=accepted.pk).update(assigned_unit=other_unit)
    assert update(plan[0], official_elsewhere, M.IN_PROGRESS, 10).progress == 10
    with pytest.raises(ProposalError):
        update(plan[0], official, M.IN_PROGRESS, 20)


def test_each_update_is_audited_and_notifies_with_the_note(plan, official, author, follower):
    before = Notification.objects.filter(kind="proposal_milestone").count()
    update(plan[0], official, M.IN_PROGRESS, 40, note="설계 용역을 발주했습니다.")
    event = AuditEvent.objects.get(action="proposal.milestone_update")
    assert event.summary["milestone"] == plan[0].pk
    assert (event.summary["from_status"], event.summary["to_status"]) == ("planned", "in_progress")
    notices = Notification.objects.filter(kind="proposal_milestone").order_by("-pk")[:2]
    assert Notification.objects.filter(kind="proposal_milestone").count() == before + 2
    assert {n.citizen_id for n in notices} == {author.pk, follower.pk}
    assert all("40%" in n.body for n in notices)


def test_notices_reach_email_with_the_note(plan, official, author):
    author.set_email("author@seoul.example")
    author.notify_by = author.NotifyBy.EMAIL
    author.save()
    update(plan[0], official, M.IN_PROGRESS, 40, note="설계 용역을 발주했습니다.")
    email = Notification.objects.filter(kind="proposal_milestone", citizen=author, channel="email").latest("pk")
    assert "설계 용역을 발주했습니다." in email.body and plan[0].title in email.body


def test_a_deactivated_follower_gets_nothing(plan, official, follower):
    received = Notification.objects.filter(citizen=follower).count()
    type(follower).objects.filter(pk=follower.pk).update(is_active=False)
    update(plan[0], official, M.IN_PROGRESS, 40)
    assert Notification.objects.filter(citizen=follower).count() == received


@pytest.mark.parametrize(
    ("milestones", "expected"),
    [
        ([], (0, False)),
        ([("done", 100)], (100, True)),
        ([("done", 100), ("in_progress", 99)], (99, False)),
        ([("done", 100), ("cancelled", 0)], (100, True)),
        ([("cancelled", 50)], (0, False)),
        ([("in_progress", 100), ("done", 100)], (100, False)),
        ([("planned", 0), ("delayed", 33), ("in_progress", 34)], (22, False)),
    ],
)
def test_implementation_progress(milestones, expected):
    assert implementation_progress([Milestone(status=s, progress=p) for s, p in milestones]) == expected


def test_a_done_milestone_keeps_its_completion_date_when_edited(plan, official):
    update(plan[0], official, M.DONE, 100, completed_on=TODAY - timedelta(days=5))
    milestone_update(
        actor=official,
        milestone=plan[0],
        status=M.DONE,
        progress=100,
        title="단계 0 (고침)",
        now=NOW + timedelta(days=3),
    )
    edited = Milestone.objects.get(pk=plan[0].pk)
    assert (edited.title, edited.completed_on) == ("단계 0 (고침)", TODAY - timedelta(days=5))
