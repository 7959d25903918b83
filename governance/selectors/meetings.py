"""Reads of meetings for the public pages and the calendar feeds; each issues a fixed number of queries."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import AgendaItem, Meeting

MEETINGS_PER_PAGE = 20
# A feed of upcoming meetings still lists one that started earlier today.
FEED_LOOKBACK_HOURS = 12


def with_present_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(present_count=Count("attendance", filter=Q(attendance__present=True)))


def public_agenda() -> QuerySet:
    return AgendaItem.objects.filter(is_public=True).order_by("order", "pk")


def committee_meetings(committee) -> QuerySet:
    """A committee's meetings, latest first, with the number present (one query per page)."""
    return with_present_count(Meeting.objects.filter(committee=committee)).order_by("-starts_at", "-number")


def upcoming_for_committee(committee, *, limit=3) -> list[Meeting]:
    return list(
        Meeting.objects.filter(committee=committee, status=Meeting.Status.SCHEDULED, starts_at__gte=timezone.now())
        .order_by("starts_at")[:limit]
    )


def recent_held_for_committee(committee, *, limit=3) -> list[Meeting]:
    return list(
        with_present_count(Meeting.objects.filter(committee=committee, status=Meeting.Status.HELD))
        .order_by("-starts_at")[:limit]
    )


def public_meeting(pk) -> Meeting:
    """A meeting's public page: committee, public agenda with votes, attendance count (2 queries). 404 if unknown."""
    return get_object_or_404(
        with_present_count(Meeting.objects.filter(committee__is_active=True))
        .select_related("committee", "committee__parent")
        .prefetch_related(Prefetch("agenda_items", queryset=public_agenda(), to_attr="public_agenda")),
        pk=pk,
    )


def upcoming_meetings_feed(*, committee=None, now=None) -> list[Meeting]:
    """Meetings ahead (cancelled ones too, so that calendars drop them), with their public agenda (2 queries)."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        committee__is_active=True,
        starts_at__gte=now - timedelta(hours=FEED_LOOKBACK_HOURS),
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED],
    )
    if committee is not None:
        meetings = meetings.filter(committee=committee)
    return list(
        meetings.select_related("committee")
        .prefetch_related(Prefetch("agenda_items", queryset=public_agenda(), to_attr="public_agenda"))
        .order_by("starts_at", "pk")
    )
