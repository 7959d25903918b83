import re
from datetime import date

import pytest
from django.urls import reverse

from citizens import services
from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.phones import normalize_mobile

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@pytest.fixture
def sms_outbox():
    from notifications.backends.sms import MemorySmsBackend

    return MemorySmsBackend.outbox


@pytest.fixture
def last_code(sms_outbox):
    """The code in the latest SMS to `phone` (E.164) — read as the citizen would read it."""

    def read(phone):
        for message in reversed(sms_outbox):
            if message.to == phone:
                return CODE.search(message.body).group(1)
        raise AssertionError(f"no SMS was sent to {phone}")

    return read


@pytest.fixture
def request_code(client, django_capture_on_commit_callbacks):
    """Ask for a code as the sign-in page does; the outbox sends it when the request commits."""

    def post(phone, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("citizens:signin"), {"phone": phone}, **extra)

    return post


@pytest.fixture
def plain_notification_kind(tmp_path, settings):
    """A notification kind for tests that need a citizen to have notifications."""
    from notifications.kinds import NotificationKind, register_kind, unregister_kind

    folder = tmp_path / "templates"
    (folder / "notifications" / "test_plain").mkdir(parents=True)
    for name, text in {"sms.txt": "{{ text }}", "email_subject.txt": "{{ text }}", "email_body.txt": "{{ text }}"}.items():
        (folder / "notifications" / "test_plain" / name).write_text(text)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], folder]}]
    register_kind(NotificationKind.from_folder("test_plain", label="test"))
    yield "test_plain"
    unregister_kind("test_plain")


@pytest.fixture
def make_citizen(db):
    """A citizen who has signed in, consented and completed their profile."""

    def make(phone="010-2222-3333", email="", district_code="11680", birth_date=date(1990, 5, 17)):
        citizen, _ = services.citizen_sign_in_by_phone(phone=normalize_mobile(phone))
        services.consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        services.citizen_update_profile(
            citizen=citizen,
            birth_date=birth_date,
            district=District.objects.get(code=district_code),
            residence_basis=Citizen.ResidenceBasis.LIVES,
            gender="",
            language="ko",
            notify_by=Citizen.NotifyBy.BOTH if email else Citizen.NotifyBy.SMS,
            email=email,
        )
        return citizen

    return make
