"""A cycle as a pabulib election and back: the export anyone can recount, and imported elections
to simulate on.

Export (`election_from_cycle`): one pot per file. META names the cycle (country South Korea,
unit Seoul, the district of a district pot), its budget (the pot's total), the ballot (approval,
with `max_length` = the picks per pot; a knapsack ballot is an approval ballot whose picks must
fit the pot, written as `max_sum_cost`) and the rule. PROJECTS lists the pot's feasible projects
by the portal's id (the pabulib `project_id` for an imported cycle) with cost, votes, name,
category (the sector's slug) and `selected` once the cycle has been counted. VOTES lists the
ballots with at least one pick in the pot (every ballot when the cycle has a single pot: these
are the voters the count divides the pot among), numbered 1, 2, 3… in a random order: never the
ballot's own id, never anything that leads to a citizen; age, sex and district when recorded,
the age of a portal cycle's voter rounded down to five years (AGE_STEP: a 37-year-old is 35), so
that an age, a sex and a district published next to a ballot do not single its voter out.

A cycle counted by the weighted final score (rule `seoul-weighted`, budgeting.tally.weighted)
carries everything that score is made of, so that anyone can recompute it from the file:
- PROJECTS gets three extra columns (pabulib allows extra project columns), each a score from 0
  to 100 with two decimals, empty when never recorded (the rule counts it as 0):
  `committee_score` (the mean of the committee members' scores), `school_score` (the budget
  school's) and `proposers_score` (the proposers'); the citizen-vote part comes from `votes`;
- META gets the four weights, whole percentages adding up to 100: `weight_votes`,
  `weight_committee`, `weight_school` and `weight_proposers` (Seoul 2019: 50, 30, 10, 10).
The export refuses a cycle whose vote has not ended (its ballots are not final yet): `export_refusal`.

Import (`cycle_from_election`): a read-only simulation cycle with one pot (total = cap = the
budget), feasible projects keyed by their pabulib ids, and the ballots; a `seoul-weighted` file's
weights and scores (above) come back with it, so that its count recomputes the same. The portal's ballots are
approval ballots: points (cumulative, scoring) and rankings (ordinal) are imported as approvals of
every project a voter gave points to or ranked, so their counts run on votes; META keeps the
original `vote_type`. Voter columns the portal has no field for (voting_method, neighbourhood, a
district that is not a Seoul district code) are not kept.
"""

from __future__ import annotations

import random
import re
import secrets
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from audit.services import audit_record
from citizens.models import District

from .errors import BudgetingError
from .models import BudgetBallot, Cycle, Pot, Project, ProjectResult, Sector
from .pabulib import Ballot, Election, Progress, parse_budget
from .pabulib import Project as PabulibProject

# The portal's rules as pabulib META `rule` strings (as the shared files write them), and back.
RULE_TO_PABULIB = {
    Cycle.Rule.GREEDY: "greedy",
    Cycle.Rule.GREEDY_THRESHOLD: "greedy-threshold",
    Cycle.Rule.MES: "equalshares/add1",
    Cycle.Rule.MES_COMPARISON: "equalshares/add1-comparison",
    Cycle.Rule.SEOUL_WEIGHTED: "seoul-weighted",
}
PABULIB_TO_RULE = {text: rule for rule, text in RULE_TO_PABULIB.items()}

# Official counts that added a step the META's rule string does not name (pabulib/README.md):
# Świecie 2023 let a project take part in the Method of Equal Shares only if
# votes / voters >= cost / (3 × budget). Keyed by META (country, unit, instance).
MES_ELIGIBILITY_STEPS = {("Poland", "Świecie", "2023"): Fraction(1, 3)}

# META keys that describe points ballots: an export of the imported approvals drops them.
POINTS_META_KEYS = frozenset(
    {"min_points", "max_points", "min_sum_points", "max_sum_points", "scoring_fn", "default_score"}
)
# The weighted final score's parts in a file (see the module's docstring): META weights and
# PROJECTS score columns, each named after the Cycle / Project field it holds.
WEIGHT_KEYS = ("weight_votes", "weight_committee", "weight_school", "weight_proposers")
SCORE_COLUMNS = ("committee_score", "school_score", "proposers_score")
GENDER_TO_SEX = {"female": "F", "male": "M", "other": "O"}
SEX_TO_GENDER = {sex: gender for gender, sex in GENDER_TO_SEX.items()}
# Exported ages of a portal cycle are rounded down to this many years.
AGE_STEP = 5

TITLE_LENGTH = Project._meta.get_field("title").max_length
EXTERNAL_ID_LENGTH = Project._meta.get_field("external_id").max_length
VOTER_ID_LENGTH = BudgetBallot._meta.get_field("external_id").max_length
BALLOT_BATCH = 2000
TWO_PLACES = Decimal("0.01")


def mes_eligibility_share(cycle: Cycle) -> Fraction | None:
    """The eligibility step of an imported election's official Method of Equal Shares, if any."""
    if not cycle.is_simulation:
        return None
    meta = cycle.source_meta or {}
    return MES_ELIGIBILITY_STEPS.get((meta.get("country"), meta.get("unit"), str(meta.get("instance", ""))))


def pabulib_project_id(cycle: Cycle, project: Project) -> str:
    """How a project is named in files and tallies: its pabulib id when imported, else its pk."""
    return project.external_id if cycle.is_simulation and project.external_id else str(project.pk)


def counts_every_ballot(cycle: Cycle) -> bool:
    """A cycle of one pot counts every ballot in it (even one without a pick, as pabulib files
    have); with several pots a pot counts the ballots with at least one pick in it."""
    return len(cycle.pots.all()) == 1


def pot_ballots(cycle: Cycle, pots: list[Pot], projects: list[Project], *, columns=(),
                progress: Progress | None = None):
    """For each pot, the ballots that count there: (picks in the pot, *columns) tuples.

    One pass over the cycle's ballots in id order; `columns` are extra BudgetBallot fields.
    `progress(ballots read, ballots in all)` is called for each ballot (and costs a count first).
    """
    by_pk = {project.pk: project for project in projects}
    every = counts_every_ballot(cycle)
    found: dict[int, list[tuple]] = {pot.pk: [] for pot in pots}
    rows = BudgetBallot.objects.filter(cycle=cycle).order_by("id").values_list("projects", *columns)
    total = rows.count() if progress is not None else 0
    for read, (chosen, *extra) in enumerate(rows.iterator(chunk_size=5000), start=1):
        by_pot: dict[int, list[Project]] = {pot_id: [] for pot_id in found} if every else {}
        # dict.fromkeys: a project named twice is one pick (the ballot service never stores that).
        for pk in dict.fromkeys(chosen or ()):
            project = by_pk.get(pk)
            if project is not None and project.pot_id in found:
                by_pot.setdefault(project.pot_id, []).append(project)
        for pot_id, picks in by_pot.items():
            found[pot_id].append((picks, *extra))
        if progress is not None:
            progress(read, total)
    return found


def ballot_projects(cycle: Cycle, pot: Pot | None = None) -> list[Project]:
    """The feasible projects on the ballot (of one pot), in the order they were created."""
    projects = cycle.projects.filter(status=Project.Status.FEASIBLE).select_related("sector", "pot")
    if pot is not None:
        projects = projects.filter(pot=pot)
    return list(projects.order_by("pk"))


# --- Export ------------------------------------------------------------------------------------


def _export_pot(cycle: Cycle, pot: Pot | None) -> Pot:
    pots = list(cycle.pots.select_related("district"))
    if pot is None:
        if len(pots) != 1:
            raise BudgetingError(
                _("This cycle has %(count)s pots: choose one (a pabulib file holds one budget).") % {"count": len(pots)},
                field="pot", code="several_pots",
            )
        return pots[0]
    for candidate in pots:
        if candidate.pk == getattr(pot, "pk", pot):
            return candidate
    raise BudgetingError(_("That pot does not belong to this cycle."), field="pot", code="unknown_pot")


def export_refusal(cycle: Cycle, now=None) -> str | None:
    """Why the cycle cannot be exported yet (None when it can): a portal cycle's ballots are final
    only once its vote has ended; an imported one is final as it came."""
    if cycle.is_simulation:
        return None
    vote = cycle.vote_phase()
    now = now or timezone.now()
    if vote is None or vote.starts_at > now:
        return _("The citizen vote of this cycle has not started: there are no ballots to export yet.")
    if vote.ends_at > now:
        return _("The citizen vote of this cycle is still open (until %(end)s): its ballots are not final, so "
                 "they are exported once the vote has ended.") % {
            "end": timezone.localtime(vote.ends_at).strftime("%Y-%m-%d %H:%M")
        }
    return None


def is_weighted(cycle: Cycle) -> bool:
    return cycle.selection_rule == Cycle.Rule.SEOUL_WEIGHTED


def _score_text(score) -> str:
    return "" if score is None else f"{score:.2f}"


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y")


def _meta(cycle: Cycle, pot: Pot, project_count: int, vote_count: int) -> dict[str, str]:
    if cycle.is_simulation:
        meta = {key: str(value) for key, value in (cycle.source_meta or {}).items() if key not in POINTS_META_KEYS}
        if meta.get("vote_type", "approval") not in ("approval", "choose-1"):
            meta["vote_type"] = "approval"
    else:
        meta = {
            "description": cycle.title_en or cycle.title_ko,
            "country": "South Korea",
            "unit": "Seoul",
        }
        if pot.district_id:
            meta["district"] = pot.district.name_en or pot.district.name_ko
            meta["subunit"] = meta["district"]
        meta["instance"] = str(cycle.year)
        meta["vote_type"] = "approval"
        meta["rule"] = RULE_TO_PABULIB[cycle.selection_rule]
        if cycle.ballot_kind == Cycle.BallotKind.KNAPSACK:
            meta["max_sum_cost"] = str(pot.total)
        else:
            meta["max_length"] = str(cycle.max_picks)
        if cycle.selection_rule == Cycle.Rule.GREEDY_THRESHOLD and cycle.min_project_votes:
            meta["min_project_score_threshold"] = str(cycle.min_project_votes)
        vote = cycle.vote_phase()
        if vote is not None:
            meta["date_begin"] = _date(vote.starts_at)
            meta["date_end"] = _date(vote.ends_at)
        meta["language"] = "ko"
        meta["currency"] = "KRW"
    if is_weighted(cycle):
        meta.update(zip(WEIGHT_KEYS, (str(getattr(cycle, key)) for key in WEIGHT_KEYS), strict=True))
    meta["num_projects"] = str(project_count)
    meta["num_votes"] = str(vote_count)
    meta["budget"] = str(pot.total)
    return meta


def _exported_name(cycle: Cycle, project: Project) -> str:
    # An imported name too long for the title was kept whole in the description.
    if cycle.is_simulation and project.title.endswith("…") and project.description.startswith(project.title[:-1]):
        return project.description
    return project.title


def election_from_cycle(cycle: Cycle, pot: Pot | int | None = None, *, rng: random.Random | None = None,
                        progress: Progress | None = None) -> Election:
    """The pot's projects and ballots as a pabulib election (a cycle of one pot needs no `pot`).
    Refuses (BudgetingError "vote_not_over") a portal cycle whose vote has not ended.
    `progress(ballots read, ballots in all)` follows the reading of the cycle's ballots."""
    refusal = export_refusal(cycle)
    if refusal:
        raise BudgetingError(refusal, code="vote_not_over")
    pot = _export_pot(cycle, pot)
    projects = ballot_projects(cycle, pot)
    ballots = pot_ballots(cycle, [pot], projects, columns=("age", "gender", "district_code"), progress=progress)[pot.pk]
    selected = dict(ProjectResult.objects.filter(pot_result__pot=pot).values_list("project_id", "funded"))
    districts = {code: name_en or name_ko for code, name_ko, name_en in District.objects.values_list(
        "code", "name_ko", "name_en")}
    ids = {project.pk: pabulib_project_id(cycle, project) for project in projects}
    votes = dict.fromkeys(ids, 0)
    for picks, *_columns in ballots:
        for project in picks:
            votes[project.pk] += 1

    weighted = is_weighted(cycle)
    pabulib_projects = {}
    for project in projects:
        fields = {"votes": str(votes[project.pk]), "category": project.sector.slug if project.sector_id else ""}
        if weighted:
            fields.update({column: _score_text(getattr(project, column)) for column in SCORE_COLUMNS})
        pabulib_projects[ids[project.pk]] = PabulibProject(
            project_id=ids[project.pk],
            cost=project.cost,
            name=_exported_name(cycle, project),
            selected=(1 if selected[project.pk] else 0) if project.pk in selected else None,
            fields=fields,
        )
    project_columns = ["project_id", "cost", "votes", "name", "category"] + (["selected"] if selected else [])
    if weighted:
        project_columns += SCORE_COLUMNS

    # Voters are numbered 1, 2, 3... in a random order, so that nothing in the file follows the
    # order ballots were stored in (nor their ids).
    coarse = not cycle.is_simulation  # an imported file's ages are already public as they were
    order = list(range(len(ballots)))
    (rng or random.SystemRandom()).shuffle(order)
    pabulib_ballots = []
    for number, position in enumerate(order, start=1):
        picks, age, gender, district_code = ballots[position]
        pabulib_ballots.append(
            Ballot(
                voter_id=str(number),
                votes=tuple(ids[project.pk] for project in sorted(picks, key=lambda item: item.pk)),
                fields={
                    "age": "" if age is None else str(age - age % AGE_STEP if coarse else age),
                    "sex": GENDER_TO_SEX.get(gender, ""),
                    "district": districts.get(district_code, district_code),
                },
            )
        )
    ballot_columns = ["voter_id", "vote"] + [
        column for column in ("age", "sex", "district") if any(ballot.fields[column] for ballot in pabulib_ballots)
    ]
    for ballot in pabulib_ballots:
        ballot.fields = {column: ballot.fields[column] for column in ballot_columns[2:]}
    return Election(
        meta=_meta(cycle, pot, len(projects), len(pabulib_ballots)),
        projects=pabulib_projects,
        ballots=pabulib_ballots,
        project_columns=tuple(project_columns),
        ballot_columns=tuple(ballot_columns),
    )


# --- Import ------------------------------------------------------------------------------------


def _year(meta: dict[str, str]) -> int:
    found = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", meta.get("instance", ""))
    return int(found.group(0)) if found else timezone.localdate().year


def _title(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _rule(meta: dict[str, str]) -> str:
    return PABULIB_TO_RULE.get(meta.get("rule", "").strip(), Cycle.Rule.GREEDY)


def _threshold(meta: dict[str, str]) -> int | None:
    text = meta.get("min_project_score_threshold", "").strip()
    return int(text) if text.isdigit() else None


def _weights(meta: dict[str, str]) -> dict[str, int]:
    """A weighted file's four weights as Cycle fields; {} (the defaults) when the file names none.
    Weights that are not whole percentages adding up to 100 are refused: counting with others
    would not recompute the file's result."""
    texts = {key: meta.get(key, "").strip() for key in WEIGHT_KEYS}
    if not any(texts.values()):
        return {}
    if not all(text.isdigit() and int(text) <= 100 for text in texts.values()) or sum(
        int(text) for text in texts.values()
    ) != 100:
        raise BudgetingError(
            _("The weights in META (%(keys)s) must be whole percentages that add up to 100.")
            % {"keys": ", ".join(WEIGHT_KEYS)},
            code="invalid_file",
        )
    return {key: int(text) for key, text in texts.items()}


def _scores(project: PabulibProject) -> dict[str, Decimal | None]:
    """A project's committee, budget-school and proposers' scores from their columns (empty: none)."""
    scores = {}
    for column in SCORE_COLUMNS:
        text = project.fields.get(column, "").strip()
        if not text:
            scores[column] = None
            continue
        try:
            score = Decimal(text)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite() or not 0 <= score <= 100 or score != score.quantize(TWO_PLACES):
            raise BudgetingError(
                _("Project %(id)s: %(column)s %(value)s is not a score from 0 to 100 with at most two decimals.")
                % {"id": project.project_id, "column": column, "value": text[:20]},
                code="invalid_file",
            )
        scores[column] = score.quantize(TWO_PLACES)
    return scores


def _age(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and int(text) <= 150 else None


def _check_importable(election: Election) -> int:
    try:
        budget = parse_budget(election.meta.get("budget"))
    except ValueError as error:
        raise BudgetingError(str(error), code="invalid_file") from None
    if budget <= 0:
        raise BudgetingError(_("The election's budget must be more than zero."), code="invalid_file")
    if not election.projects:
        raise BudgetingError(_("The election lists no projects."), code="invalid_file")
    for project in election.projects.values():
        if project.cost <= 0:
            raise BudgetingError(
                _("Project %(id)s costs nothing: the portal needs a cost above zero.") % {"id": project.project_id},
                code="invalid_file",
            )
        if len(project.project_id) > EXTERNAL_ID_LENGTH:
            raise BudgetingError(
                _("Project id %(id)s is longer than %(length)s characters.")
                % {"id": project.project_id[:20], "length": EXTERNAL_ID_LENGTH},
                code="invalid_file",
            )
    return budget


def cycle_from_election(election: Election, *, source_name: str, actor=None, progress: Progress | None = None) -> Cycle:
    """Load an election as a read-only simulation cycle (see the module's docstring); atomic.
    `progress(ballots written, ballots in all)` is called after each batch of ballots."""
    budget = _check_importable(election)
    meta = dict(election.meta)
    weights = _weights(meta)
    scores = {project_id: _scores(project) for project_id, project in election.projects.items()}
    description = meta.get("description", "").strip() or source_name
    place = " · ".join(part for part in (meta.get("unit", ""), meta.get("subunit", "")) if part) or source_name
    longest = max((len(ballot.votes) for ballot in election.ballots), default=1)
    max_length = meta.get("max_length", "").strip()
    now = timezone.now()
    with transaction.atomic():
        cycle = Cycle.objects.create(
            year=_year(meta),
            title_ko=_title(description, Cycle._meta.get_field("title_ko").max_length),
            title_en=_title(description, Cycle._meta.get_field("title_en").max_length),
            description_ko=meta.get("comment", ""),
            ballot_kind=Cycle.BallotKind.APPROVAL,
            max_picks=min(int(max_length), 32767) if max_length.isdigit() and int(max_length) > 0 else max(longest, 1),
            minimum_age=0,
            selection_rule=_rule(meta),
            min_project_votes=_threshold(meta),
            **weights,
            is_simulation=True,
            source_name=source_name[:200],
            source_meta=meta,
        )
        pot = Pot.objects.create(
            cycle=cycle, name_ko=_title(place, 100), name_en=_title(place, 150), total=budget, project_cap=budget,
            external_id=_title(place, 100),
        )
        sectors = _sectors(cycle, election.projects.values())
        votes = dict.fromkeys(election.projects, 0)
        for ballot in election.ballots:
            for project_id in ballot.votes:
                votes[project_id] += 1
        Project.objects.bulk_create(
            [
                Project(
                    cycle=cycle, pot=pot, sector=sectors.get(_first_category(project)),
                    title=_title(project.name or _("Project %(id)s") % {"id": project.project_id}, TITLE_LENGTH),
                    description=_whole_name(project.name),
                    estimated_cost=project.cost, status=Project.Status.FEASIBLE, submitted_at=now, checked_at=now,
                    votes=votes[project.project_id], external_id=project.project_id,
                    **scores[project.project_id],
                )
                for project in election.projects.values()
            ],
            batch_size=500,
        )
        pks = dict(Project.objects.filter(cycle=cycle).values_list("external_id", "pk"))
        _import_ballots(cycle, election.ballots, pks, progress)
        audit_record(
            actor=actor, action="budgeting.cycle.import", target=cycle,
            summary={"projects": len(election.projects), "ballots": len(election.ballots),
                     "vote_type": election.vote_type[:40]},
        )
    return cycle


def _whole_name(name: str) -> str:
    """The name, kept in the description when it is too long for the title."""
    name = " ".join(name.split())
    return name if len(name) > TITLE_LENGTH else ""


def _first_category(project: PabulibProject) -> str:
    return project.fields.get("category", "").split(",")[0].strip()


def _sectors(cycle: Cycle, projects) -> dict[str, Sector]:
    """One sector per category (a project in several categories goes to its first)."""
    sectors: dict[str, Sector] = {}
    slugs: set[str] = set()
    for project in projects:
        category = _first_category(project)
        if not category or category in sectors:
            continue
        slug = slugify(category, allow_unicode=True)[:36] or "category"
        candidate, number = slug, 2
        while candidate in slugs:
            candidate, number = f"{slug}-{number}", number + 1
        slugs.add(candidate)
        sectors[category] = Sector.objects.create(
            cycle=cycle, slug=candidate, name_ko=_title(category, 60), name_en=_title(category, 80)
        )
    return sectors


def _import_ballots(cycle: Cycle, ballots: list[Ballot], pks: dict[str, int], progress: Progress | None) -> None:
    token = secrets.token_hex
    batch: list[BudgetBallot] = []
    written, total = 0, len(ballots)
    for ballot in ballots:
        fields = ballot.fields
        batch.append(
            BudgetBallot(
                cycle=cycle,
                projects=sorted(pks[project_id] for project_id in ballot.votes),
                age=_age(fields.get("age", "")),
                gender=SEX_TO_GENDER.get(fields.get("sex", "").strip().upper(), ""),
                district_code=_district_code(fields.get("district", "")),
                salt=token(16),
                receipt_digest=token(32),
                external_id=ballot.voter_id[:VOTER_ID_LENGTH],
            )
        )
        if len(batch) >= BALLOT_BATCH:
            BudgetBallot.objects.bulk_create(batch)
            written, batch = written + len(batch), []
            if progress is not None:
                progress(written, total)
    if batch:
        BudgetBallot.objects.bulk_create(batch)
        if progress is not None:
            progress(written + len(batch), total)


def _district_code(text: str) -> str:
    # Only a Seoul district code fits the ballot's district (a Polish neighbourhood does not).
    text = (text or "").strip()
    return text if re.fullmatch(r"11\d{3}", text) else ""


def imported_as_approvals(election: Election) -> bool:
    """Whether the import turns the election's ballots into approvals (points or rankings lost)."""
    return election.vote_type not in ("approval", "choose-1")

