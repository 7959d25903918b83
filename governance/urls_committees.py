"""Committee, meeting and draw pages, included by governance/urls.py (namespace "governance")."""

from django.urls import path

from .views import committees, meetings

urlpatterns = [
    path("committees/", committees.committee_list, name="committee_list"),
    path("committees/<slug:slug>/", committees.committee_detail, name="committee_detail"),
    path("committees/<slug:slug>/volunteer/", committees.committee_volunteer, name="committee_volunteer"),
    path("committees/<slug:slug>/draws/", committees.committee_draws, name="committee_draws"),
    path("committees/<slug:slug>/draws/<int:pk>.json", committees.draw_data, name="draw_data"),
    path("committees/<slug:slug>/meetings/", meetings.committee_meeting_list, name="committee_meetings"),
    path("committees/<slug:slug>/meetings.ics", meetings.committee_meetings_feed, name="committee_meetings_ics"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings.ics", meetings.meetings_feed, name="meetings_ics"),
]
