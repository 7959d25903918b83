"""Statements of hot request paths, written by the models' rules but not built anew each time.

A signed-in citizen's request loads the citizen and checks their consents; every ballot executes
the same few statements. Building each one through the ORM's query
machinery (a QuerySet, its Query, a compiler, the SQL text) costs several times what PostgreSQL
spends executing it: on the ballot's path it was most of the request. These helpers issue the very
statements the ORM would, through Django's cursor (its error wrapping, execute_wrappers and
query logging), from SQL text made once per model and column list:

- insert_row(instance): the INSERT that `Model.objects.create(**fields)` issues: every concrete
  column in the model's order, each value from the field's pre_save() (defaults, auto fields) and
  get_db_prep_save() (the backend's adaptation: a UUID as text on SQLite, a list as JSON), and no
  RETURNING clause (these models get their primary key in Python). Model signals are not sent:
  nothing listens to the models it is used for (Participation, Ballot), which tests check.
- insert_values(model, **values): the same INSERT from the column values alone, without building
  the model instance (its __init__ and the pre_init/post_init signals were a good part of a
  ballot's cost): a column not given takes its field's Python default.
- update_values(model, where, **values): the UPDATE that `filter(**where).update(**values)`
  issues for plain values and equality (or IN, for a tuple) conditions; returns the row count.
- fetch_values(build, value): the rows of `build(value)`, a values_list() QuerySet with one
  varying parameter, compiled once per `build` with a stand-in value.
- fetch_from(model, names, source, params): the columns `names` of rows of the model's table that
  `source` yields (a FROM clause the ORM cannot write, e.g. a set-returning function), converted
  as the ORM converts them.
"""

from contextlib import contextmanager
from functools import lru_cache

from django.db import connection
from django.db.models.expressions import DatabaseDefault


def statement_cursor():
    """A cursor for the statements of this module (and the hot paths' few others): on PostgreSQL
    one that binds its parameters on the server, so that psycopg prepares each statement once per
    connection (OPTIONS["prepare_threshold"]) and PostgreSQL neither parses nor plans it again.
    Django's own cursors bind on the client and never prepare: the ORM's ever-changing SQL stays
    out of the connection's cache of prepared statements. Wrapped as connection.cursor() wraps its
    cursors (error translation, execute_wrappers, query logging)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))


@lru_cache(maxsize=1)
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-binding cursor. psycopg records the statement it executes (read by
        Django's query log, connection.queries) only when it is not prepared yet: recorded here
        for a prepared one too, so that the log shows every statement."""

        def _send_query_prepared(self, name, pgq, **kwargs):
            self._query = pgq
            super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor


@lru_cache(maxsize=32)
def _insert_sql(model, vendor) -> tuple[str, tuple]:
    quote = connection.ops.quote_name
    fields = tuple(model._meta.concrete_fields)
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", fields  # noqa: S608  # nosec B608


def insert_row(instance):
    """INSERT `instance` (a new row of a model whose primary key is set in Python); returns it."""
    sql, fields = _insert_sql(type(instance), connection.vendor)
    values = []
    for field in fields:
        value = field.pre_save(instance, True)
        if isinstance(value, DatabaseDefault):  # a db_default column: the ORM's own INSERT knows it
            raise TypeError(f"insert_row() does not write database defaults ({field.name}).")
        values.append(field.get_db_prep_save(value, connection))
    with statement_cursor() as cursor:
        cursor.execute(sql, values)
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def insert_values(model, **values):
    """insert_row() of `model(**values)` without building the instance: each value by the field's
    attname (citizen_id, not citizen), a column not given from its field's default (a callable
    default called, as Model.__init__ calls it). Nothing is returned: no instance was made."""
    sql, fields = _insert_sql(model, connection.vendor)
    params = []
    for field in fields:
        if field.attname in values:
            value = values.pop(field.attname)
        elif field.has_default():
            value = field.get_default()
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise TypeError(f"insert_values() does not set {field.name}: give its value.")
        elif field.null:
            value = None
        else:
            raise TypeError(f"insert_values() needs a value for {model.__name__}.{field.attname}.")
        params.append(field.get_db_prep_save(value, connection))
    if values:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(values))}.")
    with statement_cursor() as cursor:
        cursor.execute(sql, params)


@lru_cache(maxsize=64)
def _update_sql(model, vendor, names: tuple, conditions: tuple) -> tuple[str, tuple, tuple]:
    quote = connection.ops.quote_name
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    where_fields = tuple(meta.get_field(name) for name, _size in conditions)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    tests = " AND ".join(
        f"{quote(field.column)} = %s" if size is None else f"{quote(field.column)} IN ({', '.join(['%s'] * size)})"
        for field, (_name, size) in zip(where_fields, conditions, strict=True)
    )
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {tests}", fields, where_fields  # noqa: S608  # nosec B608


def update_values(model, where: dict, **values) -> int:
    """UPDATE the rows of `model` that match `where` (a column equal to its value, or IN the values
    of a tuple) with `values` (by attname; each adapted by its field as the ORM adapts it). The SQL
    is made once per shape and prepared once per connection. Returns how many rows changed."""
    names = tuple(values)
    conditions = tuple((name, len(value) if isinstance(value, tuple) else None) for name, value in where.items())
    sql, fields, where_fields = _update_sql(model, connection.vendor, names, conditions)
    params = [field.get_db_prep_save(values[name], connection) for field, name in zip(fields, names, strict=True)]
    for field, value in zip(where_fields, where.values(), strict=True):
        for item in value if isinstance(value, tuple) else (value,):
            params.append(field.get_db_prep_value(item, connection, prepared=False))
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@lru_cache(maxsize=32)
def _select_from(model, names: tuple, source: str, vendor) -> tuple[str, tuple, tuple]:
    quote = connection.ops.quote_name
    table = model._meta.db_table
    columns = tuple(model._meta.get_field(name).get_col(table) for name in names)
    selected = ", ".join(f"{quote(table)}.{quote(column.target.column)}" for column in columns)
    converters = tuple(
        tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection)) for column in columns
    )
    return f"SELECT {selected} FROM {source}", columns, converters  # noqa: S608 -- names from the model  # nosec B608


def fetch_from(model, names: tuple, source: str, params) -> list[tuple]:
    """The rows of `SELECT <the columns of names> FROM <source>`: `names` are attnames of `model`,
    `source` a FROM clause (and what follows it) whose rows are the model's table's, named as the
    table (e.g. `some_function(%s) AS "app_model"`), with `params` for its placeholders. The values
    come through the converters values_list() would apply."""
    return fetch_from_later(model, names, source, params)()


def fetch_from_later(model, names: tuple, source: str, params):
    """fetch_from() in two steps: the statement is executed now, and the function it returns
    reads the rows, e.g. after the end of a `together()` block, whose statements go out with it."""
    sql, columns, converters = _select_from(model, tuple(names), source, connection.vendor)
    cursor = statement_cursor()
    try:
        cursor.execute(sql, params)
    except BaseException:
        cursor.close()
        raise

    def rows() -> list[tuple]:
        try:
            return _converted(cursor.fetchall(), columns, converters)
        finally:
            cursor.close()

    return rows


def _converted(rows, columns, converters) -> list[tuple]:
    result = []
    for row in rows:
        values = list(row)
        for index, column in enumerate(columns):
            for converter in converters[index]:
                values[index] = converter(values[index], column, connection)
        result.append(tuple(values))
    return result


@contextmanager
def together():
    """Send the statements executed in the block to PostgreSQL together, and wait for their
    results once, when the block ends (psycopg's pipeline mode): a ballot's writes cost one round
    trip instead of one each. Only in a transaction (the block's statements then succeed or fail
    together with it). An error of any of them is raised when the block ends, as Django's own
    exception (an IntegrityError for a broken constraint), and the statements after it are not
    executed. Rows read in the block are read after it (fetch_from_later). Elsewhere (SQLite, or
    outside a transaction) the statements run one by one, as without the block."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


_STAND_IN = -7_364_190_253  # no real parameter has this value


@lru_cache(maxsize=32)
def _values(build, vendor) -> tuple[str, tuple, tuple, tuple]:
    query = build(_STAND_IN).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    slots = tuple(index for index, param in enumerate(params) if param == _STAND_IN)
    if len(slots) != 1:
        raise ValueError("fetch_values() needs a query with exactly one varying parameter.")
    expressions = [column for column, _sql, _alias in compiler.select]
    converters = compiler.get_converters(expressions)
    return sql, tuple(params), slots, tuple(sorted(converters.items()))


def fetch_values(build, value) -> list[tuple]:
    """The rows of `build(value)` (a values_list() QuerySet in which `value` is the only varying
    parameter), from SQL compiled once per `build`."""
    sql, params, slots, converters = _values(build, connection.vendor)
    params = list(params)
    params[slots[0]] = value
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not converters:
        return [tuple(row) for row in rows]
    result = []
    for row in rows:
        row = list(row)
        for index, (functions, expression) in converters:
            for function in functions:
                row[index] = function(row[index], expression, connection)
        result.append(tuple(row))
    return result
