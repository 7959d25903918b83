"""The debate section and the arguments page cost the same number of queries at any size."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from proposals.models import ArgumentRating, DebateStance, Proposal
from proposals.selectors.debate import debate_section

pytestmark = pytest.mark.django_db
SIDES = ["for", "against", "undecided"]


@pytest.fixture
def grow(make_citizen):
    """Add `count` stances (every other one with an argument, some rated by `rater`) to a debate."""

    def add(proposal, count, *, rater=None):
        citizens = [make_citizen() for _ in range(count)]
        stances = DebateStance.objects.bulk_create(
            DebateStance(
                proposal=proposal,
                citizen=citizen,
                stance=SIDES[index % 3],
                argument=f"논거 {index}" if index % 2 == 0 else "",
                helpful_count=index % 5,
            )
            for index, citizen in enumerate(citizens)
        )
        if rater is not None:
            ArgumentRating.objects.bulk_create(
                ArgumentRating(stance=stance, citizen=rater) for stance in stances if stance.argument
            )
        Proposal.objects.filter(pk=proposal.pk).update(debate_participant_count=count)
        proposal.refresh_from_db()
        return proposal

    return add


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_section_costs_two_queries_for_a_visitor_and_four_for_a_citizen(make_proposal, grow, make_participant):
    viewer = make_participant()
    small = grow(make_proposal("in_debate"), 2, rater=viewer)
    large = grow(make_proposal("in_debate"), 50, rater=viewer)
    for proposal in (small, large):
        assert queries(lambda p=proposal: debate_section(proposal=p, viewer=AnonymousUser())) == 2
        # + the viewer's own stance and which of the shown arguments they rated
        assert queries(lambda p=proposal: debate_section(proposal=p, viewer=viewer)) == 4
    section = debate_section(proposal=large, viewer=viewer)
    assert len(section.strongest_for) == 3 and len(section.strongest_against) == 3
    assert section.rated_ids == {stance.pk for stance in section.strongest_for + section.strongest_against}


def test_the_arguments_page_does_not_grow_with_the_arguments(client, make_proposal, grow, make_participant):
    viewer = make_participant()
    client.force_login(viewer)
    small = grow(make_proposal("in_debate"), 2, rater=viewer)
    large = grow(make_proposal("in_debate"), 50, rater=viewer)
    counts = []
    for proposal in (small, large):
        url = reverse("proposals:debate_arguments", kwargs={"pk": proposal.pk})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"side": "", "sort": "newest"})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(response.context["page_obj"].object_list) == 20


def test_the_proposal_page_section_does_not_grow_with_the_stances(client, make_proposal, grow, make_participant):
    viewer = make_participant()
    client.force_login(viewer)
    counts = []
    for size in (2, 50):
        proposal = grow(make_proposal("in_debate"), size, rater=viewer)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("proposals:detail", kwargs={"pk": proposal.pk}))
        assert response.status_code == 200 and 'id="debate"' in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1]
