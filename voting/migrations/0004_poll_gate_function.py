"""The poll's gate and the re-read of its row in one statement (voting/services/locks.py).

A ballot passes the gate (a shared advisory lock) and then reads the poll, to see a close or hide
that committed while it waited. Two statements would cost two round trips on every ballot; one
statement would not do: under READ COMMITTED a statement reads the snapshot taken when it began,
before the lock was granted. A VOLATILE PL/pgSQL function takes a fresh snapshot for each query it
runs, so its SELECT, run after its lock, sees what committed meanwhile. It returns the table's own
row type, which follows the table as later migrations change it. SQLite has no gate (one writer at
a time): nothing to create there.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION voting_poll_pass_gate(gate_class integer, gate_key integer, poll_id bigint)
RETURNS SETOF voting_poll
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(gate_class, gate_key);
    RETURN QUERY SELECT * FROM voting_poll WHERE id = poll_id;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS voting_poll_pass_gate(integer, integer, bigint)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("voting", "0003_participation_phone_key_and_mixing")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
