"""Taking, changing and counting stances; rating arguments; every illegal move changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from proposals.errors import ProposalError
from proposals.models import ARGUMENT_MAX_LENGTH, ArgumentRating, DebateStance, Proposal
from proposals.services.debate import argument_rate_helpful, debate_take_stance

pytestmark = pytest.mark.django_db


def participants(proposal):
    return Proposal.objects.get(pk=proposal.pk).debate_participant_count


def test_a_first_stance_counts_a_participant_and_is_audited(debate, make_citizen):
    citizen = make_citizen()
    stance = debate_take_stance(
        citizen=citizen, proposal=debate, stance="for", argument="  버스보다 빠릅니다.\r\n꼭 필요합니다.  "
    )
    assert stance.stance == "for"
    assert stance.argument == "버스보다 빠릅니다.\n꼭 필요합니다."
    assert participants(debate) == 1
    event = AuditEvent.objects.get(action="proposal.debate_stance")
    assert event.actor_id == citizen.pk and event.target_id == str(debate.pk)
    assert event.summary == {"stance": "for", "argument": True, "stance_id": stance.pk}


def test_changing_a_stance_does_not_count_again(debate, make_citizen):
    citizen = make_citizen()
    debate_take_stance(citizen=citizen, proposal=debate, stance="for")
    changed = debate_take_stance(citizen=citizen, proposal=debate, stance="against", argument="비용이 큽니다.")
    assert participants(debate) == 1
    assert DebateStance.objects.get(proposal=debate, citizen=citizen) == changed
    assert changed.stance == "against" and changed.argument == "비용이 큽니다."
    event = AuditEvent.objects.get(action="proposal.debate_stance_change")
    assert event.summary["from"] == "for" and event.summary["to"] == "against"
    assert event.summary["argument_changed"] is True


def test_the_same_stance_again_changes_nothing(debate, make_citizen):
    citizen = make_citizen()
    debate_take_stance(citizen=citizen, proposal=debate, stance="undecided", argument="더 알아보겠습니다.")
    debate_take_stance(citizen=citizen, proposal=debate, stance="undecided", argument="더 알아보겠습니다.")
    assert participants(debate) == 1
    assert not AuditEvent.objects.filter(action="proposal.debate_stance_change").exists()


def test_several_citizens_are_counted_once_each(debate, make_citizen, author):
    citizens = [make_citizen() for _ in range(3)]
    for index, citizen in enumerate(citizens):
        debate_take_stance(citizen=citizen, proposal=debate, stance=["for", "against", "undecided"][index])
    debate_take_stance(citizen=citizens[0], proposal=debate, stance="against")
    # The proposer takes part too: a debate is open to every verified citizen.
    debate_take_stance(citizen=author, proposal=debate, stance="for", argument="제안 취지를 보충합니다.")
    assert participants(debate) == 4 == DebateStance.objects.filter(proposal=debate).count()


def test_changing_the_argument_text_clears_its_ratings(debate, make_citizen):
    writer, readers = make_citizen(), [make_citizen() for _ in range(2)]
    stance = debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="처음 논거")
    for reader in readers:
        argument_rate_helpful(citizen=reader, stance=stance)
    assert DebateStance.objects.get(pk=stance.pk).helpful_count == 2

    debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="완전히 다른 논거")
    stance.refresh_from_db()
    assert stance.helpful_count == 0 and not ArgumentRating.objects.filter(stance=stance).exists()
    event = AuditEvent.objects.filter(action="proposal.debate_stance_change").latest("pk")
    assert event.summary["ratings_cleared"] == 2


def test_changing_only_the_side_clears_its_ratings(debate, make_citizen):
    """A "for" argument rated helpful must not carry its ratings to the top of the "against" side."""
    writer, readers = make_citizen(), [make_citizen() for _ in range(3)]
    stance = debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="같은 논거")
    for reader in readers:
        argument_rate_helpful(citizen=reader, stance=stance)

    changed = debate_take_stance(citizen=writer, proposal=debate, stance="against", argument="같은 논거")

    assert changed.helpful_count == 0
    stance.refresh_from_db()
    assert (stance.stance, stance.argument, stance.helpful_count) == ("against", "같은 논거", 0)
    assert not ArgumentRating.objects.filter(stance=stance).exists()
    event = AuditEvent.objects.filter(action="proposal.debate_stance_change").latest("pk")
    assert event.summary["argument_changed"] is False and event.summary["ratings_cleared"] == 3
    # The readers may rate it again, on its new side.
    assert argument_rate_helpful(citizen=readers[0], stance=stance) is True
    assert helpful(stance) == 1


def test_a_given_now_dates_the_stance_and_its_change(debate, make_citizen):
    citizen = make_citizen()
    taken_at = debate.debate_opens_at + timedelta(hours=2)
    stance = debate_take_stance(citizen=citizen, proposal=debate, stance="for", now=taken_at)
    assert stance.created_at == stance.updated_at == taken_at
    stored = DebateStance.objects.get(pk=stance.pk)
    assert stored.created_at == stored.updated_at == taken_at

    changed_at = taken_at + timedelta(days=3)
    debate_take_stance(citizen=citizen, proposal=debate, stance="against", argument="바꿨습니다.", now=changed_at)
    stored = DebateStance.objects.get(pk=stance.pk)
    assert (stored.created_at, stored.updated_at) == (taken_at, changed_at)


def test_a_given_now_dates_the_rating(argument, make_citizen, debate):
    rated_at = debate.debate_opens_at + timedelta(hours=5)
    argument_rate_helpful(citizen=make_citizen(), stance=argument, now=rated_at)
    assert ArgumentRating.objects.get(stance=argument).created_at == rated_at


def test_without_now_the_clock_dates_the_writes(argument, make_citizen):
    before = timezone.now()
    argument_rate_helpful(citizen=make_citizen(), stance=argument)
    stored = DebateStance.objects.get(pk=argument.pk)
    assert stored.created_at <= before <= ArgumentRating.objects.get(stance=argument).created_at


def test_removing_the_argument_clears_its_ratings(debate, make_citizen):
    writer, reader = make_citizen(), make_citizen()
    stance = debate_take_stance(citizen=writer, proposal=debate, stance="against", argument="반대 논거")
    argument_rate_helpful(citizen=reader, stance=stance)
    debate_take_stance(citizen=writer, proposal=debate, stance="against", argument="")
    stance.refresh_from_db()
    assert stance.argument == "" and stance.helpful_count == 0


@pytest.mark.parametrize("state", ["open", "debate_upcoming", "debate_expired", "debate_closed"])
def test_no_stance_outside_an_open_debate(make_proposal, make_citizen, state):
    proposal = make_proposal(state)
    with pytest.raises(ProposalError):
        debate_take_stance(citizen=make_citizen(), proposal=proposal, stance="for")
    assert participants(proposal) == 0 and not DebateStance.objects.exists()


def test_the_window_is_half_open(debate, make_citizen):
    opens, closes = debate.debate_opens_at, debate.debate_closes_at
    with pytest.raises(ProposalError, match="not opened yet"):
        debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", now=opens - timedelta(seconds=1))
    debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", now=opens)
    debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", now=closes - timedelta(seconds=1))
    with pytest.raises(ProposalError, match="closed"):
        debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", now=closes)
    assert participants(debate) == 2


def test_an_unverified_citizen_is_refused(debate, make_citizen):
    with pytest.raises(ProposalError, match="Verify your mobile phone"):
        debate_take_stance(citizen=make_citizen(verified=False), proposal=debate, stance="for")
    assert participants(debate) == 0


@pytest.mark.parametrize(
    ("stance", "argument", "field", "message"),
    [
        ("maybe", "", "stance", "Choose for, against or undecided."),
        ("", "", "stance", "Choose for, against or undecided."),
        ("for", "x" * (ARGUMENT_MAX_LENGTH + 1), "argument", "at most 3000 characters"),
        ("for", "<script>alert(1)</script>", "argument", "plain text"),
        ("against", "좋아요 <b>굵게</b>", "argument", "plain text"),
    ],
)
def test_bad_input_is_refused_on_its_field(debate, make_citizen, stance, argument, field, message):
    with pytest.raises(ProposalError, match=message) as refused:
        debate_take_stance(citizen=make_citizen(), proposal=debate, stance=stance, argument=argument)
    assert refused.value.field == field
    assert participants(debate) == 0 and not DebateStance.objects.exists()


def test_an_argument_at_the_limit_counts_line_breaks_once(debate, make_citizen):
    text = ("가" * 99 + "\r\n") * 30  # 3,000 characters once "\r\n" is "\n" (and the last one trimmed)
    stance = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", argument=text)
    assert len(stance.argument) == ARGUMENT_MAX_LENGTH - 1


def test_a_comparison_sign_is_not_html(debate, make_citizen):
    stance = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", argument="비용 < 편익")
    assert stance.argument == "비용 < 편익"


# --- Helpful ratings ----------------------------------------------------------------------------


@pytest.fixture
def argument(debate, make_citizen):
    return debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", argument="시민 건강에 좋습니다.")


def helpful(stance):
    return DebateStance.objects.get(pk=stance.pk).helpful_count


def test_rating_toggles_and_keeps_the_count_exact(argument, make_citizen):
    reader, other = make_citizen(), make_citizen()
    assert argument_rate_helpful(citizen=reader, stance=argument) is True
    assert argument_rate_helpful(citizen=other, stance=argument) is True
    assert helpful(argument) == 2
    assert argument_rate_helpful(citizen=reader, stance=argument) is False
    assert helpful(argument) == 1 == ArgumentRating.objects.filter(stance=argument).count()
    actions = list(
        AuditEvent.objects.filter(action__startswith="proposal.argument_helpful")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["proposal.argument_helpful", "proposal.argument_helpful", "proposal.argument_helpful_withdraw"]


def test_asking_for_a_state_twice_changes_nothing(argument, make_citizen):
    reader = make_citizen()
    assert argument_rate_helpful(citizen=reader, stance=argument, rated=True) is True
    assert argument_rate_helpful(citizen=reader, stance=argument, rated=True) is True  # a double click
    assert helpful(argument) == 1
    assert argument_rate_helpful(citizen=reader, stance=argument, rated=False) is False
    assert argument_rate_helpful(citizen=reader, stance=argument, rated=False) is False
    assert helpful(argument) == 0


def test_rating_the_own_argument_is_refused(argument):
    with pytest.raises(ProposalError, match="your own argument"):
        argument_rate_helpful(citizen=argument.citizen, stance=argument)
    assert helpful(argument) == 0


def test_a_stance_without_argument_cannot_be_rated(debate, make_citizen):
    silent = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="against")
    with pytest.raises(ProposalError, match="no argument"):
        argument_rate_helpful(citizen=make_citizen(), stance=silent)
    assert helpful(silent) == 0


def test_an_unverified_citizen_cannot_rate(argument, make_citizen):
    with pytest.raises(ProposalError, match="Verify your mobile phone"):
        argument_rate_helpful(citizen=make_citizen(verified=False), stance=argument)
    assert helpful(argument) == 0


def test_no_rating_once_the_debate_has_closed(argument, make_citizen, debate):
    reader = make_citizen()
    argument_rate_helpful(citizen=reader, stance=argument)
    with pytest.raises(ProposalError, match="closed"):
        argument_rate_helpful(citizen=reader, stance=argument, now=debate.debate_closes_at)
    with pytest.raises(ProposalError, match="closed"):
        argument_rate_helpful(citizen=make_citizen(), stance=argument, now=debate.debate_closes_at)
    assert helpful(argument) == 1


def test_audit_summaries_hold_no_personal_data(debate, make_citizen):
    writer = make_citizen(name="홍길동")
    stance = debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="제 번호는 010-1234-5678")
    argument_rate_helpful(citizen=make_citizen(), stance=stance)
    summaries = list(
        AuditEvent.objects.filter(target_id=str(debate.pk)).order_by("pk").values_list("action", "summary")
    )
    assert summaries[-2:] == [
        ("proposal.debate_stance", {"stance": "for", "argument": True, "stance_id": stance.pk}),
        ("proposal.argument_helpful", {"stance_id": stance.pk}),
    ]
