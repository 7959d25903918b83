"""A whole cycle, the way people run it: citizens in the browser, committee members in the review
workspace, officials in the admin, each step through the pages and forms (HTTP), with the
notification each step owes to proposers and voters. The phases move on as the calendar would."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from budgeting.models import BudgetBallot, BudgetParticipation, Cycle, Milestone, Project, ProjectResult
from citizens.consents import purposes
from citizens.services import consent_record
from governance.models import AgendaItem, Membership
from notifications.models import Notification

from .conftest import shift_to_phase


def browser(user):
    """A signed-in browser of `user` who has answered the consent screen."""
    if not user.is_staff:
        consent_record(citizen=user, answers={purpose.key: True for purpose in purposes()})
    client = Client()
    client.force_login(user)
    return client


def notices(user, kind):
    return Notification.objects.filter(citizen=user, kind=kind).count()


@pytest.fixture
def people(make_citizen, official, committee, make_member):
    welfare = committee.subcommittees.get(slug="pb-welfare")
    secretary = make_member(welfare)
    Membership.objects.filter(person=secretary).update(role=Membership.Role.SECRETARY)
    return {
        "proposer": make_citizen(),
        "voter": make_citizen(district="11110"),
        "official": official,
        "members": [secretary, make_member(welfare), make_member(welfare)],
        "secretary": secretary,
    }


def test_a_cycle_from_proposal_to_implementation(make_cycle, people, django_capture_on_commit_callbacks):
    cycle = make_cycle("proposal")
    city = cycle.pots.get(district__isnull=True)
    welfare = cycle.sectors.get(slug="welfare")
    proposer, voter, official = people["proposer"], people["voter"], people["official"]
    citizen_browser, voter_browser, admin = browser(proposer), browser(voter), browser(official)

    # 1. A citizen drafts a project and submits it.
    response = citizen_browser.post(reverse("budgeting:propose", args=[cycle.pk]), {
        "pot": city.pk, "sector": welfare.pk, "title": "경로당 스마트 건강관리", "summary": "혈압·혈당 측정기를 둡니다.",
        "description": "구립 경로당 30곳에 건강 측정기와 상담 일정을 마련합니다.", "location": "서울시 전역",
        "district": "", "estimated_cost": "120,000,000", "beneficiaries": "어르신",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(title="경로당 스마트 건강관리")
    assert project.status == Project.Status.DRAFT and project.proposer == proposer
    assert citizen_browser.post(reverse("budgeting:project_submit", args=[project.pk])).status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED
    assert notices(proposer, "budget_project_received") == 1

    # 2. The department's check, in the admin: feasible at an adjusted cost.
    cycle = shift_to_phase(cycle, "feasibility")
    response = admin.post(reverse("admin:budgeting_project_feasibility", args=[project.pk]), {
        "feasible": "yes", "legal_review": "법적 문제 없음", "technical_review": "설치 가능",
        "adjusted_cost": "100000000", "cost_reason": "조달 단가로 다시 산정",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.status == Project.Status.FEASIBLE and project.cost == 100_000_000
    assert notices(proposer, "budget_project_feasibility") == 1

    # 3. The committee deliberates in the review workspace; its mean score comes back.
    cycle = shift_to_phase(cycle, "deliberation")
    assert admin.post(reverse("admin:budgeting_project_committee", args=[project.pk]), {
        "review_deadline": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }).status_code == 302
    project.refresh_from_db()
    item = AgendaItem.objects.get(pk=project.agenda_item_id)
    assert item.committee.slug == "pb-welfare" and item.asks_score
    for member, score in zip(people["members"], (70, 80, 90), strict=True):
        response = browser(member).post(reverse("review:item", args=[item.pk]), {
            "recommendation": "approve", "score": str(score), "opinion": "주민 수요가 분명합니다.",
        })
        assert response.status_code in (200, 302), response.content.decode()[:2000]
    response = browser(people["secretary"]).post(reverse("review:close", args=[item.pk]), {
        "outcome": "approved", "resolution_ko": "시민투표에 올립니다.", "resolution_en": "",
        "votes_for": "3", "votes_against": "0", "votes_abstain": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.committee_score == 80 and project.committee_reviews == 3 and project.committee_spread > 0
    assert notices(proposer, "budget_project_committee") == 1

    # 4. The vote: a citizen declares and votes in the browser, an official enters a paper ballot.
    cycle = shift_to_phase(cycle, "vote")
    response = voter_browser.post(reverse("budgeting:eligibility", args=[cycle.pk]), {
        "basis": "resident", "district": "11110", "place": "", "not_public_official": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    response = voter_browser.post(reverse("budgeting:ballot", args=[cycle.pk]), {"projects": [str(project.pk)]})
    assert response.status_code in (302, 303), response.content.decode()[:2000]
    receipt_page = voter_browser.get(response["Location"]).content.decode()
    assert reverse("budgeting:verify", args=[cycle.pk]) in receipt_page
    again = voter_browser.post(reverse("budgeting:ballot", args=[cycle.pk]), {"projects": [str(project.pk)]})
    assert again.status_code == 409
    assert BudgetParticipation.objects.filter(cycle=cycle).count() == BudgetBallot.objects.filter(cycle=cycle).count() == 1

    # 5. The count and the publication, in the admin; proposers and voters are told.
    cycle = shift_to_phase(cycle, "assembly")
    with django_capture_on_commit_callbacks(execute=True):  # the count runs in a task after the commit
        assert admin.post(reverse("admin:budgeting_cycle_count", args=[cycle.pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("admin:budgeting_cycle_publish", args=[cycle.pk])).status_code == 302
    result = ProjectResult.objects.get(project=project)
    assert result.funded and result.votes == 1
    assert notices(proposer, "budget_project_result") == 1
    assert notices(voter, "budget_results_published") == 1
    public = Client().get(reverse("budgeting:pot_results", args=[cycle.pk, city.pk])).content.decode()
    assert project.title in public

    # 6. The general assembly confirms, the council approves, both in the admin.
    response = admin.post(reverse("admin:budgeting_cycle_assembly", args=[cycle.pk]), {
        f"decision_{result.pk}": "confirm", f"cost_{result.pk}": "", f"reason_{result.pk}": "", "note": "원안 확정",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = shift_to_phase(cycle, "council")
    response = admin.post(reverse("admin:budgeting_cycle_council", args=[cycle.pk]), {
        "decision": "approved", "note": "원안 의결",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.assembly_confirmed_at and cycle.council_decision == "approved"

    # 7. Implementation: a milestone in the admin, followed by a committee member, all public.
    cycle = shift_to_phase(cycle, "implementation")
    response = admin.post(reverse("admin:budgeting_project_add_milestone", args=[project.pk]), {
        "title_ko": "측정기 설치", "title_en": "Devices installed",
        "due_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Milestone.objects.filter(project=project).count() == 1
    assert notices(proposer, "budget_project_milestone") == 1
    response = browser(people["members"][1]).post(reverse("budgeting:monitoring", args=[cycle.pk]), {
        "project": str(project.pk), "body": "설치 일정을 현장에서 확인했습니다.",
    })
    assert response.status_code in (200, 302), response.content.decode()[:2000]
    implementation = Client().get(reverse("budgeting:implementation", args=[cycle.pk])).content.decode()
    assert "측정기 설치" in implementation
    assert "설치 일정을 현장에서 확인했습니다." in Client().get(reverse("budgeting:project", args=[project.pk])).content.decode()
