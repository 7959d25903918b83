"""Reaching polls that are not listed: the room-code form (with its per-session limit), the
on-site QR link during the event, and the QR page for the organisers."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from voting.models import Poll
from voting.views.access import SESSION_KEY

from .conftest import text, url

pytestmark = pytest.mark.django_db


def enter(client, code):
    return client.post(url("room"), {"code": code})


# --- Room codes -------------------------------------------------------------------------------


def test_the_room_form(client):
    response = client.get(url("room"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'method="post" action="{url("room")}"' in page and 'name="code"' in page
    assert "The 8 letters and digits the poll's organiser gave you." in text(response)


def test_the_right_code_opens_the_room(client, sign_in, voter, room_poll):
    response = enter(client, room_poll.room_code)
    assert response.status_code == 302 and response["Location"] == url("detail", room_poll)
    assert client.session[SESSION_KEY] == [room_poll.pk]
    page = client.get(url("detail", room_poll)).content.decode()
    assert room_poll.title in page
    sign_in(voter)  # the access belongs to the session, which signing in keeps
    assert client.post(url("cast", room_poll), {"choices": "2"}).status_code == 303  # to the receipt


def test_the_code_may_be_typed_loosely(client, room_poll):
    code = room_poll.room_code
    loose = f" {code[:4].lower()}-{code[4:].lower()} "
    assert enter(client, loose).status_code == 302


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the room code."),
        ("ABC", "A room code has 8 letters and digits."),
        ("ZZZZZZZZ", "No poll has this room code. Check the code with the poll's organiser."),
    ],
)
def test_a_wrong_code_is_a_form_error(client, room_poll, code, message):
    response = enter(client, code)
    assert response.status_code == 400
    page = text(response)
    assert message in page and room_poll.title not in page
    assert SESSION_KEY not in client.session


def test_the_code_of_an_unpublished_poll_opens_nothing(client, make_poll, proposer):
    pending = make_poll(kind="citizen", proposer=proposer, access=Poll.Access.ROOM, publish=False)
    assert enter(client, pending.room_code).status_code == 400


def test_too_many_wrong_codes_make_the_session_wait(client, settings, room_poll, monkeypatch):
    settings.VOTING_ROOM_MAX_ATTEMPTS = 3
    settings.VOTING_ROOM_ATTEMPT_WINDOW = 600
    for _ in range(5):  # malformed codes are refused without a lookup: they do not count
        assert enter(client, "AB").status_code == 400
    for _ in range(3):
        assert enter(client, "ZZZZZZZZ").status_code == 400
    blocked = enter(client, room_poll.room_code)  # even the right code waits
    assert blocked.status_code == 429
    assert "Too many wrong room codes. Try again in 10 minutes." in text(blocked)
    assert SESSION_KEY not in client.session
    # Once the window has passed, the session may try again.
    import voting.views.pages as pages

    later = pages.time.time() + 601
    monkeypatch.setattr(pages.time, "time", lambda: later)
    assert enter(client, room_poll.room_code).status_code == 302


def test_a_room_poll_without_its_code_shows_the_form(client, room_poll):
    response = client.get(url("detail", room_poll))
    assert response.status_code == 403
    assert "This is a private room: enter its room code to vote." in text(response)


# --- On-site QR links ---------------------------------------------------------------------------


def test_the_qr_link_during_the_event_opens_the_poll(client, onsite_poll):
    response = client.get(url("onsite", onsite_poll, onsite_poll.onsite_token))
    assert response.status_code == 302 and response["Location"] == url("detail", onsite_poll)
    assert client.session[SESSION_KEY] == [onsite_poll.pk]
    assert client.get(url("detail", onsite_poll)).status_code == 200


def test_a_wrong_qr_link_is_404(client, onsite_poll, open_poll, make_poll, proposer, now):
    wrong = client.get(url("onsite", onsite_poll, "x" * 43))
    assert wrong.status_code == 404
    assert "This link does not open any on-site poll." in text(wrong)
    assert client.get(url("onsite", open_poll, onsite_poll.onsite_token)).status_code == 404
    pending = make_poll(
        kind="citizen", proposer=proposer, access=Poll.Access.ONSITE, publish=False,
        event_starts_at=now - timedelta(hours=1), event_ends_at=now + timedelta(hours=1),
    )
    assert client.get(url("onsite", pending, pending.onsite_token)).status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(("starts", "ends", "message"), [
    (1, 2, "Voting at this event has not started: it starts at"),
    (-3, -1, "Voting at this event is over: it ended at"),
])
def test_outside_the_event_the_qr_link_says_so(client, onsite_poll, now, starts, ends, message):
    Poll.objects.filter(pk=onsite_poll.pk).update(
        event_starts_at=now + timedelta(hours=starts), event_ends_at=now + timedelta(hours=ends)
    )
    response = client.get(url("onsite", onsite_poll, onsite_poll.onsite_token))
    assert response.status_code == 403
    assert message in text(response)
    assert SESSION_KEY not in client.session


# --- The QR page --------------------------------------------------------------------------------


def test_the_organiser_gets_the_qr_code_of_the_absolute_link(client, sign_in, onsite_poll, proposer):
    response = sign_in(proposer).get(url("qr", onsite_poll))
    assert response.status_code == 200
    page = response.content.decode()
    link = f"http://testserver/en/votes/{onsite_poll.pk}/onsite/{onsite_poll.onsite_token}/"
    assert link in page
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert 'class="voting-qr-code"' in svg and "<path" in svg and "<title>" in svg
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "Scan to vote, from" in page


def test_the_staff_who_run_the_poll_get_the_qr_code_too(client, sign_in, onsite_poll, screener, official):
    assert sign_in(screener).get(url("qr", onsite_poll)).status_code == 200
    # An official of some unit does not run a citizen's poll: no QR code, no way round the event.
    assert sign_in(official).get(url("qr", onsite_poll)).status_code == 403


def test_others_do_not(client, sign_in, onsite_poll, voter, open_poll, make_poll, proposer, now):
    anonymous = client.get(url("qr", onsite_poll))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("citizens:signin"))
    sign_in(voter)
    assert client.get(url("qr", onsite_poll)).status_code == 403
    assert client.get(url("qr", open_poll)).status_code == 404  # not an on-site poll
    pending = make_poll(
        kind="citizen", proposer=proposer, access=Poll.Access.ONSITE, publish=False,
        event_starts_at=now, event_ends_at=now + timedelta(hours=1),
    )
    assert client.get(url("qr", pending)).status_code == 404  # others do not learn it exists
    sign_in(proposer)
    page = client.get(url("qr", pending)).content.decode()
    assert "the QR code works once the city has approved it" in page


def test_the_qr_link_in_korean_has_no_language_prefix(client, sign_in, onsite_poll, proposer):
    sign_in(proposer)
    with translation.override("ko"):
        address = reverse("voting:qr", args=[onsite_poll.pk])
    page = client.get(address).content.decode()
    assert f"http://testserver/votes/{onsite_poll.pk}/onsite/{onsite_poll.onsite_token}/" in page
    assert '<html lang="ko"' in page


def test_the_access_pages_cost_a_fixed_number_of_queries(client, sign_in, onsite_poll, room_poll, proposer, make_poll):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(proposer)
    pages = [url("room"), url("qr", onsite_poll), url("onsite", onsite_poll, onsite_poll.onsite_token)]

    def counts():
        result = []
        for address in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(address).status_code in (200, 302)
            result.append(len(queries))
        return result

    few = counts()
    for number in range(10):
        make_poll(kind="citizen", proposer=proposer, title=f"방 {number}", access=Poll.Access.ROOM)
    assert counts() == few
    assert max(few) <= 4


def test_the_poll_title_in_the_qr_code_is_escaped(client, sign_in, make_poll, proposer, now):
    poll = make_poll(
        kind="citizen", proposer=proposer, access=Poll.Access.ONSITE, title="<script>alert(1)</script>",
        event_starts_at=now, event_ends_at=now + timedelta(hours=1),
    )
    page = sign_in(proposer).get(url("qr", poll)).content.decode()
    assert "<script>alert(1)" not in page
    assert "<title>QR code to vote in &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
