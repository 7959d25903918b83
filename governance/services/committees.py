"""Every write on committees: memberships (appoint, renew, end, change role), volunteers and draws.

Term rules. A term lasts `committee.term_years` (it ends the day before the same date that many
years later) and may be cut short (a member who fills a vacancy serves the rest of a term), never
made longer. `term_number` counts consecutive terms: a previous term counts when the break between
it and the next is shorter than one full term, so that resigning a day early does not reset the
count. Ex officio members serve by virtue of their office: the term limit does not apply to them,
and `max_ex_officio` seats are kept for them (commissioned and drawn members fill the rest).
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from citizens.services import MINIMUM_AGE_WITHOUT_GUARDIAN, violated_constraint
from notifications.kinds import NotificationKind, register_kind
from notifications.services import notify

from .. import lottery
from ..errors import GovernanceError
from ..models import Committee, DrawRecord, Membership, Volunteer

DRAW_SELECTED_KIND = NotificationKind(
    key="governance_draw_selected",
    label=_("Drawn for a committee"),
    sms_template="governance/committees/notifications/draw_selected_sms.txt",
    email_subject_template="governance/committees/notifications/draw_selected_subject.txt",
    email_body_template="governance/committees/notifications/draw_selected_body.txt",
)

CONSTRAINT_MESSAGES = {
    "membership_one_active_chair": _("The committee already has a chair; change the current chair's role first."),
    "membership_one_active_per_person": _("This person is already a serving member of the committee."),
    "membership_term_start_once": _("This person already has a term on this committee starting that day."),
    "membership_term_ends_after_start": _("A term must end after it starts."),
    "volunteer_once_per_committee": _("You have already volunteered for this committee."),
    "draw_seed_once_per_committee": _("A draw with this seed is already published for this committee."),
}


def register_notification_kinds():
    """Idempotent; also called before every notification this module writes."""
    register_kind(DRAW_SELECTED_KIND)


def _integrity_message(error):
    name = violated_constraint(error)
    for constraint, message in CONSTRAINT_MESSAGES.items():
        # SQLite names the column, PostgreSQL the constraint.
        if name == constraint:
            return message
    return None


# --- Term arithmetic -------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def longest_term_end(committee: Committee, term_start: date) -> date:
    return add_years(term_start, committee.term_years) - timedelta(days=1)


def _term_last_day(membership: Membership) -> date:
    if membership.status == Membership.Status.ENDED and membership.ended_on and membership.ended_on < membership.term_end:
        return membership.ended_on
    return membership.term_end


def consecutive_terms_before(committee: Committee, person, term_start: date) -> int:
    """How many terms of `person` on `committee` run up to `term_start` without a full term's break."""
    previous = Membership.objects.filter(committee=committee, person=person, term_start__lt=term_start)
    count, next_start = 0, term_start
    for membership in previous.order_by("-term_start"):
        if add_years(_term_last_day(membership), committee.term_years) < next_start:
            break
        count += 1
        next_start = membership.term_start
    return count


def _serving_from(committee: Committee, day: date, *, exclude=None):
    """Memberships that hold a seat on `day` or later (appointments that start later included)."""
    serving = Membership.objects.filter(committee=committee, status=Membership.Status.ACTIVE, term_end__gte=day)
    if exclude is not None:
        serving = serving.exclude(pk=exclude.pk)
    return serving


# --- Memberships -----------------------------------------------------------------------------


def validate_appointment(*, committee, person, kind, role, term_start, term_end=None, replacing=None):
    """Check an appointment against the committee's rules; returns (term_number, term_end).

    Raises GovernanceError with the first rule it breaks. `replacing` is the membership a renewal
    takes over from (its seat and role are the new term's). The admin form calls this to show the
    message on the form; membership_appoint calls it again under the committee's row lock.
    """
    if not committee.is_active:
        raise GovernanceError(_("This committee is no longer active."))
    if kind not in Membership.Kind.values:
        raise GovernanceError(_("Choose whether the member is ex officio, commissioned or drawn by lot."))
    if role not in Membership.Role.values:
        raise GovernanceError(_("Choose the member's role."))
    if not person.is_active or getattr(person, "erased_at", None):
        raise GovernanceError(_("This account is not active and cannot hold a seat."))
    longest = longest_term_end(committee, term_start)
    term_end = term_end or longest
    if term_end <= term_start:
        raise GovernanceError(_("A term must end after it starts."))
    if term_end > longest:
        raise GovernanceError(
            _("A term on this committee lasts at most %(years)s years: this one may end on %(date)s at the latest.")
            % {"years": committee.term_years, "date": longest.isoformat()}
        )
    # A term that ran out is closed by the service before it writes (see _close_lapsed).
    others = Membership.objects.filter(committee=committee, person=person, status=Membership.Status.ACTIVE,
                                       term_end__gte=timezone.localdate())
    if replacing is not None:
        others = others.exclude(pk=replacing.pk)
    if others.exists():
        raise GovernanceError(_("This person is already a serving member; renew or end that membership instead."))
    serving = list(_serving_from(committee, term_start, exclude=replacing).values_list("kind", "role"))
    if len(serving) >= committee.max_members:
        raise GovernanceError(
            _("The committee is full: all %(count)s seats are taken.") % {"count": committee.max_members}
        )
    ex_officio = sum(1 for serving_kind, _role in serving if serving_kind == Membership.Kind.EX_OFFICIO)
    if kind == Membership.Kind.EX_OFFICIO:
        if ex_officio >= committee.max_ex_officio:
            raise GovernanceError(
                _("All %(count)s ex officio seats are taken.") % {"count": committee.max_ex_officio}
            )
    elif len(serving) - ex_officio >= committee.max_members - committee.max_ex_officio:
        raise GovernanceError(
            _("All %(count)s seats for commissioned and drawn members are taken; the other %(ex_officio)s are "
              "kept for ex officio members.")
            % {"count": committee.max_members - committee.max_ex_officio, "ex_officio": committee.max_ex_officio}
        )
    # A renewal's previous term (`replacing`) starts earlier and runs up to it, so it is counted here.
    term_number = consecutive_terms_before(committee, person, term_start) + 1
    if kind != Membership.Kind.EX_OFFICIO and term_number > committee.max_terms:
        raise GovernanceError(
            _("This person has served %(served)s consecutive terms; this committee allows at most %(max)s.")
            % {"served": term_number - 1, "max": committee.max_terms}
        )
    if role == Membership.Role.CHAIR and any(serving_role == Membership.Role.CHAIR for _kind, serving_role in serving):
        raise GovernanceError(CONSTRAINT_MESSAGES["membership_one_active_chair"])
    return term_number, term_end


def _lock(committee) -> Committee:
    # Appointments on one committee run one at a time, so that two cannot both take the last seat.
    return Committee.objects.select_for_update().get(pk=committee.pk)


def _close_lapsed(committee, *, keep=None):
    """Memberships whose term ran out but were never ended are ended on their last day, so that the
    "one active" constraints see only members who are serving."""
    lapsed = Membership.objects.filter(committee=committee, status=Membership.Status.ACTIVE,
                                       term_end__lt=timezone.localdate())
    if keep is not None:
        lapsed = lapsed.exclude(pk=keep.pk)
    for membership in lapsed:
        membership.status, membership.ended_on = Membership.Status.ENDED, membership.term_end
        membership.save(update_fields=["status", "ended_on"])
        audit_record(actor=None, action="membership.lapse", target=membership,
                     summary={"committee": committee.pk, "ended_on": membership.term_end.isoformat()})


def _save(instance):
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        message = _integrity_message(error)
        if message is None:
            raise
        raise GovernanceError(message) from None


def membership_appoint(
    *, actor, committee, person, public_name, kind, term_start, role=Membership.Role.MEMBER, term_end=None,
    affiliation_ko="", affiliation_en="", expertise_ko="", expertise_en="", ip=None,
) -> Membership:
    public_name = (public_name or "").strip()
    if not public_name:
        raise GovernanceError(_("Enter the name under which the member is listed publicly."))
    with transaction.atomic():
        committee = _lock(committee)
        _close_lapsed(committee)
        term_number, term_end = validate_appointment(
            committee=committee, person=person, kind=kind, role=role, term_start=term_start, term_end=term_end
        )
        membership = Membership(
            committee=committee, person=person, public_name=public_name, kind=kind, role=role,
            term_number=term_number, term_start=term_start, term_end=term_end,
            affiliation_ko=affiliation_ko, affiliation_en=affiliation_en,
            expertise_ko=expertise_ko, expertise_en=expertise_en,
        )
        _save(membership)
        audit_record(
            actor=actor, action="membership.appoint", target=membership, ip=ip,
            summary={"committee": committee.pk, "person": person.pk, "kind": kind, "role": role,
                     "term_number": term_number, "term_start": term_start.isoformat(),
                     "term_end": term_end.isoformat()},
        )
    return membership


def _locked_active(membership) -> Membership:
    membership = Membership.objects.select_for_update().select_related("committee", "person").get(pk=membership.pk)
    if membership.status != Membership.Status.ACTIVE:
        raise GovernanceError(_("This membership has already ended."))
    return membership


def membership_renew(*, actor, membership, term_start=None, ip=None) -> Membership:
    """A new consecutive term for a serving member: a new row (term_number + 1) that takes over the seat."""
    with transaction.atomic():
        committee = _lock(membership.committee)
        old = _locked_active(membership)
        _close_lapsed(committee, keep=old)
        term_start = term_start or old.term_end + timedelta(days=1)
        if not old.term_start < term_start <= old.term_end + timedelta(days=1):
            raise GovernanceError(_("A renewed term starts after the current term starts and no later than the day "
                                    "after it ends."))
        # Until then the current row must stay the serving one (the workspace and the public page read it).
        if term_start > timezone.localdate():
            raise GovernanceError(_("A renewal is recorded from the first day of the new term (%(date)s).")
                                  % {"date": term_start.isoformat()})
        term_number, term_end = validate_appointment(
            committee=committee, person=old.person, kind=old.kind, role=old.role, term_start=term_start,
            replacing=old,
        )
        old.status = Membership.Status.ENDED
        old.ended_on = term_start - timedelta(days=1)
        _save(old)
        new = Membership(
            committee=committee, person=old.person, public_name=old.public_name, kind=old.kind, role=old.role,
            term_number=term_number, term_start=term_start, term_end=term_end,
            affiliation_ko=old.affiliation_ko, affiliation_en=old.affiliation_en,
            expertise_ko=old.expertise_ko, expertise_en=old.expertise_en,
        )
        _save(new)
        audit_record(
            actor=actor, action="membership.renew", target=new, ip=ip,
            summary={"committee": committee.pk, "previous": old.pk, "term_number": term_number,
                     "term_start": term_start.isoformat(), "term_end": term_end.isoformat()},
        )
    return new


def membership_end(*, actor, membership, ended_on=None, ip=None) -> Membership:
    with transaction.atomic():
        membership = _locked_active(membership)
        today = timezone.localdate()
        ended_on = ended_on or min(today, membership.term_end)
        if ended_on > membership.term_end:
            raise GovernanceError(_("A membership cannot end after its term ends (%(date)s).")
                                  % {"date": membership.term_end.isoformat()})
        if ended_on > today:
            raise GovernanceError(_("Record the end of a membership on or after the day it ends."))
        membership.status = Membership.Status.ENDED
        membership.ended_on = ended_on
        _save(membership)
        audit_record(
            actor=actor, action="membership.end", target=membership, ip=ip,
            summary={"committee": membership.committee_id, "ended_on": ended_on.isoformat()},
        )
    return membership


def membership_change_role(*, actor, membership, role, ip=None) -> Membership:
    if role not in Membership.Role.values:
        raise GovernanceError(_("Choose the member's role."))
    with transaction.atomic():
        _close_lapsed(_lock(membership.committee))
        membership = _locked_active(membership)
        if membership.role == role:
            raise GovernanceError(_("The member already has this role."))
        chair_taken = Membership.objects.filter(
            committee_id=membership.committee_id, status=Membership.Status.ACTIVE, role=Membership.Role.CHAIR
        ).exclude(pk=membership.pk)
        if role == Membership.Role.CHAIR and chair_taken.exists():
            raise GovernanceError(CONSTRAINT_MESSAGES["membership_one_active_chair"])
        previous, membership.role = membership.role, role
        _save(membership)
        audit_record(
            actor=actor, action="membership.change_role", target=membership, ip=ip,
            summary={"committee": membership.committee_id, "from": previous, "to": role},
        )
    return membership


# --- Volunteers and draws --------------------------------------------------------------------


def volunteer_strata(citizen, *, on: date):
    """(district code, age band, sex) from the citizen's profile, or GovernanceError naming what is missing."""
    missing = []
    if not citizen.birth_date:
        missing.append(str(_("birth date")))
    if not citizen.district_id:
        missing.append(str(_("district")))
    if not citizen.gender:
        missing.append(str(_("gender")))
    if missing:
        raise GovernanceError(
            _("To volunteer, add your %(missing)s to your profile: the draw balances districts, age bands and "
              "sexes.") % {"missing": ", ".join(missing)}
        )
    if citizen.gender not in Volunteer.Sex.values:
        raise GovernanceError(_("The draw's quotas count women and men only, so it cannot place this profile yet. "
                                "Please contact the committee's secretariat."))
    age = citizen.age_on(on)
    if age < MINIMUM_AGE_WITHOUT_GUARDIAN:
        raise GovernanceError(_("Volunteers must be at least %(age)s years old.")
                              % {"age": MINIMUM_AGE_WITHOUT_GUARDIAN})
    return citizen.district_id, lottery.age_band(citizen.birth_date, on), citizen.gender


def volunteer_register(*, actor, committee, vulnerable=False, ip=None) -> Volunteer:
    """`actor` volunteers for `committee`; the strata are copied from their profile as it is today (the
    age band is taken again on the draw date, see draw_candidates)."""
    if not getattr(actor, "is_authenticated", False):
        raise GovernanceError(_("Sign in to volunteer."))
    if not (committee.is_active and committee.accepts_volunteers):
        raise GovernanceError(_("This committee does not take volunteers."))
    district_code, band, sex = volunteer_strata(actor, on=timezone.localdate())
    with transaction.atomic():
        if Volunteer.objects.filter(committee=committee, person=actor).exists():
            raise GovernanceError(CONSTRAINT_MESSAGES["volunteer_once_per_committee"])
        volunteer = Volunteer(committee=committee, person=actor, district_code=district_code, age_band=band,
                              sex=sex, vulnerable=bool(vulnerable))
        _save(volunteer)
        audit_record(actor=actor, action="volunteer.register", target=volunteer, ip=ip,
                     summary={"committee": committee.pk})
    return volunteer


def volunteer_withdraw(*, actor, volunteer, ip=None):
    """The volunteer leaves the pool. Published draws keep their own copy of the pool they used."""
    if volunteer.person_id != getattr(actor, "pk", None) and not getattr(actor, "is_staff", False):
        raise GovernanceError(_("Only the volunteer can withdraw."))
    with transaction.atomic():
        audit_record(actor=actor, action="volunteer.withdraw", target=volunteer, ip=ip,
                     summary={"committee": volunteer.committee_id})
        volunteer.delete()


class DrawShortfall(GovernanceError):
    """The pool cannot fill the quotas; `shortfalls` names each quota and how short it is."""

    def __init__(self, shortfalls):
        self.shortfalls = shortfalls
        super().__init__(
            _("The pool cannot fill the quotas: %(details)s") % {"details": "; ".join(map(str, shortfalls))}
        )


def draw_candidates(committee, *, on=None) -> list[lottery.Candidate]:
    """The pool as it stands on the draw date `on` (today by default): the age band is taken from the
    volunteer's birth date on that day, not on the day they volunteered (someone who volunteered at 29
    and turned 30 since is drawn as 30-49). The pool is stored with the draw, so a replay uses it as drawn."""
    on = on or timezone.localdate()
    pool = []
    for pk, district, band, sex, vulnerable, birth_date in (
        Volunteer.objects.filter(committee=committee).order_by("pk")
        .values_list("pk", "district_code", "age_band", "sex", "vulnerable", "person__birth_date")
    ):
        # A birth date removed from the profile since leaves the band recorded when they volunteered.
        band = (lottery.age_band(birth_date, on) if birth_date else None) or band
        pool.append(lottery.Candidate(id=pk, district=district, age_band=band, sex=sex, vulnerable=vulnerable))
    return pool


def committee_draw_preview(*, committee, seats, seed, max_per_district=6, min_vulnerable=0):
    """The draw as committee_draw would make it, without storing anything: (quotas, pool, selected)."""
    seed = (seed or "").strip()
    if not seed or len(seed) > DrawRecord._meta.get_field("seed").max_length:
        raise GovernanceError(_("A seed is between 1 and 128 characters long."))
    try:
        quotas = lottery.Quotas(seats=seats, max_per_district=max_per_district, min_vulnerable=min_vulnerable)
    except ValueError as error:
        raise GovernanceError(str(error)) from None
    pool = draw_candidates(committee)
    try:
        selected = lottery.draw(pool, quotas, seed)
    except lottery.LotteryShortfall as shortfall:
        raise DrawShortfall(shortfall.shortfalls) from None
    return quotas, pool, selected


def committee_draw(*, actor, committee, seats, seed=None, max_per_district=6, min_vulnerable=0, ip=None) -> DrawRecord:
    """Draw `seats` volunteers by the stratified lottery and publish the draw (seed, quotas, pool, result).

    Raises DrawShortfall, and stores nothing, when the pool cannot fill the quotas. The selected
    volunteers are told by SMS or email; appointing them is the secretariat's next step.
    """
    if not committee.accepts_volunteers:
        raise GovernanceError(_("This committee does not take volunteers."))
    seed = seed or lottery.new_seed()
    with transaction.atomic():
        _lock(committee)
        quotas, pool, selected = committee_draw_preview(
            committee=committee, seats=seats, seed=seed, max_per_district=max_per_district,
            min_vulnerable=min_vulnerable,
        )
        record = DrawRecord(
            committee=committee, seed=seed.strip(), seats=seats, quotas=quotas.as_dict(),
            pool=[candidate.as_dict() for candidate in pool], selected=[candidate.id for candidate in selected],
            algorithm=lottery.ALGORITHM,
        )
        _save(record)
        audit_record(actor=actor, action="committee.draw", target=record, ip=ip,
                     summary={"committee": committee.pk, "seats": seats, "pool_size": len(pool)})
        register_notification_kinds()
        for volunteer in Volunteer.objects.filter(pk__in=record.selected).select_related("person", "committee"):
            notify(recipient=volunteer.person, kind=DRAW_SELECTED_KIND.key,
                   context={"committee": volunteer.committee, "draw": record},
                   key=f"governance:draw:{record.pk}:{volunteer.pk}")
    return record


# --- Personal data (for citizens.registry.PersonalDataHandler; registered in the app's ready()) ----


def _drawn_member_name(number):
    # Stored in the site's language (Korean), as any record is, whoever's language runs the action.
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("Citizen member %(number)d") % {"number": number})


def draw_appoint_selected(*, actor, draw, term_start, ip=None) -> list[Membership]:
    """Appoint the citizens a published draw selected as drawn members.

    Listed publicly as "Citizen member N", never by name. N counts the committee's drawn members in
    the order they were appointed, and one batch is appointed in a random order: the published draw
    lists the selected volunteers' anonymous numbers and strata in draw order, so numbering by the
    draw (or by volunteer number) would tie each public name to a district, age band and sex. A
    selected volunteer who left the pool or already serves is skipped; the committee's size and
    term rules apply to each appointment, and the first refusal stops the whole batch (nothing is
    half-done).
    """
    volunteers = list(
        Volunteer.objects.filter(pk__in=draw.selected, committee=draw.committee).select_related("person")
    )
    secrets.SystemRandom().shuffle(volunteers)
    appointed = []
    with transaction.atomic():
        _lock(draw.committee)  # numbers are counted and taken by one batch at a time
        number = (Membership.objects.filter(committee=draw.committee, kind=Membership.Kind.DRAWN)
                  .values("person").distinct().count())
        for volunteer in volunteers:
            if Membership.objects.filter(
                committee=draw.committee, person=volunteer.person, status=Membership.Status.ACTIVE
            ).exists():
                continue
            number += 1
            appointed.append(
                membership_appoint(
                    actor=actor, committee=draw.committee, person=volunteer.person,
                    public_name=_drawn_member_name(number),
                    kind=Membership.Kind.DRAWN, term_start=term_start, ip=ip,
                )
            )
    return appointed


def personal_data_export(citizen) -> dict:
    """What the committees hold about one citizen: their terms and their volunteering."""
    return {
        "memberships": [
            {"committee": slug, "public_name": name, "role": role, "kind": kind, "term_number": number,
             "term_start": start.isoformat(), "term_end": end.isoformat(), "status": status}
            for slug, name, role, kind, number, start, end, status in Membership.objects.filter(person=citizen)
            .order_by("term_start").values_list("committee__slug", "public_name", "role", "kind", "term_number",
                                                "term_start", "term_end", "status")
        ],
        "volunteering": [
            {"committee": slug, "volunteer_id": pk, "district_code": district, "age_band": band, "sex": sex,
             "vulnerable": vulnerable, "volunteered_at": at.isoformat()}
            for pk, slug, district, band, sex, vulnerable, at in Volunteer.objects.filter(person=citizen)
            .order_by("pk").values_list("pk", "committee__slug", "district_code", "age_band", "sex", "vulnerable",
                                        "volunteered_at")
        ],
    }


def personal_data_erase(citizen):
    """The citizen leaves every pool of volunteers. Published draws keep only anonymous ids and
    strata, and terms served are public records of office, so both stay."""
    Volunteer.objects.filter(person=citizen).delete()
