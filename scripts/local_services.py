"""Print the URL of a local service that answers, for `make test`: `database` or `redis`.

`make test` runs on PostgreSQL when DATABASE_URL is set or a server answers on 127.0.0.1:5432,
otherwise on SQLite (PostgreSQL-only tests are then skipped with their reason).
"""

import socket
import sys

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


if __name__ == "__main__":
    port, url = SERVICES[sys.argv[1]]
    if answers(port):
        print(url)
