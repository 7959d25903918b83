"""Public meeting pages and the iCalendar feeds of upcoming meetings."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import ical
from ..selectors.committees import committee_by_slug
from ..selectors.meetings import MEETINGS_PER_PAGE, committee_meetings, public_meeting, upcoming_meetings_feed


def committee_meeting_list(request, slug):
    committee = committee_by_slug(slug)
    page = Paginator(committee_meetings(committee), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "governance/meetings/list.html", {"committee": committee, "page": page})


def meeting_detail(request, pk):
    meeting = public_meeting(pk)
    return render(request, "governance/meetings/detail.html", {"meeting": meeting, "committee": meeting.committee})


def _feed(request, meetings, name):
    text = ical.calendar(
        meetings,
        name=name,
        # Links use the public address, like the UIDs: a feed must not depend on the Host header.
        url_for=lambda meeting: settings.PUBLIC_BASE_URL + reverse("governance:meeting_detail", args=[meeting.pk]),
        stamp=timezone.now(),
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response


def meetings_feed(request):
    return _feed(request, upcoming_meetings_feed(), _("Seoul committee meetings"))


def committee_meetings_feed(request, slug):
    committee = committee_by_slug(slug)
    return _feed(request, upcoming_meetings_feed(committee=committee),
                 _("%(committee)s meetings") % {"committee": committee.name})
