import uuid

import pytest
from django.db import connection, models

from audit import ledger, recounts
from audit.services import ledger_append
from citizens.models import Citizen


@pytest.fixture
def citizen(db):
    return Citizen.objects.create_user(phone="+821022223333")


@pytest.fixture
def official(db):
    return Citizen.objects.create_superuser(email="auditor@seoul.example", password=None)


@pytest.fixture
def append(db):
    """Append one entry as a channel would; returns (entry, receipt, salt, content)."""

    def make(scope="sample.poll:12", kind="ballot", content=None):
        salt, receipt = ledger.new_salt(), ledger.new_receipt()
        content = content if content is not None else {"choice": 1}
        entry = ledger_append(
            scope=scope, kind=kind, commitment=ledger.ledger_commitment(salt=salt, content=content), receipt=receipt
        )
        return entry, receipt, salt, content

    return make


@pytest.fixture
def sealed(append, django_capture_on_commit_callbacks):
    """Append entries and seal them right after the (simulated) commit, as in embedded mode."""

    def make(count=1, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            made = [append(**kwargs) for _ in range(count)]
        return made

    return make


@pytest.fixture
def raw_sql():
    """Run SQL as someone with direct database access would, around the append-only triggers.

    On PostgreSQL the table's triggers are disabled for the statement; ALTER TABLE is
    transactional, so the test's rollback restores them. SQLite has no triggers to pass.
    """

    def run(table, sql, params=()):
        # UUIDs as the backend stores them (SQLite: 32 hex characters).
        params = [
            models.UUIDField().get_db_prep_value(param, connection) if isinstance(param, uuid.UUID) else param
            for param in params
        ]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # ALTER TABLE refuses while deferred foreign-key checks of this transaction are
                # queued on the table: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            rowcount = cursor.rowcount
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return rowcount

    return run


@pytest.fixture
def recount_registry():
    """Register recounts for one test only."""
    saved = dict(recounts._recounts)
    recounts._recounts.clear()
    yield recounts.register_recount
    recounts._recounts.clear()
    recounts._recounts.update(saved)
