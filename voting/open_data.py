"""M-Voting's open datasets: the public polls, and each option's count where the site shows it.

Only what the poll lists show: published public polls that the city has not hidden. Room and
on-site polls are reached by code or QR only, so they stay out. Counts come from the counters
(never from ballots, never from participations) and are given exactly when the results page
shows them (selectors.polls.results_visible): not before voting opens, not while a poll that
hides its interim results is still open. Breakdowns by age, district or gender are not exported:
small groups are what the results page protects.
"""

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizens.redaction import redact_contact_data
from opendata.registry import DATETIME, INTEGER, STRING, Dataset, Field, register_dataset

from .models import PollOption, TallyCount
from .selectors.polls import public_polls, results_visible

CHUNK = 2000

POLL_FIELDS = (
    Field("id", INTEGER, _("The poll's number, as in its page's address.")),
    Field("kind", STRING, _("policy (a city policy vote) or citizen (a vote a citizen proposed).")),
    Field("title", STRING, _("The question, phone numbers and email addresses removed.")),
    Field("description", STRING, _("The poll's explanation, phone numbers and email addresses removed.")),
    Field("question_type", STRING, _("single, multiple or ranked choice.")),
    Field("max_choices", INTEGER, _("The most options a voter may pick (or rank).")),
    Field("status", STRING, _("scheduled, open or closed.")),
    Field("opens_at", DATETIME, _("When voting opens.")),
    Field("closes_at", DATETIME, _("When voting closes.")),
    Field("closed_at", DATETIME, _("When voting actually closed.")),
    Field("results_visibility", STRING, _("live (counts shown while open) or after_close (hidden until it closes).")),
    Field("ballots", INTEGER, _("Ballots cast; empty while the results are not shown.")),
    Field("eligible_population", INTEGER, _("The eligible population of a targeted poll, where known.")),
    Field("reflection_outcome", STRING, _("What became of the result: reflected, partly or not_reflected; empty "
                                          "until the city records it.")),
)  # fmt: skip

OPTION_FIELDS = (
    Field("poll_id", INTEGER, _("The poll's number (the id of the polls dataset).")),
    Field("position", INTEGER, _("The option's position on the ballot (1, 2, ...).")),
    Field("label", STRING, _("The option, phone numbers and email addresses removed.")),
    Field("votes", INTEGER, _("Ballots that picked it (for ranked choice: that ranked it first); empty while the "
                              "results are not shown.")),
)  # fmt: skip

ANONYMISATION = _(
    "No voter, proposer or official, and no ballot: only the totals the results page shows, and only when it "
    "shows them. No breakdown by age band, district or gender. Private-room and on-site polls and polls the city "
    "hid are not published."
)


def _sum_of_counter(poll_ref, position):
    counters = (
        TallyCount.objects.filter(poll_id=poll_ref, option_position=position, dimension="")
        .order_by()
        .values("poll_id")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Subquery(counters)


def poll_rows():
    now = timezone.now()
    rows = (
        public_polls()
        .order_by("pk")
        .annotate(ballot_total=_sum_of_counter(OuterRef("pk"), 0))
        .values_list(
            "pk", "kind", "title", "description", "question_type", "max_choices", "status", "opens_at", "closes_at",
            "closed_at", "results_visibility", "ballot_total", "eligible_population", "reflection__outcome",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for (pk, kind, title, description, question_type, max_choices, status, opens_at, closes_at, closed_at,
         visibility, ballots, eligible, outcome) in rows:  # fmt: skip
        shown = results_visible(_PollFacts(status, visibility, closes_at), now)
        yield (
            pk, kind, redact_contact_data(title), redact_contact_data(description), question_type, max_choices,
            status, opens_at, closes_at, closed_at, visibility, (ballots or 0) if shown else None, eligible,
            outcome or "",
        )  # fmt: skip


def option_rows():
    now = timezone.now()
    rows = (
        PollOption.objects.filter(poll__in=public_polls())
        .order_by("poll_id", "position")
        .annotate(vote_total=_sum_of_counter(OuterRef("poll_id"), OuterRef("position")))
        .values_list("poll_id", "position", "label", "vote_total", "poll__status", "poll__results_visibility",
                     "poll__closes_at")  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for poll_id, position, label, votes, status, visibility, closes_at in rows:
        shown = results_visible(_PollFacts(status, visibility, closes_at), now)
        yield (poll_id, position, redact_contact_data(label), (votes or 0) if shown else None)


class _PollFacts:
    """What results_visible reads of a poll, from a row of values (no model instance per row)."""

    __slots__ = ("status", "results_visibility", "closes_at")

    def __init__(self, status, results_visibility, closes_at):
        self.status, self.results_visibility, self.closes_at = status, results_visibility, closes_at


def register_open_data():
    channel_title = _("M-Voting")
    register_dataset(
        Dataset(
            slug="polls", channel="voting", channel_title=channel_title, title=_("M-Voting polls"),
            description=_("Every public poll with its question, kind, voting period, status, number of ballots "
                          "(where the results are shown) and what became of the result."),
            fields=POLL_FIELDS, rows=poll_rows, anonymisation=ANONYMISATION, order=30,
        )
    )  # fmt: skip
    register_dataset(
        Dataset(
            slug="poll_results", channel="voting", channel_title=channel_title, title=_("M-Voting results by option"),
            description=_("Each option of every public poll with the ballots that picked it, where the results "
                          "page shows them."),
            fields=OPTION_FIELDS, rows=option_rows, anonymisation=ANONYMISATION, order=31,
        )
    )  # fmt: skip
