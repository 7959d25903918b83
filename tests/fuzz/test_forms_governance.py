"""Governance's forms under hostile input (the harness of test_forms.py): a committee member's
review, a conflict of interest declaration, the secretary's closing of an item, a volunteer's
registration for a committee's draw, and the research list's filters."""

import pytest
from django.urls import reverse

from governance.forms.review import CloseForm, ReviewForm
from governance.models import Membership
from tests.governance.test_review_support import make_committee, make_item, make_membership

from .test_forms import FormTarget, fuzz_form, succeeded_by_message

pytestmark = pytest.mark.django_db


def _as_member(membership):
    def sign_in(client):
        client.force_login(membership.person, backend="citizens.backends.StaffEmailBackend")

    return sign_in


@pytest.fixture
def committee(db):
    return make_committee()


def test_review_form(client, server_errors, committee):
    member = make_membership(committee, name="김위원")
    item = make_item(committee)
    target = FormTarget(reverse("review:item", args=[item.pk]), list(ReviewForm.base_fields),
                        plausible={"recommendation": ["approve", "reject", "x"], "score": ["3", "0", "101"],
                                   "opinion": ["추진에 찬성합니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_member(member))


def test_conflict_form(client, server_errors, committee):
    member = make_membership(committee, name="김위원")
    item = make_item(committee)
    target = FormTarget(reverse("review:conflict", args=[item.pk]), ["reason"],
                        plausible={"reason": ["제가 소속된 기관의 사업입니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_member(member))


def test_close_form(client, server_errors, committee):
    secretary = make_membership(committee, role=Membership.Role.SECRETARY)
    item = make_item(committee, state="open_after")
    target = FormTarget(reverse("review:close", args=[item.pk]), list(CloseForm.base_fields),
                        plausible={"outcome": ["approved", "rejected", "x"], "resolution_ko": ["원안 가결"],
                                   "votes_for": ["5", "-1", "1000000000000"], "votes_against": ["0"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_member(secretary))


def test_research_filter_form(client, server_errors):
    target = FormTarget(reverse("governance:research_list"), ["affiliate", "area", "page"], method="get",
                        succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_volunteer_form(client, server_errors, committee):
    from tests.governance.test_review_support import make_person

    person = make_person()

    def sign_in(client):
        client.force_login(person, backend="citizens.backends.StaffEmailBackend")

    # Answered by a redirect either way: a registration leaves a success message.
    target = FormTarget(reverse("governance:committee_volunteer", args=[committee.slug]), ["vulnerable"],
                        plausible={"vulnerable": ["on"]}, succeeded=succeeded_by_message)  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=sign_in)
