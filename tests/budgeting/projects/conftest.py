"""Builders of the project tests: citizens ready to take part, signed-in clients, and projects in
every state, made through the services (the cycle's phases are moved to let each service run,
then back to the phase the test asked for)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image

import budgeting.admin.projects  # noqa: F401 -- registers the ModelAdmins (until budgeting/admin imports it)
from budgeting.models import Cycle, PotResult, Project, ProjectResult
from budgeting.services.projects import project_check_feasibility, project_create, project_submit, project_withdraw
from governance.models import OrgAssignment, OrgUnit

from ..conftest import shift_to_phase


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Refusals are checked by their English texts (the msgids); the Korean tests say so."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def proposer(participant):
    return participant(name="홍길동")


@pytest.fixture
def other_official(make_citizen):
    unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                  name_en="Transport Bureau")
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


def png_upload(name="picture.png", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 80, 208)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def phase_of(cycle) -> str:
    phase = Cycle.objects.prefetch_related("phases").get(pk=cycle.pk).phase_at()
    return phase.kind if phase else ""


class ProjectStates:
    """Projects of a cycle in each state, moved there by the services; each ends with the cycle
    back in `phase` (default: the phase it was in)."""

    def __init__(self, *, proposer, official):
        self.proposer, self.official = proposer, official

    def fields(self, cycle, **overrides):
        values = {
            "pot": cycle.pots.get(district__isnull=True),
            "sector": cycle.sectors.get(slug="welfare"),
            "title": "어린이 공원 그늘막 설치",
            "summary": "놀이터에 그늘막을 설치합니다.",
            "description": "여름철 놀이터가 너무 뜨겁습니다.\n그늘막을 설치해 주세요.",
            "location": "서울광장",
            "estimated_cost": 50_000_000,
            "beneficiaries": "어린이와 보호자",
        }
        values.update(overrides)
        return values

    def draft(self, cycle, *, phase=None, proposer=None, **overrides):
        phase = phase or phase_of(cycle)
        shift_to_phase(cycle, "proposal")
        project = project_create(actor=proposer or self.proposer, cycle=cycle, **self.fields(cycle, **overrides))
        shift_to_phase(cycle, phase)
        return project

    def submitted(self, cycle, *, phase=None, proposer=None, **overrides):
        phase = phase or phase_of(cycle)
        project = self.draft(cycle, phase="proposal", proposer=proposer, **overrides)
        project_submit(actor=proposer or self.proposer, project=project)
        shift_to_phase(cycle, phase)
        return Project.objects.get(pk=project.pk)

    def withdrawn(self, cycle, *, phase=None, **overrides):
        phase = phase or phase_of(cycle)
        project = self.submitted(cycle, phase="proposal", **overrides)
        project_withdraw(actor=self.proposer, project=project)
        shift_to_phase(cycle, phase)
        return Project.objects.get(pk=project.pk)

    def checked(self, cycle, *, feasible=True, phase=None, adjusted_cost=None, cost_reason="", **overrides):
        phase = phase or phase_of(cycle)
        project = self.submitted(cycle, phase="feasibility", **overrides)
        project_check_feasibility(
            actor=self.official, project=project, feasible=feasible, legal_review="관련 법령 위반 없음",
            technical_review="설치 가능", adjusted_cost=adjusted_cost, cost_reason=cost_reason,
            infeasible_reason="" if feasible else "사유지에 설치할 수 없습니다.",
        )
        shift_to_phase(cycle, phase)
        return Project.objects.get(pk=project.pk)

    def feasible(self, cycle, **kwargs):
        return self.checked(cycle, feasible=True, **kwargs)

    def not_feasible(self, cycle, **kwargs):
        return self.checked(cycle, feasible=False, **kwargs)


@pytest.fixture
def states(proposer, official):
    return ProjectStates(proposer=proposer, official=official)


def publish_results(cycle, *, funded=(), unfunded=()):
    """Results as the count would write them (one PotResult per pot), published now."""
    rank = {}
    for funded_flag, projects in ((True, funded), (False, unfunded)):
        for project in projects:
            pot_result, _created = PotResult.objects.get_or_create(
                cycle=cycle, pot=project.pot,
                defaults={"rule": cycle.selection_rule, "voters": 10, "total_cost": 0},
            )
            rank[pot_result.pk] = rank.get(pot_result.pk, 0) + 1
            ProjectResult.objects.create(
                pot_result=pot_result, project=project, rank=rank[pot_result.pk], votes=project.votes or 5,
                cost=project.cost, funded=funded_flag,
            )
    Cycle.objects.filter(pk=cycle.pk).update(results_published_at=timezone.now())
    return Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)
