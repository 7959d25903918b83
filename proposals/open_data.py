"""Democratic Seoul's open dataset: the published proposals, as their public pages show them.

Drafts are never exported (they are their author's alone). Nothing about a person: no author
(not even the page's pseudonym), no supporter, no official who answered. The title and the text
are the proposer's, as published, with phone numbers and email addresses removed.
"""

from django.utils.translation import gettext_lazy as _

from citizens.redaction import redact_contact_data
from opendata.registry import DATE, DATETIME, INTEGER, STRING, Dataset, Field, register_dataset

from .selectors.proposals import public_proposals

CHUNK = 2000

FIELDS = (
    Field("id", INTEGER, _("The proposal's number, as in its page's address.")),
    Field("title", STRING, _("The title, phone numbers and email addresses removed.")),
    Field("body", STRING, _("The proposal's text, phone numbers and email addresses removed.")),
    Field("category", STRING, _("The category's code.")),
    Field("category_name_ko", STRING, _("The category's Korean name.")),
    Field("category_name_en", STRING, _("The category's English name.")),
    Field("district_code", STRING, _("The district it concerns (5-digit code); empty for the whole city.")),
    Field("status", STRING, _("The stage: open, under_review, closed_insufficient, answered, in_debate, "
                              "debate_closed, awaiting_mayor or mayor_answered.")),
    Field("support_count", INTEGER, _("Supports (공감) it holds.")),
    Field("published_at", DATETIME, _("When it was published.")),
    Field("window_closes_at", DATETIME, _("When its 30-day support window closes or closed.")),
    Field("answer_due_on", DATE, _("The day the department's answer is due, once under review.")),
    Field("answer_type", STRING, _("The department's answer: accepted, partially_accepted, not_accepted or "
                                   "already_in_place; empty before it.")),
    Field("answered_at", DATETIME, _("When the department answered.")),
    Field("debate_participants", INTEGER, _("Participants in its public debate.")),
    Field("mayor_answered_at", DATETIME, _("When the Mayor answered.")),
    Field("implementation_progress", INTEGER, _("Implementation progress of an accepted proposal (%).")),
)  # fmt: skip

ANONYMISATION = _(
    "No proposer, supporter, follower or official: no names, accounts, phone numbers or pseudonyms. Drafts are "
    "not published. Phone numbers and email addresses in titles and texts are replaced by [phone] and [email]."
)


def proposal_rows():
    rows = (
        public_proposals()
        .order_by("pk")
        .values_list(
            "pk", "title", "body", "category__slug", "category__name_ko", "category__name_en", "district_id",
            "status", "support_count", "published_at", "window_closes_at", "answer_due_on", "answer_type",
            "answered_at", "debate_participant_count", "mayor_answered_at", "implementation_progress",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for pk, title, body, *rest in rows:
        rest[3] = rest[3] or ""  # district_id: None for the whole city
        yield (pk, redact_contact_data(title), redact_contact_data(body), *rest)


def register_open_data():
    register_dataset(
        Dataset(
            slug="proposals",
            channel="proposals",
            channel_title=_("Democratic Seoul"),
            title=_("Citizens' policy proposals"),
            description=_(
                "Every published proposal of Democratic Seoul with its category, district, supports, stage and the "
                "department's and the Mayor's answers."
            ),
            fields=FIELDS,
            rows=proposal_rows,
            anonymisation=ANONYMISATION,
            order=20,
        )
    )
