"""Casting a ballot from the page: the receipt shown once, every refusal with its status and
message and nothing written, the sign-in and onboarding detours, htmx and plain POSTs, CSRF, and
the few queries the view issues."""

import logging
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import ledger
from audit.models import LedgerEntry
from citizens.models import Consent
from voting.models import Ballot, Participation, Poll, TallyCount
from voting.services import ballot_cast, poll_close_early, poll_hide
from voting.tallies import tally_sums

from .conftest import HTMX, text, url

pytestmark = pytest.mark.django_db

RECEIPT_RE = re.compile(r"<code>([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})</code>")


def cast(client, poll, data, **extra):
    return client.post(url("cast", poll), data, **extra)


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
        response = cast(client, open_poll, {"choices": "2"})
    assert response.status_code == 200
    page = response.content.decode()
    receipt = RECEIPT_RE.search(page).group(1)
    assert "Your vote is counted" in page and "This receipt is shown only this once." in page
    assert "반대" not in page  # what was chosen is not on the page a screenshot could prove it with
    assert "no-store" in response["Cache-Control"]
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
    assert receipt.replace("-", "") not in caplog.text and receipt not in caplog.text
    assert receipt not in str(dict(client.session))
    # Shown once: the poll's page afterwards says that the citizen voted, without the receipt.
    later = client.get(url("detail", open_poll)).content.decode()
    assert receipt not in later and "You voted in this poll on" in later


def test_a_multiple_choice_ballot(client, sign_in, voter, make_poll):
    poll = make_poll(question_type="multiple", max_choices=2)
    response = cast(sign_in(voter), poll, {"choices": ["3", "1"]})
    assert response.status_code == 200
    assert Ballot.objects.get(poll=poll).choices == [3, 1]


def test_a_ranked_ballot_without_javascript(client, sign_in, voter, ranked_poll):
    response = cast(sign_in(voter), ranked_poll, {"rank_1": "4", "rank_2": "2", "rank_3": "", "rank_4": ""})
    assert response.status_code == 200
    assert Ballot.objects.get(poll=ranked_poll).choices == [4, 2]


def test_the_form_as_the_page_renders_it_posts_with_csrf(voter, ranked_poll):
    """A browser without JavaScript: the page's own form, CSRF enforced."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(voter, backend="citizens.backends.StaffEmailBackend")
    page = browser.get(url("detail", ranked_poll)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    names = set(re.findall(r'<select name="(rank_\d+)"', page))
    assert names == {"rank_1", "rank_2", "rank_3", "rank_4"}
    response = browser.post(url("cast", ranked_poll), {"csrfmiddlewaretoken": token, "rank_1": "3", "rank_2": "1"})
    assert response.status_code == 200 and "Your vote is counted" in response.content.decode()
    assert Ballot.objects.get(poll=ranked_poll).choices == [3, 1]


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
    assert cast(client, room_poll, {"choices": "1"}).status_code == 200


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
    assert cast(client, onsite_poll, {"choices": "1"}).status_code == 200


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


def test_htmx_gets_the_receipt_page_to_swap_in(client, sign_in, voter, open_poll):
    response = cast(sign_in(voter), open_poll, {"choices": "1"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="main-content"' in page and RECEIPT_RE.search(page)
    assert "HX-Refresh" not in response


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
            assert cast(client, poll, data).status_code == 200
        return [query["sql"] for query in queries.captured_queries]

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
    few, many = count(small, data), count(large, data)
    assert len(few) == len(many)
    # Before the ballot's transaction: the citizen, their consents, the poll, its options, its districts.
    before = many[: next(index for index, sql in enumerate(many) if sql.startswith("SAVEPOINT"))]
    assert len(before) == 5, before
    assert all(sql.startswith("SELECT") and "voting_ballot" not in sql for sql in before)
    assert len(many) <= 15, many


def test_staff_see_a_private_room_but_vote_in_it_only_with_its_code(client, sign_in, screener, room_poll):
    """Officials may look at every poll they run; their ballot counts like anyone's: with the code."""
    sign_in(screener)
    assert client.get(url("detail", room_poll)).status_code == 200
    response = cast(client, room_poll, {"choices": "1"})
    assert response.status_code == 403
    assert "enter its room code" in text(response)
    assert nothing_written(room_poll)
    grant(client, room_poll)
    assert cast(client, room_poll, {"choices": "1"}).status_code == 200
