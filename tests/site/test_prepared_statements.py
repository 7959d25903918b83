"""The hot paths' statements (seoul_portal.statements) go through a cursor that binds on the
server: PostgreSQL prepares each of them once per connection, Django's query log still shows
them, and a failed or rolled-back transaction leaves the connection fit for the next one."""

import json
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import LedgerEntry
from seoul_portal.statements import insert_row, statement_cursor, together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:  # Django's own cursor: never prepared itself
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def entry(**fields):
    return LedgerEntry(id=uuid.uuid4(), scope="test:prepared", kind="ballot", commitment="c" * 64, **fields)


def test_a_statement_is_prepared_once_and_logged_every_time():
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            insert_row(entry(receipt_digest=uuid.uuid4().hex * 2))
    inserts = [sql for sql in prepared_statements() if sql.startswith('INSERT INTO "audit_ledgerentry"')]
    assert len(inserts) == 1  # prepared at its first execution, reused after
    logged = [query["sql"] for query in queries.captured_queries]
    assert len(logged) == 3 and all(sql.startswith('INSERT INTO "audit_ledgerentry"') for sql in logged)
    assert LedgerEntry.objects.filter(scope="test:prepared").count() == 3


def test_django_s_own_queries_are_not_prepared():
    list(LedgerEntry.objects.filter(scope="test:nothing"))
    list(LedgerEntry.objects.filter(scope="test:nothing"))
    assert not [sql for sql in prepared_statements() if "audit_ledgerentry" in sql]


def test_a_failed_statement_in_a_pipeline_leaves_the_next_transaction_working():
    digest = uuid.uuid4().hex * 2
    first = insert_row(entry(receipt_digest=digest))
    with pytest.raises(IntegrityError), transaction.atomic(), together():
        insert_row(entry(receipt_digest=uuid.uuid4().hex * 2))
        insert_row(LedgerEntry(id=first.id, scope="x", kind="ballot", commitment="c" * 64, receipt_digest="d" * 64))
    # The rollback emptied psycopg's cache of prepared statements: they are prepared again.
    with transaction.atomic(), together():
        insert_row(entry(receipt_digest=uuid.uuid4().hex * 2))
    assert LedgerEntry.objects.filter(scope="test:prepared").count() == 2


def test_parameters_of_every_type_the_hot_paths_send_are_bound_on_the_server():
    with statement_cursor() as cursor:
        cursor.execute(
            "SELECT %s::int, %s::bigint, %s::text, %s::uuid, %s::date, %s::boolean, %s::jsonb",
            [1, 2**40, "서울", uuid.UUID(int=7), "2026-11-27", True, '["a"]'],
        )
        row = cursor.fetchone()
    assert row[:4] == (1, 2**40, "서울", uuid.UUID(int=7)) and row[5] is True
    assert json.loads(row[6]) == ["a"]  # Django reads jsonb as text and decodes it itself
