"""Demo data of Democratic Seoul: proposals at every stage, with supports, comments, debate
stances and arguments, milestones and Seoul asks, so that `make run` shows a living channel.

Everything goes through the services with the clock set back (`now=`), so the demo obeys the
same rules, thresholds and constraints as real use; but the debates' silent crowd (the stances
without an argument, a thousand for the Mayor's threshold) is written at once, as the service
would have left it (`_silent_stances`). Idempotent: a proposal or question whose title exists is
left alone.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from citizens.models import Citizen, District, phone_blind_index
from governance.models import OrgUnit

from ..models import Category, Comment, Proposal, Question
from ..services import (
    proposal_answer,
    proposal_close_debate,
    proposal_close_window,
    proposal_create_draft,
    proposal_flag_overdue,
    proposal_mayor_answer,
    proposal_open_debate,
    proposal_publish,
    proposal_support,
)
from . import content

# The demo crowd: fictitious citizens in a reserved range (010-0001-xxxx) who support and debate.
CROWD_SIZE = 1_000
CROWD_PHONE = "+82100001{:04d}"


def seed(*, proposer=None, official=None):
    """`proposer`: the demo citizen who wrote the first proposal and the draft; `official`: the
    account that answers for the departments (the demo superuser)."""
    now = timezone.now()
    units = _units()
    categories = _categories(units)
    crowd = _crowd(now)
    official = official or Citizen.objects.filter(is_superuser=True).order_by("pk").first()
    for index, spec in enumerate(content.PROPOSALS):
        if Proposal.objects.filter(title=spec["title"]).exists():
            continue
        author = proposer if proposer is not None and index in (0, len(content.PROPOSALS) - 1) else crowd[-1 - index]
        with transaction.atomic():
            _proposal(spec, author=author, category=categories[spec["category"]], crowd=crowd, official=official,
                      now=now)
    _questions(units, crowd, official, now)


def _units():
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=[c[3] for c in content.CATEGORIES])}
    for code, name_ko, name_en, mandate_ko in content.SEOUL_BUREAUS:
        if code not in units:
            units[code], _created = OrgUnit.objects.get_or_create(
                code=code,
                defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": name_ko, "name_en": name_en,
                          "mandate_ko": mandate_ko, "phone": "02-120", "website": "https://www.seoul.go.kr"},
            )
    return units


def _categories(units):
    categories = {}
    for slug, name_ko, name_en, unit_code in content.CATEGORIES:
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "default_unit": units.get(unit_code)}
        )
    return categories


def _crowd(now):
    phones = [CROWD_PHONE.format(number) for number in range(CROWD_SIZE)]
    existing = set(Citizen.objects.filter(phone_index__in=[phone_blind_index(p) for p in phones]).values_list(
        "phone_index", flat=True))
    missing = []
    for phone in phones:
        if phone_blind_index(phone) in existing:
            continue
        citizen = Citizen(phone_verified_at=now - timedelta(days=400), notify_by=Citizen.NotifyBy.SMS)
        citizen.set_phone(phone)
        citizen.set_unusable_password()
        missing.append(citizen)
    Citizen.objects.bulk_create(missing, batch_size=500)
    by_index = {c.phone_index: c for c in Citizen.objects.filter(phone_index__in=[phone_blind_index(p) for p in phones])}
    return [by_index[phone_blind_index(phone)] for phone in phones]


def _proposal(spec, *, author, category, crowd, official, now):
    from ..services.comments import comment_post, comment_report

    district = District.objects.get(code=spec["district"]) if spec["district"] else None
    proposal = proposal_create_draft(
        author=author, title=spec["title"], body=spec["body"], category=category, district=district
    )
    stage = spec["stage"]
    if stage == "draft":
        return proposal
    published = now - timedelta(days=spec["days_ago"])
    proposal = proposal_publish(author=author, proposal=proposal, now=published)
    supporters = [citizen for citizen in crowd if citizen.pk != author.pk][: spec["supports"]]
    for number, citizen in enumerate(supporters):
        proposal_support(citizen=citizen, proposal=proposal, now=published + timedelta(minutes=10 + number * 7))

    for number, (text, replies) in enumerate(content.COMMENTS):
        comment = comment_post(
            author=crowd[number * 3], proposal=proposal, body=text, now=published + timedelta(hours=3 + number)
        )
        for reply_number, reply in enumerate(replies):
            comment_post(
                author=crowd[number * 3 + 1 + reply_number], proposal=proposal, body=reply, parent=comment,
                now=published + timedelta(hours=5 + number),
            )
    if stage == "open" and spec["key"] == content.PROPOSALS[0]["key"]:
        reported = comment_post(author=crowd[500], proposal=proposal, body=content.REPORTED_COMMENT,
                                now=published + timedelta(days=1))
        for reporter in crowd[501:504]:
            comment_report(reporter=reporter, comment=reported, reason="personal_data")
        assert Comment.objects.get(pk=reported.pk).status == Comment.Status.HIDDEN_PENDING
    if stage == "open":
        return proposal

    window_closed = proposal.window_closes_at
    proposal = _refresh(proposal)
    proposal_close_window(proposal=proposal, now=window_closed)
    if stage in ("closed_insufficient", "under_review"):
        return proposal
    if stage == "overdue":
        proposal_flag_overdue(now=now)
        return proposal

    answer_type, reason, plan = spec["answer"]
    answered = window_closed + timedelta(days=10)
    proposal = proposal_answer(
        actor=official, proposal=_refresh(proposal), answer_type=answer_type, reason=reason, plan=plan, now=answered
    )
    if "milestones" in spec:
        _milestones(spec, proposal, official, now)
    if "stances" not in spec:
        return proposal

    debate_opens = answered + timedelta(days=10)
    proposal_open_debate(proposal=_refresh(proposal), now=debate_opens)
    _debate(proposal, crowd, spec["stances"], key=spec["key"], opens=debate_opens, now=now)
    if stage == "in_debate":
        return proposal
    proposal = _refresh(proposal)
    proposal_close_debate(proposal=proposal, now=proposal.debate_closes_at)
    if stage == "mayor_answered":
        proposal_mayor_answer(
            actor=official, proposal=_refresh(proposal), answer=spec["mayor_answer"],
            now=proposal.debate_closes_at + timedelta(days=12),
        )
    return proposal


def _refresh(proposal):
    return Proposal.objects.get(pk=proposal.pk)


def _milestones(spec, proposal, official, now):
    from ..models import Milestone
    from ..services.implementation import milestone_add, milestone_update

    for title, due_in_days_ago, progress in spec["milestones"]:
        due_on = timezone.localdate(now - timedelta(days=due_in_days_ago))
        milestone = milestone_add(actor=official, proposal=proposal, title=title, due_on=due_on)
        if progress == 100:
            milestone_update(actor=official, milestone=milestone, status=Milestone.Status.DONE, progress=100,
                             completed_on=min(due_on, timezone.localdate(now)))
        elif progress:
            milestone_update(actor=official, milestone=milestone, status=Milestone.Status.IN_PROGRESS,
                             progress=progress)


def _debate(proposal, crowd, participants, *, key, opens, now):
    """`participants` citizens take a stance in the first days of the debate; the ones with an
    argument are rated helpful by a few others, while the debate is open. Those with an argument
    take it through the service; the silent rest of the crowd (a thousand of them for the Mayor's
    threshold) at once (`_silent_stances`)."""
    from ..services.debate import argument_rate_helpful, debate_take_stance

    arguments = [(side, text) for side, texts in content.ARGUMENTS[key].items() for text in texts]
    stances = []
    for number, citizen in enumerate(crowd[: min(participants, len(arguments))]):
        side, argument = arguments[number]
        at = opens + timedelta(minutes=5 + number)
        stances.append(debate_take_stance(citizen=citizen, proposal=proposal, stance=side, argument=argument, now=at))
    _silent_stances(proposal, crowd, range(len(arguments), participants), opens=opens)
    rated_at = min(opens + timedelta(days=2), now)
    for number, stance in enumerate(stances[: len(arguments)]):
        raters = crowd[participants - 1 - number * 3 : participants - 1 - number * 3 + 3 - number % 3]
        for rater in raters:
            argument_rate_helpful(citizen=rater, stance=stance, rated=True, now=rated_at)


SILENT_SIDES = ("for", "for", "against", "undecided", "for")


def _silent_stances(proposal, crowd, numbers, *, opens):
    """The stances without an argument of crowd[number] for each of `numbers`, one a minute, as
    debate_take_stance leaves them: the row dated by its moment, the participant count, the audit
    entry. Written at once rather than by a call of the service each: two thousand of those, some
    ten statements apiece, were a third of seed_demo's time. What the service checks of each,
    checked once: the debate is open from the first moment to the last, every citizen has a
    verified phone and none has taken a stance on this proposal yet (the unique constraint would
    refuse the rows)."""
    from audit.services import audit_record

    from ..models import DebateStance
    from ..services.debate import debate_refusal

    numbers = list(numbers)
    if not numbers:
        return
    moments = {number: opens + timedelta(minutes=5 + number) for number in numbers}
    opened = _refresh(proposal)
    for moment in (moments[numbers[0]], moments[numbers[-1]]):
        refusal = debate_refusal(opened, moment)
        assert refusal is None, refusal
    citizens = [crowd[number] for number in numbers]
    assert all(citizen.phone_verified_at is not None for citizen in citizens)
    stances = DebateStance.objects.bulk_create(
        [DebateStance(proposal=proposal, citizen=crowd[number], stance=SILENT_SIDES[number % len(SILENT_SIDES)])
         for number in numbers],
        batch_size=500,
    )  # fmt: skip
    # auto_now_add and auto_now dated them by the clock: the moment of each, as the service does.
    for number, stance in zip(numbers, stances, strict=True):
        stance.created_at = stance.updated_at = moments[number]
    DebateStance.objects.bulk_update(stances, ["created_at", "updated_at"], batch_size=500)
    Proposal.objects.filter(pk=proposal.pk).update(
        debate_participant_count=F("debate_participant_count") + len(stances)
    )
    for stance in stances:
        audit_record(actor=stance.citizen, action="proposal.debate_stance", target=proposal,
                     summary={"stance": stance.stance, "argument": False, "stance_id": stance.pk})  # fmt: skip


def _questions(units, crowd, official, now):
    from ..services.questions import (
        question_close,
        question_conclude,
        question_create,
        question_opine,
        question_publish,
        question_vote,
    )

    for spec in content.QUESTIONS:
        if Question.objects.filter(title=spec["title"]).exists():
            continue
        opened = now - timedelta(days=spec["opened_days_ago"])
        with transaction.atomic():
            question = question_create(
                actor=official, unit=units[spec["unit"]], title=spec["title"], body=spec["body"], kind=spec["kind"],
                closes_at=opened + timedelta(days=spec["open_for_days"]), now=opened,
            )
            question = question_publish(actor=official, question=question, now=opened)
            if spec["kind"] == "yes_no":
                voters = iter(crowd[200:])
                for choice, count in ((True, spec["yes"]), (False, spec["no"])):
                    for number in range(count):
                        question_vote(citizen=next(voters), question=question, choice=choice,
                                      now=opened + timedelta(hours=1 + number))
            for number, text in enumerate(spec.get("opinions", [])):
                question_opine(citizen=crowd[300 + number], question=question, body=text,
                               now=opened + timedelta(hours=2 + number))
            if "conclusion" in spec:
                question_close(question=question, now=question.closes_at)
                question_conclude(actor=official, question=Question.objects.get(pk=question.pk),
                                  conclusion=spec["conclusion"], now=question.closes_at + timedelta(days=3))
