
"""The officials' queue of poll reports: unresolved first, hide the poll with a reason or dismiss,
several dismissed at once; moderators only; who reported is never shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from audit.models import AuditEvent
from voting.models import Poll, PollReport
from voting.services import poll_hide, poll_report, report_resolve

from .conftest import admin_login, form_errors, ko, shown_messages

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:voting_pollreport_changelist")


def report_url(name, report):
    return reverse(f"admin:voting_pollreport_{name}", args=[report.pk])


def listed(response):
    return [report.detail for report in response.context["cl"].result_list]


@pytest.fixture
def reported(states, make_citizen, now):
    """An open citizen poll with three reports, one of them already dismissed."""
    poll = states.make("citizen_open", title="우리 동네 맛집 투표")
    reporters = [make_citizen(name=f"신고자{number}") for number in range(3)]
    reports = [
        poll_report(citizen=reporter, poll=poll, category=category, detail=detail, now=now)
        for reporter, category, detail in zip(
            reporters,
            ["advertising", "obscenity", "groundless_attack"],
            ["특정 식당 광고입니다", "욕설이 있습니다", "근거 없는 비방"],
            strict=True,
        )
    ]
    return poll, reporters, reports


def test_the_queue_opens_on_the_reports_not_handled(client, reported, moderator, superuser):
    poll, _reporters, reports = reported
    report_resolve(actor=superuser, report=reports[2], hide=False)
    admin_login(client, moderator)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(["특정 식당 광고입니다", "욕설이 있습니다"])
    assert listed(client.get(CHANGELIST, {"queue": "handled"})) == ["근거 없는 비방"]
    everything = listed(client.get(CHANGELIST, {"queue": "all"}))
    assert everything[-1] == "근거 없는 비방"  # the handled one after those waiting
    assert listed(client.get(CHANGELIST, {"queue": "all", "category__exact": "obscenity"})) == ["욕설이 있습니다"]


def test_a_moderator_hides_the_poll_from_a_report(client, reported, moderator):
    poll, _reporters, reports = reported
    admin_login(client, moderator)
    response = client.post(report_url("hide_poll", reports[0]), {"reason": "광고성 투표로 숨깁니다."}, follow=True)
    assert response.redirect_chain == [(reverse("admin:voting_pollreport_change", args=[reports[0].pk]), 302)]
    assert shown_messages(response) == [ko("The report is handled: the poll is hidden.")]
    poll = Poll.objects.get(pk=poll.pk)
    assert poll.hidden_at is not None and poll.hidden_reason == "광고성 투표로 숨깁니다."
    report = PollReport.objects.get(pk=reports[0].pk)
    assert (report.resolution, report.resolved_by) == ("hidden", moderator)
    # The poll's other reports wait for their own decision.
    assert PollReport.objects.filter(poll=poll, resolved_at__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action="poll.report_resolve").count() == 1


def test_hiding_needs_a_reason(client, reported, moderator):
    poll, _reporters, reports = reported
    admin_login(client, moderator)
    response = client.post(report_url("hide_poll", reports[0]), {"reason": ""})
    assert response.status_code == 200
    assert form_errors(response, "reason") == [ko("This field is required.")]
    assert Poll.objects.get(pk=poll.pk).hidden_at is None
    assert PollReport.objects.get(pk=reports[0].pk).resolved_at is None


def test_a_report_on_a_poll_hidden_already_is_closed_as_hidden(client, reported, moderator, superuser):
    poll, _reporters, reports = reported
    poll_hide(actor=superuser, poll=poll, reason="이미 숨김")
    admin_login(client, moderator)
    client.post(report_url("hide_poll", reports[1]), {"reason": "같은 이유"})
    assert PollReport.objects.get(pk=reports[1].pk).resolution == "hidden"
    assert Poll.objects.get(pk=poll.pk).hidden_reason == "이미 숨김"


def test_a_moderator_dismisses_a_report(client, reported, moderator):
    poll, _reporters, reports = reported
    admin_login(client, moderator)
    response = client.post(report_url("dismiss", reports[1]), follow=True)
    assert shown_messages(response) == [ko("The report is dismissed.")]
    assert PollReport.objects.get(pk=reports[1].pk).resolution == "dismissed"
    assert Poll.objects.get(pk=poll.pk).hidden_at is None
    # Handled: neither button again.
    response = client.get(report_url("dismiss", reports[1]), follow=True)
    assert shown_messages(response) == [ko("This report has already been handled.")]
    response = client.post(report_url("hide_poll", reports[1]), {"reason": "다시"})
    assert form_errors(response) == [ko("This report has already been handled.")]
    assert Poll.objects.get(pk=poll.pk).hidden_at is None


def test_several_reports_are_dismissed_at_once(client, reported, moderator):
    _poll, _reporters, reports = reported
    admin_login(client, moderator)
    response = client.post(
        CHANGELIST, {"action": "dismiss_reports", "_selected_action": [r.pk for r in reports[:2]]}, follow=True
    )
    assert PollReport.objects.filter(resolution="dismissed").count() == 2
    with translation.override("ko"):
        expected = ngettext("%(count)d report dismissed.", "%(count)d reports dismissed.", 2) % {"count": 2}
    assert expected in shown_messages(response)


def test_who_reported_is_never_shown(client, reported, moderator):
    _poll, reporters, reports = reported
    admin_login(client, moderator)
    pages = [
        client.get(CHANGELIST, {"queue": "all"}).content.decode(),
        client.get(reverse("admin:voting_pollreport_change", args=[reports[0].pk])).content.decode(),
        client.get(reverse("admin:voting_poll_change", args=[reports[0].poll_id])).content.decode(),
    ]
    for page in pages:
        for reporter in reporters:
            assert reporter.name not in page and reporter.masked_phone not in page


@pytest.mark.parametrize("role", ["official", "screener"])
def test_only_moderators_open_the_queue(client, reported, role, request):
    _poll, _reporters, reports = reported
    admin_login(client, request.getfixturevalue(role))
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(report_url("dismiss", reports[0])).status_code in (403, 404)
    assert PollReport.objects.filter(resolved_at__isnull=True).count() == 3


def test_the_report_page_is_read_only(client, reported, moderator):
    _poll, _reporters, reports = reported
    admin_login(client, moderator)
    url = reverse("admin:voting_pollreport_change", args=[reports[0].pk])
    content = client.get(url).content.decode()
    assert 'name="_save"' not in content and report_url("dismiss", reports[0]) in content
    assert client.post(url, {"detail": "바꿈"}).status_code == 403
    assert client.get(reverse("admin:voting_pollreport_add")).status_code == 403


def test_the_queue_costs_the_same_for_few_and_many_reports(client, states, make_citizen, moderator):
    admin_login(client, moderator)

    def add(count):
        poll = states.make("citizen_open")
        for number in range(count):
            poll_report(citizen=make_citizen(), poll=poll, category="advertising", detail=f"광고 {number}")

    add(2)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    add(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(CHANGELIST).status_code == 200
    assert len(few) == len(many)
