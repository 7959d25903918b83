"""Append-only in the database itself (PostgreSQL): triggers refuse what the models refuse.

- audit events and ledger blocks: no UPDATE, no DELETE;
- audit event IPs: no UPDATE (DELETE is how retention destroys them);
- ledger entries: no DELETE, and the only UPDATE is sealing (block NULL → a block, nothing
  else changed).

TRUNCATE is left alone: the test runner empties tables with it between transactional tests,
and only the table owner can run it. SQLite (embedded mode) relies on the model guards, since
its test runner empties tables with DELETE.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING HINT = 'Audit and ledger rows are never changed or deleted.';
END
$$;

CREATE OR REPLACE FUNCTION audit_ledger_entry_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.block_id IS NULL AND NEW.block_id IS NOT NULL
       AND (to_jsonb(NEW) - 'block_id') = (to_jsonb(OLD) - 'block_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING HINT = 'A ledger entry is only ever sealed once into a block.';
END
$$;
"""

# (model, trigger name, events, function)
TRIGGERS = [
    ("AuditEvent", "audit_event_append_only", "UPDATE OR DELETE", "audit_refuse_change"),
    ("AuditEventIP", "audit_event_ip_no_update", "UPDATE", "audit_refuse_change"),
    ("LedgerBlock", "ledger_block_append_only", "UPDATE OR DELETE", "audit_refuse_change"),
    ("LedgerEntry", "ledger_entry_no_delete", "DELETE", "audit_refuse_change"),
    ("LedgerEntry", "ledger_entry_seal_only", "UPDATE", "audit_ledger_entry_seal_only"),
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the functions' RAISE format strings use %, which is not a query placeholder here.
    schema_editor.execute(FUNCTIONS, params=None)
    for model_name, trigger, events, function in TRIGGERS:
        table = schema_editor.quote_name(apps.get_model("audit", model_name)._meta.db_table)
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(
            f"CREATE TRIGGER {trigger} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, trigger, _events, _function in TRIGGERS:
        table = schema_editor.quote_name(apps.get_model("audit", model_name)._meta.db_table)
        # nosemgrep: raw-sql-built-by-string-formatting -- only names from the models or this module are formatted in; values are parameters
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_ledger_entry_seal_only()")
    schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
