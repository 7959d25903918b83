"""Democratic Seoul's forms under hostile input (the harness of test_forms.py): a new proposal
and a draft's edit (with junk images), a comment, and the list's filters. The officials' answer,
assignment and promotion forms (proposals/forms/admin.py) are Django admin forms: left out."""

import pytest
from django.urls import reverse

from proposals.forms.proposals import ProposalFilterForm, ProposalForm
from tests.proposals.conftest import (  # noqa: F401 -- fixtures, found by name
    category,
    draft,
    make_citizen,
    official,
    published,
    unit,
)

from .test_forms import FormTarget, _as_citizen, fuzz_form, onboarded, succeeded_by_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_citizen):  # noqa: F811 -- a fixture imported above
    return onboarded(make_citizen())


def _plausible(category):  # noqa: F811 -- a fixture imported above
    return {"title": ["심야 버스 노선 확대", "<b>x</b>"], "body": ["심야 버스를 늘려 주세요. " * 3],
            "category": [str(category.pk), category.slug, "0"], "district": ["11680", "nope"],
            "version": ["1", "0", "-5"], "remove_image": ["on"]}  # fmt: skip


def test_new_proposal_form(client, server_errors, author, category):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("proposals:new"), list(ProposalForm.base_fields), plausible=_plausible(category),
                        files=("image",))  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(author))


def test_edit_draft_form(client, server_errors, author, category):  # noqa: F811 -- a fixture imported above
    from proposals.services import proposal_create_draft

    own = proposal_create_draft(author=author, title="심야 버스 노선 확대", body="심야 버스를 늘려 주세요.",
                                category=category, district=None)  # fmt: skip
    target = FormTarget(reverse("proposals:edit", args=[own.pk]), list(ProposalForm.base_fields),
                        plausible=_plausible(category), files=("image",))  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(author))


def test_comment_form(client, server_errors, published, make_citizen):  # noqa: F811 -- a fixture imported above
    commenter = onboarded(make_citizen())
    target = FormTarget(reverse("proposals:comments", args=[published.pk]), ["body", "parent"],
                        plausible={"body": ["좋은 제안입니다."], "parent": ["1", "0", "-1", "999999999999"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(commenter))


def test_proposal_filter_form(client, server_errors, published):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("proposals:index"), list(ProposalFilterForm.base_fields), method="get",
                        plausible={"sort": ["new", "supports", "x"], "status": ["published", "x"]},
                        succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_comment_report_form(client, server_errors, published, make_citizen):  # noqa: F811 -- fixtures imported above
    from proposals.services.comments import comment_post

    comment = comment_post(author=onboarded(make_citizen()), proposal=published, body="광고 문구입니다.")
    reporter = onboarded(make_citizen())
    target = FormTarget(reverse("proposals:comment_report", args=[comment.pk]), ["reason"],
                        plausible={"reason": ["advertising", "abuse", "x"]},
                        succeeded=succeeded_by_message)  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(reporter))


def test_question_opinion_form(client, server_errors, official, unit, make_citizen):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    from proposals.services.questions import question_create, question_publish

    question = question_create(actor=official, unit=unit, title="따릉이 대여소를 늘릴까요?", body="의견을 들려주세요.",
                               kind="discussion", closes_at=timezone.now() + timedelta(days=7))  # fmt: skip
    question = question_publish(actor=official, question=question)
    target = FormTarget(reverse("proposals:question_opinion", args=[question.pk]), ["body"],
                        plausible={"body": ["대여소가 더 필요합니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(onboarded(make_citizen())))
