"""The poll's ballot snapshot (voting/poll_cache.py) and the ballot's precompiled statements
(seoul_portal/statements.py): ballot_cast checks a snapshot against the row it re-reads behind the
poll's gate, and writes exactly the rows the ORM would."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from audit.models import LedgerEntry
from seoul_portal.statements import fetch_from, insert_row, insert_values, together
from voting.eligibility import why_cannot_vote
from voting.errors import VotingError
from voting.models import Ballot, Participation, Poll
from voting.poll_cache import SNAPSHOT_FIELDS, ballot_poll, forget_ballot_poll
from voting.selectors.polls import ballot_queryset
from voting.services import ballot_cast, poll_close_early
from voting.services.ballots import ALREADY_VOTED_CONSTRAINTS, StalePoll
from voting.services.locks import poll_gate_pass, poll_gate_pass_later

pytestmark = pytest.mark.django_db


def fresh(poll):
    forget_ballot_poll(poll.pk)
    return ballot_poll(poll.pk)


def nothing_written(poll):
    return not Ballot.objects.filter(poll=poll).exists() and not Participation.objects.filter(poll=poll).exists()


def test_a_snapshot_holds_what_a_ballot_reads(make_poll):
    poll = make_poll(audience_districts=["11680", "11110"], audience_min_age=20, question_type="multiple",
                     max_choices=2)  # fmt: skip
    snapshot = fresh(poll)
    assert snapshot.option_positions == (1, 2, 3)
    assert snapshot.district_codes == {"11680", "11110"}
    assert snapshot.values == Poll.objects.values_list(*SNAPSHOT_FIELDS).get(pk=poll.pk)
    assert ballot_poll(poll.pk).cached and ballot_poll(999999) is None


def test_eligibility_reads_only_the_snapshots_fields(make_poll, voter, now):
    """Every field why_cannot_vote reads is in the snapshot: no deferred field is loaded."""
    for poll in (
        make_poll(audience_districts=["11680"], audience_min_age=20, audience_max_age=70),
        make_poll(access=Poll.Access.ROOM, kind="policy"),
        make_poll(
            access=Poll.Access.ONSITE, event_starts_at=now - timedelta(hours=1), event_ends_at=now + timedelta(hours=1)
        ),  # fmt: skip
    ):
        snapshot = fresh(poll)
        with CaptureQueriesContext(connection) as queries:
            why_cannot_vote(snapshot.poll, voter, access_granted=True, district_codes=snapshot.district_codes)
            snapshot.poll.is_ranked, snapshot.poll.ledger_scope  # noqa: B018
        assert queries.captured_queries == []


def test_a_ballot_from_a_snapshot_is_the_ballot_from_the_rows(make_poll, make_citizen):
    poll = make_poll(question_type="ranked", max_choices=2)
    first, second = make_citizen(), make_citizen()
    ballot_cast(citizen=first, poll=ballot_queryset().get(pk=poll.pk), choices=["3", "1"])
    ballot_cast(citizen=second, poll=fresh(poll).poll, choices=["3", "1"], snapshot=fresh(poll))
    ballots = list(Ballot.objects.filter(poll=poll).values_list("choices", "age_band", "district_code", "gender"))
    assert len(ballots) == 2 and ballots[0] == ballots[1]
    assert LedgerEntry.objects.filter(scope=poll.ledger_scope).count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"status": Poll.Status.CLOSED},
        {"hidden_at": "now", "hidden_reason": "사유"},
        {"closes_at": "past"},
        {"audience_max_age": 20},
        {"max_choices": 3},
        {"access": Poll.Access.ROOM, "room_code": "ABCDEFGH"},
        {"created_at": "other"},
    ],
)
def test_a_changed_row_makes_the_snapshot_stale_and_nothing_is_written(make_poll, voter, now, change):
    poll = make_poll(question_type="multiple", max_choices=2)
    snapshot = fresh(poll)
    values = {
        key: {"now": now, "past": now - timedelta(minutes=1), "other": now - timedelta(days=3)}.get(value, value)
        for key, value in change.items()
    }
    if "status" in values:
        values["closed_at"] = now
    if "closes_at" in values:
        values["opens_at"] = now - timedelta(hours=2)
    Poll.objects.filter(pk=poll.pk).update(**values)  # no signal: the cache keeps the old row
    with pytest.raises(StalePoll):
        ballot_cast(citizen=voter, poll=snapshot.poll, choices=["1"], snapshot=snapshot)
    assert nothing_written(poll)


def test_a_close_is_seen_by_a_ballot_from_a_snapshot_taken_before(make_poll, voter, official):
    poll = make_poll()
    snapshot = fresh(poll)
    poll_close_early(actor=official, poll=poll, reason="사유")
    with pytest.raises(StalePoll):
        ballot_cast(citizen=voter, poll=snapshot.poll, choices=["1"], snapshot=snapshot)
    assert nothing_written(poll)


def test_a_snapshot_refuses_like_the_rows(make_poll, make_citizen):
    poll = make_poll(audience_districts=["11110"])
    snapshot = fresh(poll)
    with pytest.raises(VotingError) as refused:
        ballot_cast(citizen=make_citizen(district="11680"), poll=snapshot.poll, choices=["1"], snapshot=snapshot)
    assert refused.value.code == "district"
    with pytest.raises(VotingError) as refused:
        ballot_cast(citizen=make_citizen(district="11110"), poll=snapshot.poll, choices=["7"], snapshot=snapshot)
    assert refused.value.code == "invalid" and refused.value.field == "choices"
    assert nothing_written(poll)


# --- The precompiled statements -------------------------------------------------------------------


def test_insert_row_writes_what_create_writes(make_poll, make_citizen):
    poll = make_poll()
    citizen, other = make_citizen(birth_date=date(1980, 1, 2)), make_citizen()
    with CaptureQueriesContext(connection) as orm:
        Participation.objects.create(poll=poll, citizen=citizen, voted_on=date(2026, 1, 2), voter_key="a" * 64)
    with CaptureQueriesContext(connection) as lean:
        insert_row(Participation(poll=poll, citizen=other, voted_on=date(2026, 1, 2), voter_key="b" * 64))

    def columns(queries):
        sql = next(query["sql"] for query in queries.captured_queries if query["sql"].startswith("INSERT"))
        return sql[: sql.index(" VALUES")]

    assert columns(orm) == columns(lean)
    rows = Participation.objects.filter(poll=poll).order_by("voter_key").values("citizen_id", "voted_on", "mixed")
    assert list(rows) == [
        {"citizen_id": citizen.pk, "voted_on": date(2026, 1, 2), "mixed": False},
        {"citizen_id": other.pk, "voted_on": date(2026, 1, 2), "mixed": False},
    ]


def test_insert_values_writes_what_create_writes_without_an_instance(make_poll, make_citizen):
    poll = make_poll()
    citizen, other = make_citizen(), make_citizen()
    with CaptureQueriesContext(connection) as orm:
        Ballot.objects.create(poll=poll, choices=[2], salt="s" * 32, receipt_digest="a" * 64, gender="female")
    with CaptureQueriesContext(connection) as lean:
        # Every column not given takes its default: the id (uuid4), age band and district (""), mixed.
        assert insert_values(Ballot, poll_id=poll.pk, choices=[2], salt="s" * 32, receipt_digest="b" * 64,
                             gender="female") is None  # fmt: skip

    def insert(queries):
        (sql,) = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("INSERT")]
        return sql[: sql.index(" VALUES")]

    assert insert(orm) == insert(lean)
    rows = Ballot.objects.filter(poll=poll).order_by("receipt_digest")
    assert [(row.choices, row.age_band, row.district_code, row.gender, row.mixed) for row in rows] == [
        ([2], "", "", "female", False), ([2], "", "", "female", False)
    ]
    assert len({row.pk for row in rows}) == 2
    insert_values(Participation, poll_id=poll.pk, citizen_id=citizen.pk, voted_on=date(2026, 1, 2), voter_key=None)
    assert Participation.objects.get(citizen=citizen).voter_key is None
    with pytest.raises(TypeError, match="needs a value for Participation.voted_on"):
        insert_values(Participation, poll_id=poll.pk, citizen_id=other.pk)
    with pytest.raises(TypeError, match="has no column colour"):
        insert_values(Participation, poll_id=poll.pk, citizen_id=other.pk, voted_on=date(2026, 1, 2), colour="red")
    assert not Participation.objects.filter(citizen=other).exists()


def test_nothing_listens_to_the_rows_insert_row_writes():
    """insert_row sends no model signal: it is used only where nobody would hear one."""
    for model in (Participation, Ballot, LedgerEntry):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model)


def test_fetch_from_reads_what_values_list_reads(make_poll):
    polls = [make_poll(audience_min_age=19), make_poll()]
    quote = connection.ops.quote_name
    source = f"{quote(Poll._meta.db_table)} WHERE {quote('id')} IN (%s, %s) ORDER BY {quote('id')}"
    rows = fetch_from(Poll, SNAPSHOT_FIELDS, source, [poll.pk for poll in polls])
    assert rows == list(Poll.objects.filter(pk__in=[poll.pk for poll in polls]).order_by("pk").values_list(*SNAPSHOT_FIELDS))


def test_the_gate_passes_with_the_poll_as_values_list_reads_it(make_poll):
    poll = make_poll()
    with transaction.atomic():
        assert poll_gate_pass(poll.pk, SNAPSHOT_FIELDS) == Poll.objects.values_list(*SNAPSHOT_FIELDS).get(pk=poll.pk)
        assert poll_gate_pass(999999, SNAPSHOT_FIELDS) is None
        assert ballot_poll(poll.pk).values == poll_gate_pass(poll.pk, SNAPSHOT_FIELDS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_gate_is_held_until_commit_so_it_is_passed_in_a_transaction(make_poll):
    with pytest.raises(RuntimeError):
        poll_gate_pass(make_poll().pk, ("status",))


# --- Sent together (seoul_portal.statements.together) ---------------------------------------------


def test_statements_sent_together_write_and_read_as_one_by_one(make_poll, make_citizen):
    poll, citizen = make_poll(), make_citizen()
    with transaction.atomic():
        with together():
            gate = poll_gate_pass_later(poll.pk, SNAPSHOT_FIELDS)
            insert_row(Participation(poll=poll, citizen=citizen, voted_on=date(2026, 1, 2), voter_key="c" * 64))
        assert gate() == Poll.objects.values_list(*SNAPSHOT_FIELDS).get(pk=poll.pk)
    assert Participation.objects.filter(poll=poll, citizen=citizen).count() == 1


def test_a_broken_constraint_sent_together_is_djangos_integrity_error_and_writes_nothing(make_poll, make_citizen):
    from django.db import IntegrityError

    from citizens.services import violated_constraint

    poll, citizen, other = make_poll(), make_citizen(), make_citizen()
    insert_row(Participation(poll=poll, citizen=citizen, voted_on=date(2026, 1, 2), voter_key="d" * 64))
    with pytest.raises(IntegrityError) as raised, transaction.atomic(), together():
        insert_row(Participation(poll=poll, citizen=other, voted_on=date(2026, 1, 2), voter_key="e" * 64))
        insert_row(Participation(poll=poll, citizen=citizen, voted_on=date(2026, 1, 2), voter_key="f" * 64))
    assert violated_constraint(raised.value) in ALREADY_VOTED_CONSTRAINTS
    # The statement before the broken one was rolled back with the transaction.
    assert list(Participation.objects.filter(poll=poll).values_list("citizen_id", flat=True)) == [citizen.pk]


@pytest.mark.postgres
def test_a_ballot_sends_the_gate_and_its_writes_together_gate_first(make_poll, make_citizen, monkeypatch):
    """The gate and the four writes go out in one pipeline (one round trip), the gate first so
    that a close that asks later waits for the ballot."""
    poll, citizen = make_poll(), make_citizen()
    snapshot = fresh(poll)
    connection.ensure_connection()
    pipelines = []
    opened = type(connection.connection).pipeline

    def counted(self):
        pipelines.append(self)
        return opened(self)

    monkeypatch.setattr(type(connection.connection), "pipeline", counted)
    with CaptureQueriesContext(connection) as queries:
        ballot_cast(citizen=citizen, poll=snapshot.poll, choices=["1"], snapshot=snapshot)
    assert len(pipelines) == 1
    # (The test's own transaction turns the ballot's into a savepoint.)
    sent = [query["sql"] for query in queries.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert [sql.split(" ", 1)[0] for sql in sent] == ["SELECT", "INSERT", "INSERT", "INSERT", "INSERT"]
    assert "voting_poll_pass_gate" in sent[0]
    assert Participation.objects.filter(poll=poll, citizen=citizen).exists()


def test_a_ballot_for_a_poll_closed_meanwhile_is_written_and_rolled_back_together(make_poll, make_citizen, official):
    """The writes go out with the gate, before its answer is read: a poll closed before the ballot
    passed the gate refuses it, and the writes leave nothing behind."""
    poll, citizen = make_poll(), make_citizen()
    snapshot = fresh(poll)
    poll_close_early(actor=official, poll=Poll.objects.get(pk=poll.pk), reason="일정 변경")
    with pytest.raises((VotingError, StalePoll)):
        ballot_cast(citizen=citizen, poll=snapshot.poll, choices=["1"], snapshot=snapshot)
    assert nothing_written(poll)
    assert not LedgerEntry.objects.filter(scope=poll.ledger_scope).exists()
