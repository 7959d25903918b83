"""The secretary closes an item: the resolution, the channel's handler in the same transaction, the audit row."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from governance.models import AgendaItem, Membership
from governance.registry import SubjectKind, register_subject_kind, unregister_subject_kind
from governance.services.agenda import agenda_item_close
from governance.services.reviews import ReviewError

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]

KIND = "testing.project"


class Handler:
    """What a channel's on_resolution would do; records its calls instead."""

    def __init__(self):
        self.calls = []
        self.fail = False

    def __call__(self, item, tally):
        # Called inside the closing transaction: the item is already saved as closed.
        assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.CLOSED
        if self.fail:
            raise RuntimeError("the channel could not take the score")
        self.calls.append((item.pk, item.outcome, tally))


@pytest.fixture
def handler():
    handler = Handler()
    register_subject_kind(SubjectKind(
        kind=KIND, label="Test project", describe=lambda subject_id: (f"Project {subject_id}", f"/p/{subject_id}/"),
        on_resolution=handler,
    ))
    yield handler
    unregister_subject_kind(KIND)


@pytest.fixture
def committee():
    return make_committee()


@pytest.fixture
def secretary(committee):
    return make_membership(committee, role=Membership.Role.SECRETARY)


@pytest.fixture
def scored_item(committee):
    """Scores 80 and 91, one abstention, one conflict: the average is 85.50."""
    item = make_item(committee, state="open_after", asks_score=True, subject_kind=KIND, subject_id="42")
    add_review(item, make_membership(committee), score=80)
    add_review(item, make_membership(committee), score=91, recommendation="revise")
    add_review(item, make_membership(committee), recommendation="abstain")
    add_conflict(item, make_membership(committee))
    return item


def test_the_secretary_closes_and_the_handler_gets_the_average_score(client, handler, secretary, scored_item):
    client.force_login(secretary.person)
    page = client.get(reverse("review:close", args=[scored_item.pk]))
    assert page.status_code == 200
    assert page.context["form"].initial == {"votes_for": 1, "votes_against": 0, "votes_abstain": 1}

    response = client.post(reverse("review:close", args=[scored_item.pk]), {
        "outcome": "approved", "resolution_ko": "원안 가결", "resolution_en": "Approved as proposed",
        "votes_for": "4", "votes_against": "1", "votes_abstain": "",
    })

    assert response.status_code == 302
    item = AgendaItem.objects.get(pk=scored_item.pk)
    assert (item.status, item.outcome, item.votes_for, item.votes_against, item.votes_abstain) == (
        "closed", "approved", 4, 1, None)
    assert len(handler.calls) == 1
    item_pk, outcome, tally = handler.calls[0]
    assert (item_pk, outcome) == (item.pk, "approved")
    assert tally.average_score == Decimal("85.50")
    assert (tally.approve, tally.revise, tally.abstain, tally.scored, tally.conflicts) == (1, 1, 1, 2, 1)
    event = AuditEvent.objects.get(action="governance.agenda_item_close")
    assert (event.actor_id, event.target_id) == (secretary.person_id, str(item.pk))
    assert event.summary["average_score"] == "85.50"


def test_votes_recorded_by_the_meeting_are_kept_unless_given(client, secretary, committee):
    item = make_item(committee)
    for _ in range(4):
        make_membership(committee)
    AgendaItem.objects.filter(pk=item.pk).update(votes_for=3, votes_against=1, votes_abstain=1)
    client.force_login(secretary.person)
    page = client.get(reverse("review:close", args=[item.pk]))
    assert page.context["form"].initial == {"votes_for": 3, "votes_against": 1, "votes_abstain": 1}

    closed = agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결",
                               votes_abstain=0)
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (3, 1, 0)


def test_a_failing_handler_leaves_the_item_open_and_nothing_written(handler, secretary, scored_item):
    handler.fail = True
    with pytest.raises(RuntimeError):
        agenda_item_close(actor=secretary.person, item=scored_item, outcome="approved", resolution_ko="가결")
    item = AgendaItem.objects.get(pk=scored_item.pk)
    assert (item.status, item.outcome, item.closed_at) == ("open", "", None)
    assert not AuditEvent.objects.filter(action="governance.agenda_item_close").exists()


def test_an_unregistered_subject_kind_is_refused_clearly(secretary, committee):
    item = make_item(committee, subject_kind="nowhere.thing", subject_id="7")
    with pytest.raises(ReviewError, match="nowhere.thing"):
        agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결")
    assert AgendaItem.objects.get(pk=item.pk).status == "open"


def test_an_item_without_a_subject_closes_without_a_handler(secretary, committee):
    item = make_item(committee)
    closed = agenda_item_close(actor=secretary.person, item=item, outcome="rejected", resolution_ko="부결")
    assert closed.status == "closed"


def test_a_closed_item_cannot_be_closed_again(client, handler, secretary, scored_item):
    agenda_item_close(actor=secretary.person, item=scored_item, outcome="approved", resolution_ko="가결")
    with pytest.raises(ReviewError, match="already closed"):
        agenda_item_close(actor=secretary.person, item=scored_item, outcome="rejected", resolution_ko="부결")
    assert AgendaItem.objects.get(pk=scored_item.pk).outcome == "approved"
    assert len(handler.calls) == 1

    client.force_login(secretary.person)
    response = client.post(reverse("review:close", args=[scored_item.pk]),
                           {"outcome": "rejected", "resolution_ko": "부결"}, follow=True)
    assert AgendaItem.objects.get(pk=scored_item.pk).outcome == "approved"
    assert any("already closed" in str(message) or "이미" in str(message) for message in response.context["messages"])


@pytest.mark.parametrize("role", [Membership.Role.MEMBER, Membership.Role.CHAIR])
def test_only_the_secretary_closes(committee, role):
    item = make_item(committee)
    member = make_membership(committee, role=role)
    with pytest.raises(ReviewError, match="secretary"):
        agenda_item_close(actor=member.person, item=item, outcome="approved", resolution_ko="가결")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "", "resolution_ko": "가결"}, "outcome"),
        ({"outcome": "maybe", "resolution_ko": "가결"}, "outcome"),
        ({"outcome": "approved", "resolution_ko": " "}, "resolution_ko"),
        ({"outcome": "approved", "resolution_ko": "가결", "votes_for": "-1"}, "votes_for"),
        ({"outcome": "approved", "resolution_ko": "가결", "votes_for": "20", "votes_against": "5"}, "votes_for"),
    ],
    ids=["no-outcome", "bad-outcome", "no-resolution", "negative-votes", "more-votes-than-seats"],
)
def test_bad_resolutions_are_form_errors(client, secretary, committee, data, field):
    item = make_item(committee)
    client.force_login(secretary.person)
    response = client.post(reverse("review:close", args=[item.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert AgendaItem.objects.get(pk=item.pk).status == "open"


def test_the_item_page_shows_the_linked_record(client, handler, secretary, scored_item):
    client.force_login(secretary.person)
    response = client.get(reverse("review:item", args=[scored_item.pk]))
    assert '<a href="/p/42/">Project 42</a>' in response.content.decode()


# --- Votes: the meeting's quorum and attendance, or the members serving ---------------------------


def held_meeting(committee, *, present):
    """A meeting held yesterday with everyone serving listed; `present` of them were there."""
    from django.utils import timezone

    from governance.services import meetings

    meeting = meetings.meeting_schedule(actor=None, committee=committee, title_ko="정기회의", place_ko="서울시청",
                                        starts_at=timezone.now() - timedelta(days=1))
    meeting = meetings.meeting_mark_held(actor=None, meeting=meeting)
    serving = list(Membership.objects.filter(committee=committee).order_by("pk"))
    meetings.meeting_record_attendance(actor=None, meeting=meeting, present=serving[:present])
    return meeting


@pytest.fixture
def six_serving(committee, secretary):
    """The secretary and five members: the quorum (ratio 0.5) is 3."""
    return [secretary, *(make_membership(committee) for _ in range(5))]


def test_an_item_of_a_meeting_without_its_quorum_cannot_be_closed(committee, secretary, six_serving):
    item = make_item(committee, meeting=held_meeting(committee, present=2))
    with pytest.raises(ReviewError, match=r"quorum \(2 present, 3 needed\)"):
        agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결")
    assert AgendaItem.objects.get(pk=item.pk).status == "open"


def test_the_votes_of_a_meeting_cannot_exceed_the_members_present(committee, secretary, six_serving):
    item = make_item(committee, meeting=held_meeting(committee, present=3))
    with pytest.raises(ReviewError, match="more than the 3 members present") as refused:
        agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결",
                          votes_for=3, votes_against=1)
    assert refused.value.field == "votes_for"
    closed = agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결",
                               votes_for=2, votes_against=1)
    assert (closed.status, closed.votes_for, closed.votes_against) == ("closed", 2, 1)


def test_without_a_meeting_the_votes_cannot_exceed_the_members_serving(committee, secretary, six_serving):
    # Six serving of 22 seats: seven votes are fewer than the seats, but more than there are members.
    item = make_item(committee)
    with pytest.raises(ReviewError, match="more than the 6 members serving"):
        agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결", votes_for=7)
    closed = agenda_item_close(actor=secretary.person, item=item, outcome="approved", resolution_ko="가결",
                               votes_for=6)
    assert closed.votes_for == 6


def test_a_meeting_without_quorum_is_a_form_error_on_the_close_page(client, committee, secretary, six_serving):
    item = make_item(committee, meeting=held_meeting(committee, present=1))
    client.force_login(secretary.person)
    response = client.post(reverse("review:close", args=[item.pk]), {"outcome": "approved", "resolution_ko": "가결"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert AgendaItem.objects.get(pk=item.pk).status == "open"
