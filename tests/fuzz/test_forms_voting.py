"""M-Voting's forms under hostile input (the harness of test_forms.py): a ballot, a private
room's code, a report, a citizen's poll proposal and a receipt check."""

import pytest
from django.urls import reverse

from tests.voting.conftest import (  # noqa: F401 -- fixtures, found by name
    make_citizen,
    make_poll,
    now,
    official,
    open_poll,
    ranked_poll,
    unit,
)
from voting.forms.propose import PollProposalForm

from .test_forms import FormTarget, _as_citizen, fuzz_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(make_citizen):  # noqa: F811 -- a fixture imported above
    """A verified citizen who answered the consent questions (else every page sends them there)."""
    from citizens.consents import purposes
    from citizens.services import consent_record

    person = make_citizen()
    consent_record(citizen=person, answers={item.key: True for item in purposes()})
    return person


@pytest.mark.parametrize("poll_fixture", ["open_poll", "ranked_poll"])
def test_ballot_form(client, server_errors, voter, request, poll_fixture):
    poll = request.getfixturevalue(poll_fixture)
    # A cast ballot is answered with 303 to the receipt; every refusal is the page again (4xx).
    target = FormTarget(reverse("voting:cast", args=[poll.pk]), ["choice", "choices", "rank_1", "rank_2", "rank_3"],
                        plausible={"choice": ["0", "1", "7"], "choices": ["0", "1"], "rank_1": ["0", "1"],
                                   "rank_2": ["1", "1"], "rank_3": ["2"]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(voter))


def test_room_code_form(client, server_errors, voter):
    target = FormTarget(reverse("voting:room"), ["code"], plausible={"code": ["ABCD1234", "000000"]})
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(voter))


def test_report_form(client, server_errors, voter, open_poll):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("voting:report", args=[open_poll.pk]), ["category", "detail"],
                        plausible={"category": ["advertising", "profanity", "other"], "detail": ["광고입니다."]})  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(voter))


def test_poll_proposal_form(client, server_errors, voter):
    options = [f"option_{number}_{part}" for number in (1, 2, 3, 11) for part in ("label", "description", "image_alt")]
    target = FormTarget(
        reverse("voting:propose"), [*PollProposalForm.base_fields, *options],
        plausible={"title": ["동네 공원 이름 정하기"], "question_type": ["single", "multiple", "ranked", "x"],
                   "max_choices": ["2", "0", "99"], "opens_at": ["2030-01-01T09:00", "2020-01-01T09:00"],
                   "closes_at": ["2030-01-08T09:00", "2029-01-01T09:00"], "audience_min_age": ["14", "200"],
                   "audience_max_age": ["10"], "access": ["public", "private", "onsite"],
                   "option_1_label": ["찬성"], "option_2_label": ["반대"], "audience_districts": ["11680", "0"]},
        files=("option_1_image", "option_2_image"),
    )  # fmt: skip
    fuzz_form(client, target, server_errors, sign_in=_as_citizen(voter))


def test_receipt_verify_form(client, server_errors, open_poll):  # noqa: F811 -- a fixture imported above
    target = FormTarget(reverse("voting:verify", args=[open_poll.pk]), ["receipt"],
                        plausible={"receipt": ["a" * 64, "zz"]}, succeeded=lambda response: False)  # fmt: skip
    fuzz_form(client, target, server_errors)
