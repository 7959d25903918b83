"""The subject and text of a notification are encrypted in the database."""

import importlib

import pytest
from django.db import connection

from citizens import registry
from citizens.models import Citizen
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db

migration = importlib.import_module("notifications.migrations.0002_encrypt_text_valid_until")


def raw_text(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject, body FROM notifications_notification WHERE id = %s", [pk])
        return cursor.fetchone()


def test_a_pending_sign_in_code_is_not_readable_in_the_database():
    registry.send_code(phone="+821012345678", code="482913", language="ko", reference="r1")
    row = Notification.objects.get()

    subject, body = raw_text(row.pk)

    assert "482913" in row.body  # the worker reads it back
    assert "482913" not in body and body != row.body


def test_an_email_subject_is_encrypted_too(make_citizen, greeting, greeting_context):
    citizen = make_citizen(notify_by=Citizen.NotifyBy.EMAIL, email="a@example.com")
    (row,) = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")

    subject, body = raw_text(row.pk)

    assert row.subject.startswith("[ko] R&D")
    assert "R&D" not in subject and "R&D" not in body


class _SchemaEditor:
    connection = connection


def test_the_migration_encrypts_text_written_before_it_and_decrypts_it_back(make_citizen, greeting,
                                                                           greeting_context):
    (row,) = notify(recipient=make_citizen(), kind="test_greeting", context=greeting_context, key="k")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE notifications_notification SET body = %s WHERE id = %s", ["plain 482913", row.pk])

    migration.encrypt_existing_text(None, _SchemaEditor())
    encrypted = raw_text(row.pk)[1]
    migration.encrypt_existing_text(None, _SchemaEditor())  # a second run leaves it alone

    assert "482913" not in encrypted and raw_text(row.pk)[1] == encrypted
    assert Notification.objects.get(pk=row.pk).body == "plain 482913"
    migration.decrypt_existing_text(None, _SchemaEditor())
    assert raw_text(row.pk)[1] == "plain 482913"
