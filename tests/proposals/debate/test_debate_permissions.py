"""Who may take a stance and rate an argument: roles × states, through the rules and the pages."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from proposals.models import ArgumentRating, DebateStance
from proposals.services import proposal_close_debate
from proposals.services.debate import debate_take_stance

from .conftest import ready_to_take_part

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "unverified", "citizen", "proposer")
STATES = ("open", "in_debate", "debate_closed")

# What a stance posted through the page does: "login" (sent to sign in), "404" (no debate here),
# "refused" (back with the reason, nothing written) or "taken".
STANCE_GRID = {
    ("anonymous", "open"): "login",
    ("anonymous", "in_debate"): "login",
    ("anonymous", "debate_closed"): "login",
    ("unverified", "open"): "404",
    ("unverified", "in_debate"): "refused",
    ("unverified", "debate_closed"): "refused",
    ("citizen", "open"): "404",
    ("citizen", "in_debate"): "taken",
    ("citizen", "debate_closed"): "refused",
    ("proposer", "open"): "404",
    ("proposer", "in_debate"): "taken",
    ("proposer", "debate_closed"): "refused",
}


@pytest.fixture
def person(make_citizen, author):
    def make(role):
        if role == "anonymous":
            return AnonymousUser()
        if role == "proposer":
            return ready_to_take_part(author)
        return ready_to_take_part(make_citizen(verified=role != "unverified"))

    return make


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_taking_a_stance(client, person, make_proposal, role, state):
    proposal, user = make_proposal(state), person(role)
    expected = STANCE_GRID[(role, state)]
    assert rules.has_perm("proposals.take_debate_stance", user, proposal) is (expected == "taken")

    if role != "anonymous":
        client.force_login(user)
    response = client.post(reverse("proposals:debate_stance", kwargs={"pk": proposal.pk}), {"stance": "against"})

    if expected == "login":
        assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    elif expected == "404":
        assert response.status_code == 404
    else:
        assert response.status_code == 302 and response["Location"].endswith("#debate")
    taken = DebateStance.objects.filter(proposal=proposal).count()
    assert taken == (1 if expected == "taken" else 0)
    proposal.refresh_from_db()
    assert proposal.debate_participant_count == taken


# Rating an argument of another participant: only while the debate is open, by a verified
# citizen; the proposer may rate too. (The proposal in state "open" has no debate, so no argument.)
RATE_GRID = {
    ("anonymous", "in_debate"): "login",
    ("anonymous", "debate_closed"): "login",
    ("unverified", "in_debate"): "refused",
    ("unverified", "debate_closed"): "refused",
    ("citizen", "in_debate"): "rated",
    ("citizen", "debate_closed"): "refused",
    ("proposer", "in_debate"): "rated",
    ("proposer", "debate_closed"): "refused",
}


@pytest.mark.parametrize("state", ["in_debate", "debate_closed"])
@pytest.mark.parametrize("role", ROLES)
def test_rating_an_argument(client, person, make_proposal, make_citizen, role, state):
    proposal = make_proposal("in_debate")
    argument = debate_take_stance(citizen=make_citizen(), proposal=proposal, stance="for", argument="좋은 제안입니다.")
    if state == "debate_closed":
        proposal_close_debate(proposal=proposal, now=proposal.debate_closes_at)
        argument.refresh_from_db()
        argument.proposal.refresh_from_db()
    user = person(role)
    expected = RATE_GRID[(role, state)]
    assert rules.has_perm("proposals.rate_argument", user, argument) is (expected == "rated")

    if role != "anonymous":
        client.force_login(user)
    response = client.post(reverse("proposals:argument_helpful", kwargs={"stance_id": argument.pk}), {"rated": "1"})

    assert response.status_code == 302
    if expected == "login":
        assert reverse("citizens:signin") in response["Location"]
    assert ArgumentRating.objects.filter(stance=argument).count() == (1 if expected == "rated" else 0)
    argument.refresh_from_db()
    assert argument.helpful_count == (1 if expected == "rated" else 0)


def test_nobody_rates_their_own_argument(make_proposal, author):
    proposal = make_proposal("in_debate")
    own = debate_take_stance(citizen=author, proposal=proposal, stance="for", argument="제안자의 보충 설명")
    assert not rules.has_perm("proposals.rate_argument", author, own)


@pytest.mark.parametrize("state", ["debate_closed", "debate_expired", "debate_upcoming"])
def test_a_debate_that_is_not_open_says_so_to_a_visitor_before_asking_to_sign_in(make_proposal, make_citizen, state):
    from proposals.services.debate import debate_refusal, rating_refusal, stance_refusal

    proposal = make_proposal(state)
    reason = debate_refusal(proposal)
    assert reason is not None
    assert stance_refusal(AnonymousUser(), proposal) == reason
    argument = DebateStance.objects.create(proposal=proposal, citizen=make_citizen(), stance="for", argument="논거")
    assert rating_refusal(AnonymousUser(), argument) == reason


def test_an_open_debate_asks_a_visitor_to_sign_in(make_proposal, make_citizen):
    from proposals.services.debate import rating_refusal, stance_refusal

    proposal = make_proposal("in_debate")
    assert stance_refusal(AnonymousUser(), proposal) == "Sign in to take part in the debate."
    argument = DebateStance.objects.create(proposal=proposal, citizen=make_citizen(), stance="for", argument="논거")
    assert rating_refusal(AnonymousUser(), argument) == "Sign in to rate arguments."
