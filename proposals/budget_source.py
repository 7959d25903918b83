"""Debates that may feed the participatory budget (governance.budget_sources): a proposal whose
public debate gathered at least PROPOSALS_BUDGET_THRESHOLD participants (Seoul: 1,000) can become a
linked budget project. Budgeting reads the candidates through governance; it never imports this app.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Proposal

SOURCE_KIND = "proposals.proposal"
DEFAULT_BUDGET_THRESHOLD = 1000
# The stages a proposal reaches once its debate has opened.
DEBATED = [
    Proposal.Status.IN_DEBATE,
    Proposal.Status.DEBATE_CLOSED,
    Proposal.Status.AWAITING_MAYOR,
    Proposal.Status.MAYOR_ANSWERED,
]


def budget_threshold() -> int:
    return getattr(settings, "PROPOSALS_BUDGET_THRESHOLD", DEFAULT_BUDGET_THRESHOLD)


def debate_candidates():
    """(id, title, participants, url) of each debate with enough participants, one query."""
    proposals = (
        Proposal.objects.filter(status__in=DEBATED, debate_participant_count__gte=budget_threshold())
        .order_by("-debate_participant_count", "pk")
        .only("pk", "title", "debate_participant_count")
    )
    return [
        (proposal.pk, proposal.title, proposal.debate_participant_count, reverse("proposals:detail", args=[proposal.pk]))
        for proposal in proposals
    ]


def register_budget_source_of_debates():
    from governance.budget_sources import register_budget_source

    register_budget_source(SOURCE_KIND, _("Democratic Seoul debate"), debate_candidates)
