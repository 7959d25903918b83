"""Rotating the keys of personal data at rest: `manage.py rotate_personal_data_keys`."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from citizens import services
from citizens.models import Citizen, email_blind_index, phone_blind_index
from notifications.models import Contact, Notification
from notifications.services import contact_for_phone

pytestmark = pytest.mark.django_db

E164 = "+821055551234"
OTHER = "+821066667777"
EMAIL = "rotation.person@example.com"


@pytest.fixture
def keys(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [first]
    settings.BLIND_INDEX_KEY = "blind-index-key-one"
    settings.BLIND_INDEX_PREVIOUS_KEYS = []
    return first, second


COLUMNS = {
    ("citizens_citizen", "phone"): "SELECT phone FROM citizens_citizen WHERE id = %s",
    ("citizens_citizen", "phone_index"): "SELECT phone_index FROM citizens_citizen WHERE id = %s",
    ("citizens_citizen", "email_index"): "SELECT email_index FROM citizens_citizen WHERE id = %s",
}


def raw(table, column, pk):
    """The column as stored, past the ORM (which would decrypt it)."""
    with connection.cursor() as cursor:
        cursor.execute(COLUMNS[table, column], [pk])
        return cursor.fetchone()[0]


def rotate(*args):
    out = StringIO()
    call_command("rotate_personal_data_keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def make_rows():
    citizen = Citizen.objects.create_user(phone=E164, email=EMAIL)
    contact = contact_for_phone(OTHER, language="ko")
    notification = Notification.objects.create(
        key="rotation-test", kind="test", channel="sms", contact=contact, language="ko", subject="s", body="body text"
    )
    return citizen, contact, notification


def test_field_key_rotation_rewrites_every_encrypted_column_under_the_new_key(settings, keys):
    old, new = keys
    citizen, contact, notification = make_rows()
    before = raw("citizens_citizen", "phone", citizen.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    output = rotate("--only", "encryption")
    assert "re-encrypted citizens.Citizen.phone: 1" in output
    assert "re-encrypted citizens.Citizen.email: 1" in output
    assert "re-encrypted notifications.Contact.phone: 1" in output
    assert "re-encrypted notifications.Notification.body: 1" in output
    assert raw("citizens_citizen", "phone", citizen.pk) != before

    # The old key removed: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Citizen.objects.get(pk=citizen.pk).phone == E164
    assert Citizen.objects.get(pk=citizen.pk).email == EMAIL
    assert Contact.objects.get(pk=contact.pk).phone == OTHER
    assert Notification.objects.get(pk=notification.pk).body == "body text"
    # Under the old key alone, it no longer does: the rows really moved.
    settings.FIELD_ENCRYPTION_KEYS = [old]
    with pytest.raises(ImproperlyConfigured):
        Citizen.objects.get(pk=citizen.pk).phone  # noqa: B018 (the read decrypts)


def test_field_key_rotation_is_idempotent_and_resumes(settings, keys, monkeypatch):
    from citizens import key_rotation

    old, new = keys
    first = Citizen.objects.create_user(phone=E164)
    second = Citizen.objects.create_user(phone=OTHER)
    written = {pk: raw("citizens_citizen", "phone", pk) for pk in (first.pk, second.pk)}
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    # A run killed after its first batch (of one row): the first row moved, the second not.
    every_batch = key_rotation._batches
    monkeypatch.setattr(key_rotation, "_batches", lambda *args: iter([next(every_batch(*args))]))
    key_rotation.reencrypt_model(Citizen, batch_size=1)
    monkeypatch.setattr(key_rotation, "_batches", every_batch)
    moved = raw("citizens_citizen", "phone", first.pk)
    assert moved != written[first.pk]
    assert raw("citizens_citizen", "phone", second.pk) == written[second.pk]

    # Run again: the rest is done, what was done is not rewritten.
    assert "re-encrypted citizens.Citizen.phone: 1" in rotate("--only", "encryption", "--batch-size", "1")
    assert raw("citizens_citizen", "phone", first.pk) == moved
    assert raw("citizens_citizen", "phone", second.pk) != written[second.pk]
    # And once more: nothing left.
    assert "re-encrypted citizens.Citizen.phone: 0" in rotate("--only", "encryption")
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert sorted(Citizen.objects.values_list("phone", flat=True)) == sorted([E164, OTHER])


def test_blind_index_rotation_keeps_lookups_working_during_and_after(settings, keys, django_capture_on_commit_callbacks):
    citizen = Citizen.objects.create_user(phone=E164, email=EMAIL)
    contact = contact_for_phone(OTHER, language="ko")
    old_index = raw("citizens_citizen", "phone_index", citizen.pk)

    # Step 1 of the README: the new key in, the old one among the previous keys.
    settings.BLIND_INDEX_KEY = "blind-index-key-two"
    settings.BLIND_INDEX_PREVIOUS_KEYS = ["blind-index-key-one"]
    assert phone_blind_index(E164) != old_index
    # Rows not re-indexed yet are still found, by every lookup the site makes.
    assert Citizen.objects.get_by_phone(E164) == citizen
    assert Citizen.objects.get_by_email(EMAIL.upper()) == citizen
    signed_in, created = services.citizen_sign_in_by_phone(phone=E164)
    assert signed_in == citizen and not created
    assert contact_for_phone(OTHER, language="en").pk == contact.pk
    assert Contact.objects.count() == 1
    # A verified phone still belongs to one account while the rows hold old indexes.
    assert services.citizen_sign_in_by_phone(phone=E164)[0] == citizen
    assert Citizen.objects.count() == 1

    # Step 2: the command recomputes every index under the new key.
    output = rotate("--only", "blind-index")
    assert "re-indexed citizens.Citizen.phone_index: 1" in output
    assert "re-indexed citizens.Citizen.email_index: 1" in output
    assert "re-indexed notifications.Contact.phone_index: 1" in output
    assert raw("citizens_citizen", "phone_index", citizen.pk) == phone_blind_index(E164)
    assert raw("citizens_citizen", "email_index", citizen.pk) == email_blind_index(EMAIL)
    assert "re-indexed citizens.Citizen.phone_index: 0" in rotate("--only", "blind-index")

    # Step 3: the old key removed; lookups work under the new key alone.
    settings.BLIND_INDEX_PREVIOUS_KEYS = []
    assert Citizen.objects.get_by_phone(E164) == citizen
    assert Citizen.objects.get_by_email(EMAIL) == citizen
    assert contact_for_phone(OTHER, language="ko").pk == contact.pk
    # And the uniqueness of a verified phone holds under the new index.
    duplicate = Citizen(language="ko")
    duplicate.set_phone(E164)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_without_the_previous_key_old_rows_are_not_found(settings, keys):
    """The reason for BLIND_INDEX_PREVIOUS_KEYS: changing the key alone loses every account."""
    Citizen.objects.create_user(phone=E164)
    settings.BLIND_INDEX_KEY = "blind-index-key-two"
    assert not Citizen.objects.filter(phone_index=phone_blind_index(E164)).exists()
    settings.BLIND_INDEX_PREVIOUS_KEYS = ["blind-index-key-one"]
    assert Citizen.objects.filter(phone_index=phone_blind_index(E164)).exists()
