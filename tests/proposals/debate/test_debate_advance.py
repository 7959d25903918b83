"""The debate's participant count decides, when proposals_advance closes it, whether the Mayor answers."""

from datetime import timedelta

import pytest
from django.test import override_settings

from proposals.models import Proposal, StageChange
from proposals.services import proposal_advance
from proposals.services.debate import debate_take_stance

pytestmark = pytest.mark.django_db


@override_settings(PROPOSALS_MAYOR_THRESHOLD=3)
@pytest.mark.parametrize(("citizens", "expected"), [(3, "awaiting_mayor"), (2, "debate_closed")])
def test_the_mayor_threshold_when_the_debate_closes(debate, make_citizen, citizens, expected):
    taking_part = [make_citizen() for _ in range(citizens)]
    for citizen in taking_part:
        debate_take_stance(citizen=citizen, proposal=debate, stance="for")
    # Changes of stance do not count again.
    debate_take_stance(citizen=taking_part[0], proposal=debate, stance="against", argument="다시 생각했습니다.")
    debate_take_stance(citizen=taking_part[1], proposal=debate, stance="undecided")

    assert proposal_advance(now=debate.debate_closes_at - timedelta(seconds=1)).changed == 0
    report = proposal_advance(now=debate.debate_closes_at)

    proposal = Proposal.objects.get(pk=debate.pk)
    assert proposal.status == expected
    assert proposal.debate_participant_count == citizens
    assert (report.to_mayor if expected == "awaiting_mayor" else report.debates_closed) == [debate.pk]
    change = StageChange.objects.get(proposal=debate, to_status=expected)
    assert change.from_status == "in_debate"
    # Once closed, nobody takes a stance any more.
    assert proposal_advance(now=debate.debate_closes_at + timedelta(days=1)).changed == 0
