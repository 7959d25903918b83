"""What participatory budgeting holds about a citizen, for citizens.registry: the export and the
erasure of their eligibility declarations and of their participation in the votes.

Export: each declaration (the cycle, the basis, the district, the workplace or school, when) and
each vote (the cycle, online or on paper, the date: all a participation row holds; what they
picked is in an anonymous ballot that nothing links to them).

Erasure:
- declarations are deleted: the workplace or school is the citizen's own text, and nothing
  others depend on reads a declaration once the vote is cast (the ballot keeps its own
  district snapshot, the audit log the basis);
- participation rows stay: they keep one person to one vote in a vote still running, and the
  turnout counts them (the account row they point to is emptied by the citizens app).
"""

from citizens.registry import PersonalDataHandler, register_personal_data

from .models import BudgetParticipation, EligibilityDeclaration


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


HANDLER = PersonalDataHandler(key="budgeting", export=export, erase=erase)


def register_personal_data_handler():
    register_personal_data(HANDLER)
