"""The notices a proposer gets about their budget project, at each step: received (submitted),
the feasibility check's outcome (with the reason and an adjusted cost), the committee's score,
the vote's result (funded or not, once published) and the implementation's progress.

Templates: templates/notifications/<kind>/{sms.txt,email_subject.txt,email_body.txt}; every kind
gets project_id and title, the others what `notify_proposer`'s callers pass (see each template's
first lines). Each call names an idempotency key unique to its event, so that a retried
transaction or a second call never sends the same notice twice.

Voters hear twice, never with anything that would tell how they voted: when an official has
entered a paper ballot in their name (so that someone who did not vote on paper finds out at once),
and when the results are published (every citizen who voted, in batches after the publication,
from a task: `notify_voters_of_results`). An online ballot sends nothing: the voter has just seen
their receipt, and a notice written in the ballot's transaction would date the vote to the second.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.kinds import NotificationKind, register_kind
from notifications.services import notify

from .errors import BudgetingError

KIND_LABELS = {
    "budget_project_received": _("Budget project received"),
    "budget_project_feasibility": _("Budget project: feasibility check"),
    "budget_project_committee": _("Budget project: committee score"),
    "budget_project_result": _("Budget project: result of the citizen vote"),
    "budget_project_milestone": _("Budget project: implementation progress"),
    "budget_implementation_answer": _("Budget project: the city's answer to a monitoring note"),
    "budget_paper_ballot": _("Budget vote: a paper ballot entered in your name"),
    "budget_results_published": _("Budget vote: results published"),
}
# Voters told per transaction when the results are out: a crash loses at most one batch's work,
# which the next run (idempotent keys) redoes.
VOTERS_BATCH = 500


def register_notification_kinds():
    for key, label in KIND_LABELS.items():
        register_kind(NotificationKind.from_folder(key, label=label))


def notify_proposer(project, kind: str, key: str, **context) -> list:
    """Write the proposer's notice to the outbox (in the caller's transaction); nothing for a
    project without a proposer (imported) or whose proposer left."""
    proposer = project.proposer
    if proposer is None or proposer.erased_at or not proposer.is_active:
        return []
    return notify(
        recipient=proposer,
        kind=kind,
        context={"project_id": project.pk, "title": project.title, "year": project.cycle.year, **context},
        key=key,
    )


def notify_results(cycle) -> int:
    """Tell the proposer of every project on the ballot whether it was funded. Called when the
    results are published (in that transaction); safe to call again. Returns the notices written."""
    from .models import Project, ProjectResult

    if cycle.results_published_at is None:
        raise BudgetingError(_("The results are not published yet."), code="invalid")
    results = {
        result.project_id: result
        for result in ProjectResult.objects.filter(pot_result__cycle=cycle).only(
            "project_id", "rank", "votes", "cost", "funded"
        )
    }
    written = 0
    projects = Project.objects.filter(cycle=cycle, status=Project.Status.FEASIBLE).select_related("proposer", "cycle")
    for project in projects:
        result = results.get(project.pk)
        written += len(
            notify_proposer(
                project, "budget_project_result", f"budgeting:result:{project.pk}",
                funded=bool(result and result.funded), votes=result.votes if result else project.votes,
                cost=result.cost if result else project.cost, rank=result.rank if result else None,
            )
        )
    return written


def _cycle_context(cycle) -> dict:
    return {"cycle_id": cycle.pk, "year": cycle.year, "cycle_title_ko": cycle.title_ko,
            "cycle_title_en": cycle.title_en or cycle.title_ko}


def notify_paper_ballot(*, citizen, cycle, voted_on) -> list:
    """In the paper ballot's transaction: the citizen hears that a ballot was entered in their name
    (the date and the office, never the picks), and whom to call if they did not vote on paper."""
    return notify(
        recipient=citizen, kind="budget_paper_ballot",
        context={**_cycle_context(cycle), "voted_on": voted_on.isoformat()},
        key=f"budgeting:paper-ballot:{cycle.pk}:{citizen.pk}",
    )


def notify_voters_of_results(cycle_id, *, batch_size=VOTERS_BATCH) -> int:
    """Tell every citizen who voted in the cycle that its results are published; returns the
    notices written. Runs after the publication (a task), in batches of `batch_size` citizens,
    each batch its own transaction; safe to run again (the keys are per cycle and citizen)."""
    from citizens.models import Citizen

    from .models import BudgetParticipation, Cycle

    cycle = Cycle.objects.get(pk=cycle_id)
    if cycle.results_published_at is None:
        raise BudgetingError(_("The results are not published yet."), code="invalid")
    context = _cycle_context(cycle)
    written, after = 0, None
    while True:
        voters = BudgetParticipation.objects.filter(cycle_id=cycle_id).order_by("citizen_id")
        if after is not None:
            voters = voters.filter(citizen_id__gt=after)
        ids = list(voters.values_list("citizen_id", flat=True)[:batch_size])
        if not ids:
            return written
        with transaction.atomic():
            for citizen in Citizen.objects.filter(pk__in=ids, is_active=True, erased_at__isnull=True):
                written += len(notify(recipient=citizen, kind="budget_results_published", context=context,
                                      key=f"budgeting:results-voter:{cycle_id}:{citizen.pk}"))
        after = ids[-1]
