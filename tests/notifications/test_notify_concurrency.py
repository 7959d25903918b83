import threading

import pytest
from django.db import connection, transaction

from notifications.models import Notification
from notifications.services import notify

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_calls_with_one_key_write_one_row(make_citizen, greeting, greeting_context):
    """The second transaction waits on the unique index, then finds the first one's row: it
    writes nothing and raises nothing."""
    citizen = make_citizen()
    first_inserted, first_may_commit = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                results["first"] = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
                first_inserted.set()
                first_may_commit.wait(timeout=10)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            first_inserted.set()
            connection.close()

    def second():
        try:
            with transaction.atomic():
                results["second"] = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_inserted.wait(timeout=10)
    threads[1].start()
    threads[1].join(timeout=0.5)
    assert threads[1].is_alive()  # blocked on the first transaction's key
    first_may_commit.set()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert len(results["first"]) == 1 and results["second"] == []
    assert Notification.objects.filter(key="k").count() == 1
