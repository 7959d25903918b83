"""Participatory budgeting's forms under hostile input (the harness of test_forms.py): a project
proposal (with junk images), the voter's eligibility declaration, a ballot, a receipt check and
the project list's filters."""

import pytest
from django.urls import reverse

from budgeting.forms.eligibility import EligibilityForm
from budgeting.forms.projects import ProjectFilterForm, ProjectForm
from tests.budgeting.conftest import (  # noqa: F401 -- fixtures, found by name
    bureau,
    committee,
    make_citizen,
    make_cycle,
    participant,
    unit,
)

from .test_forms import FormTarget, _as_citizen, fuzz_form

pytestmark = pytest.mark.django_db


def test_project_proposal_form(client, server_errors, participant, make_cycle):  # noqa: F811 -- a fixture imported above
    cycle = make_cycle("proposal")
    pot = cycle.pots.get(district__isnull=True)
    target = FormTarget(
        reverse("budgeting:propose", args=[cycle.pk]), list(ProjectForm.base_fields), files=("image",),
        plausible={"pot": [str(pot.pk), "0"], "sector": ["welfare", "nope"], "title": ["어린이 공원 그늘막"],
                   "summary": ["그늘막을 설치합니다."], "description": ["여름철 그늘이 없습니다. " * 5],
                   "estimated_cost": ["50000000", "-1", "1e30", "999999999999999999999"],
                   "district": ["11680"], "beneficiaries": ["어린이"]},
    )  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(participant()))


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
