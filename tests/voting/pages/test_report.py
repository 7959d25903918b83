"""Reporting a citizen poll: the form with Seoul's four categories, every refusal with its status
and message, and nothing written when refused."""

import pytest
from django.urls import reverse

from voting.models import PollReport
from voting.services import poll_report

from .conftest import text, url

pytestmark = pytest.mark.django_db


def test_a_visitor_signs_in_first(client, citizen_poll):
    response = client.get(url("report", citizen_poll))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("citizens:signin"))
    assert client.post(url("report", citizen_poll), {"category": "advertising"}).status_code == 302
    assert not PollReport.objects.exists()


def test_the_form_offers_the_four_categories(client, sign_in, voter, citizen_poll):
    response = sign_in(voter).get(url("report", citizen_poll))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('type="radio" name="category"') == 4
    for label in ("Threat to national security", "Groundless attack or slander", "Advertising",
                  "Profanity or obscenity"):
        assert label in page
    assert citizen_poll.title in page and 'name="detail"' in page


def test_a_report_is_recorded_and_the_citizen_thanked(client, sign_in, voter, citizen_poll):
    response = sign_in(voter).post(
        url("report", citizen_poll), {"category": "advertising", "detail": "쇼핑몰 홍보입니다"}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("detail", citizen_poll)
    assert "Thank you: the city's officials will look at your report." in text(response)
    report = PollReport.objects.get()
    assert (report.poll, report.reporter, report.category, report.detail) == (
        citizen_poll, voter, "advertising", "쇼핑몰 홍보입니다"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose why you are reporting this poll."),
        ({"category": "boring"}, "Choose one of the four reasons in the list."),
        ({"category": "obscenity", "detail": "가" * 1001}, "Write at most 1000 characters."),
    ],
)
def test_bad_reports_are_400(client, sign_in, voter, citizen_poll, data, message):
    response = sign_in(voter).post(url("report", citizen_poll), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not PollReport.objects.exists()


def test_a_second_report_is_409(client, sign_in, voter, citizen_poll):
    poll_report(citizen=voter, poll=citizen_poll, category="advertising")
    response = sign_in(voter).post(url("report", citizen_poll), {"category": "obscenity"})
    assert response.status_code == 409
    assert "You have already reported this poll." in text(response)
    assert PollReport.objects.count() == 1


def test_an_unverified_citizen_cannot_report(client, sign_in, participant, citizen_poll):
    response = sign_in(participant(verified=False)).post(url("report", citizen_poll), {"category": "advertising"})
    assert response.status_code == 403
    assert "Sign in with a verified phone to report a poll." in text(response)
    assert not PollReport.objects.exists()


def test_policy_polls_and_unpublished_polls_have_no_report_form(client, sign_in, voter, open_poll, make_poll, proposer):
    sign_in(voter)
    assert client.get(url("report", open_poll)).status_code == 404
    pending = make_poll(kind="citizen", proposer=proposer, publish=False)
    assert client.get(url("report", pending)).status_code == 404
    sign_in(proposer)
    assert client.get(url("report", pending)).status_code == 404


def test_a_room_poll_is_reported_only_from_inside_the_room(client, sign_in, voter, room_poll):
    sign_in(voter)
    response = client.get(url("report", room_poll))
    assert response.status_code == 403 and room_poll.title not in response.content.decode()
    session = client.session
    session["voting_access"] = [room_poll.pk]
    session.save()
    assert client.get(url("report", room_poll)).status_code == 200


def test_the_form_costs_a_fixed_number_of_queries(client, sign_in, voter, citizen_poll, make_poll, proposer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(voter)
    with CaptureQueriesContext(connection) as few:
        client.get(url("report", citizen_poll))
    for number in range(5):
        other = make_poll(kind="citizen", proposer=proposer, title=f"{number}")
        poll_report(citizen=voter, poll=other, category="advertising")
    with CaptureQueriesContext(connection) as many:
        client.get(url("report", citizen_poll))
    assert len(many) == len(few) <= 5
