"""The citizens' pages: proposing (and every kind of bad input as a form error, never a 500),
drafts private to their proposer, submitting and withdrawing, the list's filters, one's own
projects, the implementation page and the English pages under /en/."""

import pytest
from django.urls import reverse
from django.utils import translation

from budgeting.models import Project
from notifications.models import Notification

from .conftest import png_upload, publish_results

pytestmark = pytest.mark.django_db
Status = Project.Status
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "project-results"}


def form_data(cycle, **overrides):
    data = {
        "pot": cycle.pots.get(district__isnull=True).pk,
        "sector": cycle.sectors.get(slug="welfare").pk,
        "title": "어린이 공원 그늘막 설치",
        "summary": "놀이터에 그늘막을 설치합니다.",
        "description": "여름철 놀이터가 너무 뜨겁습니다.",
        "location": "서울광장",
        "district": "",
        "estimated_cost": "50,000,000",
        "beneficiaries": "어린이",
        "image_alt": "",
        "source_ref": "",
    }
    data.update(overrides)
    return data


def errors(response, field):
    return [str(error) for error in response.context["form"].errors.get(field, [])]


# --- Proposing -------------------------------------------------------------------------------------


def test_a_citizen_proposes_a_draft_then_submits_it(make_cycle, proposer, sign_in):
    cycle = make_cycle("proposal")
    client = sign_in(proposer)
    assert client.get(reverse("budgeting:propose", args=[cycle.pk])).status_code == 200
    response = client.post(reverse("budgeting:propose", args=[cycle.pk]), form_data(cycle))
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("budgeting:project", args=[project.pk])
    assert project.status == Status.DRAFT and project.estimated_cost == 50_000_000
    page = client.get(response["Location"]).content.decode()
    assert reverse("budgeting:project_submit", args=[project.pk]) in page
    confirm = client.get(reverse("budgeting:project_submit", args=[project.pk]))
    assert confirm.status_code == 200 and "Submit the project" in confirm.content.decode()
    response = client.post(reverse("budgeting:project_submit", args=[project.pk]))
    assert response.status_code == 302
    assert Project.objects.get().status == Status.SUBMITTED
    assert Notification.objects.filter(citizen=proposer, kind="budget_project_received").exists()
    again = client.post(reverse("budgeting:project_submit", args=[project.pk]))
    assert again.status_code == 409 and "already submitted" in again.content.decode()


def test_a_picture_goes_with_its_description(make_cycle, proposer, sign_in):
    cycle = make_cycle("proposal")
    client = sign_in(proposer)
    url = reverse("budgeting:propose", args=[cycle.pk])
    response = client.post(url, {**form_data(cycle), "image": png_upload()})
    assert response.status_code == 400 and errors(response, "image_alt")
    response = client.post(url, {**form_data(cycle), "image": png_upload(), "image_alt": "조감도"})
    project = Project.objects.get()
    image = client.get(reverse("budgeting:project_image", args=[project.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    from django.test import Client

    assert Client().get(reverse("budgeting:project_image", args=[project.pk])).status_code == 404


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Write the project's title."),
    ({"description": ""}, "description", "Describe the project."),
    ({"estimated_cost": "0"}, "estimated_cost", "more than 0 won"),
    ({"estimated_cost": "-5000"}, "estimated_cost", "more than 0 won"),
    ({"estimated_cost": "abc"}, "estimated_cost", "whole number"),
    ({"estimated_cost": "99999999999999999999999"}, "estimated_cost", "may cost at most"),
    ({"estimated_cost": "300,000,001"}, "estimated_cost", "may cost at most KRW 300,000,000"),
    ({"pot": "999999"}, "pot", "this cycle's pots"),
    ({"pot": "x"}, "pot", "this cycle's pots"),
    ({"sector": ""}, "sector", "Choose the project's sector."),
    ({"location": ""}, "location", "Say where the project would be"),
    ({"district": "99999"}, "district", "25 districts"),
    ({"source_ref": "proposals.proposal:1"}, "source_ref", "Choose one of the debates listed."),
])
def test_bad_input_is_a_form_error_and_nothing_is_written(make_cycle, proposer, sign_in, overrides, field, message):
    cycle = make_cycle("proposal")
    response = sign_in(proposer).post(reverse("budgeting:propose", args=[cycle.pk]), form_data(cycle, **overrides))
    assert response.status_code == 400
    assert any(message in error for error in errors(response, field)), response.context["form"].errors
    assert not Project.objects.exists()


def test_a_pot_of_another_cycle_is_refused(make_cycle, proposer, sign_in):
    cycle = make_cycle("proposal")
    other = make_cycle("proposal", year=cycle.year + 1)
    foreign = other.pots.get(district__isnull=True).pk
    response = sign_in(proposer).post(reverse("budgeting:propose", args=[cycle.pk]), form_data(cycle, pot=foreign))
    assert response.status_code == 400 and errors(response, "pot")


def test_officials_and_out_of_phase_proposals_get_the_reason(make_cycle, official, proposer, sign_in, participant):
    cycle = make_cycle("proposal")
    from citizens.consents import purposes
    from citizens.services import consent_record

    consent_record(citizen=official, answers={item.key: True for item in purposes()})
    client = sign_in(official)
    page = client.get(reverse("budgeting:propose", args=[cycle.pk]))
    assert page.status_code == 200 and "Officials cannot propose" in page.content.decode()
    assert client.post(reverse("budgeting:propose", args=[cycle.pk]), form_data(cycle)).status_code == 403
    later = make_cycle("vote", year=cycle.year + 1)
    response = sign_in(proposer).post(reverse("budgeting:propose", args=[later.pk]), form_data(later))
    assert response.status_code == 403 and "proposal call" in response.content.decode()
    assert not Project.objects.exists()


def test_a_visitor_is_sent_to_sign_in(make_cycle, client):
    cycle = make_cycle("proposal")
    response = client.get(reverse("budgeting:propose", args=[cycle.pk]))
    assert response.status_code == 302 and "next=" in response["Location"]


# --- Drafts and one's own projects -----------------------------------------------------------------


def test_drafts_are_their_proposers_alone(make_cycle, states, proposer, participant, sign_in, client):
    cycle = make_cycle("proposal")
    draft = states.draft(cycle)
    url = reverse("budgeting:project", args=[draft.pk])
    assert client.get(url).status_code == 404
    stranger = sign_in(participant())
    assert stranger.get(url).status_code == 404
    assert stranger.get(reverse("budgeting:project_edit", args=[draft.pk])).status_code == 404
    assert stranger.post(reverse("budgeting:project_submit", args=[draft.pk])).status_code == 404
    assert sign_in(proposer).get(url).status_code == 200
    assert Project.objects.get(pk=draft.pk).status == Status.DRAFT


def test_the_proposer_edits_a_draft(make_cycle, states, proposer, sign_in):
    cycle = make_cycle("proposal")
    draft = states.draft(cycle)
    client = sign_in(proposer)
    url = reverse("budgeting:project_edit", args=[draft.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, form_data(cycle, estimated_cost="0"))
    assert bad.status_code == 400 and errors(bad, "estimated_cost")
    response = client.post(url, form_data(cycle, title="새 제목", estimated_cost="70000000"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.estimated_cost) == ("새 제목", 70_000_000)


def test_a_submitted_project_is_withdrawn_from_its_page(make_cycle, states, proposer, sign_in):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    client = sign_in(proposer)
    page = client.get(reverse("budgeting:project", args=[project.pk])).content.decode()
    assert reverse("budgeting:project_withdraw", args=[project.pk]) in page
    assert client.get(reverse("budgeting:project_withdraw", args=[project.pk])).status_code == 200
    response = client.post(reverse("budgeting:project_withdraw", args=[project.pk]), {"reason": "중복"})
    assert response.status_code == 302 and Project.objects.get(pk=project.pk).status == Status.WITHDRAWN
    again = client.post(reverse("budgeting:project_withdraw", args=[project.pk]), {"reason": ""})
    assert again.status_code == 409


def test_my_projects_lists_drafts_and_submitted(make_cycle, states, proposer, sign_in):
    cycle = make_cycle("proposal")
    draft = states.draft(cycle, title="초안 사업")
    submitted = states.submitted(cycle, title="제출한 사업")
    page = sign_in(proposer).get(reverse("budgeting:my_projects")).content.decode()
    assert draft.title in page and submitted.title in page


# --- The public pages ------------------------------------------------------------------------------


def test_the_list_shows_submitted_projects_and_filters(make_cycle, states, participant, client):
    cycle = make_cycle("feasibility")
    draft = states.draft(cycle, title="비공개 초안")
    feasible = states.feasible(cycle, title="가능한 사업")
    gangnam = states.submitted(cycle, title="강남 사업", pot=cycle.pots.get(district_id="11680"), location="")
    url = reverse("budgeting:projects", args=[cycle.pk])
    page = client.get(url).content.decode()
    assert feasible.title in page and gangnam.title in page and draft.title not in page
    by_pot = client.get(url, {"pot": gangnam.pot_id}).content.decode()
    assert gangnam.title in by_pot and feasible.title not in by_pot
    by_status = client.get(url, {"status": "feasible"}).content.decode()
    assert feasible.title in by_status and gangnam.title not in by_status
    by_text = client.get(url, {"q": "강남"}).content.decode()
    assert gangnam.title in by_text and feasible.title not in by_text
    partial = client.get(url, {"status": "feasible"}, **HTMX)
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    bad = client.get(url, {"status": "bogus", "pot": "x"})
    assert bad.status_code == 400 and feasible.title in bad.content.decode()


def test_the_project_page_shows_cost_feasibility_score_votes_result_and_milestones(make_cycle, states, client):
    from datetime import date

    from budgeting.models import Milestone

    cycle = make_cycle("vote")
    project = states.feasible(cycle, adjusted_cost=80_000_000, cost_reason="자재비 상승")
    Project.objects.filter(pk=project.pk).update(
        committee_score="81.50", committee_spread="6.20", committee_reviews=5, agenda_item_id=1, votes=321
    )
    url = reverse("budgeting:project", args=[project.pk])
    during = client.get(url).content.decode()
    assert "KRW 80,000,000" in during and "자재비 상승" in during and "81.50" in during and "±6.20" in during
    # no votes shown while the vote runs (the figure itself, not any "321" — a timestamp's microseconds may hold it)
    assert "<dd>321</dd>" not in during
    cycle = publish_results(cycle, funded=[Project.objects.get(pk=project.pk)])
    Milestone.objects.create(project=project, title_ko="설계", title_en="Design", due_on=date(2030, 1, 1),
                             progress=50)
    after = client.get(url).content.decode()
    assert "Selected for funding" in after and "Design" in after and "50%" in after


def test_the_implementation_page_lists_funded_projects_with_progress(make_cycle, states, client):
    from datetime import date

    from budgeting.models import Milestone

    cycle = make_cycle("implementation")
    funded = states.feasible(cycle, title="그늘막")
    unfunded = states.feasible(cycle, title="분수")
    publish_results(cycle, funded=[funded], unfunded=[unfunded])
    Milestone.objects.create(project=funded, title_ko="착공", title_en="Works start", due_on=date(2030, 1, 1),
                             progress=30)
    page = client.get(reverse("budgeting:implementation", args=[cycle.pk])).content.decode()
    assert "그늘막" in page and "분수" not in page and "Works start" in page and 'value="30"' in page


def test_english_pages_under_en(make_cycle, states, client):
    cycle = make_cycle("feasibility")
    project = states.submitted(cycle)
    with translation.override("en"):
        url = reverse("budgeting:project", args=[project.pk])
        list_url = reverse("budgeting:projects", args=[cycle.pk])
    assert url.startswith("/en/") and list_url.startswith("/en/")
    page = client.get(url)
    assert page.status_code == 200 and '<html lang="en"' in page.content.decode()
    assert "The responsible department has not checked this project yet." in page.content.decode()
    assert "City-wide" in client.get(list_url).content.decode()
    with translation.override("ko"):
        korean = reverse("budgeting:project", args=[project.pk])
    assert not korean.startswith("/en/")
    assert '<html lang="ko"' in client.get(korean).content.decode()


def test_unknown_pages_are_404(client):
    assert client.get("/budgeting/999/projects/").status_code == 404
    assert client.get("/budgeting/projects/999/").status_code == 404
    assert client.get("/budgeting/999/implementation/").status_code == 404
