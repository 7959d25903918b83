"""A Democratic Seoul debate with enough participants becomes a linked budget project, offered
through governance.budget_sources (budgeting never imports the proposals app): the candidates,
the proposal form's choice, the project's link back, and the import contract."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from budgeting.errors import BudgetingError
from budgeting.services.projects import project_create, project_submit
from governance.budget_sources import budget_candidate, budget_candidates
from proposals.models import Category, Proposal
from proposals.services import proposal_close_window, proposal_create_draft, proposal_promote, proposal_publish
from proposals.services.debate import debate_take_stance

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def debate(make_citizen, superuser, department):
    """A proposal whose public debate opened yesterday (promoted by the citizen panel)."""
    category = Category.objects.create(slug="parks", name_ko="공원", name_en="Parks", default_unit=department)
    author = make_citizen()
    now = timezone.now()
    proposal = proposal_create_draft(author=author, title="한강 공원 그늘 쉼터 확충", body="그늘이 부족합니다.",
                                     category=category)
    proposal_publish(author=author, proposal=proposal, now=now - timedelta(days=80))
    proposal_close_window(proposal=proposal, now=now - timedelta(days=50))
    proposal_promote(actor=superuser, proposal=proposal, reason="시민 패널 우수제안", now=now - timedelta(days=1))
    proposal.refresh_from_db()
    return proposal


def test_a_debate_with_enough_participants_is_a_candidate(debate, make_citizen, settings):
    settings.PROPOSALS_BUDGET_THRESHOLD = 3
    ref = f"proposals.proposal:{debate.pk}"
    for stance in ("for", "against"):
        debate_take_stance(citizen=make_citizen(), proposal=debate, stance=stance)
    assert budget_candidate(ref) is None  # two participants: under the threshold
    debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for")
    candidate = budget_candidate(ref)
    assert candidate is not None and candidate.participants == 3 and candidate.title == debate.title
    assert candidate.url == reverse("proposals:detail", args=[debate.pk])


def test_the_default_threshold_is_a_thousand_participants(debate):
    Proposal.objects.filter(pk=debate.pk).update(debate_participant_count=999)
    assert budget_candidates() == []
    Proposal.objects.filter(pk=debate.pk).update(debate_participant_count=1000)
    assert [candidate.ref for candidate in budget_candidates()] == [f"proposals.proposal:{debate.pk}"]


def test_a_project_grows_out_of_the_debate_and_links_back(debate, make_cycle, proposer, states, sign_in):
    Proposal.objects.filter(pk=debate.pk).update(debate_participant_count=1200)
    cycle = make_cycle("proposal")
    ref = f"proposals.proposal:{debate.pk}"
    client = sign_in(proposer)
    page = client.get(reverse("budgeting:propose", args=[cycle.pk]))
    assert "한강 공원 그늘 쉼터 확충" in page.content.decode() and "1,200" in page.content.decode()
    project = project_create(actor=proposer, cycle=cycle, **states.fields(cycle, source_ref=ref))
    project_submit(actor=proposer, project=project)
    detail = client.get(reverse("budgeting:project", args=[project.pk])).content.decode()
    assert reverse("proposals:detail", args=[debate.pk]) in detail and "Democratic Seoul debate" in detail


def test_an_unknown_or_small_debate_or_one_already_taken_is_refused(debate, make_cycle, proposer, participant, states):
    cycle = make_cycle("proposal")
    ref = f"proposals.proposal:{debate.pk}"
    with pytest.raises(BudgetingError, match="cannot become a budget project") as caught:
        project_create(actor=proposer, cycle=cycle, **states.fields(cycle, source_ref=ref))
    assert caught.value.field == "source_ref"
    with pytest.raises(BudgetingError, match="cannot become a budget project"):
        project_create(actor=proposer, cycle=cycle, **states.fields(cycle, source_ref="proposals.proposal:999999"))
    Proposal.objects.filter(pk=debate.pk).update(debate_participant_count=1000)
    first = project_create(actor=proposer, cycle=cycle, **states.fields(cycle, source_ref=ref))
    project_submit(actor=proposer, project=first)
    with pytest.raises(BudgetingError, match="already grew out of this debate"):
        project_create(actor=participant(), cycle=cycle, **states.fields(cycle, source_ref=ref))


def test_budgeting_still_never_imports_proposals():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    budgeting_sources = "\n".join(path.read_text() for path in (ROOT / "budgeting").rglob("*.py"))
    assert "import proposals" not in budgeting_sources and "from proposals" not in budgeting_sources
