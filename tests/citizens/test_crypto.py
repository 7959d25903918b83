import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from citizens import crypto
from citizens.models import Citizen, phone_blind_index


def test_encryption_round_trip_and_differs_each_time():
    first, second = crypto.encrypt("+821012345678"), crypto.encrypt("+821012345678")
    assert first != second
    assert crypto.decrypt(first) == crypto.decrypt(second) == "+821012345678"


def test_keys_rotate_old_values_still_read(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("secret@example.com")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token) == "secret@example.com"
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_blind_index_is_keyed_and_separate_per_purpose(settings):
    settings.BLIND_INDEX_KEY = "one-key"
    first = crypto.blind_index("+821012345678", purpose="phone")
    assert first == phone_blind_index("+821012345678")
    assert first != crypto.blind_index("+821012345678", purpose="email")
    settings.BLIND_INDEX_KEY = "another-key"
    assert crypto.blind_index("+821012345678", purpose="phone") != first


@pytest.mark.django_db
def test_a_verified_phone_belongs_to_one_account():
    from django.db import IntegrityError, transaction

    first = Citizen(language="ko")
    first.set_phone("+821012345678")
    first.save()
    second = Citizen(language="ko")
    second.set_phone("+821012345678")
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
