"""Writing: a new draft, editing it (stale forms refused), publishing it, the optional image and the
similar-proposals hint. Every bad input is a message on the form and writes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from proposals.models import Proposal
from proposals.services import proposal_update_draft
from proposals.services.images import IMAGE_MAX_BYTES

from .conftest import HTMX, image_bytes

pytestmark = pytest.mark.django_db
Status = Proposal.Status


@pytest.fixture
def valid(category, gangnam):
    def data(**changes):
        values = {
            "title": "심야 버스 노선 확대",
            "body": "심야 버스를 늘려 주세요.\n강남 방면이 특히 부족합니다.",
            "category": str(category.pk),
            "district": gangnam.code,
            "image_alt": "",
        }
        values.update(changes)
        return values

    return data


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_writing_a_draft(client, sign_in, proposer, valid):
    sign_in(proposer)
    assert client.get(reverse("proposals:new")).status_code == 200
    response = client.post(reverse("proposals:new"), valid())
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("proposals:detail", args=[proposal.pk])
    assert proposal.status == Status.DRAFT and proposal.author == proposer
    assert proposal.district_id == "11680" and proposal.body.endswith("부족합니다.")


def test_a_city_wide_draft(client, sign_in, proposer, valid):
    sign_in(proposer)
    client.post(reverse("proposals:new"), valid(district=""))
    assert Proposal.objects.get().district is None


def test_writing_needs_sign_in(client):
    response = client.get(reverse("proposals:new"))
    assert response.status_code == 302 and response.url.startswith(reverse("citizens:signin"))


def test_an_unverified_phone_is_told_how_to_verify(client, sign_in, participant, valid):
    sign_in(participant(verified=False))
    page = client.get(reverse("proposals:new")).content.decode()
    assert "Verify your mobile phone before writing a proposal." in page
    assert reverse("citizens:signin") in page and "<textarea" not in page
    assert client.post(reverse("proposals:new"), valid()).status_code == 403
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Write the title."),
        ({"title": "   "}, "title", "Write the title."),
        ({"title": "가" * 151}, "title", "at most 150 characters long (it has 151)"),
        ({"title": "<script>alert(1)</script>"}, "title", "remove the HTML tags"),
        ({"body": ""}, "body", "Write the proposal."),
        ({"body": "가" * 10_001}, "body", "at most 10000 characters long"),
        ({"body": "좋아요 <a href='x'>링크</a>"}, "body", "remove the HTML tags"),
        ({"category": ""}, "category", "Choose a category."),
        ({"category": "999999"}, "category", "Choose one of the categories in the list."),
        ({"category": "abc"}, "category", "Choose one of the categories in the list."),
        ({"district": "99999"}, "district", "Choose one of Seoul's districts in the list"),
        ({"image_alt": "<b>사진</b>"}, None, None),  # no image: the description is dropped, not refused
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(client, sign_in, proposer, valid, changes, field, message):
    sign_in(proposer)
    response = client.post(reverse("proposals:new"), valid(**changes))
    if field is None:
        assert response.status_code == 302
        assert Proposal.objects.get().image_alt == ""
        return
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_an_image_is_verified_reencoded_and_served(
    client, sign_in, proposer, supporter, valid, fmt, content_type, extension
):
    sign_in(proposer)
    content = image_bytes(fmt, exif_artist="홍길동 010-1234-5678" if fmt == "JPEG" else None)
    response = client.post(
        reverse("proposals:new"),
        {
            **valid(image_alt="강남역 심야 버스 정류장"),
            "image": upload(content, f"photo.{extension}", content_type),
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.image.name.startswith("proposals/") and proposal.image.name.endswith(f".{extension}")
    assert "photo" not in proposal.image.name  # a random name, not the uploaded one
    stored = proposal.image.read()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == fmt and not dict(picture.getexif())

    served = client.get(reverse("proposals:image", args=[proposal.pk]))
    assert served.status_code == 200 and served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == stored
    # A draft's image is its author's alone.
    sign_in(supporter)
    assert client.get(reverse("proposals:image", args=[proposal.pk])).status_code == 404


def test_a_big_picture_is_scaled_down(client, sign_in, proposer, valid):
    sign_in(proposer)
    client.post(
        reverse("proposals:new"),
        {
            **valid(image_alt="넓은 사진"),
            "image": upload(image_bytes("PNG", size=(3000, 1000)), "wide.png", "image/png"),
        },
    )
    with Image.open(Proposal.objects.get().image) as picture:
        assert picture.size == (2400, 800)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a picture at all", "photo.jpg", "This file is not a JPEG, PNG or WebP image."),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "photo.jpg",
            "This file is not a JPEG, PNG or WebP image.",
        ),
        (image_bytes("GIF"), "photo.jpg", "This file is not a JPEG, PNG or WebP image."),
        (image_bytes("JPEG")[:200], "photo.jpg", "This file is not a JPEG, PNG or WebP image."),
        (b"", "empty.jpg", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(client, sign_in, proposer, valid, content, name, message):
    sign_in(proposer)
    response = client.post(reverse("proposals:new"), {**valid(image_alt="사진"), "image": upload(content, name)})
    assert response.status_code == 200
    assert message in response.context["form"].errors["image"][0]
    assert not Proposal.objects.exists()


def test_an_oversized_image_is_refused(client, sign_in, proposer, valid):
    sign_in(proposer)
    content = image_bytes("PNG") + b"\0" * (IMAGE_MAX_BYTES + 1)
    response = client.post(reverse("proposals:new"), {**valid(image_alt="사진"), "image": upload(content, "big.png")})
    assert "The image may be at most 5 MB" in response.context["form"].errors["image"][0]
    assert not Proposal.objects.exists()


def test_an_image_without_a_description_is_refused(client, sign_in, proposer, valid, settings, tmp_path):
    sign_in(proposer)
    response = client.post(reverse("proposals:new"), {**valid(), "image": upload(image_bytes())})
    assert "Describe the image in a few words" in response.context["form"].errors["image_alt"][0]
    assert not Proposal.objects.exists()
    media = tmp_path / "media"
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))  # no file left behind


def test_editing_a_draft(client, sign_in, proposer, draft_proposal, valid):
    sign_in(proposer)
    page = client.get(reverse("proposals:edit", args=[draft_proposal.pk])).content.decode()
    assert 'name="version" value="1"' in page and draft_proposal.title in page
    response = client.post(
        reverse("proposals:edit", args=[draft_proposal.pk]), valid(title="공원 산책로 조명 설치 (수정)", version="1")
    )
    assert response.status_code == 302
    draft_proposal.refresh_from_db()
    assert draft_proposal.title == "공원 산책로 조명 설치 (수정)" and draft_proposal.version == 2


def test_a_stale_form_is_refused(client, sign_in, proposer, draft_proposal, valid, category):
    sign_in(proposer)
    # Another window saved the draft after this form was opened on version 1.
    proposal_update_draft(
        author=proposer, proposal=draft_proposal, title="다른 창에서 고침", body="본문", category=category, version=1
    )
    response = client.post(reverse("proposals:edit", args=[draft_proposal.pk]), valid(title="덮어쓰기", version="1"))
    assert response.status_code == 200
    assert "This draft was changed after you opened the form" in response.content.decode()
    draft_proposal.refresh_from_db()
    assert draft_proposal.title == "다른 창에서 고침"


@pytest.mark.parametrize("version", ["", "abc", "0"])
def test_an_edit_without_a_valid_version_is_refused(client, sign_in, proposer, draft_proposal, valid, version):
    sign_in(proposer)
    response = client.post(
        reverse("proposals:edit", args=[draft_proposal.pk]), valid(title="덮어쓰기", version=version)
    )
    assert "The form was damaged" in response.content.decode()
    draft_proposal.refresh_from_db()
    assert draft_proposal.title == "공원 산책로 조명 설치"


def test_replacing_and_removing_the_image(client, sign_in, proposer, draft_proposal, valid):
    sign_in(proposer)
    edit = reverse("proposals:edit", args=[draft_proposal.pk])
    client.post(edit, {**valid(version="1", image_alt="첫 사진"), "image": upload(image_bytes())})
    draft_proposal.refresh_from_db()
    first = draft_proposal.image.name
    storage = draft_proposal.image.storage
    assert storage.exists(first)
    # Keeping the image, the description is still required.
    response = client.post(edit, valid(version="2", image_alt=""))
    assert "Describe the image" in response.content.decode()
    client.post(edit, {**valid(version="2", image_alt="둘째 사진"), "image": upload(image_bytes("PNG"), "b.png")})
    draft_proposal.refresh_from_db()
    assert draft_proposal.image.name != first and draft_proposal.image_alt == "둘째 사진"
    client.post(edit, valid(version="3", remove_image="on"))
    draft_proposal.refresh_from_db()
    assert not draft_proposal.image and draft_proposal.image_alt == ""


def test_only_the_author_edits_and_only_a_draft(
    client, sign_in, proposer, supporter, draft_proposal, open_proposal, valid
):
    sign_in(supporter)
    assert client.get(reverse("proposals:edit", args=[draft_proposal.pk])).status_code == 404
    assert client.get(reverse("proposals:edit", args=[open_proposal.pk])).status_code == 404
    sign_in(proposer)
    response = client.post(reverse("proposals:edit", args=[open_proposal.pk]), valid(version="1"), follow=True)
    assert "A published proposal can no longer be edited." in response.content.decode()
    open_proposal.refresh_from_db()
    assert open_proposal.body == "심야 버스를 늘려 주세요."


def test_publishing_asks_for_confirmation_then_opens_the_window(client, sign_in, proposer, draft_proposal):
    sign_in(proposer)
    page = client.get(reverse("proposals:publish", args=[draft_proposal.pk])).content.decode()
    assert "Before you publish" in page and "can no longer be edited" in page
    draft_proposal.refresh_from_db()
    assert draft_proposal.status == Status.DRAFT
    response = client.post(reverse("proposals:publish", args=[draft_proposal.pk]), follow=True)
    assert "Your proposal is published." in response.content.decode()
    draft_proposal.refresh_from_db()
    assert draft_proposal.status == Status.OPEN and draft_proposal.window_closes_at


def test_publishing_is_the_authors_alone_and_happens_once(
    client, sign_in, proposer, supporter, draft_proposal, participant
):
    sign_in(supporter)
    assert client.post(reverse("proposals:publish", args=[draft_proposal.pk])).status_code == 404
    sign_in(proposer)
    client.post(reverse("proposals:publish", args=[draft_proposal.pk]))
    response = client.post(reverse("proposals:publish", args=[draft_proposal.pk]), follow=True)
    assert "A published proposal can no longer be edited." in response.content.decode()
    assert client.post(reverse("proposals:publish", args=[999999])).status_code == 404


def test_publishing_with_an_unverified_phone_is_refused(client, sign_in, participant, make_proposal):
    author = participant(verified=False)
    draft = make_proposal(status=Status.DRAFT, author=author)
    sign_in(author)
    response = client.post(reverse("proposals:publish", args=[draft.pk]))
    assert response.status_code == 400
    assert "Verify your mobile phone before publishing a proposal." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_similar_proposals_while_typing(client, make_proposal):
    make_proposal(title="심야 버스 노선 확대")
    make_proposal(title="공원 산책로 조명 설치")
    make_proposal(title="심야 버스 비공개 초안", status=Status.DRAFT)
    response = client.get(reverse("proposals:similar"), {"title": "심야 버스"}, **HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "심야 버스 노선 확대" in page and "공원" not in page and "비공개" not in page


def test_similar_finds_a_word_inside_a_compound(client, make_proposal):
    make_proposal(title="심야버스 노선 확대")
    assert (
        "심야버스 노선 확대" in client.get(reverse("proposals:similar"), {"title": "버스 늘려주세요"}).content.decode()
    )


def test_similar_lists_at_most_five_and_ignores_short_or_empty_titles(client, make_proposal):
    for number in range(8):
        make_proposal(title=f"버스 정류장 {number}")
    page = client.get(reverse("proposals:similar"), {"title": "버스 정류장"}).content.decode()
    assert page.count("<li>") == 5
    assert "<li>" not in client.get(reverse("proposals:similar"), {"title": "버"}).content.decode()
    assert "<li>" not in client.get(reverse("proposals:similar")).content.decode()
    assert client.get(reverse("proposals:similar"), {"title": "가" * 5000}).status_code == 200


def test_the_title_field_asks_for_similar_proposals(client, sign_in, proposer, draft_proposal, make_proposal):
    make_proposal(title="공원 산책로 가로등")
    sign_in(proposer)
    page = client.get(reverse("proposals:new")).content.decode()
    assert f'hx-get="{reverse("proposals:similar")}"' in page and 'hx-trigger="keyup changed delay:400ms"' in page
    page = client.get(reverse("proposals:edit", args=[draft_proposal.pk])).content.decode()
    assert "공원 산책로 가로등" in page  # shown server-side, without JavaScript
    assert f"&quot;exclude&quot;: {draft_proposal.pk}" in page


def test_the_image_view_refuses_what_is_not_an_image_of_ours(client, open_proposal):
    url = reverse("proposals:image", args=[open_proposal.pk])
    assert client.get(url).status_code == 404  # no image
    for name in ("../../etc/passwd.jpg", "proposals/../../secret.png", "other/x.png", "proposals/x.svg"):
        Proposal.objects.filter(pk=open_proposal.pk).update(image=name, image_alt="x")
        assert client.get(url).status_code == 404, name
    Proposal.objects.filter(pk=open_proposal.pk).update(image="proposals/2026/01/missing.png")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405
