"""What voters hear: a paper ballot entered in their name (at once), and the results once published
(every citizen who voted, in batches, once); an online ballot sends nothing."""

import pytest
from django.utils import timezone

from budgeting.models import BudgetParticipation, Cycle, Project
from budgeting.notifications import notify_voters_of_results
from budgeting.services.ballots import ballot_cast, ballot_enter_paper
from budgeting.services.eligibility import declaration_record
from notifications.models import Notification


@pytest.fixture
def vote_cycle(make_cycle, city_pot):
    cycle = make_cycle("vote")
    Project.objects.create(cycle=cycle, pot=city_pot(cycle), title="마을 쉼터", estimated_cost=50_000_000,
                           status=Project.Status.FEASIBLE, submitted_at=cycle.created_at, checked_at=cycle.created_at)
    return cycle


def _declare(cycle, citizen):
    declaration_record(actor=citizen, cycle=cycle, basis="resident", district=None, not_public_official=True)


def test_an_online_ballot_sends_nothing(vote_cycle, citizen):
    _declare(vote_cycle, citizen)
    ballot_cast(citizen=citizen, cycle=vote_cycle, project_ids=[vote_cycle.projects.get().pk])
    assert not Notification.objects.filter(citizen=citizen).exclude(kind__startswith="sign").exists()


def test_a_paper_ballot_tells_the_citizen_without_the_picks(vote_cycle, citizen, official):
    project = vote_cycle.projects.get()
    ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=citizen, project_ids=[project.pk],
                       declaration={"basis": "resident", "district": None, "place": "", "not_public_official": True})
    (notice,) = Notification.objects.filter(citizen=citizen, kind="budget_paper_ballot")
    assert "120" in notice.body and vote_cycle.title_ko in notice.body
    assert project.title not in notice.body


def test_voters_hear_of_the_results_once(vote_cycle, make_citizen, settings):
    voters = [make_citizen() for _ in range(7)]
    for voter in voters:
        _declare(vote_cycle, voter)
        ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[vote_cycle.projects.get().pk])
    bystander = make_citizen()
    Cycle.objects.filter(pk=vote_cycle.pk).update(results_published_at=vote_cycle.created_at)

    written = notify_voters_of_results(vote_cycle.pk, batch_size=3)  # three batches
    assert written == 7
    told = set(Notification.objects.filter(kind="budget_results_published").values_list("citizen_id", flat=True))
    assert told == {voter.pk for voter in voters}
    assert bystander.pk not in told
    assert notify_voters_of_results(vote_cycle.pk) == 0  # a rerun writes nothing new
    assert BudgetParticipation.objects.filter(cycle=vote_cycle).count() == 7


def test_an_erased_voter_is_not_told(vote_cycle, make_citizen):
    voter = make_citizen()
    _declare(vote_cycle, voter)
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[vote_cycle.projects.get().pk])
    type(voter).objects.filter(pk=voter.pk).update(is_active=False)
    Cycle.objects.filter(pk=vote_cycle.pk).update(results_published_at=vote_cycle.created_at)
    assert notify_voters_of_results(vote_cycle.pk) == 0


def test_not_before_publication(vote_cycle):
    from budgeting.errors import BudgetingError

    with pytest.raises(BudgetingError):
        notify_voters_of_results(vote_cycle.pk)


def test_the_date_is_in_the_notice(vote_cycle, citizen, official):
    ballot_enter_paper(actor=official, cycle=vote_cycle, citizen=citizen,
                       project_ids=[vote_cycle.projects.get().pk],
                       declaration={"basis": "resident", "district": None, "place": "", "not_public_official": True})
    notice = Notification.objects.get(citizen=citizen, kind="budget_paper_ballot")
    assert str(timezone.localdate().year) in notice.body


def test_publishing_the_results_tells_the_voters_after_the_commit(vote_cycle, make_citizen,
                                                                   django_capture_on_commit_callbacks):
    from budgeting.services.tally import cycle_count, results_publish

    from .conftest import shift_to_phase

    voters = [make_citizen() for _ in range(3)]
    for voter in voters:
        _declare(vote_cycle, voter)
        ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[vote_cycle.projects.get().pk])
    cycle = shift_to_phase(vote_cycle, "assembly")
    cycle_count(actor=None, cycle=cycle)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        results_publish(actor=None, cycle=cycle)
    assert callbacks
    told = set(Notification.objects.filter(kind="budget_results_published").values_list("citizen_id", flat=True))
    assert told == {voter.pk for voter in voters}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", ["budget_paper_ballot", "budget_results_published"])
def test_the_voters_notices_render_in_both_languages(key, language):
    from notifications.kinds import get_kind

    context = {"cycle_id": 7, "year": 2026, "cycle_title_ko": "2026년 시민참여예산",
               "cycle_title_en": "Participatory Budget 2026", "voted_on": "2026-11-27"}
    kind = get_kind(key)
    _subject, sms = kind.render("sms", context, language=language)
    subject, body = kind.render("email", context, language=language)
    title = context["cycle_title_en"] if language == "en" else context["cycle_title_ko"]
    assert title in sms and title in subject and title in body
    assert "{%" not in sms + body
    if key == "budget_paper_ballot":
        assert "2026-11-27" in sms and "120" in sms
