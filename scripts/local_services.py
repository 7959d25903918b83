"""The local services `make test` runs on.

    local_services.py database|redis   print the URL of a local service that answers (or nothing)
    local_services.py ensure-database  create the database DATABASE_URL names, if the server lacks it

`make test` runs on PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432,
otherwise on SQLite (PostgreSQL-only tests are then skipped with their reason). On a fresh
machine that database does not exist yet: `ensure-database` creates it, so that the checks run
before the suite (makemigrations --check reads its migration history) find it instead of
waiting for it.
"""

import os
import socket
import sys
from urllib.parse import urlsplit, urlunsplit

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
    """Create the database `url` names when its PostgreSQL server has none of that name; any
    failure (another engine, no server, no right to create) is left for Django to report."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name:
        return
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        return
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=3) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error:
        return


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "ensure-database":
        ensure_database(os.environ.get("DATABASE_URL", ""))
    else:
        port, url = SERVICES[command]
        if answers(port):
            print(url)
