"""Democratic Seoul's forms under hostile input (the harness of test_forms.py): a new proposal
and a draft's edit (with junk images), a comment, its edit and its report, the list's filters, a
stance in a debate and the arguments page's filter, and Seoul asks' vote and opinion. The
officials' answer, assignment and promotion forms (proposals/forms/admin.py) are Django admin
forms: left out."""

import pytest
from django.urls import reverse

from proposals.forms.debate import ArgumentFilterForm, DebateStanceForm
from proposals.forms.proposals import ProposalFilterForm, ProposalForm
from proposals.forms.questions import QuestionVoteForm
from tests.proposals.conftest import (  # noqa: F401 -- fixtures, found by name
    category,
    draft,
    make_citizen,
    official,
    published,
    superuser,
    unit,
)
from tests.proposals.debate.conftest import make_proposal  # noqa: F401 -- a fixture, found by name
from tests.proposals.questions.conftest import make_question

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


def test_comment_edit_form(client, server_errors, published, make_citizen):  # noqa: F811 -- fixtures imported above
    from proposals.forms.comments import CommentEditForm
    from proposals.services.comments import comment_post

    commenter = onboarded(make_citizen())
    comment = comment_post(author=commenter, proposal=published, body="좋은 제안입니다.")
    # Saved, the edit redirects with a success message; a refusal is the form again (400).
    target = FormTarget(reverse("proposals:comment_edit", args=[comment.pk]), list(CommentEditForm.base_fields),
                        plausible={"body": ["좋은 제안입니다. 고쳤습니다.", "좋은 제안입니다."]},
                        succeeded=succeeded_by_message)  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(commenter))


def test_debate_stance_form(client, server_errors, make_proposal, make_citizen):  # noqa: F811 -- fixtures imported above
    proposal = make_proposal("in_debate")
    # Answered by a redirect either way (or the typed argument again, 400): a stance taken leaves
    # a success message.
    target = FormTarget(reverse("proposals:debate_stance", args=[proposal.pk]),
                        [*DebateStanceForm.base_fields, "next"],
                        plausible={"stance": ["for", "against", "undecided", "x"],
                                   "argument": ["배차 간격이 너무 깁니다.", ""],
                                   "next": [reverse("proposals:detail", args=[proposal.pk]), "//evil.example"]},
                        succeeded=succeeded_by_message)  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(onboarded(make_citizen())))


def test_argument_filter_form(client, server_errors, make_proposal):  # noqa: F811 -- a fixture imported above
    proposal = make_proposal("in_debate")
    target = FormTarget(reverse("proposals:debate_arguments", args=[proposal.pk]),
                        [*ArgumentFilterForm.base_fields, "page"], method="get",
                        plausible={"side": ["for", "against", "x"], "sort": ["helpful", "newest", "x"],
                                   "page": ["1", "2", "last"]},
                        succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)


def test_question_vote_form(client, server_errors, official, unit, make_citizen):  # noqa: F811 -- fixtures imported above
    question = make_question(unit, official, kind="yes_no")
    # A counted vote redirects to the question; a refusal is its page with the reason (400 or 409).
    target = FormTarget(reverse("proposals:question_vote", args=[question.pk]), list(QuestionVoteForm.base_fields),
                        plausible={"choice": ["yes", "no", "maybe"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(onboarded(make_citizen())))
