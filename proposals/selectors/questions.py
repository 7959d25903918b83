"""Reads for Seoul asks: the list of questions and a question's page (constant queries at any size).

Results are shown once a question has closed: while it runs, the page gives the number of
participants only, so that early results do not sway later voters (M-Voting hides interim results
the same way). Opinions of a discussion are public while it runs: reading them is the discussion.
Opinions are shown without their authors' names.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404
from django.utils import timezone

from ..models import Question, QuestionOpinion, QuestionVote
from ..question_rules import can_manage_question, can_opine_on_question, can_vote_on_question

Status = Question.Status
Kind = Question.Kind

QUESTIONS_PER_PAGE = 20
OPINIONS_PER_PAGE = 20

STATUS_BADGES = {
    Status.DRAFT: "bg-light-gray",
    Status.OPEN: "bg-light-primary",
    Status.CLOSED: "bg-light-warning",
    Status.CONCLUDED: "bg-light-success",
}


class KnownCountPaginator(Paginator):
    """A paginator given the number of rows instead of counting them (no COUNT(*) per page).

    For a list whose length a counter already holds, kept exact by the services that add and
    delete its rows."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # Paginator.count is a cached_property: this value replaces the query


def _decorate(question, today):
    question.badge_class = STATUS_BADGES.get(question.status, "bg-light-gray")
    question.days_left = None
    if question.status == Status.OPEN:
        question.days_left = max((timezone.localdate(question.closes_at) - today).days, 0)
    return question


def published_questions():
    """Published questions: open ones first, closing soonest first; then closed and concluded ones,
    latest closing first."""
    return (
        Question.objects.exclude(status=Status.DRAFT)
        .select_related("unit")
        .annotate(
            open_first=Case(When(status=Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()),
            open_closing=Case(When(status=Status.OPEN, then=F("closes_at"))),
        )
        .order_by("open_first", F("open_closing").asc(nulls_last=True), "-closes_at", "-pk")
    )


def question_list_page(*, page_number=1, per_page=QUESTIONS_PER_PAGE) -> Page:
    """One page of published questions (two queries: the count and the page)."""
    page = Paginator(published_questions(), per_page).get_page(page_number)
    today = timezone.localdate()
    page.object_list = [_decorate(question, today) for question in page.object_list]
    return page


@dataclass
class QuestionResults:
    yes: int
    no: int
    total: int
    yes_percent: int
    no_percent: int


@dataclass
class QuestionPage:
    question: Question
    is_preview: bool  # a draft shown to an official of its unit
    may_manage: bool
    may_vote: bool
    may_opine: bool
    own_vote: QuestionVote | None
    own_opinion: QuestionOpinion | None
    participants: int
    results: QuestionResults | None
    opinions: Page | None

    @property
    def is_yes_no(self) -> bool:
        return self.question.kind == Kind.YES_NO

    @property
    def is_open(self) -> bool:
        return self.question.status == Status.OPEN


def question_for_viewer(pk, viewer) -> tuple[Question, bool]:
    """The question and whether the viewer may manage it; a draft is a 404 to everyone else
    (one query, two for a draft)."""
    question = Question.objects.select_related("unit").filter(pk=pk).first()
    if question is None:
        raise Http404("No such question")
    may_manage = False
    if question.status == Status.DRAFT:
        may_manage = can_manage_question.test(viewer, question)
        if not may_manage:
            raise Http404("No such question")
    return question, may_manage


def results_of(question) -> QuestionResults | None:
    """The yes/no results once the question has closed; None while it runs and for a discussion."""
    if question.kind != Kind.YES_NO or question.status not in {Status.CLOSED, Status.CONCLUDED}:
        return None
    total = question.yes_count + question.no_count
    yes_percent = round(question.yes_count * 100 / total) if total else 0
    return QuestionResults(
        yes=question.yes_count,
        no=question.no_count,
        total=total,
        yes_percent=yes_percent,
        no_percent=100 - yes_percent if total else 0,
    )


def question_page(*, pk, viewer, opinions_page=1) -> QuestionPage:
    """Everything a question's page shows to this viewer: at most three queries (the question, the
    viewer's own answer, and for a discussion the page of opinions)."""
    question, may_manage = question_for_viewer(pk, viewer)
    _decorate(question, timezone.localdate())
    signed_in = bool(viewer and viewer.is_authenticated)
    own_vote = own_opinion = None
    opinions = None
    if question.kind == Kind.YES_NO:
        if signed_in:
            own_vote = QuestionVote.objects.filter(question=question, citizen=viewer).first()
        participants = question.yes_count + question.no_count
    else:
        if signed_in:
            own_opinion = QuestionOpinion.objects.filter(question=question, citizen=viewer).first()
        participants = question.opinion_count
        # The list is every opinion of the question (none is hidden or moderated away), which is
        # what opinion_count counts: question_opine adds one with its row, questions_erase takes one
        # off with its row, both under the question's lock.
        opinions = KnownCountPaginator(
            QuestionOpinion.objects.filter(question=question)
            .only("pk", "question_id", "citizen_id", "body", "created_at")
            .order_by("-created_at", "-pk"),
            OPINIONS_PER_PAGE,
            count=question.opinion_count,
        ).get_page(opinions_page)
    return QuestionPage(
        question=question,
        is_preview=question.status == Status.DRAFT,
        may_manage=may_manage,
        may_vote=own_vote is None and can_vote_on_question.test(viewer, question),
        may_opine=own_opinion is None and can_opine_on_question.test(viewer, question),
        own_vote=own_vote,
        own_opinion=own_opinion,
        participants=participants,
        results=results_of(question),
        opinions=opinions,
    )
