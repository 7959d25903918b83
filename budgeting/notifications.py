"""The notices a proposer gets about their budget project, at each step: received (submitted),
the feasibility check's outcome (with the reason and an adjusted cost), the committee's score,
the vote's result (funded or not, once published) and the implementation's progress.

Templates: templates/notifications/<kind>/{sms.txt,email_subject.txt,email_body.txt}; every kind
gets project_id and title, the others what `notify_proposer`'s callers pass (see each template's
first lines). Each call names an idempotency key unique to its event, so that a retried
transaction or a second call never sends the same notice twice.

Voters are not notified here (their ballot page shows the receipt and the results page is public).
"""

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
}


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
