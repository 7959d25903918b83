"""What participatory budgeting holds about a citizen, for citizens.registry: the export and the
erasure of their eligibility declarations and of their participation in the votes.

Export: each declaration (the cycle, the basis, the district, the workplace or school, when) and
each vote (the cycle, online or on paper, the date: all a participation row holds; what they
picked is in an anonymous ballot that nothing links to them).

and each project they proposed (drafts included: the title, the cost, where it stands).

Erasure:
- drafts are deleted (never published, the citizen's own text and picture); the projects they
  submitted stay, as public records others voted on, without the link to them;
- their implementation notes (as a committee member) stay under the public name they were
  published with, without the link to the account;
- declarations are deleted: the workplace or school is the citizen's own text, and nothing
  others depend on reads a declaration once the vote is cast (the ballot keeps its own
  district snapshot, the audit log the basis);
- participation rows stay: they keep one person to one vote in a vote still running, and the
  turnout counts them (the account row they point to is emptied by the citizens app).
"""

from citizens.registry import PersonalDataHandler, register_personal_data

from .models import BudgetParticipation, EligibilityDeclaration, ImplementationNote, Project


def export(citizen):
    return {
        "eligibility_declarations": [
            {
                "cycle": cycle_id,
                "cycle_title": title,
                "basis": basis,
                "district": district_id,
                "workplace_or_school": place or None,
                "not_public_official": not_public_official,
                "declared_at": declared_at.isoformat(),
            }
            for cycle_id, title, basis, district_id, place, not_public_official, declared_at in (
                EligibilityDeclaration.objects.filter(citizen=citizen)
                .order_by("cycle_id")
                .values_list(
                    "cycle_id", "cycle__title_ko", "basis", "district_id", "place", "not_public_official", "declared_at"
                )
            )
        ],
        "budget_projects": [
            {
                "id": pk, "cycle": cycle_id, "title": title, "status": status, "estimated_cost": cost,
                "created_at": created_at.isoformat(), "submitted_at": submitted_at.isoformat() if submitted_at else None,
            }
            for pk, cycle_id, title, status, cost, created_at, submitted_at in (
                Project.objects.filter(proposer=citizen)
                .order_by("pk")
                .values_list("pk", "cycle_id", "title", "status", "estimated_cost", "created_at", "submitted_at")
            )
        ],
        "budget_votes": [
            {"cycle": cycle_id, "cycle_title": title, "channel": channel, "voted_on": voted_on.isoformat()}
            for cycle_id, title, channel, voted_on in (
                BudgetParticipation.objects.filter(citizen=citizen)
                .order_by("voted_on", "cycle_id")
                .values_list("cycle_id", "cycle__title_ko", "channel", "voted_on")
            )
        ],
    }


def erase(citizen):
    EligibilityDeclaration.objects.filter(citizen=citizen).delete()
    for draft in Project.objects.filter(proposer=citizen, status=Project.Status.DRAFT):
        if draft.image:
            draft.image.delete(save=False)
        draft.delete()
    Project.objects.filter(proposer=citizen).update(proposer=None)
    ImplementationNote.objects.filter(author=citizen).update(author=None)


HANDLER = PersonalDataHandler(key="budgeting", export=export, erase=erase)


def register_personal_data_handler():
    register_personal_data(HANDLER)
