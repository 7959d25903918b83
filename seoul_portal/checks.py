from django.core.checks import Error, register
from django.db import connections


def ctype_is_utf8(ctype: str) -> bool:
    return ctype.replace("-", "").lower().endswith("utf8")


def database_ctype(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def ctype_errors(connection):
    """PostgreSQL's trigram search ignores Korean letters unless LC_CTYPE is UTF-8."""
    if connection.vendor != "postgresql":
        return []
    ctype = database_ctype(connection)
    if ctype_is_utf8(ctype):
        return []
    return [
        Error(
            f"Database '{connection.settings_dict['NAME']}' has LC_CTYPE {ctype!r}; "
            "Korean text search needs a UTF-8 ctype.",
            hint="Create the database with: CREATE DATABASE ... ENCODING 'UTF8' "
            "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0;",
            id="seoul_portal.E001",
        )
    ]


@register("database")
def postgresql_ctype_is_utf8(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or []:
        errors.extend(ctype_errors(connections[alias]))
    return errors
