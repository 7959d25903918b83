"""Builders for the citizens' pages of complaints: pages checked in English (under /en/, the
msgids), photos with and without EXIF, a guest's SMS code read from the in-memory outbox, the
form's data, and complaints in every state."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from complaints.models import Category, CategoryQuestion, ComplaintType
from complaints.services.handling import complaint_answer, complaint_assign, complaint_close, complaint_reject
from complaints.services.intake import Filer

from ..conftest import CITY_HALL

HTMX = {"HTTP_HX_REQUEST": "true"}
GUEST_PHONE = "010-5550-1234"
GUEST_E164 = "+821055501234"
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
# About 100 m north of City Hall, and about 600 m north (0.0009° and 0.0054° of latitude).
NEAR_CITY_HALL = (CITY_HALL[0] + 0.0009, CITY_HALL[1])
FAR_FROM_CITY_HALL = (CITY_HALL[0] + 0.0054, CITY_HALL[1])


@pytest.fixture(autouse=True)
def _pages_in_english():
    """The pages are checked by their English texts under /en/; the Korean tests reverse their
    URLs under translation.override("ko")."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings, tmp_path):
    """Rate-limit counters and the cached boundaries live in the cache (this suite's own Redis
    database, or memory): every test starts without them. Photos go to a temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def url(name, *args, **query):
    from urllib.parse import urlencode

    path = reverse(f"complaints:{name}", args=args)
    return f"{path}?{urlencode(query)}" if query else path


def text(response) -> str:
    import html

    return html.unescape(response.content.decode())


@pytest.fixture
def sms_outbox():
    from notifications.backends.sms import MemorySmsBackend

    return MemorySmsBackend.outbox


@pytest.fixture
def send_code(client, django_capture_on_commit_callbacks):
    """Ask for a guest code as the form's "Send code" button does (htmx); the SMS goes out when
    the request commits."""

    def post(phone=GUEST_PHONE, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url("guest_code"), {"phone": phone}, **{**HTMX, **extra})

    return post


@pytest.fixture
def last_code(sms_outbox):
    def read(phone=GUEST_E164):
        for message in reversed(sms_outbox):
            if message.to == phone:
                return CODE.search(message.body).group(1)
        raise AssertionError(f"no SMS was sent to {phone}")

    return read


def image_bytes(fmt="JPEG", *, size=(64, 48), gps=False, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        location = exif.get_ifd(0x8825)  # GPS
        location[1], location[2], location[3], location[4] = "N", (37.0, 33.0, 59.0), "E", (126.0, 58.0, 40.0)
        options["exif"] = exif.tobytes()
    Image.new("RGB", size, color).save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(name="photo.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else image_bytes(), content_type=content_type)


def form_data(chosen, /, **fields) -> dict:
    data = {
        "form": "intake",
        "category": chosen.service_code,
        "title": "시청 앞 보도블록 파손",
        "description": "시청 앞 3번 출구 보도블록이 깨져 있어 넘어질 뻔했습니다.",
        "address": "세종대로 110",
        "latitude": str(CITY_HALL[0]),
        "longitude": str(CITY_HALL[1]),
        "visibility": "public",
        "contact_preference": "sms",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def streetlight(roads):
    """A sub-category (under "Roads") with a required choice question and an optional number."""
    parent = Category.objects.create(service_code="roads", name_ko="도로", name_en="Roads",
                                     complaint_type=ComplaintType.GRIEVANCE, default_unit=roads)  # fmt: skip
    category = Category.objects.create(
        service_code="streetlight", parent=parent, name_ko="가로등 고장", name_en="Broken streetlight",
        complaint_type=ComplaintType.GRIEVANCE, default_unit=roads, keywords="lamp,light,가로등",
        notice_ko="전선이 드러나 있으면 만지지 마세요.", notice_en="Do not touch exposed wires.",
    )  # fmt: skip
    CategoryQuestion.objects.create(
        category=category, code="state", prompt_ko="가로등 상태", prompt_en="What is wrong with it?",
        kind=CategoryQuestion.Kind.CHOICE, required=True, order=1,
        choices=[{"key": "off", "name_ko": "꺼짐", "name_en": "It is off"},
                 {"key": "flicker", "name_ko": "깜빡임", "name_en": "It flickers"}],
    )  # fmt: skip
    CategoryQuestion.objects.create(category=category, code="pole", prompt_ko="전주 번호", prompt_en="Pole number",
                                    kind=CategoryQuestion.Kind.NUMBER, order=2)  # fmt: skip
    return category


@pytest.fixture
def guest_filer(guest):
    return Filer(contact=guest)


@pytest.fixture
def answered(roads_official):
    """Move a complaint to answered."""

    def answer(complaint, text="보수 공사를 마쳤습니다."):
        complaint = complaint_assign(actor=roads_official, complaint=complaint)
        return complaint_answer(actor=roads_official, complaint=complaint, answer=text)

    return answer


@pytest.fixture
def closed(answered, roads_official):
    def close(complaint):
        return complaint_close(actor=roads_official, complaint=answered(complaint))

    return close


@pytest.fixture
def rejected(roads_official):
    def reject(complaint):
        return complaint_reject(actor=roads_official, complaint=complaint, reason="사유", remedy="행정심판")

    return reject
