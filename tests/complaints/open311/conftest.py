"""Fixtures of the Open311 tests: an app's API key, a category with questions of every kind,
complaints filed through the services, and helpers that call an endpoint and parse its answer
(JSON, or XML through xml.etree as any client would)."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.cache import cache

from complaints.models import CategoryQuestion
from complaints.open311.keys import open311_key_create
from complaints.services.intake import Filer, Location, complaint_file
from tests.complaints.conftest import CITY_HALL

BASE = "/open311/v2/"
CITY_HALL_ADDRESS = "서울특별시 중구 세종대로 110"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(db):
    """The key itself (what an app sends); its row is `api_key_row`."""
    _row, key = open311_key_create(actor=None, name="Seoul Fixer", contact_email="dev@example.org")
    return key


@pytest.fixture
def api_key_row(api_key):
    from complaints.models import Open311Key
    from complaints.models.open311 import hash_key

    return Open311Key.objects.get(key_hash=hash_key(api_key))


@pytest.fixture
def streetlight(roads, pothole):
    """A place-bound category under pothole (its group), with a question of every kind."""
    from complaints.models import Category, ComplaintType

    category = Category.objects.create(
        service_code="streetlight", name_ko="가로등 고장", name_en="Streetlight out", parent=pothole,
        complaint_type=ComplaintType.GRIEVANCE, default_unit=roads, needs_location=True,
        description_ko="꺼지거나 깜빡이는 가로등", description_en="A streetlight that is off or flickering",
        notice_ko="전선이 끊어졌으면 119에 신고하세요.", notice_en="Call 119 for a fallen cable.",
        keywords="가로등, 조명,light", order=1,
    )  # fmt: skip
    CategoryQuestion.objects.create(category=category, code="pole", prompt_ko="전봇대 번호", prompt_en="Pole number",
                                    kind=CategoryQuestion.Kind.TEXT, required=True, order=0)  # fmt: skip
    CategoryQuestion.objects.create(category=category, code="count", prompt_ko="꺼진 가로등 수",
                                    prompt_en="How many are out", kind=CategoryQuestion.Kind.NUMBER, order=0)  # fmt: skip
    CategoryQuestion.objects.create(
        category=category, code="state", prompt_ko="상태", prompt_en="State", kind=CategoryQuestion.Kind.CHOICE,
        choices=[{"key": "off", "name_ko": "꺼짐", "name_en": "Off"},
                 {"key": "blink", "name_ko": "깜빡임", "name_en": "Flickering"}], order=2,
    )  # fmt: skip
    CategoryQuestion.objects.create(
        category=category, code="when", prompt_ko="시간대", prompt_en="When", kind=CategoryQuestion.Kind.MULTICHOICE,
        choices=[{"key": "night", "name_ko": "밤", "name_en": "Night"},
                 {"key": "dawn", "name_ko": "새벽", "name_en": "Dawn"}], order=3,
    )  # fmt: skip
    return category


@pytest.fixture
def public_complaint(pothole, guest):
    """A public complaint (a pothole at City Hall, web) filed by a guest whose phone and name must
    never show."""

    def file(*, category=None, location=CITY_HALL, address="", description="보도블록이 깨져 있습니다.", **fields):
        fields.setdefault("is_public", True)
        fields.setdefault("filer", Filer(contact=guest, name="홍길동"))
        where = Location(latitude=location[0], longitude=location[1], address=address) if location else None
        return complaint_file(channel="web", category=category or pothole, description=description, location=where,
                              **fields)  # fmt: skip

    return file


def parse(response):
    """The body as Python data: JSON as is; XML as its root element (checked for the declaration)."""
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content.decode("utf-8"))
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def xml_errors(root):
    assert root.tag == "errors"
    return [(error.findtext("code"), error.findtext("description")) for error in root.findall("error")]


def json_errors(data):
    assert isinstance(data, list) and data
    return [(str(error["code"]), error["description"]) for error in data]


def errors_of(response):
    data = parse(response)
    return xml_errors(data) if isinstance(data, ElementTree.Element) else json_errors(data)


@pytest.fixture
def open311_post(client, api_key):
    """POST requests.<fmt> as the spec says (application/x-www-form-urlencoded; multipart when
    `multipart=True`), with the app's key unless another `key` (or None) is given. `data` may be a
    dict or a list of pairs (for repeated names such as attribute[code][])."""

    def post(fmt="json", data=None, *, key="default", multipart=False, **fields):
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        pairs += list(fields.items())
        if key == "default":
            pairs.append(("api_key", api_key))
        elif key is not None:
            pairs.append(("api_key", key))
        url = f"{BASE}requests.{fmt}"
        if multipart:
            form = {}
            for name, value in pairs:
                form.setdefault(name, []).append(value)
            return client.post(url, {name: values if len(values) > 1 else values[0] for name, values in form.items()})
        return client.post(url, urlencode(pairs), content_type="application/x-www-form-urlencoded")

    return post
