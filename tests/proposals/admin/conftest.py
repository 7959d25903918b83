"""Fixtures of the back-office tests: officials signed in with a password (only such a session
opens /admin/), proposals in any stage, and the Korean texts the admin shows."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.translation import gettext

from citizens.backends import PASSWORD_BACKEND
from citizens.models import Citizen
from governance.models import OrgAssignment
from proposals.models import Proposal

from .states import put_in


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
        user.user_permissions.add(Permission.objects.get(content_type__app_label="proposals", codename=codename))
    return Citizen.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def office(make_citizen):
    """Proposals office staff: sees every published proposal, routes and promotes them."""
    return with_perms(make_citizen(is_staff=True, name="민주주의서울팀"), "view_proposal", "change_proposal")


@pytest.fixture
def other_official(make_citizen, other_unit):
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=other_unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.fixture
def make_proposal(author, category):
    """A proposal in any stage, made directly (fast): make_proposal(status, unit=..., title=...)."""
    counter = iter(range(1, 10_000))

    def make(status=Proposal.Status.UNDER_REVIEW, *, unit=None, title=None, **fields):
        proposal = Proposal.objects.create(
            author=author, category=category, title=title or f"제안 {next(counter)}", body="본문입니다.\n둘째 줄."
        )
        return put_in(proposal, status, unit or category.default_unit, **fields)

    return make
