"""Writing millions of rows in constant memory: buffered per table, flushed in batches.

PostgreSQL gets COPY (psycopg 3's `cursor.copy()`), any other database an executemany INSERT.
Rows are plain tuples in the order of the fields named when the table is opened; values are
adapted by the model's own fields where the database cannot take them as they are (an encrypted
field encrypts, a datetime becomes SQLite's text), so that nothing bypasses how the models store
their data. `auto_now` and `auto_now_add` are not applied: the seeder sets every time itself.

Tables flush together, in the order they were opened, whenever one buffer is full: open parents
before children and a foreign key always finds its row, even with constraints checked at once.
"""

import logging
import resource
import sys
import time
from collections import Counter

from django.core.management.color import no_style
from django.db import connection, models

from seoul_portal.progress import Progress as Reporter

logger = logging.getLogger(__name__)

# Fields psycopg can COPY as they come (ints, text, datetimes, dates, booleans, UUIDs, None).
_PLAIN_POSTGRES_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.CharField,
    models.SlugField,
    models.TextField,
    models.DateTimeField,
    models.DateField,
    models.BooleanField,
    models.UUIDField,
    models.ForeignKey,
)


class Table:
    """One model's buffer; `add(row)` takes a tuple in the order of `fields`."""

    def __init__(self, loader, model, fields):
        self.loader, self.model = loader, model
        meta = model._meta
        self.fields = [meta.get_field(name) for name in fields]
        self.columns = [field.column for field in self.fields]
        on_postgres = loader.connection.vendor == "postgresql"
        # Positions whose values go through the field (type(...) is exact: a subclass such as an
        # encrypted TextField must not be taken for a plain one).
        self._adapt = [
            (position, field)
            for position, field in enumerate(self.fields)
            if not (on_postgres and type(field) in _PLAIN_POSTGRES_FIELDS)
        ]
        self.rows = []
        self.written = 0

    def add(self, row):
        self.rows.append(row)
        if len(self.rows) >= self.loader.batch_size:
            self.loader.flush()

    def _prepared(self):
        if not self._adapt:
            return self.rows
        connection_ = self.loader.connection
        prepared = []
        for row in self.rows:
            values = list(row)
            for position, field in self._adapt:
                values[position] = field.get_db_prep_save(values[position], connection_)
            prepared.append(values)
        return prepared

    def flush(self):
        if not self.rows:
            return
        connection_ = self.loader.connection
        quote = connection_.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(column) for column in self.columns)
        rows = self._prepared()
        with connection_.cursor() as cursor:
            if connection_.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)  # noqa: S608
        self.written += len(rows)
        self.loader.written[self.model._meta.label] += len(rows)
        self.rows = []


class BulkLoader:
    """The tables of one seeding run; use inside a transaction and call `flush()` at the end."""

    def __init__(self, *, batch_size=5_000, using=None):
        self.connection = connection if using is None else using
        self.batch_size = batch_size
        self.tables: list[Table] = []
        self.written = Counter()

    def table(self, model, fields) -> Table:
        table = Table(self, model, fields)
        self.tables.append(table)
        return table

    def flush(self):
        for table in self.tables:
            table.flush()

    def check_constraints_at_once(self):
        """Foreign keys are DEFERRABLE INITIALLY DEFERRED on PostgreSQL: checked at commit, millions
        of rows would queue millions of trigger events in the server. Check each batch instead."""
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


_SECONDARY_INDEXES = """
SELECT index_class.relname, pg_get_indexdef(ix.indexrelid), owner.conname, pg_get_constraintdef(owner.oid)
FROM pg_index ix
JOIN pg_class index_class ON index_class.oid = ix.indexrelid
LEFT JOIN pg_constraint owner ON owner.conindid = ix.indexrelid AND owner.conrelid = ix.indrelid
WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint ref WHERE ref.contype = 'f' AND ref.conindid = ix.indexrelid)
"""
_FOREIGN_KEYS = """
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'
"""


class deferred_indexes:  # noqa: N801 -- used as a context manager, named like one
    """PostgreSQL's advice for populating a database (manual, "Populating a Database"): drop the
    secondary indexes and foreign keys of the tables being loaded, load, then recreate them from
    their own definitions (pg_get_indexdef, pg_get_constraintdef). Recreating validates every row
    at once (a unique index refuses duplicates, a foreign key refuses orphans), about four times
    faster here than checking row by row. DDL is transactional in PostgreSQL: used inside the
    seeding transaction, a failure rolls the schema back with the data. The tables stay locked
    (ACCESS EXCLUSIVE) until commit: for benchmark databases, not a live site. Elsewhere, a no-op."""

    def __init__(self, *model_list, write=None):
        self.tables = [model._meta.db_table for model in model_list]
        self.write = write
        self.saved = []  # (table, index name, index definition, constraint name, constraint definition)
        self.foreign_keys = []  # (table, name, definition)

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in self.tables:
                cursor.execute(_FOREIGN_KEYS, [table])
                for name, definition in cursor.fetchall():
                    self.foreign_keys.append((table, name, definition))
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                cursor.execute(_SECONDARY_INDEXES, [table])
                for index, index_definition, constraint, constraint_definition in cursor.fetchall():
                    self.saved.append((table, index, index_definition, constraint, constraint_definition))
                    if constraint:
                        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
                    else:
                        cursor.execute(f"DROP INDEX {quote(index)}")
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None or connection.vendor != "postgresql":
            return False  # the transaction rolls back, and the dropped indexes with it
        if self.write:
            self.write(f"Rebuilding {len(self.saved)} indexes and {len(self.foreign_keys)} foreign keys ...")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for table, _index, index_definition, constraint, constraint_definition in self.saved:
                if constraint:
                    cursor.execute(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} {constraint_definition}"
                    )
                else:
                    cursor.execute(index_definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        return False


def next_id(model) -> int:
    """The first free primary key: rows written with explicit ids start here."""
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def reset_sequences(*model_list):
    """After explicit ids, move PostgreSQL's sequences past them (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def tune_session_for_loading():
    """Settings of the current transaction only (SET LOCAL: a pooled connection goes back
    unchanged): its commit need not wait for the disk (a crash could lose it, never half of it)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def vacuum_analyze(*model_list):
    """Give the planner statistics (autovacuum may be off or late) and set the visibility map,
    so that the benchmark measures the plans production would have."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in model_list:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")


def peak_memory_mb() -> float:
    """This process's peak resident memory (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class _LineStream:
    """A stream over a `write(line)` callable (print, a list's append): never a terminal, so
    a reporter writes whole lines to it, each handed over without its newline."""

    def __init__(self, write):
        self.write_line = write

    def write(self, text):
        for line in text.splitlines():
            self.write_line(line)

    def isatty(self):
        return False


class Progress:
    """The seeders' progress, shown by seoul_portal.progress: a bar on a terminal, otherwise a line
    every `every` seconds (done of total, %, rate, time, peak memory, rows so far), and at the end of
    each phase a summary ("seeded 1,000,000 citizens in 41.2 s (24,300/s)").

    A seeder calls `tick(label, done, total, written)` for every row; a new label starts a new
    phase (and closes the one before). `finish()` closes the phase in hand: call it before
    writing anything else, so that a terminal's bar is not continued by another line. Lines go to
    `stream` (a command's self.stdout) when given, else one by one to `write`."""

    def __init__(self, write, *, every=10.0, stream=None, clock=time.monotonic):
        self.stream = stream if stream is not None else _LineStream(write)
        self.every, self.clock = every, clock
        self.started = clock()
        self.phase = None  # the seoul_portal.progress.Progress of the label in hand
        self.written = None

    def elapsed(self) -> float:
        return self.clock() - self.started

    def tick(self, label, done, total, written=None):
        phase = self.phase
        if phase is None or phase.label != label:
            phase = self._start(label, total, written)
        phase.update(done)

    def _start(self, label, total, written):
        self.finish()
        self.written = written
        self.phase = Reporter(
            self.stream, label, total, every=self.every, clock=self.clock, detail=self._detail,
            summary="seeded {done} {label} in {time} ({rate}/s)",
        )  # fmt: skip
        return self.phase

    def _detail(self) -> str:
        rows = f"; rows so far: {sum(self.written.values()):,}" if self.written else ""
        return f"peak memory {peak_memory_mb():.0f} MB{rows}"

    def finish(self):
        if self.phase is not None:
            self.phase.finish()
            self.phase = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is None:
            self.finish()
        elif self.phase is not None:
            self.phase.close()
            self.phase = None
        return False
