"""Print the URL of a local service that answers, for `make test`: `database` or `redis`.

`make test` runs on PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432,
otherwise on SQLite (PostgreSQL-only tests are then skipped with their reason). On a fresh
machine the local database does not exist yet: it is created, so that the checks run before the
suite (makemigrations --check reads its migration history) find it instead of waiting for it.
"""

import socket
import sys
from urllib.parse import urlsplit

SERVICES = {
    "database": (5432, "postgres://postgres@127.0.0.1:5432/seoul_portal"),
    "redis": (6379, "redis://127.0.0.1:6379/1"),
}


def answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def ensure_database(url):
    """Create the database `url` names when the server has none of that name; any failure is left
    for Django to report with its own message."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        return
    name = urlsplit(url).path.lstrip("/")
    maintenance = url[: -len(name)] + "postgres"
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error:
        return


if __name__ == "__main__":
    service = sys.argv[1]
    port, url = SERVICES[service]
    if answers(port):
        if service == "database":
            ensure_database(url)
        print(url)
