"""Every write on a budget project from its draft to the committee: proposing, editing, submitting,
withdrawing, the department's feasibility check, sending it to the committee and the scores of the
budget school and the proposers.

draft → submitted (the proposer, proposal call) → withdrawn (the proposer, before the check)
                                                → feasible | not_feasible (the department)
feasible → an agenda item of the sector's subcommittee (a cycle official, deliberation phase);
the committee's score comes back through budgeting/committee.py.

Each service is atomic, locks the project's row, checks the state it moves from and the permission
(budgeting/rules.py) and raises BudgetingError (message, field, code) on an illegal move, with
nothing written; the audit event and the proposer's notice are written in the same transaction.
Codes: "forbidden" (the role or the phase), "state" (the project's status), "invalid" (the input),
"frozen" (a score that goes into the final score, once the vote has opened).
"""

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

import rules
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.services import audit_record
from citizens.models import District
from governance.budget_sources import budget_candidate
from governance.models import OrgUnit
from governance.services.agenda import agenda_item_create
from governance.services.reviews import ReviewError
from seoul_portal import images

from .. import rules as budget_rules
from ..errors import BudgetingError
from ..models import Cycle, PhaseKind, Pot, Project, Sector
from ..money import won
from ..notifications import notify_proposer

logger = logging.getLogger(__name__)

Status = Project.Status

TITLE_MAX_LENGTH = Project._meta.get_field("title").max_length
SUMMARY_MAX_LENGTH = Project._meta.get_field("summary").max_length
DESCRIPTION_MAX_LENGTH = 5_000
LOCATION_MAX_LENGTH = Project._meta.get_field("location").max_length
BENEFICIARIES_MAX_LENGTH = Project._meta.get_field("beneficiaries").max_length
IMAGE_ALT_MAX_LENGTH = Project._meta.get_field("image_alt").max_length
REVIEW_MAX_LENGTH = 5_000
# What a proposer writes (and edits while the project is a draft).
PROJECT_FIELDS = (
    "pot", "sector", "title", "summary", "description", "location", "district", "estimated_cost", "beneficiaries",
    "source_ref",
)
FORBIDDEN, STATE, INVALID = "forbidden", "state", "invalid"
FROZEN = "frozen"  # as budgeting.services.cycles: the cycle's rules are frozen since the vote opened


# --- Checks shared by the forms -----------------------------------------------------------------


def cost_problem(pot, cost) -> str | None:
    """Why `cost` cannot be a project's cost in `pot`, or None."""
    if cost is None or cost == "":
        return gettext("Give the cost in won.")
    if isinstance(cost, bool):
        return gettext("Give the cost in won, as a whole number.")
    try:
        cost = int(cost)
    except (TypeError, ValueError):
        return gettext("Give the cost in won, as a whole number.")
    if cost <= 0:
        return gettext("The cost must be more than 0 won.")
    if pot is not None and cost > pot.project_cap:
        return gettext("A project of the pot “%(pot)s” may cost at most %(cap)s.") % {
            "pot": pot.name, "cap": won(pot.project_cap)
        }
    return None


def _age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def _phase_window(cycle, kind):
    phase = next((phase for phase in cycle.phases.all() if phase.kind == kind), None)
    if phase is None:
        return ""
    start, end = timezone.localtime(phase.starts_at), timezone.localtime(phase.ends_at)
    return f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"


def propose_refusal(actor, cycle) -> str | None:
    """Why `actor` may not propose a project in `cycle` now, as they should read it; None when they may."""
    if cycle.is_simulation:
        return gettext("This cycle is an imported simulation: nobody proposes projects in it.")
    if actor is None or not actor.is_authenticated:
        return gettext("Sign in to propose a project.")
    if actor.is_staff:
        return gettext("Officials cannot propose projects: the ordinance excludes public officials.")
    if getattr(actor, "phone_verified_at", None) is None:
        return gettext("Verify your mobile phone before proposing a project.")
    if budget_rules.phase_kind(cycle) != PhaseKind.PROPOSAL:
        window = _phase_window(cycle, PhaseKind.PROPOSAL)
        if window:
            return gettext("Projects are proposed only during the proposal call (%(window)s).") % {"window": window}
        return gettext("This cycle takes no proposals.")
    birth_date = getattr(actor, "birth_date", None)
    if birth_date and _age_on(birth_date, timezone.localdate()) < cycle.minimum_age:
        return gettext("You must be at least %(age)d years old to propose a project in this cycle.") % {
            "age": cycle.minimum_age
        }
    if not rules.has_perm("budgeting.propose_project", actor, cycle):
        return gettext("You may not propose a project in this cycle.")
    return None


def _require(refusal, code=FORBIDDEN, field=None):
    if refusal:
        raise BudgetingError(refusal, field=field, code=code)


def _text(value, *, field, label, max_length, required=False) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise BudgetingError(gettext("Write the %(label)s.") % {"label": label}, field=field)
    if len(text) > max_length:
        raise BudgetingError(
            gettext("The %(label)s is too long: at most %(max)d characters.") % {"label": label, "max": max_length},
            field=field,
        )
    return text


def _pot_of(cycle, pot) -> Pot:
    pot_id = getattr(pot, "pk", pot)
    found = next((candidate for candidate in cycle.pots.all() if str(candidate.pk) == str(pot_id)), None)
    if found is None:
        raise BudgetingError(gettext("Choose one of this cycle's pots."), field="pot")
    return found


def _sector_of(cycle, sector) -> Sector | None:
    sectors = list(cycle.sectors.all())
    if sector in (None, ""):
        if sectors:
            raise BudgetingError(gettext("Choose the project's sector."), field="sector")
        return None
    sector_id = getattr(sector, "pk", sector)
    found = next((candidate for candidate in sectors if str(candidate.pk) == str(sector_id)), None)
    if found is None:
        raise BudgetingError(gettext("Choose one of this cycle's sectors."), field="sector")
    return found


def _district_of(district) -> District | None:
    if district in (None, ""):
        return None
    if isinstance(district, District):
        return district
    found = District.objects.defer("boundary").filter(pk=str(district)).first()
    if found is None:
        raise BudgetingError(gettext("Choose a district of Seoul."), field="district")
    return found


def source_ref_problem(cycle, ref, *, project=None) -> str | None:
    """Why the debate `ref` cannot be the origin of a project of `cycle`, or None."""
    if not ref:
        return None
    if budget_candidate(ref) is None:
        return gettext("This debate cannot become a budget project (it is unknown or has too few participants).")
    taken = Project.objects.filter(cycle=cycle, source_ref=ref).exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
    if project is not None and project.pk:
        taken = taken.exclude(pk=project.pk)
    if taken.exists():
        return gettext("Another project of this cycle already grew out of this debate.")
    return None


def clean_project_fields(cycle, values: dict) -> dict:
    """The proposer's fields checked together; raises BudgetingError naming the field. A district
    pot's project lies in that district; a city-wide one says where (a place or a district)."""
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"projects do not take these fields: {sorted(unknown)}")
    title = _text(values.get("title"), field="title", label=gettext("title"), max_length=TITLE_MAX_LENGTH,
                  required=True)
    summary = _text(values.get("summary"), field="summary", label=gettext("summary"), max_length=SUMMARY_MAX_LENGTH)
    description = _text(values.get("description"), field="description", label=gettext("description"),
                        max_length=DESCRIPTION_MAX_LENGTH, required=True)
    location = _text(values.get("location"), field="location", label=gettext("location"),
                     max_length=LOCATION_MAX_LENGTH)
    beneficiaries = _text(values.get("beneficiaries"), field="beneficiaries",
                          label=gettext("expected beneficiaries"), max_length=BENEFICIARIES_MAX_LENGTH)
    pot = _pot_of(cycle, values.get("pot"))
    sector = _sector_of(cycle, values.get("sector"))
    district = pot.district if pot.district_id else _district_of(values.get("district"))
    if district is None and not location:
        raise BudgetingError(gettext("Say where the project would be: a place, a district, or both."),
                             field="location")
    cost = values.get("estimated_cost")
    _require(cost_problem(pot, cost), code=INVALID, field="estimated_cost")
    source_ref = (values.get("source_ref") or "").strip()
    return {
        "pot": pot, "sector": sector, "title": title, "summary": summary, "description": description,
        "location": location, "district": district, "estimated_cost": int(cost), "beneficiaries": beneficiaries,
        "source_ref": source_ref,
    }


def prepare_project_image(upload):
    """Check an uploaded picture and re-encode it (seoul_portal.images); BudgetingError on the image field."""
    try:
        return images.prepare_image(upload)
    except images.ImageRejected as error:
        raise BudgetingError(error.message, field="image") from None


def clean_image_alt(image_alt, *, has_image) -> str:
    """The picture's text alternative: required with a picture, dropped without one."""
    if not has_image:
        return ""
    alt = _text(image_alt, field="image_alt", label=gettext("image description"), max_length=IMAGE_ALT_MAX_LENGTH)
    if not alt:
        raise BudgetingError(gettext("Describe the image in a few words, for people who cannot see it."),
                             field="image_alt")
    return alt


def _discard_file(storage, name):
    if name:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("could not delete the stored file %s", name)


def _lock(project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def _cycle(cycle_id) -> Cycle:
    return Cycle.objects.prefetch_related("phases", "pots__district", "sectors").get(pk=cycle_id)


def _record(project, *, actor, action, summary=None):
    audit_record(
        actor=actor, action=f"budgeting.project.{action}", target=project,
        summary={"cycle": project.cycle_id, "status": project.status, **(summary or {})},
    )


# --- The proposer ---------------------------------------------------------------------------------


def project_create(*, actor, cycle, image=None, image_alt="", **fields) -> Project:
    """A draft by a verified citizen during the proposal call. `fields` are PROJECT_FIELDS (pot and
    sector as objects or ids); `image` an uploaded file (then `image_alt` is required)."""
    cycle = _cycle(cycle.pk)
    _require(propose_refusal(actor, cycle))
    values = clean_project_fields(cycle, fields)
    _require(source_ref_problem(cycle, values["source_ref"]), code=INVALID, field="source_ref")
    prepared = prepare_project_image(image) if image else None
    alt = clean_image_alt(image_alt, has_image=prepared is not None)
    project = Project(cycle=cycle, proposer=actor, status=Status.DRAFT, image_alt=alt, **values)
    try:
        with transaction.atomic():
            if prepared is not None:
                project.image.save(prepared.name, prepared, save=False)
            project.save()
            _record(project, actor=actor, action="create", summary={"pot": project.pot_id})
    except BaseException:
        _discard_file(project.image.storage, project.image.name if prepared is not None else "")
        raise
    return project


def edit_refusal(actor, project, *, cycle=None) -> str | None:
    """Why `actor` may not edit or submit the draft now, or None."""
    cycle = cycle or project.cycle
    if actor is None or not actor.is_authenticated or project.proposer_id != actor.pk:
        return gettext("Only the proposer may edit or submit this project.")
    if project.status != Status.DRAFT:
        return gettext("This project is submitted: it can no longer be edited.")
    if budget_rules.phase_kind(cycle) != PhaseKind.PROPOSAL:
        return gettext("Drafts are edited and submitted only during the proposal call.")
    return None


def project_update(*, actor, project, image=None, image_alt=None, remove_image=False, **changes) -> Project:
    """Edit a draft (the proposer, during the proposal call). `changes` are PROJECT_FIELDS; fields
    left out keep their value. `image` replaces the picture, `remove_image` drops it; `image_alt`
    None keeps the description (required while there is a picture)."""
    prepared = prepare_project_image(image) if image else None
    stored_name = ""
    try:
        with transaction.atomic():
            project = _lock(project)
            cycle = _cycle(project.cycle_id)
            project.cycle = cycle
            _require(edit_refusal(actor, project, cycle=cycle), code=STATE if project.status != Status.DRAFT else FORBIDDEN)
            _require(None if rules.has_perm("budgeting.edit_project_draft", actor, project)
                     else gettext("You may not edit this project."))
            current = {name: getattr(project, name) for name in PROJECT_FIELDS}
            values = clean_project_fields(cycle, {**current, **changes})
            _require(source_ref_problem(cycle, values["source_ref"], project=project), code=INVALID,
                     field="source_ref")
            has_image = prepared is not None or (bool(project.image) and not remove_image)
            alt = clean_image_alt(project.image_alt if image_alt is None else image_alt, has_image=has_image)
            replaced = project.image.name if project.image and (prepared is not None or remove_image) else ""
            if prepared is not None:
                project.image.save(prepared.name, prepared, save=False)
                stored_name = project.image.name
            elif remove_image:
                project.image = ""
            for name, value in values.items():
                setattr(project, name, value)
            project.image_alt = alt
            project.save()
            _record(project, actor=actor, action="update")
            if replaced:
                storage = project.image.storage
                transaction.on_commit(lambda: _discard_file(storage, replaced))
    except BaseException:
        _discard_file(project.image.storage, stored_name)
        raise
    return project


def project_submit(*, actor, project, now=None) -> Project:
    """draft → submitted (the proposer, during the proposal call); the proposer is told it arrived."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _lock(project)
        cycle = _cycle(project.cycle_id)
        project.cycle = cycle
        if project.status != Status.DRAFT and project.proposer_id == getattr(actor, "pk", None):
            raise BudgetingError(gettext("This project is already submitted."), code=STATE)
        _require(edit_refusal(actor, project, cycle=cycle))
        _require(propose_refusal(actor, cycle))
        # The pot's cap may have changed since the draft was written, and the debate may be taken.
        _require(cost_problem(project.pot, project.estimated_cost), code=INVALID, field="estimated_cost")
        _require(source_ref_problem(cycle, project.source_ref, project=project), code=INVALID, field="source_ref")
        project.status, project.submitted_at = Status.SUBMITTED, now
        project.save(update_fields=["status", "submitted_at", "updated_at"])
        _record(project, actor=actor, action="submit")
        notify_proposer(project, "budget_project_received", f"budgeting:received:{project.pk}")
    return project


def project_withdraw(*, actor, project, reason="", now=None) -> Project:
    """submitted → withdrawn (the proposer, before the department has checked it). The reason is
    optional and not kept (the project keeps no text for it; the audit log holds codes only)."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _lock(project)
        if actor is None or not actor.is_authenticated or project.proposer_id != actor.pk:
            raise BudgetingError(gettext("Only the proposer may withdraw this project."), code=FORBIDDEN)
        if project.status == Status.DRAFT:
            raise BudgetingError(gettext("A draft is not submitted: there is nothing to withdraw."), code=STATE)
        if project.status == Status.WITHDRAWN:
            raise BudgetingError(gettext("This project is already withdrawn."), code=STATE)
        if project.status != Status.SUBMITTED:
            raise BudgetingError(
                gettext("The department has checked this project: it can no longer be withdrawn."), code=STATE
            )
        if not rules.has_perm("budgeting.withdraw_project", actor, project):
            raise BudgetingError(
                gettext("Projects are withdrawn only during the proposal call and the feasibility check."),
                code=FORBIDDEN,
            )
        project.status, project.withdrawn_at = Status.WITHDRAWN, now
        project.save(update_fields=["status", "withdrawn_at", "updated_at"])
        _record(project, actor=actor, action="withdraw", summary={"gave_reason": bool((reason or "").strip())})
    return project


# --- The department ---------------------------------------------------------------------------------


def project_assign_department(*, actor, project, department) -> Project:
    """A cycle official names the department that checks a submitted project (its officials then
    see it in the back office and record the feasibility check)."""
    with transaction.atomic():
        project = _lock(project)
        if not (budget_rules.runs_cycle & budget_rules.real_cycle).test(actor, project):
            raise BudgetingError(gettext("Only the cycle's officials assign a project's department."),
                                 code=FORBIDDEN)
        if project.status != Status.SUBMITTED:
            raise BudgetingError(gettext("Only a submitted project, not yet checked, is assigned a department."),
                                 code=STATE)
        department = department if isinstance(department, OrgUnit) else OrgUnit.objects.filter(pk=department).first()
        if department is None or not department.is_active:
            raise BudgetingError(gettext("Choose a department of the city."), field="department")
        project.department = department
        project.save(update_fields=["department", "updated_at"])
        _record(project, actor=actor, action="assign_department", summary={"department": department.pk})
    return project


def _adjusted_cost(project, adjusted_cost, cost_reason):
    """(adjusted cost or None, reason): an adjustment needs a reason and fits the pot's cap; the
    estimate itself is no adjustment."""
    if adjusted_cost in (None, ""):
        return None, ""
    _require(cost_problem(project.pot, adjusted_cost), code=INVALID, field="adjusted_cost")
    adjusted_cost = int(adjusted_cost)
    if adjusted_cost == project.estimated_cost:
        return None, ""
    reason = _text(cost_reason, field="cost_reason", label=gettext("reason for the adjusted cost"),
                   max_length=REVIEW_MAX_LENGTH)
    if not reason:
        raise BudgetingError(gettext("Give the reason for the adjusted cost."), field="cost_reason")
    return adjusted_cost, reason


def project_check_feasibility(
    *, actor, project, feasible, legal_review, technical_review, adjusted_cost=None, cost_reason="",
    infeasible_reason="", department=None, now=None,
) -> Project:
    """submitted → feasible | not_feasible: the responsible department (or a cycle official)
    records the legal and technical review, an adjusted cost with its reason, or why the project
    is not feasible; the proposer is told the outcome and the reason."""
    now = now or timezone.now()
    with transaction.atomic():
        project = _lock(project)
        if project.status in (Status.FEASIBLE, Status.NOT_FEASIBLE):
            raise BudgetingError(gettext("The feasibility of this project is already recorded."), code=STATE)
        if project.status != Status.SUBMITTED:
            raise BudgetingError(gettext("Only a submitted project is checked."), code=STATE)
        if not rules.has_perm("budgeting.check_feasibility", actor, project):
            if budget_rules.checks_feasibility.test(actor, project):
                raise BudgetingError(gettext("Feasibility is recorded only during the feasibility check."),
                                     code=FORBIDDEN)
            raise BudgetingError(gettext("Only the project's department or the cycle's officials check it."),
                                 code=FORBIDDEN)
        if department is not None and getattr(department, "pk", department) != project.department_id:
            if not budget_rules.runs_cycle.test(actor, project):
                raise BudgetingError(gettext("Only the cycle's officials change a project's department."),
                                     field="department", code=FORBIDDEN)
            department = department if isinstance(department, OrgUnit) else OrgUnit.objects.filter(pk=department).first()
            if department is None:
                raise BudgetingError(gettext("Choose a department of the city."), field="department")
            project.department = department
        legal = _text(legal_review, field="legal_review", label=gettext("legal review"), max_length=REVIEW_MAX_LENGTH,
                      required=True)
        technical = _text(technical_review, field="technical_review", label=gettext("technical review"),
                          max_length=REVIEW_MAX_LENGTH, required=True)
        if feasible not in (True, False):
            raise BudgetingError(gettext("Say whether the project is feasible."), field="feasible")
        if feasible:
            cost, reason = _adjusted_cost(project, adjusted_cost, cost_reason)
            infeasible = ""
        else:
            if adjusted_cost not in (None, ""):
                raise BudgetingError(gettext("A cost is adjusted only for a feasible project."),
                                     field="adjusted_cost")
            cost, reason = None, ""
            infeasible = _text(infeasible_reason, field="infeasible_reason", label=gettext("reason"),
                               max_length=REVIEW_MAX_LENGTH)
            if not infeasible:
                raise BudgetingError(gettext("Give the reason the project is not feasible: the proposer is sent it."),
                                     field="infeasible_reason")
        project.status = Status.FEASIBLE if feasible else Status.NOT_FEASIBLE
        project.legal_review, project.technical_review = legal, technical
        project.adjusted_cost, project.cost_reason, project.infeasible_reason = cost, reason, infeasible
        project.checked_by, project.checked_at = actor, now
        project.save(update_fields=[
            "status", "department", "legal_review", "technical_review", "adjusted_cost", "cost_reason",
            "infeasible_reason", "checked_by", "checked_at", "updated_at",
        ])
        _record(project, actor=actor, action="check_feasibility",
                summary={"feasible": feasible, "adjusted_cost": cost, "department": project.department_id})
        notify_proposer(
            project, "budget_project_feasibility", f"budgeting:feasibility:{project.pk}",
            feasible=feasible, reason=infeasible, adjusted_cost=cost, estimated_cost=project.estimated_cost,
            cost_reason=reason,
        )
    return project


# --- The committee and the other scores ------------------------------------------------------------


def _agenda_texts(project) -> dict:
    """The agenda item's title and description in both languages (the project's own text as written)."""
    texts = {}
    for code in ("ko", "en"):
        with translation.override(code):
            facts = [
                gettext("Pot: %(pot)s") % {"pot": project.pot.name},
                gettext("Cost: %(cost)s") % {"cost": won(project.cost)},
            ]
            if project.sector_id:
                facts.insert(1, gettext("Sector: %(sector)s") % {"sector": project.sector.name})
            parts = [part for part in (project.summary, project.description) if part]
            texts[f"description_{code}"] = "\n\n".join([*parts, "\n".join(facts)])
    return {"title_ko": project.title, **texts}


def project_send_to_committee(*, actor, project, review_deadline=None) -> Project:
    """A feasible project becomes an agenda item of its sector's subcommittee (the cycle's committee
    when the sector has none), asking each member for a score from 0 to 100. Once only."""
    with transaction.atomic():
        project = _lock(project)
        if project.agenda_item_id is not None:
            raise BudgetingError(gettext("This project is already on the committee's agenda."), code=STATE)
        if project.status != Status.FEASIBLE:
            raise BudgetingError(gettext("Only a feasible project goes to the committee."), code=STATE)
        if not rules.has_perm("budgeting.send_to_committee", actor, project):
            if budget_rules.runs_cycle.test(actor, project):
                raise BudgetingError(gettext("Projects go to the committee only during the deliberation phase."),
                                     code=FORBIDDEN)
            raise BudgetingError(gettext("Only the cycle's officials send projects to the committee."),
                                 code=FORBIDDEN)
        project = Project.objects.select_related("cycle__committee", "sector__subcommittee", "pot").get(pk=project.pk)
        committee = (project.sector.subcommittee if project.sector_id else None) or project.cycle.committee
        if committee is None:
            raise BudgetingError(gettext("This cycle has no committee to deliberate its projects."), code=STATE)
        try:
            item = agenda_item_create(
                actor=actor, committee=committee, subject_kind="budgeting.project", subject_id=project.subject_id,
                asks_score=True, score_min=0, score_max=100, review_deadline=review_deadline,
                **_agenda_texts(project),
            )
        except ReviewError as error:
            field = error.field if error.field == "review_deadline" else None
            raise BudgetingError(error.args[0] if error.args else str(error), field=field, code=INVALID) from None
        project.agenda_item_id = item.pk
        project.save(update_fields=["agenda_item_id", "updated_at"])
        _record(project, actor=actor, action="send_to_committee",
                summary={"agenda_item": item.pk, "committee": committee.pk})
    return project


def _score(value, field) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BudgetingError(gettext("Give a score from 0 to 100."), field=field) from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.01")):
        raise BudgetingError(gettext("Give a score from 0 to 100, with at most two decimals."), field=field)
    return score.quantize(Decimal("0.01"))


def project_scores_record(*, actor, project, school_score=None, proposers_score=None) -> Project:
    """The budget school's and the proposers' scores (0–100) of a project on the ballot, entered by
    a cycle official until the citizen vote opens: they are inputs of the weighted final score,
    frozen with the cycle's rules (`Cycle.rules_frozen`). Both are set as given (None: no score)."""
    school = _score(school_score, "school_score")
    proposers = _score(proposers_score, "proposers_score")
    with transaction.atomic():
        project = _lock(project)
        if not (budget_rules.runs_cycle & budget_rules.real_cycle).test(actor, project):
            raise BudgetingError(gettext("Only the cycle's officials record these scores."), code=FORBIDDEN)
        if project.status != Status.FEASIBLE:
            raise BudgetingError(gettext("Only a project on the ballot is scored."), code=STATE)
        if Cycle.objects.filter(pk=project.cycle_id, results_published_at__isnull=False).exists():
            raise BudgetingError(gettext("The results are published: the scores no longer change."), code=STATE)
        if Cycle.objects.prefetch_related("phases").get(pk=project.cycle_id).rules_frozen():
            raise BudgetingError(
                gettext("The citizen vote has opened: the budget school's and the proposers' scores are part of "
                        "the final score and no longer change."),
                code=FROZEN,
            )
        project.school_score, project.proposers_score = school, proposers
        project.save(update_fields=["school_score", "proposers_score", "updated_at"])
        _record(project, actor=actor, action="record_scores", summary={
            "school_score": None if school is None else str(school),
            "proposers_score": None if proposers is None else str(proposers),
        })
    return project

