"""The signed-in citizen of every request: one statement loads the row and the consents that
stand, and the onboarding check reads them from the instance."""

from datetime import timedelta

from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from citizens import crypto, services
from citizens.backends import PhoneCodeBackend, StaffEmailBackend
from citizens.consents import purposes
from citizens.fields import Sealed
from citizens.models import Citizen, Consent
from citizens.phones import normalize_mobile


def required():
    return {(item.key, item.version) for item in purposes() if item.required}


def new_citizen(phone="010-4444-1234"):
    citizen, _created = services.citizen_sign_in_by_phone(phone=normalize_mobile(phone))
    return citizen


def test_the_citizen_and_the_consents_that_stand_come_in_one_statement(make_citizen):
    citizen = make_citizen()
    # An answer to an older text that was withdrawn, and a refused optional purpose: neither stands.
    Consent.objects.create(
        citizen=citizen, purpose="participation", version="2020-01", granted=True,
        withdrawn_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    Consent.objects.create(citizen=citizen, purpose="newsletter", version="2026-11", granted=False)

    with CaptureQueriesContext(connection) as queries:
        loaded = PhoneCodeBackend().get_user(citizen.pk)
        missing = services.missing_consents(loaded)
    assert len(queries.captured_queries) == 1
    assert loaded == citizen
    assert loaded.phone == citizen.phone and loaded.district_id == citizen.district_id  # decrypted, converted
    assert loaded.get_deferred_fields() == set()
    assert loaded._standing_consents == {(item.key, item.version) for item in purposes()}  # all granted
    assert missing == []


def test_a_citizen_without_any_consent_loads_and_is_asked_for_them(db):
    citizen = new_citizen()
    loaded = StaffEmailBackend().get_user(citizen.pk)
    assert loaded == citizen and loaded._standing_consents == frozenset()
    assert {(item.key, item.version) for item in services.missing_consents(loaded)} == required()


def test_recording_consent_drops_what_was_loaded_with_the_citizen(db):
    citizen = PhoneCodeBackend().get_user(new_citizen().pk)
    assert services.missing_consents(citizen)
    services.consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
    assert services.missing_consents(citizen) == []


def test_a_lazy_request_user_reads_the_loaded_consents_and_forgets_them_on_an_answer(db):
    """request.user is a lazy proxy (AuthenticationMiddleware): the consents loaded with it are
    read through it without a query, and an answer recorded through it drops them."""
    citizen = new_citizen()
    user = SimpleLazyObject(lambda: PhoneCodeBackend().get_user(citizen.pk))
    assert user.pk == citizen.pk  # loaded
    with CaptureQueriesContext(connection) as queries:
        assert services.missing_consents(user)
    assert queries.captured_queries == []
    services.consent_record(citizen=user, answers={item.key: True for item in purposes()})
    assert services.missing_consents(user) == []


def test_unknown_inactive_and_malformed_ids_load_nobody(make_citizen):
    citizen = make_citizen()
    Citizen.objects.filter(pk=citizen.pk).update(is_active=False)
    backend = PhoneCodeBackend()
    assert backend.get_user(citizen.pk) is None
    assert backend.get_user(citizen.pk + 1000) is None
    assert backend.get_user("not a number") is None


def test_the_phone_and_email_stay_sealed_until_the_request_reads_them(make_citizen):
    """Decrypting costs a request that never shows them: they are kept as stored until read,
    then decrypted once; the sealed value never shows the ciphertext."""
    citizen = make_citizen()
    Citizen.objects.filter(pk=citizen.pk).update(email="citizen@example.org")  # encrypted on the way in
    loaded = PhoneCodeBackend().get_user(citizen.pk)

    stored = loaded.__dict__["phone"]
    assert isinstance(stored, Sealed) and repr(stored) == "<Sealed>"
    assert crypto.decrypt(stored.token) == citizen.phone
    assert loaded.phone == citizen.phone and loaded.email == "citizen@example.org"
    assert loaded.__dict__["phone"] == citizen.phone  # decrypted once, then kept
    assert loaded.get_deferred_fields() == set()


def test_a_sealed_citizen_saves_and_compares_as_the_plain_one(make_citizen):
    citizen = make_citizen()
    loaded = PhoneCodeBackend().get_user(citizen.pk)
    loaded.gender = "female"
    loaded.save()
    again = Citizen.objects.get(pk=citizen.pk)
    assert again.phone == citizen.phone and again.gender == "female"
    assert model_to_dict(PhoneCodeBackend().get_user(citizen.pk))["phone"] == citizen.phone


def test_an_empty_email_is_not_sealed(make_citizen):
    citizen = make_citizen()
    loaded = PhoneCodeBackend().get_user(citizen.pk)
    assert loaded.__dict__["email"] == "" and loaded.email == ""
