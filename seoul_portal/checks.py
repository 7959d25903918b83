from django.core.checks import Error, register
from django.db import connections


@register("database", deploy=False)
def postgresql_ctype_is_utf8(app_configs=None, databases=None, **kwargs):
    """PostgreSQL's trigram search ignores Korean letters unless LC_CTYPE is UTF-8."""
    errors = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            ctype = cursor.fetchone()[0]
        if not ctype.replace("-", "").lower().endswith("utf8"):
            errors.append(
                Error(
                    f"Database '{connection.settings_dict['NAME']}' has LC_CTYPE {ctype!r}; "
                    "Korean text search needs a UTF-8 ctype.",
                    hint="Create the database with: CREATE DATABASE ... ENCODING 'UTF8' "
                    "LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0;",
                    id="seoul_portal.E001",
                )
            )
    return errors
