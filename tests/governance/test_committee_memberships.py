"""Membership rules as a list of illegal moves, and the legal ones: appoint, renew, end, change role."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from governance.errors import GovernanceError
from governance.models import Membership
from governance.services import committees as services

from .test_committee_support import appoint, fill, make_committee, make_person, years_before

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]


TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def third_term(committee):
    person = make_person()
    first = appoint(committee, person, term_start=years_before(TODAY, 4))
    second = services.membership_renew(actor=None, membership=first)
    services.membership_renew(actor=None, membership=second)


def third_term_after_a_short_break(committee):
    # Resigning early and coming back a few months later does not reset the count.
    person = make_person()
    first = appoint(committee, person, term_start=years_before(TODAY, 4))
    second = services.membership_renew(actor=None, membership=first)
    services.membership_end(actor=None, membership=second, ended_on=TODAY - timedelta(days=200))
    appoint(committee, person, term_start=TODAY)


def over_size(committee):
    fill(committee, 5, kind=Membership.Kind.EX_OFFICIO)
    fill(committee, 17)
    appoint(committee, kind=Membership.Kind.EX_OFFICIO)


def over_commissioned_seats(committee):
    # 17 commissioned seats; the other 5 are kept for ex officio members even while empty.
    fill(committee, 17)
    appoint(committee)


def over_ex_officio(committee):
    fill(committee, 5, kind=Membership.Kind.EX_OFFICIO)
    appoint(committee, kind=Membership.Kind.EX_OFFICIO)


def second_chair(committee):
    appoint(committee, role=Membership.Role.CHAIR)
    appoint(committee, role=Membership.Role.CHAIR)


def second_chair_by_role_change(committee):
    appoint(committee, role=Membership.Role.CHAIR)
    services.membership_change_role(actor=None, membership=appoint(committee), role=Membership.Role.CHAIR)


def term_end_before_start(committee):
    appoint(committee, term_start=TODAY, term_end=TODAY - timedelta(days=1))


def term_over_the_limit(committee):
    appoint(committee, term_start=TODAY, term_end=TODAY + timedelta(days=2 * 366))


def twice_at_once(committee):
    person = make_person()
    appoint(committee, person)
    appoint(committee, person)


def renew_an_ended_membership(committee):
    membership = appoint(committee, term_start=years_before(TODAY, 2))
    services.membership_end(actor=None, membership=membership, ended_on=TODAY - timedelta(days=10))
    services.membership_renew(actor=None, membership=membership)


def renew_before_the_new_term_begins(committee):
    services.membership_renew(actor=None, membership=appoint(committee, term_start=TODAY - timedelta(days=10)))


def end_after_the_term(committee):
    membership = appoint(committee, term_start=TODAY - timedelta(days=10))
    services.membership_end(actor=None, membership=membership, ended_on=membership.term_end + timedelta(days=1))


def appoint_to_an_inactive_committee(committee):
    committee.is_active = False
    committee.save()
    appoint(committee)


ILLEGAL_MOVES = {
    "third term": (third_term, "consecutive terms"),
    "third term after a short break": (third_term_after_a_short_break, "consecutive terms"),
    "over size": (over_size, "full"),
    "over the commissioned seats": (over_commissioned_seats, "ex officio members"),
    "over ex officio": (over_ex_officio, "ex officio seats"),
    "second chair": (second_chair, "chair"),
    "second chair by a role change": (second_chair_by_role_change, "chair"),
    "term end before start": (term_end_before_start, "end after it starts"),
    "term over the limit": (term_over_the_limit, "at most 2 years"),
    "twice at once": (twice_at_once, "already a serving member"),
    "renew an ended membership": (renew_an_ended_membership, "already ended"),
    "renew before the new term begins": (renew_before_the_new_term_begins, "first day of the new term"),
    "end after the term": (end_after_the_term, "after its term ends"),
    "appoint to an inactive committee": (appoint_to_an_inactive_committee, "no longer active"),
}


@pytest.mark.parametrize("move", ILLEGAL_MOVES.values(), ids=ILLEGAL_MOVES.keys())
def test_illegal_moves_are_refused_with_a_clear_message(move):
    run, words = move
    with pytest.raises(GovernanceError) as refused:
        run(make_committee())
    assert words in refused.value.message


def test_a_refused_move_writes_neither_a_membership_nor_an_audit_row():
    committee = make_committee()
    appoint(committee, role=Membership.Role.CHAIR)
    counts = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(GovernanceError):
        appoint(committee, role=Membership.Role.CHAIR)
    assert (Membership.objects.count(), AuditEvent.objects.count()) == counts


def test_appoint_computes_the_term_from_the_committee_rules_and_audits():
    committee = make_committee()
    official = make_person()
    membership = appoint(committee, term_start=date(2026, 3, 1), actor=official)
    assert (membership.term_start, membership.term_end, membership.term_number) == (
        date(2026, 3, 1), date(2028, 2, 29), 1)
    event = AuditEvent.objects.get(action="membership.appoint")
    assert (event.actor_id, event.target_id) == (official.pk, str(membership.pk))
    assert event.summary["term_end"] == "2028-02-29"


def test_a_vacancy_may_be_filled_for_the_rest_of_a_term():
    committee = make_committee()
    membership = appoint(committee, term_start=TODAY, term_end=date(2027, 2, 28))
    assert membership.term_end == date(2027, 2, 28)


def test_renewal_is_a_new_consecutive_term_and_the_second_is_the_last():
    committee = make_committee()
    first = appoint(committee, role=Membership.Role.CHAIR, term_start=years_before(TODAY, 2))
    second = services.membership_renew(actor=None, membership=first)
    first.refresh_from_db()
    assert (first.status, first.ended_on) == (Membership.Status.ENDED, first.term_end)
    assert (second.term_number, second.term_start, second.role) == (2, first.term_end + timedelta(days=1), "chair")
    assert second.term_end == years_before(second.term_start, -2) - timedelta(days=1)


def test_a_long_break_starts_the_count_again_and_a_lapsed_term_is_closed():
    committee = make_committee()
    person = make_person()
    first = appoint(committee, person, term_start=years_before(TODAY, 7))
    second = services.membership_renew(actor=None, membership=first)
    assert second.term_end < years_before(TODAY, 2)  # more than one full term ago
    comeback = appoint(committee, person, term_start=TODAY)
    assert comeback.term_number == 1
    second.refresh_from_db()
    assert (second.status, second.ended_on) == (Membership.Status.ENDED, second.term_end)


def test_ex_officio_members_have_no_term_limit():
    committee = make_committee()
    first = appoint(committee, kind=Membership.Kind.EX_OFFICIO, term_start=years_before(TODAY, 4))
    second = services.membership_renew(actor=None, membership=first)
    third = services.membership_renew(actor=None, membership=second)
    assert third.term_number == 3


def test_ended_seats_are_free_again():
    committee = make_committee(max_members=2, max_ex_officio=0)
    first, _second = fill(committee, 2)
    services.membership_end(actor=None, membership=first)
    assert appoint(committee).status == Membership.Status.ACTIVE


def test_change_role_moves_the_chair():
    committee = make_committee()
    chair = appoint(committee, role=Membership.Role.CHAIR)
    member = appoint(committee)
    services.membership_change_role(actor=None, membership=chair, role=Membership.Role.MEMBER)
    services.membership_change_role(actor=None, membership=member, role=Membership.Role.CHAIR)
    assert Membership.objects.get(role="chair", status="active") == member
    assert AuditEvent.objects.filter(action="membership.change_role").count() == 2


def test_the_database_keeps_one_active_chair():
    committee = make_committee()
    appoint(committee, role=Membership.Role.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            committee=committee, person=make_person(), public_name="x", role="chair", kind="commissioned",
            term_start=TODAY, term_end=TODAY + timedelta(days=10),
        )


def test_a_chair_race_past_the_check_is_reported_by_the_constraint_name(monkeypatch):
    committee = make_committee()
    appoint(committee, role=Membership.Role.CHAIR)
    real = services.validate_appointment

    def check_without_chair(**kwargs):
        return real(**{**kwargs, "role": Membership.Role.MEMBER})

    monkeypatch.setattr(services, "validate_appointment", check_without_chair)
    with pytest.raises(GovernanceError) as refused:
        appoint(committee, role=Membership.Role.CHAIR)
    assert "already has a chair" in refused.value.message
