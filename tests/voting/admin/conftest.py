"""Fixtures of the M-Voting back-office tests: officials in each role signed in with a password (only
such a session opens /admin/), polls in each state, and the Korean texts the admin shows."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.translation import gettext

from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from governance.models import OrgAssignment, OrgUnit

from .states import PollStates


def admin_login(client, user):
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


def ko(msgid, **params):
    """A message as the admin shows it (the admin always answers in Korean)."""
    with translation.override("ko"):
        text = gettext(msgid)
    return text % params if params else text


def form_errors(response, field="__all__"):
    with translation.override("ko"):
        return [str(error) for error in response.context["form"].errors.get(field, [])]


def shown_messages(response):
    with translation.override("ko"):
        return [str(message) for message in response.context["messages"]]


def with_perms(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="voting", codename=codename))
    return Citizen.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def division(unit):
    """A division under the official's bureau: policy votes of the division are the bureau's too."""
    return OrgUnit.objects.create(
        code="smart-city-division", kind=OrgUnit.Kind.DIVISION, parent=unit, name_ko="스마트도시정책과",
        name_en="Smart City Policy Division",
    )


@pytest.fixture
def other_unit(db):
    return OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실", name_en="Transport")


def _serving(make_citizen, unit, **fields):
    person = make_citizen(is_staff=True, **fields)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def division_official(make_citizen, division):
    return _serving(make_citizen, division, name="스마트도시정책과 주무관")


@pytest.fixture
def other_official(make_citizen, other_unit):
    return _serving(make_citizen, other_unit, name="교통실 주무관")


@pytest.fixture
def screener(make_citizen):
    """The city's screening office for citizens' polls."""
    return with_perms(make_citizen(is_staff=True, name="엠보팅 심사팀"), "screen_poll")


@pytest.fixture
def moderator(make_citizen):
    return with_perms(make_citizen(is_staff=True, name="엠보팅 모니터링"), "moderate_poll")


@pytest.fixture
def proposer(make_citizen):
    return make_citizen()


@pytest.fixture
def states(official, proposer, division, now):
    """Polls in any state, made through the services: states.make("citizen_pending")."""
    return PollStates(official=official, proposer=proposer, unit=division, now=now)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_upload(name="option.png", size=(40, 30), color=(11, 80, 208)):
    """A small PNG as a browser would upload it."""
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
