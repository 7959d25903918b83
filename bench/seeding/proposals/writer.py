"""Writing a planned Democratic Seoul seed: the rows of each proposal, streamed in the order of
creation (so ids follow time) through the bulk loader, in realistic Korean.

Supports go on the ledger with their commitments (sealed blocks, see ..ledger); a withdrawn one
keeps both receipts and both ledger entries, as a real withdrawal does. Not seeded: audit events
and notifications of the seeded history, follows beyond the proposer's own, milestones
(implementation progress stays 0), helpful ratings of arguments, Seoul asks questions.
"""

import math
from bisect import insort
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from citizens.models import Citizen, email_blind_index
from governance.models import OrgAssignment, OrgUnit
from proposals.models import (
    Assignment,
    Category,
    Comment,
    CommentReport,
    DebateStance,
    Follow,
    Proposal,
    StageChange,
    Support,
)
from proposals.services import SCOPE_PREFIX, add_months, support_commitment, withdrawal_commitment

from ..bulk import next_id
from ..korean import CATEGORIES
from ..ledger import SealedLedgerWriter, fast_receipt
from .plan import DEBATE_STATUSES, EDIT_WINDOW_MINUTES, VIA_PANEL_FROM_ANSWERED, VIA_PANEL_FROM_CLOSED, moment_between

Status = Proposal.Status
PROPOSALS_OFFICE_EMAIL = "proposals-office@bench.seoul.example"
# The featured proposal (the detail page's benchmark) is about bicycles: a three-letter word,
# which pg_trgm's indexes can serve in `ILIKE '%자전거%'`.
FEATURED_CATEGORY, FEATURED_TOPIC = "transport", "자전거 전용도로"

# --- Reference data: categories, units and the officials who answer ---------------------------


@dataclass
class Officials:
    categories: list  # Category per index
    unit_official: dict  # unit id → official id
    office: int  # the proposals office (promotions, the Mayor's answers, moderation)


def ensure_reference_data(text) -> Officials:
    """Categories, their units and one official per unit (idempotent: by slug, code and email)."""
    categories, unit_official = [], {}
    started = timezone.localdate() - timedelta(days=2 * 365)
    for order, (slug, name_ko, name_en, (code, unit_ko, unit_en)) in enumerate(CATEGORIES, start=1):
        unit, _ = OrgUnit.objects.get_or_create(
            code=code, defaults={"kind": OrgUnit.Kind.BUREAU, "name_ko": unit_ko, "name_en": unit_en, "order": order}
        )
        category, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name_ko": name_ko, "name_en": name_en, "default_unit": unit}
        )
        official = _official(f"{code}@bench.seoul.example", text)
        OrgAssignment.objects.get_or_create(
            unit=unit, official=official, ended_on=None, defaults={"started_on": started, "title_ko": "주무관"}
        )
        categories.append(category)
        unit_official[category.default_unit_id or unit.pk] = official.pk
    office = _official(PROPOSALS_OFFICE_EMAIL, text)
    office.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename="change_proposal"))
    return Officials(categories=categories, unit_official=unit_official, office=office.pk)


def _official(email, text):
    existing = Citizen.objects.filter(email_index=email_blind_index(email)).first()
    return existing or Citizen.objects.create_user(email=email, is_staff=True, name=text.name())


# --- Writing ----------------------------------------------------------------------------------


class _SupportRow:
    """What support_commitment() and withdrawal_commitment() read, without a model instance."""

    __slots__ = ("proposal_id", "salt", "withdrawal_salt")


def _stride(rng, modulus):
    """A step coprime with `modulus`: (offset + j·step) mod modulus visits distinct indices."""
    if modulus <= 2:
        return 1
    while True:
        step = rng.randrange(1, modulus)
        if math.gcd(step, modulus) == 1:
            return step


def _distinct_citizens(rng, modulus, count, *, exclude=None):
    """`count` distinct indices in range(modulus), never `exclude`."""
    offset, step = rng.randrange(modulus), _stride(rng, modulus)
    chosen = []
    for j in range(count + (exclude is not None)):
        index = (offset + j * step) % modulus
        if index != exclude:
            chosen.append(index)
        if len(chosen) == count:
            break
    return chosen


class ProposalsWriter:
    def __init__(
        self, loader, *, plan, citizens, officials, text, rng, now, district_names, ledger=True, progress=None
    ):
        self.plan, self.citizens, self.officials = plan, citizens, officials
        self.district_names = district_names
        self.text, self.rng, self.now, self.progress = text, rng, now, progress
        self.loader = loader
        self.proposals = loader.table(
            Proposal,
            [
                "id",
                "author",
                "title",
                "body",
                "category",
                "district",
                "status",
                "created_at",
                "published_at",
                "support_count",
                "window_opens_at",
                "window_closes_at",
                "assigned_unit",
                "answer_due_on",
                "answer_type",
                "answer_reason",
                "implementation_plan",
                "answered_at",
                "answered_by",
                "debate_opens_at",
                "debate_closes_at",
                "promotion_reason",
                "debate_participant_count",
                "answer_overdue_since",
                "mayor_answer",
                "mayor_answered_at",
                "implementation_progress",
                "implemented_at",
                "image",
                "image_alt",
                "version",
                "updated_at",
            ],
        )
        self.follows = loader.table(Follow, ["proposal", "citizen", "created_at"])
        self.stages = loader.table(StageChange, ["proposal", "from_status", "to_status", "at", "reason", "actor"])
        self.assignments = loader.table(Assignment, ["proposal", "unit", "assigned_at", "assigned_by", "reason"])
        self.supports = loader.table(
            Support,
            [
                "proposal",
                "citizen",
                "created_at",
                "salt",
                "receipt",
                "withdrawn_at",
                "withdrawal_salt",
                "withdrawal_receipt",
            ],
        )
        self.stances = loader.table(
            DebateStance,
            [
                "proposal",
                "citizen",
                "stance",
                "argument",
                "created_at",
                "updated_at",
                "helpful_count",
            ],
        )
        self.comments = loader.table(
            Comment,
            [
                "id",
                "proposal",
                "author",
                "parent",
                "body",
                "created_at",
                "edited_at",
                "status",
                "report_count",
                "moderation_reason",
                "moderated_at",
                "moderated_by",
            ],
        )
        self.reports = loader.table(CommentReport, ["comment", "reporter", "reason", "created_at"])
        self.ledger = SealedLedgerWriter(loader) if ledger else None
        self.first_proposal_id = next_id(Proposal)
        self.next_comment_id = next_id(Comment)
        self._support_row = _SupportRow()

    def citizen(self, index):
        return self.citizens.id_at(index)

    def write(self):
        total = len(self.plan.proposals)
        for index, plan in enumerate(self.plan.proposals):
            self._proposal(self.first_proposal_id + index, plan)
            if self.progress:
                self.progress.tick("proposals", index + 1, total, self.loader.written)
        if self.ledger:
            self.ledger.seal()
        return {
            "first_proposal_id": self.first_proposal_id,
            "last_proposal_id": self.first_proposal_id + total - 1,
            "featured_proposal_id": self.first_proposal_id + self.plan.featured_index,
            "search_word": FEATURED_TOPIC.split()[0],
            "ledger_entries": self.ledger.entry_count if self.ledger else 0,
        }

    # One proposal and everything that hangs on it.

    def _proposal(self, proposal_id, plan):
        rng, text, now = self.rng, self.text, self.now
        if plan.featured:
            # Its topic holds the benchmark's search word: a search finds it at every scale.
            category = next(item for item in self.officials.categories if item.slug == FEATURED_CATEGORY)
            topic = FEATURED_TOPIC
        else:
            category = self.officials.categories[plan.category]
            topic = text.topic(category.slug)
        unit_id = category.default_unit_id
        official = self.officials.unit_official.get(unit_id, self.officials.office)
        district_name = self.district_names.get(plan.district)
        author = self.citizen(plan.author)
        thresholds = self.plan.thresholds
        reviewed = plan.reviewed
        answer_due_on = overdue_since = None
        if reviewed:
            answer_due_on = add_months(timezone.localdate(plan.window_closes_at), thresholds.answer_due_months)
            if plan.status == Status.UNDER_REVIEW and answer_due_on < timezone.localdate(now):
                overdue_since = answer_due_on + timedelta(days=1)
        answer_type = plan.answer_type
        answer_reason = text.answer_reason(topic, answer_type) if answer_type else ""
        implementation_plan = (
            text.implementation_plan()
            if answer_type in (Proposal.AnswerType.ACCEPTED, Proposal.AnswerType.PARTIALLY_ACCEPTED)
            else ""
        )
        promoted = plan.via in (VIA_PANEL_FROM_CLOSED, VIA_PANEL_FROM_ANSWERED) and plan.status in DEBATE_STATUSES
        promotion_reason = text.promotion_reason() if promoted else ""
        mayor_answer = text.mayor_answer(topic) if plan.status == Status.MAYOR_ANSWERED else ""
        last_change = max(
            moment
            for moment in (
                plan.created_at,
                plan.published_at,
                plan.answered_at,
                plan.debate_opens_at,
                plan.debate_closes_at if plan.debate_closes_at and plan.debate_closes_at < now else None,
                plan.mayor_answered_at,
            )
            if moment is not None
        )
        self.proposals.add(
            (
                proposal_id,
                author,
                text.title(topic, district_name),
                text.body(topic, district_name),
                category.pk,
                plan.district,
                plan.status,
                plan.created_at,
                plan.published_at,
                plan.supports,
                plan.published_at,
                plan.window_closes_at,
                unit_id if reviewed else None,
                answer_due_on,
                answer_type,
                answer_reason,
                implementation_plan,
                plan.answered_at,
                official if answer_type else None,
                plan.debate_opens_at,
                plan.debate_closes_at,
                promotion_reason,
                plan.stances,
                overdue_since,
                mayor_answer,
                plan.mayor_answered_at,
                0,
                None,
                "",
                "",
                1 if plan.status != Status.DRAFT else rng.randint(1, 3),
                last_change,
            )
        )
        self.follows.add((proposal_id, author, plan.created_at))
        if plan.status == Status.DRAFT:
            return
        self._timeline(proposal_id, plan, author, official, unit_id, answer_reason, promotion_reason)
        self._supports(proposal_id, plan)
        if plan.stances:
            self._stances(proposal_id, plan, topic)
        if plan.comments:
            self._comments(proposal_id, plan, topic)

    def _timeline(self, proposal_id, plan, author, official, unit_id, answer_reason, promotion_reason):
        stage = self.stages.add
        stage((proposal_id, Status.DRAFT, Status.OPEN, plan.published_at, "", author))
        if plan.status == Status.OPEN:
            return
        closes = plan.window_closes_at
        if plan.status == Status.CLOSED_INSUFFICIENT or plan.via == VIA_PANEL_FROM_CLOSED:
            stage((proposal_id, Status.OPEN, Status.CLOSED_INSUFFICIENT, closes, "", None))
            if plan.via == VIA_PANEL_FROM_CLOSED and plan.status in DEBATE_STATUSES:
                stage(
                    (
                        proposal_id,
                        Status.CLOSED_INSUFFICIENT,
                        Status.IN_DEBATE,
                        plan.debate_opens_at,
                        promotion_reason,
                        self.officials.office,
                    )
                )
        else:
            stage((proposal_id, Status.OPEN, Status.UNDER_REVIEW, closes, "", None))
            if unit_id:  # as proposal_close_window: a category without a unit assigns nobody
                self.assignments.add((proposal_id, unit_id, closes, None, ""))
            if plan.answered_at is not None:
                stage((proposal_id, Status.UNDER_REVIEW, Status.ANSWERED, plan.answered_at, answer_reason, official))
            if plan.status in DEBATE_STATUSES:
                if plan.via == VIA_PANEL_FROM_ANSWERED:
                    stage(
                        (
                            proposal_id,
                            Status.ANSWERED,
                            Status.IN_DEBATE,
                            plan.debate_opens_at,
                            promotion_reason,
                            self.officials.office,
                        )
                    )
                else:
                    stage((proposal_id, Status.ANSWERED, Status.IN_DEBATE, plan.debate_opens_at, "", None))
        if plan.status in (Status.DEBATE_CLOSED, Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED):
            to_status = Status.DEBATE_CLOSED if plan.status == Status.DEBATE_CLOSED else Status.AWAITING_MAYOR
            stage((proposal_id, Status.IN_DEBATE, to_status, plan.debate_closes_at, "", None))
        if plan.status == Status.MAYOR_ANSWERED:
            stage(
                (
                    proposal_id,
                    Status.AWAITING_MAYOR,
                    Status.MAYOR_ANSWERED,
                    plan.mayor_answered_at,
                    "",
                    self.officials.office,
                )
            )

    def _supports(self, proposal_id, plan):
        count = plan.supports + plan.withdrawn
        if not count:
            return
        rng, ledger, row = self.rng, self.ledger, self._support_row
        scope = f"{SCOPE_PREFIX}{proposal_id}"
        opens = plan.published_at
        ends = min(plan.window_closes_at, self.now)
        supporters = _distinct_citizens(rng, self.plan.citizens, count, exclude=plan.author)
        row.proposal_id = proposal_id
        for position, index in enumerate(supporters):
            at = moment_between(rng, opens, ends, early=True)
            salt, receipt = rng.randbytes(16).hex(), fast_receipt()
            withdrawn_at, withdrawal_salt, withdrawal_receipt = None, "", ""
            if position >= plan.supports:
                withdrawn_at = moment_between(rng, at, ends)
                withdrawal_salt, withdrawal_receipt = rng.randbytes(16).hex(), fast_receipt()
            self.supports.add(
                (
                    proposal_id,
                    self.citizen(index),
                    at,
                    salt,
                    receipt,
                    withdrawn_at,
                    withdrawal_salt,
                    withdrawal_receipt,
                )
            )
            if ledger:
                row.salt, row.withdrawal_salt = salt, withdrawal_salt
                ledger.append(scope=scope, kind="support", commitment=support_commitment(row), receipt=receipt)
                if withdrawn_at is not None:
                    ledger.append(
                        scope=scope,
                        kind="support_withdrawal",
                        commitment=withdrawal_commitment(row),
                        receipt=withdrawal_receipt,
                    )

    def _stances(self, proposal_id, plan, topic):
        rng, text = self.rng, self.text
        opens = plan.debate_opens_at
        ends = min(plan.debate_closes_at, self.now)
        for index in _distinct_citizens(rng, self.plan.citizens, plan.stances):
            stance = rng.choices(("for", "against", "undecided"), weights=(50, 35, 15))[0]
            argument = text.argument(topic, stance) if rng.random() < 0.4 else ""
            at = moment_between(rng, opens, ends, early=True)
            self.stances.add((proposal_id, self.citizen(index), stance, argument, at, at, 0))

    def _comments(self, proposal_id, plan, topic):
        rng, text, now = self.rng, self.text, self.now
        citizens = self.plan.citizens
        moments = sorted(moment_between(rng, plan.published_at, now, early=True) for _ in range(plan.comments))
        top_level = []
        for at in moments:
            comment_id = self.next_comment_id
            self.next_comment_id += 1
            parent = rng.choice(top_level) if top_level and rng.random() < 0.3 else None
            if parent is None:
                insort(top_level, comment_id)
            author_index = rng.randrange(citizens)
            roll = rng.random()
            status, report_count, reason, moderated_at, moderated_by = Comment.Status.VISIBLE, 0, "", None, None
            if roll < 0.005 and citizens > 4:
                status, report_count, reason = Comment.Status.REMOVED, 3, text.moderation_reason()
                moderated_at, moderated_by = min(at + timedelta(hours=6), now), self.officials.office
            elif roll < 0.012 and citizens > 4:
                status, report_count = Comment.Status.HIDDEN_PENDING, 3
            edited_at = at + timedelta(minutes=rng.uniform(1, EDIT_WINDOW_MINUTES)) if rng.random() < 0.05 else None
            if edited_at and edited_at > now:
                edited_at = None
            self.comments.add(
                (
                    comment_id,
                    proposal_id,
                    self.citizen(author_index),
                    parent,
                    text.comment(topic, reply=parent is not None),
                    at,
                    edited_at,
                    status,
                    report_count,
                    reason,
                    moderated_at,
                    moderated_by,
                )
            )
            if report_count:
                reporters = _distinct_citizens(rng, citizens, report_count, exclude=author_index)
                for position, index in enumerate(reporters):
                    self.reports.add(
                        (
                            comment_id,
                            self.citizen(index),
                            rng.choice(CommentReport.Reason.values),
                            at + timedelta(minutes=10 * (position + 1)),
                        )
                    )
