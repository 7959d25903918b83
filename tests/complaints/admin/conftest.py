"""Fixtures of the complaints back-office tests: a roads complaint and a parks complaint filed by
named citizens, signed-in clients for each role, and helpers to read what the admin showed."""

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from complaints.services.intake import Filer


def changelist_url():
    return "/admin/complaints/complaint/"


def change_url(complaint):
    return f"/admin/complaints/complaint/{complaint.pk}/change/"


def move_url(complaint, move):
    return f"/admin/complaints/complaint/{complaint.pk}/{move}/"


def messages_of(response):
    with translation.override("en"):
        return [str(message) for message in get_messages(response.wsgi_request)]


def form_errors(response):
    form = response.context["form"]
    with translation.override("en"):
        return {field: [str(error) for error in errors] for field, errors in form.errors.items()}


@pytest.fixture
def roads_filer(participant):
    return participant(name="홍길동", email="hong@example.com")


@pytest.fixture
def parks_filer(participant):
    return participant(name="김영희")


@pytest.fixture
def roads_complaint(file_complaint, roads_filer):
    return file_complaint(filer=Filer(citizen=roads_filer), title="시청 앞 도로 파손", description="보도블록이 깨져 있습니다.")


@pytest.fixture
def parks_complaint(file_complaint, parks_filer, park_suggestion):
    return file_complaint(category=park_suggestion, filer=Filer(citizen=parks_filer), location=None,
                          title="공원에 벤치를 더 놓아 주세요", description="남산공원 산책로에 쉴 곳이 부족합니다.")  # fmt: skip


@pytest.fixture
def login(client):
    from citizens.backends import PASSWORD_BACKEND

    def sign_in(user):
        client.force_login(user, backend=PASSWORD_BACKEND)
        return client

    return sign_in
