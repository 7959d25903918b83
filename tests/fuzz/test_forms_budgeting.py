"""Participatory budgeting's forms under hostile input (the harness of test_forms.py): a project
proposal and a draft's edit (with junk images), a project's withdrawal, the voter's eligibility
declaration, a ballot, a receipt check, the project list's filters and a committee member's
implementation note."""

import pytest
from django.urls import reverse

from budgeting.forms.eligibility import EligibilityForm
from budgeting.forms.monitoring import ImplementationNoteForm
from budgeting.forms.projects import ProjectFilterForm, ProjectForm, WithdrawForm
from tests.budgeting.conftest import (  # noqa: F401 -- fixtures, found by name
    bureau,
    committee,
    department,
    make_citizen,
    make_cycle,
    make_member,
    participant,
    unit,
)
from tests.budgeting.monitoring.conftest import implementing, member  # noqa: F401 -- fixtures, found by name

from .test_forms import FormTarget, _as_citizen, fuzz_form

pytestmark = pytest.mark.django_db


def _project_plausible(pot):
    return {"pot": [str(pot.pk), "0"], "sector": ["welfare", "nope"], "title": ["어린이 공원 그늘막"],
            "summary": ["그늘막을 설치합니다."], "description": ["여름철 그늘이 없습니다. " * 5],
            "estimated_cost": ["50000000", "-1", "1e30", "999999999999999999999"],
            "district": ["11680"], "beneficiaries": ["어린이"]}  # fmt: skip


def _draft(cycle, proposer):
    """A draft of `proposer` in `cycle` (which runs its proposal call), made by the service."""
    from budgeting.services.projects import project_create

    return project_create(actor=proposer, cycle=cycle, pot=cycle.pots.get(district__isnull=True),
                          sector=cycle.sectors.get(slug="welfare"), title="어린이 공원 그늘막 설치",
                          summary="놀이터에 그늘막을 설치합니다.", description="여름철 놀이터가 너무 뜨겁습니다.",
                          location="서울광장", estimated_cost=50_000_000, beneficiaries="어린이와 보호자")  # fmt: skip


def test_project_proposal_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("proposal")
    pot = cycle.pots.get(district__isnull=True)
    target = FormTarget(reverse("budgeting:propose", args=[cycle.pk]), list(ProjectForm.base_fields),
                        files=("image",), plausible=_project_plausible(pot))  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(participant()))


def test_project_edit_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("proposal")
    proposer = participant()
    own = _draft(cycle, proposer)
    target = FormTarget(reverse("budgeting:project_edit", args=[own.pk]), list(ProjectForm.base_fields),
                        files=("image",), plausible=_project_plausible(cycle.pots.get(district__isnull=True)))  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(proposer))


def test_project_withdraw_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    from budgeting.services.projects import project_submit

    cycle = make_cycle("proposal")
    proposer = participant()
    submitted = project_submit(actor=proposer, project=_draft(cycle, proposer))
    # Withdrawn, the project's page follows (a redirect); a refusal is the confirmation page again.
    # The reason is optional: only an overlong or a NUL-bearing one is refused, so those come first
    # among the plausible values (the ones the examples draw most).
    target = FormTarget(reverse("budgeting:project_withdraw", args=[submitted.pk]), list(WithdrawForm.base_fields),
                        plausible={"reason": ["가" * 1001, "a\x00b", "다른 사업과 겹칩니다.", ""]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(proposer))


def test_eligibility_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("vote")
    target = FormTarget(reverse("budgeting:eligibility", args=[cycle.pk]), list(EligibilityForm.base_fields),
                        plausible={"basis": ["lives", "works", "studies", "x"], "district": ["11680", "11110"],
                                   "place": ["서울시청"], "not_public_official": ["on"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(participant()))


def test_ballot_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("vote")
    target = FormTarget(reverse("budgeting:ballot", args=[cycle.pk]), ["projects"],
                        plausible={"projects": ["1", "0", "-1"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(participant()))


def test_receipt_verify_form(client, server_errors, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("vote")
    target = FormTarget(reverse("budgeting:verify", args=[cycle.pk]), ["receipt"],
                        plausible={"receipt": ["a" * 64]}, succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_project_filter_form(client, server_errors, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("proposal")
    target = FormTarget(reverse("budgeting:projects", args=[cycle.pk]), list(ProjectFilterForm.base_fields),
                        method="get", succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_implementation_note_form(client, server_errors, implementing, member):  # noqa: F811 -- fixtures imported above
    cycle, funded, dropped, unfunded = implementing
    # Published, the note redirects to its project on the page; a refusal is the page (400, 403).
    target = FormTarget(reverse("budgeting:monitoring", args=[cycle.pk]), list(ImplementationNoteForm.base_fields),
                        plausible={"project": [str(funded.pk), str(dropped.pk), str(unfunded.pk), "0", "-1"],
                                   "body": ["현장 안전펜스가 없습니다."], "raises_concern": ["on", "false"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(member))
