"""Racing writes against each other on PostgreSQL: many threads released at once, a thread held
at one point of its transaction, and the wait for another session to queue on a lock. Shared by
the channels' race tests (a ballot, a budget ballot)."""

import threading
import time
from contextlib import contextmanager

from django.db import connection

# More connections than the default pool of 10, so that the writes really overlap in the
# database; well under PostgreSQL's default max_connections of 100.
RACE_POOL_SIZE = 30


@contextmanager
def widened_pool(size=RACE_POOL_SIZE):
    """The connection pool, made wide enough for the race, restored afterwards."""
    options = connection.settings_dict["OPTIONS"]
    saved = options.get("pool")
    if not saved:
        yield
        return
    connection.close()
    connection.close_pool()
    options["pool"] = {**saved, "max_size": size, "timeout": 120}
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        options["pool"] = saved


def run_at_once(calls, *, refusals, timeout=300):
    """Run every call in its own thread, released together; returns (results, errors) in order.

    A call's result is its return value, or the exception of `refusals` (the domain's refusal)
    it raised; any other exception is an error (surfaced by the test's assertions)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except refusals as error:
            results[index] = error
        except Exception as error:  # noqa: BLE001 -- reported by the assertion on errors
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.1, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "some writes never finished (a deadlock?)"
    return results, errors


def wait_for_lock_waiters(count=1, timeout=15):
    """Block until `count` other sessions of this database wait on a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"no session started waiting on a lock within {timeout}s")


class Pause:
    """Hold the thread named `name` at one point of its transaction until released."""

    def __init__(self, name):
        self.name = name
        self.reached = threading.Event()
        self.release = threading.Event()

    def wrap(self, function):
        def paused(*args, **kwargs):
            result = function(*args, **kwargs)
            if threading.current_thread().name == self.name:
                self.reached.set()
                assert self.release.wait(timeout=60), "the test never released the paused transaction"
            return result

        return paused


def start(name, call, outcome, *, refusals):
    """Run `call` in a thread named `name`; its result (or refusal, or ("error", exception)) lands
    in outcome[name]."""

    def run():
        try:
            outcome[name] = call()
        except refusals as error:
            outcome[name] = error
        except Exception as error:  # noqa: BLE001 -- the test asserts on the outcome
            outcome[name] = ("error", error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread
