"""Builders for the poll pages' tests: citizens ready to take part (consent given, profile
complete), signed-in clients, polls of every access and state, and images."""

import html
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record
from voting.models import Poll

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The pages are checked by their English texts (the msgids) under /en/; the Korean tests
    reverse their URLs under translation.override("ko")."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def participant(make_citizen):
    """A citizen who consented and completed their profile (verified unless told)."""

    def make(*, verified=True, **fields):
        citizen = make_citizen(verified=verified, **fields)
        consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        Citizen.objects.filter(pk=citizen.pk).update(profile_completed_at=timezone.now())
        citizen.refresh_from_db()
        return citizen

    return make


@pytest.fixture
def voter(participant):
    """Overrides the core fixture: a voter ready to use the pages (Gangnam, born 1990)."""
    return participant()


@pytest.fixture
def proposer(participant):
    return participant(name="홍길동")


@pytest.fixture
def citizen_poll(make_poll, proposer):
    return make_poll(kind="citizen", proposer=proposer, title="동네 공원 이름 정하기")


@pytest.fixture
def room_poll(make_poll, proposer):
    return make_poll(kind="citizen", proposer=proposer, access=Poll.Access.ROOM, title="우리 반 소풍 장소")


@pytest.fixture
def onsite_poll(make_poll, proposer, now):
    return make_poll(
        kind="citizen", proposer=proposer, access=Poll.Access.ONSITE, title="축제 현장 투표",
        event_starts_at=now - timedelta(hours=1), event_ends_at=now + timedelta(hours=2),
    )


def text(response) -> str:
    """The page as its reader sees the text (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


def url(name, poll=None, *args):
    return reverse(f"voting:{name}", args=[poll.pk, *args] if poll is not None else list(args))


def image_bytes(fmt="PNG", *, size=(40, 30), color=(20, 120, 200)):
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, fmt)
    return output.getvalue()


@pytest.fixture
def screener(participant):
    """Staff who screen citizens' polls (voting.screen_poll): they run every citizen poll."""
    from django.contrib.auth.models import Permission

    person = participant(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="screen_poll", content_type__app_label="voting"))
    return Citizen.objects.get(pk=person.pk)
