"""Governance's open datasets: the meetings of the city's committees and their public agenda, as
the committee and meeting pages show them.

Active committees only (the pages of a dissolved committee are gone). No member, attendee,
reviewer or volunteer: a meeting's attendance and the members' reviews are not exported, and
agenda items the committee keeps closed (is_public false) stay out. The minutes are linked, not
copied, and only once approved: a draft is not published on the site either.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opendata.registry import BOOLEAN, DATETIME, INTEGER, STRING, Dataset, Field, register_dataset

from .models import AgendaItem, Meeting

CHUNK = 2000

MEETING_FIELDS = (
    Field("id", INTEGER, _("The meeting's number on the site, as in its page's address.")),
    Field("committee", STRING, _("The committee's code (slug).")),
    Field("committee_name_ko", STRING, _("The committee's Korean name.")),
    Field("committee_name_en", STRING, _("The committee's English name.")),
    Field("number", INTEGER, _("The meeting's sequence number within its committee.")),
    Field("title_ko", STRING, _("The meeting's Korean title.")),
    Field("title_en", STRING, _("The meeting's English title.")),
    Field("starts_at", DATETIME, _("When it starts.")),
    Field("ends_at", DATETIME, _("When it ends, if set.")),
    Field("place_ko", STRING, _("Where it is held (Korean).")),
    Field("online", BOOLEAN, _("Whether it is held online.")),
    Field("status", STRING, _("scheduled, held or cancelled.")),
    Field("minutes_status", STRING, _("none, draft or approved.")),
    Field("minutes_approved_at", DATETIME, _("When the minutes were approved.")),
    Field("minutes_url", STRING, _("The page with the approved minutes; empty until they are approved.")),
)  # fmt: skip

AGENDA_FIELDS = (
    Field("id", INTEGER, _("The agenda item's number.")),
    Field("committee", STRING, _("The committee's code (slug).")),
    Field("meeting_id", INTEGER, _("The meeting it is on (the id of the committee meetings dataset); empty when "
                                   "deliberated in writing.")),
    Field("order", INTEGER, _("Its place on the meeting's agenda.")),
    Field("title_ko", STRING, _("The item's Korean title.")),
    Field("title_en", STRING, _("The item's English title.")),
    Field("subject_kind", STRING, _("What kind of record it deliberates (e.g. budgeting.project), if any.")),
    Field("subject_id", STRING, _("The number of that record in its own dataset.")),
    Field("status", STRING, _("open or closed.")),
    Field("outcome", STRING, _("approved, revise or rejected; empty while open.")),
    Field("votes_for", INTEGER, _("Members' votes for, where recorded.")),
    Field("votes_against", INTEGER, _("Members' votes against, where recorded.")),
    Field("votes_abstain", INTEGER, _("Abstentions, where recorded.")),
    Field("closed_at", DATETIME, _("When it was closed.")),
)  # fmt: skip

ANONYMISATION = _(
    "No member, attendee, reviewer or volunteer, and no individual review or score: only the counts of votes the "
    "meeting pages show. Agenda items not made public are left out, and minutes are linked only once approved."
)


def _minutes_url(pk) -> str:
    # The Korean (unprefixed) address, whatever the language of the request that streams the file.
    with translation.override(settings.LANGUAGE_CODE):
        return settings.PUBLIC_BASE_URL + reverse("governance:meeting_detail", args=[pk])


def meeting_rows():
    rows = (
        Meeting.objects.filter(committee__is_active=True)
        .order_by("pk")
        .values_list(
            "pk", "committee__slug", "committee__name_ko", "committee__name_en", "number", "title_ko", "title_en",
            "starts_at", "ends_at", "place_ko", "online", "status", "minutes_status", "minutes_approved_at",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        approved = row[12] == Meeting.MinutesStatus.APPROVED
        yield (*row, _minutes_url(row[0]) if approved else "")


def agenda_rows():
    return (
        AgendaItem.objects.filter(is_public=True, committee__is_active=True)
        .order_by("pk")
        .values_list(
            "pk", "committee__slug", "meeting_id", "order", "title_ko", "title_en", "subject_kind", "subject_id",
            "status", "outcome", "votes_for", "votes_against", "votes_abstain", "closed_at",
        )  # fmt: skip
        .iterator(chunk_size=CHUNK)
    )


def register_open_data():
    channel_title = _("Governance records")
    register_dataset(
        Dataset(
            slug="committee_meetings", channel="governance", channel_title=channel_title,
            title=_("Committee meetings"),
            description=_("The meetings of the city's committees (Smart City Committee, Participatory Budget "
                          "Committee and others): date, place, status and a link to the approved minutes."),
            fields=MEETING_FIELDS, rows=meeting_rows, anonymisation=ANONYMISATION, order=50,
        )
    )  # fmt: skip
    register_dataset(
        Dataset(
            slug="committee_agenda", channel="governance", channel_title=channel_title,
            title=_("Committee agenda items"),
            description=_("What the committees deliberate: each public agenda item with its meeting, the record it "
                          "concerns, its outcome and the members' vote counts."),
            fields=AGENDA_FIELDS, rows=agenda_rows, anonymisation=ANONYMISATION, order=51,
        )
    )  # fmt: skip
