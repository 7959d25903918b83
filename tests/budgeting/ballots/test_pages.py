"""The vote's pages: the ballot (who sees what, casting, each refusal's status and message), the
live meter (htmx partial), the receipt shown once, the receipt check and the declaration form."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgeting.models import BudgetParticipation, Cycle, EligibilityDeclaration
from budgeting.services.ballots import ballot_cast

from ..conftest import shift_to_phase
from .conftest import HTMX, books, text

pytestmark = pytest.mark.django_db


def url(name, cycle):
    return reverse(f"budgeting:{name}", args=[cycle.pk])


@pytest.fixture
def city(vote_cycle, make_project):
    return [make_project(vote_cycle, title=f"시 사업 {n}", cost=100_000_000) for n in range(6)]


@pytest.fixture
def gangnam(vote_cycle, make_project):
    return [make_project(vote_cycle, district="11680", title=f"강남 사업 {n}", cost=50_000_000) for n in range(6)]


@pytest.fixture
def jongno(vote_cycle, make_project):
    return [make_project(vote_cycle, district="11110", title="종로 사업", cost=50_000_000)]


# --- The ballot page --------------------------------------------------------------------------------


def test_a_voter_sees_the_city_and_their_districts_projects_grouped_by_pot(
    client, sign_in, vote_cycle, voter, city, gangnam, jongno
):
    sign_in(voter)
    response = client.get(url("ballot", vote_cycle))
    assert response.status_code == 200
    page = text(response)
    legends = page.index('<legend class="form-tit">City-wide'), page.index('<legend class="form-tit">Gangnam-gu')
    assert legends[0] < page.index("시 사업 0") < legends[1] < page.index("강남 사업 0")
    assert "종로 사업" not in page
    assert page.count('name="projects"') == 12
    assert "KRW 100,000,000" in page and "Welfare" in page and "요약" in page
    assert 'id="ballot-meter"' in page and url("ballot_meter", vote_cycle) in page
    assert 'hx-trigger="change"' in page
    assert "0 of 5 picks" in page
    assert "This pot holds KRW 1,000,000,000." in page


def test_a_visitor_is_asked_to_sign_in_and_sees_the_city_wide_projects(client, vote_cycle, city, gangnam):
    response = client.get(url("ballot", vote_cycle))
    assert response.status_code == 200
    page = text(response)
    assert "Sign in with your mobile phone to vote." in page
    assert reverse("citizens:signin") in page
    assert "시 사업 0" in page and "강남 사업 0" not in page
    assert 'name="projects"' not in page


def test_a_citizen_who_has_not_declared_is_sent_to_the_declaration(client, sign_in, vote_cycle, participant, city):
    sign_in(participant())
    page = text(client.get(url("ballot", vote_cycle)))
    assert "Declare on what basis you take part before you vote." in page
    assert url("eligibility", vote_cycle) in page
    assert 'name="projects"' not in page


def test_a_citizen_without_a_birth_date_is_sent_to_the_profile(client, sign_in, vote_cycle, participant, declare):
    citizen = participant(birth_date=None)
    declare(citizen, vote_cycle)
    sign_in(citizen)
    page = text(client.get(url("ballot", vote_cycle)))
    assert "add your birth date to your profile" in page and reverse("citizens:profile") in page


def test_an_official_is_told_officials_are_excluded(client, sign_in, vote_cycle, staff_participant):
    official = staff_participant
    sign_in(official)
    page = text(client.get(url("ballot", vote_cycle)))
    assert "Public officials cannot take part in the participatory budget vote." in page


def test_a_voter_who_voted_sees_the_date_and_the_receipt_check(client, sign_in, vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    sign_in(voter)
    page = text(client.get(url("ballot", vote_cycle)))
    assert f"You voted in this cycle on {timezone.localdate():%Y-%m-%d}." in page
    assert url("verify", vote_cycle) in page and 'name="projects"' not in page


def test_an_unknown_cycle_is_404(client):
    assert client.get(reverse("budgeting:ballot", args=[999999])).status_code == 404


# --- Casting ------------------------------------------------------------------------------------------


def test_casting_redirects_to_the_receipt_shown_once(client, sign_in, vote_cycle, voter, city, gangnam):
    sign_in(voter)
    response = client.post(url("ballot", vote_cycle), {"projects": [city[0].pk, gangnam[2].pk]})
    assert response.status_code == 303
    assert response["Location"] == url("receipt", vote_cycle)
    assert BudgetParticipation.objects.filter(citizen=voter).exists()
    shown = client.get(url("receipt", vote_cycle))
    receipt = shown.context["receipt"]
    assert receipt and receipt in text(shown)
    assert "This receipt is shown only this once." in text(shown)
    again = client.get(url("receipt", vote_cycle))
    assert again.context["missing"] and "A receipt is shown only once" in text(again)


def test_a_second_ballot_is_409_and_writes_nothing(client, sign_in, vote_cycle, voter, city):
    sign_in(voter)
    client.post(url("ballot", vote_cycle), {"projects": [city[0].pk]})
    before = books(vote_cycle)
    response = client.post(url("ballot", vote_cycle), {"projects": [city[1].pk]})
    assert response.status_code == 409
    assert "You have already voted in this cycle. A ballot cannot be changed." in text(response)
    assert books(vote_cycle) == before


def test_invalid_picks_are_400_with_the_reason_and_the_picks_kept(client, sign_in, vote_cycle, voter, gangnam, city):
    sign_in(voter)
    before = books(vote_cycle)
    response = client.post(url("ballot", vote_cycle), {"projects": [p.pk for p in gangnam]})
    assert response.status_code == 400
    page = text(response)
    assert "You picked 6 projects in Gangnam-gu; you may pick at most 5." in page
    assert page.count("checked") == 6
    assert books(vote_cycle) == before


@pytest.mark.parametrize("garbage", ["abc", "99999999999999999999999", "-1"])
def test_garbage_picks_are_400(client, sign_in, vote_cycle, voter, city, garbage):
    sign_in(voter)
    response = client.post(url("ballot", vote_cycle), {"projects": [city[0].pk, garbage]})
    assert response.status_code == 400
    assert "The form was changed" in text(response)
    assert books(vote_cycle)["participations"] == 0


def test_a_ballot_of_another_districts_pot_is_400(client, sign_in, vote_cycle, voter, jongno):
    sign_in(voter)
    response = client.post(url("ballot", vote_cycle), {"projects": [jongno[0].pk]})
    assert response.status_code == 400
    assert "is in another district's pot" in text(response)


def test_not_allowed_is_403(client, sign_in, vote_cycle, staff_participant, city, declare):
    official = staff_participant
    declare(official, vote_cycle)
    sign_in(official)
    response = client.post(url("ballot", vote_cycle), {"projects": [city[0].pk]})
    assert response.status_code == 403
    assert "Public officials cannot take part" in text(response)


def test_after_the_vote_is_403(client, sign_in, vote_cycle, voter, city):
    ended = shift_to_phase(vote_cycle, "assembly")
    sign_in(voter)
    response = client.post(url("ballot", ended), {"projects": [city[0].pk]})
    assert response.status_code == 403
    assert "The citizen vote is over." in text(response)


def test_a_simulation_is_403(client, sign_in, make_cycle, voter, make_project, declare):
    cycle = make_cycle("vote", year=1999)
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True)
    declare(voter, cycle)
    project = make_project(cycle)
    sign_in(voter)
    response = client.post(reverse("budgeting:ballot", args=[cycle.pk]), {"projects": [project.pk]})
    assert response.status_code == 403
    assert "simulation" in text(response)


def test_a_visitor_who_posts_is_sent_to_sign_in(client, vote_cycle, city):
    response = client.post(url("ballot", vote_cycle), {"projects": [city[0].pk]})
    assert response.status_code == 302
    assert reverse("citizens:signin") in response["Location"]
    assert books(vote_cycle)["participations"] == 0


def test_htmx_refusals_swap_or_reload(client, sign_in, vote_cycle, voter, staff_participant, city, gangnam):
    official = staff_participant
    sign_in(voter)
    response = client.post(url("ballot", vote_cycle), {"projects": [p.pk for p in gangnam]}, **HTMX)
    assert response.status_code == 400 and "HX-Refresh" not in response
    sign_in(official)
    response = client.post(url("ballot", vote_cycle), {"projects": [city[0].pk]}, **HTMX)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"


# --- The meter --------------------------------------------------------------------------------------


def test_the_meter_answers_htmx_with_the_partial_only(client, sign_in, vote_cycle, voter, city, gangnam):
    sign_in(voter)
    response = client.get(url("ballot_meter", vote_cycle), {"projects": [city[0].pk, city[1].pk]}, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page and page.strip().startswith('<div id="ballot-meter"')
    assert "2 of 5 picks" in page and "0 of 5 picks" in page
    assert "HX-Request" in response["Vary"]


def test_the_meter_explains_why_picks_are_refused(client, sign_in, vote_cycle, voter, gangnam, jongno):
    sign_in(voter)
    page = text(client.get(url("ballot_meter", vote_cycle), {"projects": [p.pk for p in gangnam]}, **HTMX))
    assert "6 of 5 picks" in page
    assert "You picked 6 projects in Gangnam-gu; you may pick at most 5." in page
    page = text(client.get(url("ballot_meter", vote_cycle), {"projects": ["abc"]}, **HTMX))
    assert "“abc” is not a project on this ballot" in page
    page = text(client.get(url("ballot_meter", vote_cycle), {"projects": [jongno[0].pk]}, **HTMX))
    assert f"Project no. {jongno[0].pk} is not on this cycle's ballot." in page


def test_the_knapsack_meter_shows_the_cost_used(client, sign_in, make_cycle, participant, declare, make_project):
    cycle = make_cycle("vote", ballot_kind=Cycle.BallotKind.KNAPSACK)
    voter = participant()
    declare(voter, cycle)
    projects = [make_project(cycle, cost=400_000_000) for _ in range(3)]
    sign_in(voter)
    meter = reverse("budgeting:ballot_meter", args=[cycle.pk])
    page = text(client.get(meter, {"projects": [projects[0].pk]}, **HTMX))
    assert "KRW 400,000,000 of KRW 1,000,000,000 used" in page and "KRW 600,000,000 left" in page
    page = text(client.get(meter, {"projects": [p.pk for p in projects]}, **HTMX))
    assert "The projects you picked in City-wide cost KRW 1,200,000,000; the pot holds KRW 1,000,000,000." in page


def test_the_meter_without_htmx_is_the_ballot_page_with_the_picks(client, sign_in, vote_cycle, voter, city):
    sign_in(voter)
    response = client.get(url("ballot_meter", vote_cycle), {"projects": [city[0].pk]})
    assert response.status_code == 200
    page = text(response)
    assert "<html" in page and "1 of 5 picks" in page and page.count("checked") == 1


# --- Query counts ------------------------------------------------------------------------------------


def _queries(client, path, params=None, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {}, **headers)
    assert response.status_code == 200
    return len(captured)


def test_the_ballot_page_costs_the_same_for_3_and_30_projects(client, sign_in, vote_cycle, voter, make_project):
    sign_in(voter)
    for n in range(3):
        make_project(vote_cycle, district="11680" if n % 2 else None, sector="environment" if n % 3 else "welfare")
    client.get(url("ballot", vote_cycle))  # warm the session
    few = _queries(client, url("ballot", vote_cycle))
    meter_few = _queries(client, url("ballot_meter", vote_cycle), {"projects": ["1"]}, **HTMX)
    for n in range(27):
        make_project(vote_cycle, district="11680" if n % 2 else None, sector="environment" if n % 3 else "welfare")
    assert _queries(client, url("ballot", vote_cycle)) == few
    assert _queries(client, url("ballot_meter", vote_cycle), {"projects": ["1"]}, **HTMX) == meter_few


def test_the_visitors_ballot_page_costs_the_same_for_3_and_30_projects(client, vote_cycle, make_project):
    for _ in range(3):
        make_project(vote_cycle)
    few = _queries(client, url("ballot", vote_cycle))
    for _ in range(27):
        make_project(vote_cycle)
    assert _queries(client, url("ballot", vote_cycle)) == few


# --- The receipt check -----------------------------------------------------------------------------


def test_a_receipt_is_counted(client, vote_cycle, voter, city):
    receipt = ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk]).receipt
    response = client.post(url("verify", vote_cycle), {"receipt": receipt.lower().replace("-", " ")})
    assert response.status_code == 200
    page = text(response)
    assert "Your ballot is counted in this cycle's vote." in page
    assert response.context["check"].counted


def test_a_sealed_receipt_names_its_block(client, vote_cycle, voter, city):
    from audit.services import ledger_seal

    receipt = ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk]).receipt
    block = ledger_seal()[-1]
    page = text(client.post(url("verify", vote_cycle), {"receipt": receipt}))
    assert f"in block {block.height}" in page


def test_the_check_in_htmx_is_the_partial(client, vote_cycle, voter, city):
    receipt = ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk]).receipt
    response = client.post(url("verify", vote_cycle), {"receipt": receipt}, **HTMX)
    assert text(response).strip().startswith('<section id="receipt-verify"')


def test_unknown_malformed_and_foreign_receipts(client, vote_cycle, make_cycle, make_project, voter, declare):
    assert client.get(url("verify", vote_cycle)).status_code == 200
    response = client.post(url("verify", vote_cycle), {"receipt": "not a receipt!"})
    assert response.status_code == 400 and "This is not a receipt" in text(response)
    response = client.post(url("verify", vote_cycle), {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert response.status_code == 200 and "No entry in the ledger has this receipt." in text(response)
    other = make_cycle("vote", year=vote_cycle.year + 1)
    declare(voter, other)
    receipt = ballot_cast(citizen=voter, cycle=other, project_ids=[make_project(other).pk]).receipt
    response = client.post(url("verify", vote_cycle), {"receipt": receipt})
    assert "This receipt is in the ledger, but not for this cycle's vote." in text(response)


# --- The declaration form --------------------------------------------------------------------------


def test_the_declaration_form_records_and_returns_to_the_ballot(client, sign_in, vote_cycle, participant):
    citizen = participant()
    sign_in(citizen)
    form = client.get(url("eligibility", vote_cycle))
    assert form.status_code == 200
    assert form.context["form"].initial["basis"] == "resident"
    response = client.post(
        url("eligibility", vote_cycle),
        {"basis": "worker", "district": "11110", "place": "광화문 회사", "not_public_official": "on"},
    )
    assert response.status_code == 302 and response["Location"] == url("ballot", vote_cycle)
    declaration = EligibilityDeclaration.objects.get(citizen=citizen)
    assert (declaration.basis, declaration.district_id, declaration.place) == ("worker", "11110", "광화문 회사")


def test_the_declaration_form_lists_only_accepted_bases(client, sign_in, make_cycle, participant):
    cycle = make_cycle("vote", accepts_students=False)
    sign_in(participant())
    page = text(client.get(reverse("budgeting:eligibility", args=[cycle.pk])))
    assert 'value="worker"' in page and 'value="student"' not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"basis": "resident", "district": "11680"}, "Confirm that you are not a public official"),
        ({"basis": "worker", "district": "11680", "not_public_official": "on"}, "Name your workplace."),
        ({"basis": "martian", "not_public_official": "on"}, "Choose on what basis you take part."),
        (
            {"basis": "resident", "district": "00000", "not_public_official": "on"},
            "Choose one of Seoul's 25 districts.",
        ),
    ],
)
def test_the_declaration_form_explains_what_is_wrong(client, sign_in, vote_cycle, participant, data, message):
    sign_in(participant())
    response = client.post(url("eligibility", vote_cycle), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not EligibilityDeclaration.objects.exists()


def test_officials_may_not_declare(client, sign_in, vote_cycle, staff_participant):
    official = staff_participant
    sign_in(official)
    response = client.post(url("eligibility", vote_cycle), {"basis": "resident", "not_public_official": "on"})
    assert response.status_code == 403
    assert not EligibilityDeclaration.objects.exists()


def test_the_declaration_is_final_once_voted(client, sign_in, vote_cycle, voter, city):
    ballot_cast(citizen=voter, cycle=vote_cycle, project_ids=[city[0].pk])
    sign_in(voter)
    assert "can no longer change" in text(client.get(url("eligibility", vote_cycle)))
    response = client.post(
        url("eligibility", vote_cycle),
        {"basis": "worker", "district": "11110", "place": "회사", "not_public_official": "on"},
    )
    assert response.status_code == 409
    assert EligibilityDeclaration.objects.get(citizen=voter).basis == "resident"


def test_the_declaration_form_needs_a_signed_in_participant(client, vote_cycle):
    response = client.get(url("eligibility", vote_cycle))
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]


def test_no_declaration_after_the_vote(client, sign_in, vote_cycle, participant):
    ended = shift_to_phase(vote_cycle, "assembly")
    sign_in(participant())
    response = client.get(url("eligibility", ended))
    assert response.status_code == 403 and "The citizen vote is over." in text(response)
    assert timezone.now() > ended.vote_phase().ends_at - timedelta(seconds=0)


def test_the_ballot_page_in_korean_shows_won(client, sign_in, vote_cycle, voter, city):
    from django.utils import translation

    sign_in(voter)
    with translation.override("ko"):
        response = client.get(url("ballot", vote_cycle))
    assert response.status_code == 200
    page = text(response)
    assert "100,000,000원" in page and "시 전체" in page and "강남구" in page
