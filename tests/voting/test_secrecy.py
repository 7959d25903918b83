"""Nobody can join who voted (Participation) to what was voted (Ballot): no key, no time, no order.

The model tests pin the fields exactly: a field added to Ballot, Participation or LedgerEntry
fails here and must be argued for against the secrecy promise. The page tests check that what
a receipt unlocks says nothing about the choices.
"""

import csv
import io
import logging
import re
import uuid
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.urls import reverse
from django.utils import timezone, translation

from audit import ledger
from audit.models import AuditEvent, LedgerBlock, LedgerEntry
from notifications.models import Notification
from voting.models import Ballot, Participation, Poll, RankingCount, TallyCount
from voting.services import ballot_cast

SECRET_MODELS = (Ballot, Participation)


def concrete_fields(model):
    return {field.name: field for field in model._meta.concrete_fields}


# --- The models ------------------------------------------------------------------------------------


def test_a_ballot_holds_its_poll_choices_snapshot_and_receipt_digest_and_nothing_else():
    assert set(concrete_fields(Ballot)) == {
        "id", "poll", "choices", "age_band", "district_code", "gender", "salt", "receipt_digest", "mixed",
    }


def test_a_ballot_has_no_link_to_a_citizen_or_a_participation():
    relations = [field for field in Ballot._meta.get_fields() if field.is_relation]
    assert [(field.name, field.related_model) for field in relations] == [("poll", Poll)]


def test_no_model_points_at_a_ballot_or_a_participation():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created:
                assert field.related_model not in SECRET_MODELS, f"{model._meta.label}.{field.name} links a vote"


def test_a_ballot_has_no_time_and_a_random_id():
    for field in Ballot._meta.concrete_fields:
        assert not isinstance(field, (models.DateField, models.TimeField, models.DurationField)), field.name
        assert not isinstance(field, AutoFieldMixin), field.name
        assert not getattr(field, "auto_now", False) and not getattr(field, "auto_now_add", False)
    assert isinstance(Ballot._meta.pk, models.UUIDField) and Ballot._meta.pk.default is uuid.uuid4


def test_a_participation_keeps_the_date_only_and_a_random_id():
    fields = concrete_fields(Participation)
    # voter_key: a keyed hash of poll and phone (one phone, one vote); mixed: the mixer's mark.
    assert set(fields) == {"id", "poll", "citizen", "voted_on", "voter_key", "mixed"}
    assert type(fields["voted_on"]) is models.DateField  # a DateTimeField is a DateField too: not allowed
    assert isinstance(Participation._meta.pk, models.UUIDField) and Participation._meta.pk.default is uuid.uuid4


@pytest.mark.django_db
def test_the_database_tables_have_no_time_columns_either():
    """What the migration created, not only what the models say."""
    reverse_types = connection.introspection.data_types_reverse
    for model, allowed_date in ((Ballot, set()), (Participation, {"voted_on"}), (LedgerEntry, set())):
        with connection.cursor() as cursor:
            description = connection.introspection.get_table_description(cursor, model._meta.db_table)
        for column in description:
            try:
                kind = reverse_types[column.type_code]
            except KeyError:  # SQLite reports declared types by name
                kind = str(column.type_code)
            kind = kind if isinstance(kind, str) else kind[0]
            if column.name in allowed_date:
                assert kind in {"DateField", "date"}, (model, column.name, kind)
            else:
                assert not re.search(r"date|time|interval|serial", kind, re.IGNORECASE), (model, column.name, kind)


def test_a_ledger_entry_names_no_citizen_and_carries_no_time():
    assert set(concrete_fields(LedgerEntry)) == {"id", "scope", "kind", "commitment", "receipt_digest", "block"}
    assert isinstance(LedgerEntry._meta.pk, models.UUIDField)
    # The block's date is the only time: a day, shared by every entry sealed into it.
    assert type(concrete_fields(LedgerBlock)["sealed_on"]) is models.DateField


def test_counters_name_no_citizen():
    for model in (TallyCount, RankingCount):
        related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
        assert related == {Poll}, model


def test_ballots_are_listed_by_their_random_id():
    assert Ballot._meta.ordering == ["id"]
    sql = str(Ballot.objects.all().query)
    assert "ORDER BY" in sql and '"id"' in sql.split("ORDER BY", 1)[1]


def test_neither_the_ballots_nor_the_participations_are_in_the_admin():
    registered = set(admin.site._registry)
    assert not registered & set(SECRET_MODELS)
    for model_admin in admin.site._registry.values():
        for inline in getattr(model_admin, "inlines", []):
            assert inline.model not in SECRET_MODELS, f"{model_admin} shows {inline.model} inline"


# --- What casting leaves behind -----------------------------------------------------------------------


@pytest.mark.django_db
def test_casting_orders_nothing_by_time(open_poll, make_citizen):
    """Twenty ballots in a known order: the ballots' own order does not give it back."""
    receipts = [
        ballot_cast(citizen=make_citizen(), poll=open_poll, choices=[i % 3 + 1]).receipt for i in range(20)
    ]
    cast_order = {ledger.receipt_digest(receipt): index for index, receipt in enumerate(receipts)}
    listed = [cast_order[digest] for digest in Ballot.objects.values_list("receipt_digest", flat=True)]
    assert sorted(listed) == list(range(20))
    assert listed != sorted(listed)  # 1 in 20! that a random order is the casting order
    assert all(uuid.UUID(str(pk)).version == 4 for pk in Ballot.objects.values_list("id", flat=True))
    assert all(uuid.UUID(str(pk)).version == 4 for pk in Participation.objects.values_list("id", flat=True))
    assert set(Participation.objects.values_list("voted_on", flat=True)) == {timezone.localdate()}


@pytest.mark.django_db
def test_a_ballot_writes_no_audit_event_no_notification_and_no_log_line_with_the_receipt(open_poll, voter, caplog):
    caplog.set_level(logging.DEBUG)
    events, notices = AuditEvent.objects.count(), Notification.objects.count()
    cast = ballot_cast(citizen=voter, poll=open_poll, choices=["2"])
    assert AuditEvent.objects.count() == events
    assert Notification.objects.count() == notices
    assert all(cast.receipt not in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_neither_row_keeps_the_receipt_itself(open_poll, voter):
    cast = ballot_cast(citizen=voter, poll=open_poll, choices=["2"])
    plain = cast.receipt.replace("-", "")
    for model in (Ballot, Participation, LedgerEntry):
        for row in model.objects.values():
            assert all(plain not in str(value) and cast.receipt not in str(value) for value in row.values())


# --- Pages that take a receipt --------------------------------------------------------------------------


def _main_content(html: str, receipts) -> str:
    """The page's main content with what differs on every request blanked: the receipt, tokens, numbers."""
    html = html.split('id="main-content"', 1)[-1].split("</main>", 1)[0]
    for receipt in receipts:
        html = html.replace(receipt, "RECEIPT")
    html = re.sub(r'(value|nonce)="[^"]+"', "", html)
    html = re.sub(r"\b[0-9a-f]{8,64}\b", "HASH", html)  # receipt digests and block hashes
    return re.sub(r"\d+", "N", html)


@pytest.mark.django_db
def test_the_verify_page_answers_alike_whatever_the_receipt_voted_for(client, open_poll, make_citizen):
    """Two receipts for different options get the same page, apart from the receipt itself."""
    first = ballot_cast(citizen=make_citizen(), poll=open_poll, choices=["1"]).receipt
    second = ballot_cast(citizen=make_citizen(), poll=open_poll, choices=["3"]).receipt
    with translation.override("en"):
        url = reverse("voting:verify", args=[open_poll.pk])
    pages = [client.post(url, {"receipt": receipt}) for receipt in (first, second)]

    assert [page.status_code for page in pages] == [200, 200]
    html = [page.content.decode() for page in pages]
    assert all("Your ballot is counted in this poll's results." in page for page in html)
    assert _main_content(html[0], [first, second]) == _main_content(html[1], [first, second])
    for option in open_poll.options.all():
        assert option.label not in html[0]


@pytest.mark.django_db
def test_the_csv_holds_counts_only_and_no_small_group(client, open_poll, make_citizen, settings):
    settings.VOTING_BREAKDOWN_MIN_CELL = 5
    receipts = [
        ballot_cast(citizen=make_citizen(district="11680"), poll=open_poll, choices=[i % 2 + 1]).receipt
        for i in range(6)
    ]
    # One voter alone in their district and age band: a row of them would show how they voted.
    lone = make_citizen(district="11110", birth_date=date(1940, 1, 1), gender="male")
    receipts.append(ballot_cast(citizen=lone, poll=open_poll, choices=["3"]).receipt)

    with translation.override("en"):
        response = client.get(reverse("voting:results_csv", args=[open_poll.pk]))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    for ballot in Ballot.objects.all():
        assert str(ballot.id) not in text and ballot.receipt_digest not in text and ballot.salt not in text
    assert all(receipt not in text for receipt in receipts)
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        if row["section"] in {"age", "district", "gender"} and row["option"] == "ballots":
            assert int(row["count"]) >= 5, row
    assert not any(row["group"] == "11110" for row in rows)
