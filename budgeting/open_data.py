"""Participatory budgeting's open datasets: the projects as their public pages show them, and the
counted results of each pot once the city has published them.

Seoul's own cycles only: an imported (simulation) cycle is someone else's election, replayed.
Drafts stay out (their proposer's alone). A project's votes are given when its page shows them
(selectors.projects.votes_are_public: a feasible project of a cycle whose results are
published); the results dataset holds only published cycles. No proposer, no official who
checked a project, no voter, no eligibility declaration.
"""

from django.utils.translation import gettext_lazy as _

from citizens.redaction import redact_contact_data
from opendata.registry import BOOLEAN, DATETIME, INTEGER, NUMBER, STRING, Dataset, Field, register_dataset

from .models import Project, ProjectResult
from .selectors.projects import PUBLIC_STATUSES

CHUNK = 2000

PROJECT_FIELDS = (
    Field("id", INTEGER, _("The project's number, as in its page's address.")),
    Field("cycle_year", INTEGER, _("The year of the budget cycle.")),
    Field("pot", STRING, _("The pot it competes in (Korean name): the city-wide pot or a district's.")),
    Field("pot_district_code", STRING, _("The pot's district (5-digit code); empty for the city-wide pot.")),
    Field("sector", STRING, _("The sector (Korean name), which decides the subcommittee that deliberates it.")),
    Field("title", STRING, _("The title, phone numbers and email addresses removed.")),
    Field("summary", STRING, _("The summary, phone numbers and email addresses removed.")),
    Field("location", STRING, _("Where the project would be carried out, as proposed, phone numbers and email "
                                "addresses removed.")),
    Field("district_code", STRING, _("The district of the project (5-digit code); empty when city-wide.")),
    Field("estimated_cost", INTEGER, _("The proposer's estimated cost (KRW).")),
    Field("adjusted_cost", INTEGER, _("The cost as adjusted by the responsible department (KRW), if it changed it.")),
    Field("status", STRING, _("submitted, withdrawn, feasible (on the ballot) or not_feasible.")),
    Field("submitted_at", DATETIME, _("When it was submitted.")),
    Field("department_code", STRING, _("The code of the city unit that checked its feasibility.")),
    Field("checked_at", DATETIME, _("When the department recorded its feasibility check.")),
    Field("committee_score", NUMBER, _("The mean of the committee members' scores (0-100).")),
    Field("votes", INTEGER, _("Citizens' votes for it; empty until the cycle's results are published.")),
)  # fmt: skip

RESULT_FIELDS = (
    Field("cycle_year", INTEGER, _("The year of the budget cycle.")),
    Field("pot", STRING, _("The pot (Korean name).")),
    Field("pot_district_code", STRING, _("The pot's district (5-digit code); empty for the city-wide pot.")),
    Field("rule", STRING, _("The selection rule that counted the pot.")),
    Field("voters", INTEGER, _("Voters in the pot.")),
    Field("project_id", INTEGER, _("The project's number (the id of the budget projects dataset).")),
    Field("project_title", STRING, _("The project's title, phone numbers and email addresses removed.")),
    Field("rank", INTEGER, _("Its rank in the count.")),
    Field("votes", INTEGER, _("Citizens' votes for it.")),
    Field("cost", INTEGER, _("The cost counted (KRW).")),
    Field("final_score", NUMBER, _("The rule's score: the weighted final score (0-100), or the votes.")),
    Field("funded", BOOLEAN, _("Whether the count funded it.")),
    Field("confirmed", BOOLEAN, _("Whether the general assembly confirmed it; empty before its decision.")),
    Field("confirmed_cost", INTEGER, _("The cost the general assembly approved, where it differs (KRW).")),
)  # fmt: skip

ANONYMISATION = _(
    "No proposer, voter, committee member or official: no names, accounts or phone numbers. Drafts are not "
    "published, nor are the votes of a cycle before its results are. Phone numbers and email addresses in texts "
    "are replaced by [phone] and [email]."
)


def project_rows():
    rows = (
        Project.objects.filter(status__in=PUBLIC_STATUSES, cycle__is_simulation=False)
        .order_by("pk")
        .values_list(
            "pk", "cycle__year", "pot__name_ko", "pot__district_id", "sector__name_ko", "title", "summary", "location",
            "district_id", "estimated_cost", "adjusted_cost", "status", "submitted_at", "department__code",
            "checked_at", "committee_score", "votes", "cycle__results_published_at",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for (pk, year, pot, pot_district, sector, title, summary, location, district, estimated, adjusted, status,
         submitted_at, department, checked_at, score, votes, published_at) in rows:  # fmt: skip
        votes_public = status == Project.Status.FEASIBLE and published_at is not None
        yield (
            pk, year, pot, pot_district or "", sector or "", redact_contact_data(title), redact_contact_data(summary),
            redact_contact_data(location), district or "", estimated, adjusted, status, submitted_at,
            department or "", checked_at, score, votes if votes_public else None,
        )  # fmt: skip


def result_rows():
    rows = (
        ProjectResult.objects.filter(
            pot_result__cycle__results_published_at__isnull=False, pot_result__cycle__is_simulation=False
        )
        .order_by("pot_result__cycle__year", "pot_result__pot_id", "rank")
        .values_list(
            "pot_result__cycle__year", "pot_result__pot__name_ko", "pot_result__pot__district_id", "pot_result__rule",
            "pot_result__voters", "project_id", "project__title", "rank", "votes", "cost", "final_score", "funded",
            "confirmed", "confirmed_cost",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for year, pot, pot_district, rule, voters, project_id, title, *rest in rows:
        yield (year, pot, pot_district or "", rule, voters, project_id, redact_contact_data(title), *rest)


def register_open_data():
    channel_title = _("Participatory budgeting")
    register_dataset(
        Dataset(
            slug="budget_projects", channel="budgeting", channel_title=channel_title,
            title=_("Participatory budget projects"),
            description=_("Every submitted project of Seoul's participatory budget cycles: pot, sector, district, "
                          "cost, the department's feasibility check, the committee's score and, once the results "
                          "are published, the citizens' votes."),
            fields=PROJECT_FIELDS, rows=project_rows, anonymisation=ANONYMISATION, order=40,
        )
    )  # fmt: skip
    register_dataset(
        Dataset(
            slug="budget_results", channel="budgeting", channel_title=channel_title,
            title=_("Participatory budget results"),
            description=_("The published count of each pot: every project on the ballot with its rank, votes, "
                          "score, whether it was funded and the general assembly's confirmation."),
            fields=RESULT_FIELDS, rows=result_rows, anonymisation=ANONYMISATION, order=41,
        )
    )  # fmt: skip
