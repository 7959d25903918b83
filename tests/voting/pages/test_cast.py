"""Casting a ballot from the page: the 303 to the receipt page (the receipt in a signed cookie, shown
once), every refusal with its status and message and nothing written, the sign-in and onboarding
detours, htmx and plain POSTs, CSRF, the few queries the view issues, and the poll's cached
snapshot (voting/poll_cache.py), which never changes a ballot's outcome."""

import logging
import re
from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import ledger
from audit.models import AuditEvent, LedgerEntry
from citizens.models import Consent
from voting.models import Ballot, Participation, Poll, TallyCount
from voting.poll_cache import ballot_poll, forget_ballot_poll
from voting.services import ballot_cast, poll_close_early, poll_hide, poll_unhide
from voting.tallies import tally_sums
from voting.views.pages import RECEIPT_COOKIE

from .conftest import HTMX, text, url

pytestmark = pytest.mark.django_db

RECEIPT_RE = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})</code>")


def cast(client, poll, data, **extra):
    return client.post(url("cast", poll), data, **extra)


def cast_ok(client, poll, data, **extra):
    """A ballot accepted: 303 to the poll's receipt page, the receipt in its cookie."""
    response = cast(client, poll, data, **extra)
    assert response.status_code == 303, response.content.decode()[:500]
    assert response["Location"] == url("receipt_page", poll)
    assert RECEIPT_COOKIE in response.cookies
    return response


def cast_and_follow(client, poll, data, **extra):
    """What the browser does: the POST, then the GET of the receipt page (the cookie goes along)."""
    response = cast_ok(client, poll, data, **extra)
    page = client.get(response["Location"], **extra)
    assert page.status_code == 200
    return response, page


def cache_values() -> list:
    """Every value in the cache (Redis: each key read back; in-process memory: its dict)."""
    if hasattr(cache, "keys"):  # django-redis
        return [cache.get(key) for key in cache.keys("*")]
    return [cache.get(key.split(":", 2)[-1]) for key in list(getattr(cache, "_cache", {}))]


def nothing_written(poll):
    return (
        not Participation.objects.filter(poll=poll).exists()
        and not Ballot.objects.filter(poll=poll).exists()
        and not TallyCount.objects.filter(poll=poll, count__gt=0).exists()
        and not LedgerEntry.objects.filter(scope=poll.ledger_scope).exists()
    )


def grant(client, poll):
    session = client.session
    session["voting_access"] = [poll.pk]
    session.save()


# --- Success --------------------------------------------------------------------------------


def test_a_single_choice_ballot_shows_the_receipt_once(client, sign_in, voter, open_poll, caplog):
    sign_in(voter)
    with caplog.at_level(logging.DEBUG):
        response, receipt_page = cast_and_follow(client, open_poll, {"choices": "2"})
    assert "no-store" in response["Cache-Control"] and response.content == b""
    page = receipt_page.content.decode()
    receipt = RECEIPT_RE.search(page).group(1)
    assert "Your vote is counted" in page and "This receipt is shown only this once." in page
    assert open_poll.title in page
    assert "반대" not in page  # what was chosen is not on the page a screenshot could prove it with
    assert "no-store" in receipt_page["Cache-Control"]
    # The receipt is the one in the ledger, the ballot holds the choice, nothing links the two rows.
    ballot = Ballot.objects.get(poll=open_poll)
    assert ballot.choices == [2] and ballot.receipt_digest == ledger.receipt_digest(receipt)
    assert LedgerEntry.objects.filter(receipt_digest=ballot.receipt_digest, scope=open_poll.ledger_scope).exists()
    assert Participation.objects.filter(poll=open_poll, citizen=voter).exists()
    assert tally_sums(open_poll.pk)[(2, "", "")] == 1
    # Download it by POST, check it on the verify page; the receipt is in no URL and no log line.
    assert f'<input type="hidden" name="receipt" value="{receipt}">' in page
    assert f'action="{url("receipt", open_poll)}"' in page and url("verify", open_poll) in page
    assert receipt not in " ".join(re.findall(r'(?:href|action|hx-\w+)="([^"]*)"', page))
    assert receipt not in response["Location"] and receipt not in receipt_page.request["PATH_INFO"]
    assert receipt.replace("-", "") not in caplog.text and receipt not in caplog.text
    # Shown once: the page deleted its cookie; the poll's page says that the citizen voted, without it.
    assert receipt_page.cookies[RECEIPT_COOKIE].value == "" and receipt_page.cookies[RECEIPT_COOKIE]["max-age"] == 0
    again = client.get(url("receipt_page", open_poll))
    assert again.status_code == 200 and receipt not in again.content.decode()
    later = client.get(url("detail", open_poll)).content.decode()
    assert receipt not in later and "You voted in this poll on" in later


def test_the_receipt_cookie_is_signed_short_lived_and_only_for_the_receipt_page(client, sign_in, voter, open_poll):
    response = cast_ok(sign_in(voter), open_poll, {"choices": "1"})
    cookie = response.cookies[RECEIPT_COOKIE]
    assert cookie["httponly"] is True and cookie["samesite"] == "Strict"
    assert cookie["path"] == url("receipt_page", open_poll)  # not sent to any other page
    assert cookie["max-age"] == 600 and not cookie["secure"]  # plain HTTP here; Secure over HTTPS
    # Signed: the receipt is in it, and a changed value or a cookie of another poll shows nothing.
    receipt = ledger.normalize_receipt(cookie.value.split(":")[0])
    assert ledger.receipt_digest(receipt) == Ballot.objects.get(poll=open_poll).receipt_digest
    forged = Client()
    forged.cookies[RECEIPT_COOKIE] = cookie.value.replace(receipt[:4], "ZZZZ" if receipt[:4] != "ZZZZ" else "YYYY", 1)
    page = forged.get(url("receipt_page", open_poll))
    assert page.status_code == 200 and "A receipt is shown only once" in page.content.decode()
    assert not RECEIPT_RE.search(page.content.decode())


def test_over_https_the_receipt_cookie_is_secure(client, sign_in, voter, open_poll, settings):
    settings.SECURE_SSL_REDIRECT = False
    response = sign_in(voter).post(url("cast", open_poll), {"choices": "1"}, secure=True)
    assert response.status_code == 303 and response.cookies[RECEIPT_COOKIE]["secure"] is True


def test_a_receipt_cookie_of_another_poll_shows_nothing(client, sign_in, voter, open_poll, make_poll):
    other = make_poll(title="다른 투표")
    cookie = cast_ok(sign_in(voter), other, {"choices": "1"}).cookies[RECEIPT_COOKIE]
    stranger = Client()
    stranger.cookies[RECEIPT_COOKIE] = cookie.value  # its salt names the other poll
    page = stranger.get(url("receipt_page", open_poll)).content.decode()
    assert "A receipt is shown only once" in page and not RECEIPT_RE.search(page)


def test_without_the_cookie_the_receipt_page_explains_and_links_the_check(client, open_poll, room_poll):
    response = client.get(url("receipt_page", open_poll))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = text(response)
    assert "A receipt is shown only once" in page and "cannot be shown again" in page
    assert url("verify", open_poll) in page and url("detail", open_poll) in page
    assert not RECEIPT_RE.search(page) and open_poll.title not in page
    # A private room's title is not given away either; an unknown poll is 404; GET only.
    assert room_poll.title not in text(client.get(url("receipt_page", room_poll)))
    assert client.get(reverse("voting:receipt_page", args=[999999])).status_code == 404
    assert client.post(url("receipt_page", open_poll)).status_code == 405


def test_the_receipt_is_kept_nowhere_on_the_server(client, sign_in, voter, open_poll, caplog):
    """Not in the session, the database (only its digest), the cache, a log line or a URL."""
    sign_in(voter)
    with caplog.at_level(logging.DEBUG):
        response, page = cast_and_follow(client, open_poll, {"choices": "3"})
    receipt = RECEIPT_RE.search(page.content.decode()).group(1)
    bare = receipt.replace("-", "")
    assert receipt not in str(dict(client.session)) and bare not in str(dict(client.session))
    for session in Session.objects.all():
        assert bare not in str(session.get_decoded()) and receipt not in str(session.get_decoded())
    stored = [repr(value) for value in cache_values()]
    assert not [value for value in stored if receipt in value or bare in value]
    for model in (Ballot, Participation, LedgerEntry, AuditEvent):
        for row in model.objects.values():
            assert receipt not in repr(row) and bare not in repr(row)
    assert receipt not in caplog.text and bare not in caplog.text
    assert receipt not in response["Location"]


def test_a_multiple_choice_ballot(client, sign_in, voter, make_poll):
    poll = make_poll(question_type="multiple", max_choices=2)
    cast_ok(sign_in(voter), poll, {"choices": ["3", "1"]})
    assert Ballot.objects.get(poll=poll).choices == [3, 1]


def test_a_ranked_ballot_without_javascript(client, sign_in, voter, ranked_poll):
    cast_ok(sign_in(voter), ranked_poll, {"rank_1": "4", "rank_2": "2", "rank_3": "", "rank_4": ""})
    assert Ballot.objects.get(poll=ranked_poll).choices == [4, 2]


def test_the_form_as_the_page_renders_it_posts_with_csrf(voter, ranked_poll):
    """A browser without JavaScript: the page's own form, CSRF enforced, the redirect followed."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(voter, backend="citizens.backends.StaffEmailBackend")
    page = browser.get(url("detail", ranked_poll)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    names = set(re.findall(r'<select name="(rank_\d+)"', page))
    assert names == {"rank_1", "rank_2", "rank_3", "rank_4"}
    data = {"csrfmiddlewaretoken": token, "rank_1": "3", "rank_2": "1"}
    response = browser.post(url("cast", ranked_poll), data, follow=True)
    assert response.redirect_chain == [(url("receipt_page", ranked_poll), 303)]
    assert response.status_code == 200 and "Your vote is counted" in response.content.decode()
    receipt = RECEIPT_RE.search(response.content.decode()).group(1)
    assert Ballot.objects.get(poll=ranked_poll).choices == [3, 1]
    # The receipt page's download form carries its own CSRF token.
    download = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    text_file = browser.post(url("receipt", ranked_poll), {"csrfmiddlewaretoken": download, "receipt": receipt})
    assert text_file.status_code == 200 and f"Receipt: {receipt}" in text_file.content.decode()


def test_without_the_csrf_token_nothing_is_cast(voter, open_poll):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(voter, backend="citizens.backends.StaffEmailBackend")
    assert browser.post(url("cast", open_poll), {"choices": "1"}).status_code == 403
    assert nothing_written(open_poll)


def test_cast_answers_post_only(client, sign_in, voter, open_poll):
    assert sign_in(voter).get(url("cast", open_poll)).status_code == 405


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        ("single", {}, "Choose an option."),
        ("single", {"choices": ""}, "Choose an option."),
        ("single", {"choices": ["1", "2"]}, "Choose exactly one option."),
        ("single", {"choices": "9"}, "The form was changed: an option it sent does not exist."),
        ("single", {"choices": "abc"}, "The form was changed: an option it sent does not exist."),
        ("single", {"choices": "-1"}, "The form was changed: an option it sent does not exist."),
        ("multiple", {"choices": ["1", "2", "3"]}, "You can choose at most 2 options."),
        ("multiple", {"choices": ["1", "1"]}, "Each option can be picked only once."),
        ("ranked", {}, "Rank at least one option."),
        ("ranked", {"rank_1": "", "rank_2": "2"}, "Fill the ranks in order: rank 1 is empty."),
        ("ranked", {"rank_1": "1", "rank_2": "", "rank_3": "3"}, "Fill the ranks in order: rank 2 is empty."),
        ("ranked", {"rank_1": "2", "rank_2": "2"}, "Each option can be picked only once."),
        ("ranked", {"rank_1": "1", "rank_5": "2"}, "The form was changed: an option it sent does not exist."),
        ("ranked", {"rank_1": "7"}, "The form was changed: an option it sent does not exist."),
    ],
)
def test_invalid_choices_are_400_and_write_nothing(client, sign_in, voter, make_poll, question, data, message):
    poll = {
        "single": lambda: make_poll(),
        "multiple": lambda: make_poll(question_type="multiple", max_choices=2),
        "ranked": lambda: make_poll(question_type="ranked", max_choices=3),
    }[question]()
    response = cast(sign_in(voter), poll, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert url("cast", poll) in page  # the form is there to try again
    assert nothing_written(poll)


def test_a_refused_ranked_ballot_keeps_the_ranks_chosen(client, sign_in, voter, ranked_poll):
    page = cast(sign_in(voter), ranked_poll, {"rank_1": "3", "rank_2": "3"}).content.decode()
    for rank in ("rank_1", "rank_2"):
        select = page[page.index(f'<select name="{rank}"') :]
        select = select[: select.index("</select>")]
        assert '<option value="3" selected>' in select


def test_a_refused_multiple_ballot_keeps_the_ticks(client, sign_in, voter, make_poll):
    poll = make_poll(question_type="multiple", max_choices=1)
    page = cast(sign_in(voter), poll, {"choices": ["1", "3"]}).content.decode()
    assert 'value="1" id="vote-option-1" checked' in page and 'value="3" id="vote-option-3" checked' in page
    assert 'value="2" id="vote-option-2" checked' not in page


def test_a_second_vote_is_409_and_changes_nothing(client, sign_in, voter, open_poll):
    ballot_cast(citizen=voter, poll=open_poll, choices=[1])
    response = cast(sign_in(voter), open_poll, {"choices": "2"})
    assert response.status_code == 409
    assert "You have already voted in this poll. A vote cannot be changed." in response.content.decode()
    assert list(Ballot.objects.filter(poll=open_poll).values_list("choices", flat=True)) == [[1]]
    assert LedgerEntry.objects.filter(scope=open_poll.ledger_scope).count() == 1
    assert tally_sums(open_poll.pk)[(0, "", "")] == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("closed", "Voting has closed."),
        ("upcoming", "Voting has not opened yet."),
        ("past_closing", "Voting has closed."),
        ("district", "This poll is only for residents of the districts it targets."),
        ("age", "This poll is only for the age range it targets."),
        ("unverified", "Only citizens with a verified phone number can vote."),
    ],
)
def test_ineligible_ballots_are_403_and_write_nothing(client, sign_in, participant, make_poll, official, now, case,
                                                      message):
    born = date(1950, 1, 1) if case == "age" else date(1990, 5, 1)
    citizen = participant(verified=case != "unverified", birth_date=born)
    if case == "closed":
        poll = poll_close_early(actor=official, poll=make_poll(), reason="사유")
    elif case == "upcoming":
        poll = make_poll(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    elif case == "past_closing":
        poll = make_poll(closes_at=now + timedelta(days=1))
        Poll.objects.filter(pk=poll.pk).update(closes_at=now - timedelta(minutes=1), opens_at=now - timedelta(days=1))
    elif case == "district":
        poll = make_poll(audience_districts=["11110"])
    elif case == "age":
        poll = make_poll(audience_max_age=60)
    else:
        poll = make_poll()
    response = cast(sign_in(citizen), poll, {"choices": "1"})
    assert response.status_code == 403
    assert message in response.content.decode()
    assert nothing_written(poll)


def test_a_private_room_refuses_a_ballot_without_its_code(client, sign_in, voter, room_poll):
    response = cast(sign_in(voter), room_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "enter its room code" in response.content.decode()
    assert room_poll.title not in response.content.decode()
    assert nothing_written(room_poll)
    grant(client, room_poll)
    cast_ok(client, room_poll, {"choices": "1"})


def test_an_onsite_ballot_needs_the_qr_and_the_event_window(client, sign_in, voter, onsite_poll, now):
    sign_in(voter)
    assert cast(client, onsite_poll, {"choices": "1"}).status_code == 403
    grant(client, onsite_poll)
    Poll.objects.filter(pk=onsite_poll.pk).update(event_ends_at=now - timedelta(minutes=1),
                                                  event_starts_at=now - timedelta(hours=2))
    response = cast(client, onsite_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "The event's voting time is over or has not started." in text(response)
    assert nothing_written(onsite_poll)
    Poll.objects.filter(pk=onsite_poll.pk).update(event_ends_at=now + timedelta(hours=1))
    cast_ok(client, onsite_poll, {"choices": "1"})


def test_a_hidden_poll_refuses_ballots(client, sign_in, voter, open_poll, official):
    poll_hide(actor=official, poll=open_poll, reason="사유")
    response = cast(sign_in(voter), open_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "This poll has been hidden by the city." in response.content.decode()
    assert nothing_written(open_poll)


def test_an_unpublished_or_unknown_poll_is_404(client, sign_in, voter, make_poll, proposer):
    pending = make_poll(kind="citizen", proposer=proposer, publish=False)
    sign_in(voter)
    assert cast(client, pending, {"choices": "1"}).status_code == 404
    assert client.post(reverse("voting:cast", args=[999999]), {"choices": "1"}).status_code == 404
    sign_in(proposer)  # the proposer sees it, but cannot vote before it is published
    response = cast(client, pending, {"choices": "1"})
    assert response.status_code == 403 and "This poll has not been published." in response.content.decode()
    assert nothing_written(pending)


# --- Sign-in and onboarding -------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in_and_back_to_the_poll(client, open_poll):
    response = cast(client, open_poll, {"choices": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('citizens:signin')}?next=/en/votes/{open_poll.pk}/"
    htmx = cast(client, open_poll, {"choices": "1"}, **HTMX)
    assert htmx["HX-Redirect"] == response["Location"]
    assert nothing_written(open_poll)


def test_a_citizen_without_consent_is_sent_to_the_consent_step(client, sign_in, voter, open_poll):
    Consent.objects.filter(citizen=voter).delete()
    response = cast(sign_in(voter), open_poll, {"choices": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('citizens:consent')}?next=%2Fen%2Fvotes%2F{open_poll.pk}%2F"
    assert nothing_written(open_poll)


# --- htmx -----------------------------------------------------------------------------------


def test_htmx_follows_the_redirect_and_swaps_in_the_receipt_page(client, sign_in, voter, open_poll):
    """htmx's request follows the 303 as the browser's would (the cookie along) and swaps the
    receipt page's main content in."""
    response, page = cast_and_follow(sign_in(voter), open_poll, {"choices": "1"}, **HTMX)
    assert "HX-Refresh" not in response and "HX-Refresh" not in page
    html_page = page.content.decode()
    assert 'id="main-content"' in html_page and RECEIPT_RE.search(html_page)


def test_htmx_swaps_400_and_409_and_reloads_on_403(client, sign_in, voter, make_poll, official):
    poll = make_poll()
    sign_in(voter)
    bad = cast(client, poll, {"choices": "9"}, **HTMX)
    assert bad.status_code == 400 and "HX-Refresh" not in bad
    ballot_cast(citizen=voter, poll=poll, choices=[1])
    again = cast(client, poll, {"choices": "1"}, **HTMX)
    assert again.status_code == 409 and "HX-Refresh" not in again
    closed = poll_close_early(actor=official, poll=make_poll(), reason="사유")
    late = cast(client, closed, {"choices": "1"}, **HTMX)
    assert late.status_code == 403 and late["HX-Refresh"] == "true"


def test_htmx_reloads_a_withheld_poll(client, sign_in, voter, room_poll):
    response = cast(sign_in(voter), room_poll, {"choices": "1"}, **HTMX)
    assert response.status_code == 403 and response["HX-Refresh"] == "true"


def test_the_vote_form_disables_its_button_while_sending(client, sign_in, voter, open_poll):
    page = sign_in(voter).get(url("detail", open_poll)).content.decode()
    form = page[page.index('<form method="post" action="' + url("cast", open_poll)) :]
    form = form[: form.index(">")]
    assert 'hx-disabled-elt="find button[type=\'submit\']"' in form
    assert 'hx-select="#main-content"' in form


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["single", "ranked"])
def test_the_cast_view_issues_few_queries_whatever_the_poll_holds(client, sign_in, participant, make_poll,
                                                                  make_citizen, question):
    def count(poll, data):
        citizen = participant()
        sign_in(citizen)
        with CaptureQueriesContext(connection) as queries:
            cast_ok(client, poll, data)
        return [query["sql"] for query in queries.captured_queries]

    def before_the_ballot(queries):
        return queries[: next(index for index, sql in enumerate(queries) if sql.startswith("SAVEPOINT"))]

    if question == "single":
        small = make_poll(options=[{"label": "예"}, {"label": "아니오"}])
        large = make_poll(options=[{"label": f"선택지 {n}"} for n in range(10)], audience_districts=["11680", "11110"])
        data = {"choices": "1"}
    else:
        small = make_poll(question_type="ranked", max_choices=2, options=[{"label": "가"}, {"label": "나"}])
        large = make_poll(question_type="ranked", max_choices=10, options=[{"label": f"선택지 {n}"} for n in range(10)])
        data = {"rank_1": "2", "rank_2": "1"}
    for _ in range(10):
        ballot_cast(citizen=make_citizen(), poll=large, choices=[2, 1] if question == "ranked" else [1])
    for poll in (small, large):
        forget_ballot_poll(poll.pk)
    # The first ballot reads the poll: the citizen with their consents (one statement), the poll,
    # its options, its districts.
    few, many = count(small, data), count(large, data)
    assert len(few) == len(many)
    before = before_the_ballot(many)
    assert len(before) == 4, before
    assert all(sql.startswith("SELECT") and "voting_ballot" not in sql for sql in before)
    assert len(many) <= 15, many
    # The next ones take the poll from the cache: the citizen and their consents only; in the
    # ballot's transaction the poll's gate and its row, re-read to check the snapshot, as before.
    warm = count(large, data)
    assert len(before_the_ballot(warm)) == 1 and len(warm) == len(many) - 3
    assert sum("voting_poll" in sql for sql in warm) == 1


def test_staff_see_a_private_room_but_vote_in_it_only_with_its_code(client, sign_in, screener, room_poll):
    """Officials may look at every poll they run; their ballot counts like anyone's: with the code."""
    sign_in(screener)
    assert client.get(url("detail", room_poll)).status_code == 200
    response = cast(client, room_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "enter its room code" in text(response)
    assert nothing_written(room_poll)
    grant(client, room_poll)
    cast_ok(client, room_poll, {"choices": "1"})


# --- The poll's cached snapshot -----------------------------------------------------------------
#
# The cast view reads the poll through voting.poll_cache. Whatever the cache holds, a ballot is
# accepted or refused exactly as on the database's rows: a poll hidden or closed refuses the next
# ballot at once, even with a warm cache.


def warm(poll):
    forget_ballot_poll(poll.pk)
    snapshot = ballot_poll(poll.pk)
    assert snapshot is not None and not snapshot.cached
    assert ballot_poll(poll.pk).cached
    return snapshot


def test_a_hidden_poll_refuses_ballots_at_once_with_a_warm_cache(client, sign_in, voter, participant, open_poll,
                                                                 official):
    cast_ok(sign_in(participant()), open_poll, {"choices": "1"})  # the cache holds the open poll
    assert ballot_poll(open_poll.pk).cached
    poll_hide(actor=official, poll=open_poll, reason="사유")
    response = cast(sign_in(voter), open_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "This poll has been hidden by the city." in text(response)
    assert not Participation.objects.filter(poll=open_poll, citizen=voter).exists()
    assert Ballot.objects.filter(poll=open_poll).count() == 1
    poll_unhide(actor=official, poll=Poll.objects.get(pk=open_poll.pk))
    cast_ok(client, open_poll, {"choices": "2"})


def test_a_closed_poll_refuses_ballots_at_once_with_a_warm_cache(client, sign_in, voter, open_poll, official):
    warm(open_poll)
    poll_close_early(actor=official, poll=open_poll, reason="사유")
    response = cast(sign_in(voter), open_poll, {"choices": "1"})
    assert response.status_code == 403 and "Voting has closed." in text(response)
    assert nothing_written(open_poll)


def test_every_change_of_a_poll_forgets_its_snapshot(open_poll, official):
    for change in (
        lambda poll: poll.save(update_fields=["updated_at"]),
        lambda poll: poll.audience_districts.add("11110"),
        lambda poll: poll.options.first().save(),
        lambda poll: poll_hide(actor=official, poll=poll, reason="사유"),
        lambda poll: poll_unhide(actor=official, poll=poll),
        lambda poll: poll_close_early(actor=official, poll=poll, reason="사유"),
    ):
        warm(open_poll)
        change(Poll.objects.get(pk=open_poll.pk))
        assert not ballot_poll(open_poll.pk).cached


def test_a_change_the_signals_do_not_see_is_caught_in_the_ballots_transaction(client, sign_in, voter, open_poll,
                                                                              now):
    """A queryset update() sends no signal: the cache keeps the open poll, and ballot_cast, which
    re-reads the row behind the poll's gate, refuses the stale snapshot; the view decides again."""
    warm(open_poll)
    Poll.objects.filter(pk=open_poll.pk).update(status=Poll.Status.CLOSED, closed_at=now)
    assert ballot_poll(open_poll.pk).cached and ballot_poll(open_poll.pk).poll.status == Poll.Status.OPEN
    response = cast(sign_in(voter), open_poll, {"choices": "1"})
    assert response.status_code == 403 and "Voting has closed." in text(response)
    assert nothing_written(open_poll)
    assert not ballot_poll(open_poll.pk).cached  # forgotten, then read again


def test_a_snapshot_of_another_row_never_decides(client, sign_in, voter, make_poll, open_poll):
    """Whatever sits in the cache under the poll's id (another row, say after a restore), the
    ballot is checked against the database's: refused choices and refusals are decided again."""
    other = make_poll(question_type="multiple", max_choices=3, options=[{"label": f"{n}"} for n in range(5)])
    warm(other)
    from voting import poll_cache

    row = cache.get(poll_cache._key(other.pk), version=poll_cache.KEY_VERSION)
    poll_cache._local.clear()
    cache.set(poll_cache._key(open_poll.pk), {**row, "id": open_poll.pk}, 30, version=poll_cache.KEY_VERSION)
    sign_in(voter)
    # Option 5 exists in the other poll only; two picks are allowed there only.
    assert cast(client, open_poll, {"choices": "5"}).status_code == 400
    assert cast(client, open_poll, {"choices": ["1", "2"]}).status_code == 400
    assert nothing_written(open_poll)
    cache.set(poll_cache._key(open_poll.pk), {**row, "id": open_poll.pk}, 30, version=poll_cache.KEY_VERSION)
    poll_cache._local.clear()
    cast_ok(client, open_poll, {"choices": "2"})
    assert Ballot.objects.get(poll=open_poll).choices == [2]


def test_the_snapshot_holds_no_personal_data(open_poll):
    from voting import poll_cache

    warm(open_poll)
    row = cache.get(poll_cache._key(open_poll.pk), version=poll_cache.KEY_VERSION)
    assert set(row) == {*poll_cache.SNAPSHOT_FIELDS, "option_positions", "district_codes"}
    assert row["option_positions"] == (1, 2, 3)


def test_the_receipt_page_costs_the_same_whatever_the_poll_holds(client, sign_in, participant, make_poll, make_citizen):
    def count(poll):
        sign_in(participant())
        cast_ok(client, poll, {"choices": "1"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("receipt_page", poll)).status_code == 200
        return len(queries.captured_queries)

    small = make_poll(options=[{"label": "예"}, {"label": "아니오"}])
    large = make_poll(options=[{"label": f"선택지 {n}"} for n in range(10)], audience_districts=["11680", "11110"])
    for _ in range(10):
        ballot_cast(citizen=make_citizen(), poll=large, choices=[1])
    assert count(small) == count(large)
