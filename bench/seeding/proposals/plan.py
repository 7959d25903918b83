"""The plan of a Democratic Seoul seed: each proposal's path through the lifecycle, its dates, and
how many supports, stances and comments it gets (pure Python: a few small fields per proposal).

It makes every check constraint hold and every count match its rows:

- the support counts add up to --supports exactly and respect the thresholds of each stage (from
  settings: a proposal closed for lack of support has fewer than PROPOSALS_REVIEW_THRESHOLD, one
  answered but not debated fewer than PROPOSALS_DEBATE_THRESHOLD, a debate reached by supports at
  least that many; the citizen panel's promotions (우수제안) may have fewer);
- debate_participant_count is the number of stance rows, at least PROPOSALS_MAYOR_THRESHOLD for
  the proposals that went to the Mayor and fewer for the debates that closed without;
- one proposal, open for support, carries FEATURED_COMMENTS comments (the detail page's benchmark);
- 1 % more supports than asked are withdrawn ones, by citizens who did not support again.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from proposals.models import Proposal
from proposals.services import setting

from ... import sizes

Status = Proposal.Status

SEOUL_SIZES = sizes.SEOUL["proposals"]
FEATURED_COMMENTS = sizes.FEATURED_COMMENTS
WITHDRAWN_SHARE = 0.01
# Shares of the proposals by status (per mille); every status gets at least one proposal.
STATUS_SHARES = {
    Status.DRAFT: 30,
    Status.OPEN: 100,
    Status.CLOSED_INSUFFICIENT: 680,
    Status.UNDER_REVIEW: 40,
    Status.ANSWERED: 80,
    Status.IN_DEBATE: 30,
    Status.DEBATE_CLOSED: 39,
    Status.AWAITING_MAYOR: 0.2,
    Status.MAYOR_ANSWERED: 0.5,
}
DEBATE_STATUSES = (Status.IN_DEBATE, Status.DEBATE_CLOSED, Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED)
ANSWER_SHARES = {
    Proposal.AnswerType.ACCEPTED: 30,
    Proposal.AnswerType.PARTIALLY_ACCEPTED: 30,
    Proposal.AnswerType.NOT_ACCEPTED: 25,
    Proposal.AnswerType.ALREADY_IN_PLACE: 15,
}
OTHERS_MAX_COMMENTS = 500
HISTORY_DAYS = 3 * 365
EDIT_WINDOW_MINUTES = 15

# How a proposal reached its status.
VIA_SUPPORTS, VIA_PANEL_FROM_CLOSED, VIA_PANEL_FROM_ANSWERED = "supports", "panel_closed", "panel_answered"


class PlanError(ValueError):
    """The requested sizes cannot be seeded consistently (e.g. too few supports for the stages)."""


@dataclass(slots=True)
class ProposalPlan:
    status: str
    via: str = VIA_SUPPORTS
    featured: bool = False
    author: int = 0  # index into the citizen block
    category: int = 0
    district: str | None = None
    created_at: object = None
    published_at: object = None
    window_closes_at: object = None
    answered_at: object = None
    answer_type: str = ""
    debate_opens_at: object = None
    debate_closes_at: object = None
    mayor_answered_at: object = None
    supports: int = 0
    withdrawn: int = 0
    stances: int = 0
    comments: int = 0

    @property
    def reviewed(self) -> bool:
        """Went through department review (and so has an assignment and an answer due date)."""
        return self.status not in (Status.DRAFT, Status.OPEN, Status.CLOSED_INSUFFICIENT) and (
            self.via != VIA_PANEL_FROM_CLOSED
        )


@dataclass
class Thresholds:
    review: int
    debate: int
    mayor: int
    window_days: int
    debate_days: int
    answer_due_months: int

    @classmethod
    def from_settings(cls):
        thresholds = cls(
            review=setting("REVIEW_THRESHOLD"),
            debate=setting("DEBATE_THRESHOLD"),
            mayor=setting("MAYOR_THRESHOLD"),
            window_days=setting("SUPPORT_WINDOW_DAYS"),
            debate_days=setting("DEBATE_DAYS"),
            answer_due_months=setting("ANSWER_DUE_MONTHS"),
        )
        if not 0 < thresholds.review < thresholds.debate:
            raise PlanError("seed_scale needs 0 < PROPOSALS_REVIEW_THRESHOLD < PROPOSALS_DEBATE_THRESHOLD.")
        return thresholds


# --- The plan ---------------------------------------------------------------------------------


def status_counts(total: int) -> dict:
    """How many proposals per status: by STATUS_SHARES, each status at least once when total allows."""
    shares = sum(STATUS_SHARES.values())
    counts = {status: int(total * share / shares) for status, share in STATUS_SHARES.items()}
    if total >= len(STATUS_SHARES):
        for status in counts:
            counts[status] = max(counts[status], 1)
    counts[Status.OPEN] = max(counts[Status.OPEN], 1 if total else 0)  # the featured proposal is open
    # The largest group absorbs the rounding.
    counts[Status.CLOSED_INSUFFICIENT] += total - sum(counts.values())
    if counts[Status.CLOSED_INSUFFICIENT] < 0:
        raise PlanError(f"{total} proposals are too few to place one in every status.")
    return counts


def distribute(total: int, lows: list[int], highs: list[int], weights: list[float]) -> list[int]:
    """Integers between lows[i] and highs[i] that add up to `total`, the part above the lows
    shared in proportion to `weights` (largest remainders; a share beyond a high goes to the others)."""
    counts = list(lows)
    remaining = total - sum(lows)
    if remaining < 0:
        raise PlanError(f"At least {sum(lows):,} are needed, {total:,} were asked for.")
    room = [high - low for low, high in zip(lows, highs, strict=True)]
    if remaining > sum(room):
        raise PlanError(f"At most {sum(highs):,} fit, {total:,} were asked for.")
    active = [index for index, space in enumerate(room) if space > 0]
    while remaining > 0:
        weight_sum = sum(weights[index] for index in active)
        quotas = [(remaining * weights[index] / weight_sum, index) for index in active]
        for quota, index in quotas:
            share = min(room[index], int(quota))
            counts[index] += share
            room[index] -= share
            remaining -= share
        # What the floors left: one more each, largest fractional part first.
        for _quota, index in sorted(quotas, key=lambda item: int(item[0]) - item[0]):
            if remaining == 0:
                break
            if room[index]:
                counts[index] += 1
                room[index] -= 1
                remaining -= 1
        active = [index for index in active if room[index] > 0]
    return counts


@dataclass
class Plan:
    proposals: list[ProposalPlan]
    citizens: int
    featured_index: int
    thresholds: Thresholds
    counts: dict = field(default_factory=dict)


def make_plan(*, proposals, supports, comments, citizens, rng, now, thresholds=None, categories=10, districts=()):
    """Decide everything about every proposal but its text; raises PlanError when the sizes
    cannot be seeded consistently."""
    thresholds = thresholds or Thresholds.from_settings()
    if proposals < 1:
        raise PlanError("Seed at least one proposal.")
    if citizens < 2:
        raise PlanError("Seed at least two citizens: one proposes, another supports.")
    plans = []
    for status, count in status_counts(proposals).items():
        plans.extend(ProposalPlan(status=status) for _ in range(count))
    featured = next(plan for plan in plans if plan.status == Status.OPEN)
    featured.featured = True
    debates = [plan for plan in plans if plan.status in DEBATE_STATUSES]
    for plan in debates:
        if rng.random() < 0.15:
            plan.via = VIA_PANEL_FROM_CLOSED if rng.random() < 0.65 else VIA_PANEL_FROM_ANSWERED

    _plan_supports(plans, supports, citizens, thresholds, rng)
    _plan_stances(plans, citizens, thresholds, rng)
    for plan in plans:
        plan.author = rng.randrange(citizens)
        plan.category = rng.randrange(categories)
        plan.district = rng.choice(districts) if districts and rng.random() < 0.8 else None
        _plan_dates(plan, thresholds, rng, now)
        if plan.status in DEBATE_STATUSES and plan.via == VIA_PANEL_FROM_CLOSED:
            continue
        if plan.status not in (Status.DRAFT, Status.OPEN, Status.UNDER_REVIEW, Status.CLOSED_INSUFFICIENT):
            plan.answer_type = rng.choices(list(ANSWER_SHARES), weights=list(ANSWER_SHARES.values()))[0]
    _plan_withdrawals(plans, citizens, rng)
    _plan_comments(plans, comments, rng)
    # Ids follow creation: the newest proposal has the highest id, as in the live site.
    plans.sort(key=lambda plan: plan.created_at)
    featured_index = next(index for index, plan in enumerate(plans) if plan.featured)
    return Plan(proposals=plans, citizens=citizens, featured_index=featured_index, thresholds=thresholds)


def _support_bounds(plan, thresholds, cap):
    review, debate = thresholds.review, thresholds.debate
    if plan.status == Status.DRAFT:
        return 0, 0
    if plan.status == Status.CLOSED_INSUFFICIENT or plan.via == VIA_PANEL_FROM_CLOSED:
        return 0, min(cap, review - 1)
    if plan.status == Status.ANSWERED or plan.via == VIA_PANEL_FROM_ANSWERED:
        return review, min(cap, debate - 1)
    if plan.status == Status.UNDER_REVIEW:
        return review, cap
    if plan.status in DEBATE_STATUSES:
        return debate, cap
    return 0, cap  # open


def _plan_supports(plans, supports, citizens, thresholds, rng):
    cap = citizens - 1  # everyone but the proposer
    bounds = [_support_bounds(plan, thresholds, cap) for plan in plans]
    # Too few supports for the debates reached by supports: the panel promoted some instead.
    need = sum(low for low, _ in bounds)
    for index, plan in enumerate(plans):
        if need <= supports:
            break
        if plan.status in DEBATE_STATUSES and plan.via == VIA_SUPPORTS:
            plan.via = VIA_PANEL_FROM_CLOSED
            need -= bounds[index][0]
            bounds[index] = _support_bounds(plan, thresholds, cap)
    if any(low > high for low, high in bounds):
        raise PlanError(
            f"{citizens:,} citizens are too few for the stages' thresholds "
            f"(PROPOSALS_DEBATE_THRESHOLD is {thresholds.debate}): seed more citizens."
        )
    featured = next(index for index, plan in enumerate(plans) if plan.featured)
    # The featured proposal draws a visible crowd: 0.5 % of all supports.
    target = max(bounds[featured][0], min(bounds[featured][1], round(supports * 0.005)))
    bounds[featured] = (target, target)
    weights = [rng.paretovariate(1.16) for _ in plans]  # the 80/20 of attention
    try:
        counts = distribute(supports, [low for low, _ in bounds], [high for _, high in bounds], weights)
    except PlanError as error:
        raise PlanError(f"Supports: {error} (thresholds and stages; change --supports or --citizens).") from error
    for plan, count in zip(plans, counts, strict=True):
        plan.supports = count


def _plan_stances(plans, citizens, thresholds, rng):
    mayor = thresholds.mayor
    for plan in plans:
        if plan.status in (Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED):
            if citizens < mayor:
                raise PlanError(
                    f"A debate that goes to the Mayor needs {mayor:,} participants (PROPOSALS_MAYOR_THRESHOLD): "
                    f"seed at least that many citizens (now {citizens:,})."
                )
            plan.stances = min(citizens, mayor + int(rng.paretovariate(1.5) * mayor * 0.05))
        elif plan.status == Status.DEBATE_CLOSED:
            plan.stances = min(citizens, mayor - 1, int(rng.paretovariate(1.5) * 12))
        elif plan.status == Status.IN_DEBATE:
            plan.stances = min(citizens, int(rng.paretovariate(1.5) * 12))


def _plan_withdrawals(plans, citizens, rng):
    """1 % more supports, withdrawn while the window was open, by citizens who did not support
    again (so each proposal's supporters stay distinct)."""
    eligible = [plan for plan in plans if plan.status != Status.DRAFT and plan.supports + 1 < citizens]
    total = round(sum(plan.supports for plan in plans) * WITHDRAWN_SHARE)
    for _ in range(total if eligible else 0):
        plan = rng.choice(eligible)
        if plan.supports + plan.withdrawn + 1 < citizens:
            plan.withdrawn += 1


def _plan_comments(plans, comments, rng):
    published = [plan for plan in plans if plan.status != Status.DRAFT]
    featured = next(plan for plan in published if plan.featured)
    featured.comments = min(FEATURED_COMMENTS, comments)
    others = [plan for plan in published if not plan.featured]
    rest = comments - featured.comments
    if rest and not others:
        raise PlanError("Comments need published proposals besides the featured one.")
    if rest:
        cap = max(OTHERS_MAX_COMMENTS, math.ceil(rest / len(others)))
        weights = [rng.paretovariate(1.3) * (1 + plan.supports) ** 0.5 for plan in others]
        counts = distribute(rest, [0] * len(others), [cap] * len(others), weights)
        for plan, count in zip(others, counts, strict=True):
            plan.comments = count


def moment_between(rng, start, end, *, early=False):
    """A moment in [start, end); `early` leans towards the start (as supports do after publishing)."""
    share = rng.random()
    return start + (end - start) * (share * share if early else share)


def _plan_dates(plan, thresholds, rng, now):
    day = timedelta(days=1)
    window = timedelta(days=thresholds.window_days)
    debate = timedelta(days=thresholds.debate_days)
    status = plan.status
    if status == Status.DRAFT:
        plan.created_at = now - rng.uniform(0.01, 60) * day
        return
    if status == Status.OPEN:
        published = now - 3 * day if plan.featured else now - rng.uniform(1 / 24, thresholds.window_days - 1) * day
        closes = published + window
    elif status == Status.CLOSED_INSUFFICIENT:
        closes = now - rng.uniform(1, HISTORY_DAYS) * day
    elif status == Status.UNDER_REVIEW:
        closes = now - rng.uniform(1, 50) * day
    elif status == Status.ANSWERED:
        plan.answered_at = now - rng.uniform(1, HISTORY_DAYS - 60) * day
        closes = plan.answered_at - rng.uniform(1, 40) * day
    else:  # a debate stage
        if status == Status.IN_DEBATE:
            opens = now - rng.uniform(1 / 24, thresholds.debate_days - 1) * day
        elif status == Status.AWAITING_MAYOR:
            opens = now - debate - rng.uniform(1, 60) * day
        else:
            opens = now - debate - rng.uniform(30, HISTORY_DAYS - 200) * day
        plan.debate_opens_at, plan.debate_closes_at = opens, opens + debate
        if status == Status.MAYOR_ANSWERED:
            plan.mayor_answered_at = plan.debate_closes_at + rng.uniform(7, 28) * day
        if plan.via == VIA_SUPPORTS:
            # proposals_advance opens the debate within a quarter of an hour of the answer.
            plan.answered_at = opens - timedelta(minutes=rng.uniform(1, 15))
            closes = plan.answered_at - rng.uniform(1, 40) * day
        elif plan.via == VIA_PANEL_FROM_ANSWERED:
            plan.answered_at = opens - rng.uniform(1, 100) * day
            closes = plan.answered_at - rng.uniform(1, 40) * day
        else:
            closes = opens - rng.uniform(5, 300) * day
    plan.window_closes_at = closes
    plan.published_at = closes - window
    plan.created_at = plan.published_at - timedelta(minutes=rng.uniform(10, 3 * 24 * 60))
