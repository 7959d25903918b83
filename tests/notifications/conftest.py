import datetime
from pathlib import Path

import pytest

from citizens.models import Citizen
from notifications.backends.sms import MemorySmsBackend
from notifications.kinds import NotificationKind, register_kind, unregister_kind

TEMPLATES = Path(__file__).parent / "templates"
WHEN = datetime.date(2025, 1, 15)


@pytest.fixture
def greeting(settings):
    """A kind on both channels whose text shows the language it was rendered in."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES]}]
    kind = register_kind(NotificationKind.from_folder("test_greeting", label="Greeting"))
    yield kind
    unregister_kind(kind.key)


@pytest.fixture
def greeting_context():
    return {"name": "R&D <team>", "when": WHEN}


@pytest.fixture
def make_citizen(db):
    counter = iter(range(1000, 9999))

    def make(*, notify_by=Citizen.NotifyBy.SMS, email="", language="ko", phone=None):
        phone = phone or f"+8210555{next(counter):04d}"
        return Citizen.objects.create_user(
            phone=phone, email=email or None, language=language, notify_by=notify_by
        )

    return make


@pytest.fixture
def sms_outbox():
    return MemorySmsBackend.outbox
