"""A budget project as a subject the PB committee deliberates (governance.registry).

project_send_to_committee puts a feasible project on its sector's subcommittee's agenda, asking
each member for a score from 0 to 100. When the secretary closes the item, governance calls
`take_committee_result` in the closing transaction, and the project keeps:

- committee_score: the mean of the scores that count (governance's tally.average_score: two
  places, rounded half up);
- committee_reviews: how many members gave a score (tally.scored);
- committee_spread: the population standard deviation of those same scores, two places, rounded
  half up (0 when one member scored). The project page shows it as "spread ±x": how far members'
  scores lie from the mean, on the same 0–100 scale.

The scores that count are those of the item's reviews (abstentions carry none); a member who
declared a conflict of interest has no review (declaring one withdraws it), and one whose
declaration came first is excluded here too, as governance's tally does.

A result that comes back once the cycle's rules are frozen (the citizen vote has opened) is not
taken: the committee score is an input of the weighted final score, fixed when the vote opens.
The project keeps what it had (no score, or an earlier one), the item still closes in the review
workspace (raising here would roll that close back and fail the secretary's page), and the late
result is logged at INFO ("committee result after the vote opened: not taken").
"""

import logging
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from governance.models import ConflictDeclaration, Review
from governance.registry import SubjectKind, register_subject_kind

SUBJECT_KIND = "budgeting.project"
TWO_PLACES = Decimal("0.01")

logger = logging.getLogger(__name__)


def describe_project(subject_id: str):
    """(title, url of the public project page), or None for a draft or a project that is gone."""
    from .models import Project

    if not str(subject_id).isdigit():
        return None
    project = Project.objects.filter(pk=int(subject_id)).exclude(status=Project.Status.DRAFT).only("title").first()
    if project is None:
        return None
    return project.title, reverse("budgeting:project", args=[project.pk])


def counted_scores(item) -> list[int]:
    """The scores of the item's reviews that count: given, by members without a conflict on it."""
    conflicted = ConflictDeclaration.objects.filter(item=item).values("membership_id")
    return list(
        Review.objects.filter(item=item, score__isnull=False)
        .exclude(membership_id__in=conflicted)
        .order_by("pk")
        .values_list("score", flat=True)
    )


def population_spread(scores) -> Decimal | None:
    """The population standard deviation of the scores (exact variance, then its square root),
    two places rounded half up; None without scores."""
    if not scores:
        return None
    count = len(scores)
    mean = Fraction(sum(scores), count)
    variance = sum((Fraction(score) - mean) ** 2 for score in scores) / count
    root = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt(Context(prec=28))
    return root.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def take_committee_result(item, tally):
    """governance's on_resolution: the committee's score, spread and number of scores go on the
    project whose agenda item this is; the proposer is told.

    Once the cycle's rules are frozen the project is left unchanged and the result is only logged
    (see the module's docstring); this never raises for that, so the item's close goes through."""
    from .models import Cycle, Project
    from .notifications import notify_proposer

    if not str(item.subject_id).isdigit():
        return
    with transaction.atomic():
        project = Project.objects.select_for_update().filter(pk=int(item.subject_id)).first()
        if project is None or project.agenda_item_id != item.pk:
            # An item an official opened by hand about the project: its result is not the one
            # the project was sent for.
            logger.info("Agenda item %s is not project %s's deliberation: result not taken", item.pk, item.subject_id)
            return
        if Cycle.objects.prefetch_related("phases").get(pk=project.cycle_id).rules_frozen():
            logger.info(
                "Agenda item %s: committee result after the vote opened: not taken (project %s keeps score %s)",
                item.pk, project.pk, project.committee_score,
            )
            return
        scores = counted_scores(item)
        project.committee_score = tally.average_score
        project.committee_reviews = tally.scored
        project.committee_spread = population_spread(scores)
        project.save(update_fields=["committee_score", "committee_reviews", "committee_spread", "updated_at"])
        audit_record(
            actor=None, action="budgeting.project.committee_result", target=project,
            summary={
                "agenda_item": item.pk, "reviews": tally.scored,
                "score": None if tally.average_score is None else str(tally.average_score),
                "spread": None if project.committee_spread is None else str(project.committee_spread),
            },
        )
        notify_proposer(
            project, "budget_project_committee", f"budgeting:committee:{project.pk}:{item.pk}",
            score=project.committee_score, spread=project.committee_spread, reviews=project.committee_reviews or 0,
        )


def register_committee_subject():
    register_subject_kind(
        SubjectKind(
            kind=SUBJECT_KIND,
            label=_("Participatory budget project"),
            describe=describe_project,
            on_resolution=take_committee_result,
        )
    )
