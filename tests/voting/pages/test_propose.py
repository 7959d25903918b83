"""A citizen proposes a poll: the form, every mistake at once with nothing written, options with
images, the access kinds, and the "awaiting screening" page it leads to."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from voting.models import Poll
from voting.services import poll_approve

from .conftest import image_bytes, text, url

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def local(moment) -> str:
    return timezone.localtime(moment, SEOUL).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def form_data(now):
    return {
        "title": "동네 도서관 이름을 정해 주세요",
        "description": "새로 여는 도서관입니다.",
        "question_type": "single",
        "max_choices": "",
        "option_1_label": "책마루",
        "option_2_label": "글숲",
        "option_2_description": "숲처럼 편안한 도서관",
        "opens_at": local(now + timedelta(days=1)),
        "closes_at": local(now + timedelta(days=8)),
        "access": "public",
        "results_visibility": "live",
    }


def propose(client, data):
    return client.post(url("propose"), data)


def test_a_visitor_signs_in_first(client):
    response = client.get(url("propose"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("citizens:signin"))


def test_an_unverified_citizen_is_told_to_verify(client, sign_in, participant, form_data):
    sign_in(participant(verified=False))
    page = client.get(url("propose"))
    assert page.status_code == 200 and "Verify your mobile phone before proposing a poll." in text(page)
    assert 'name="title"' not in page.content.decode()
    refused = propose(client, form_data)
    assert refused.status_code == 403
    assert not Poll.objects.exists()


def test_the_form_works_without_javascript(client, sign_in, proposer):
    page = sign_in(proposer).get(url("propose")).content.decode()
    assert f'method="post" enctype="multipart/form-data" novalidate action="{url("propose")}"' in page
    for name in ("title", "description", "question_type", "max_choices", "opens_at", "closes_at", "access",
                 "event_starts_at", "event_ends_at", "audience_districts", "audience_min_age", "audience_max_age",
                 "results_visibility", "option_1_label", "option_10_label", "option_10_image", "option_10_image_alt"):
        assert f'name="{name}"' in page, name
    assert 'type="datetime-local"' in page
    assert "<details class=\"voting-more-options\">" in page  # rows 5 to 10, folded without a script
    assert page.count('name="audience_districts"') == 25


def test_a_poll_is_sent_for_screening(client, sign_in, proposer, form_data, now):
    response = propose(sign_in(proposer), form_data)
    poll = Poll.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", poll)
    assert (poll.kind, poll.status, poll.proposer, poll.access) == ("citizen", "pending_review", proposer, "public")
    assert [(o.position, o.label, o.description) for o in poll.options.all()] == [
        (1, "책마루", ""), (2, "글숲", "숲처럼 편안한 도서관")
    ]
    assert timezone.localtime(poll.opens_at, SEOUL).strftime("%Y-%m-%dT%H:%M") == form_data["opens_at"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = text(page)
    assert "Your poll is sent to the city for screening." in body
    assert "Your poll is awaiting the city's screening." in body
    assert "책마루" in body and "숲처럼 편안한 도서관" in body


def test_times_are_read_in_seoul_time(client, sign_in, proposer, form_data):
    year = timezone.localdate().year + 1
    form_data.update(opens_at=f"{year}-03-02T09:00", closes_at=f"{year}-03-09T18:00")
    assert propose(sign_in(proposer), form_data).status_code == 302
    poll = Poll.objects.get()
    assert poll.opens_at == datetime(year, 3, 2, 9, 0, tzinfo=SEOUL)
    assert poll.closes_at == datetime(year, 3, 9, 18, 0, tzinfo=SEOUL)


def test_a_date_the_database_could_not_give_back_is_refused(client, sign_in, proposer, form_data):
    form_data.update(opens_at="0001-01-01T00:00")
    response = propose(sign_in(proposer), form_data)
    assert response.status_code == 400
    assert "Give a date within two years of today." in response.content.decode()
    assert not Poll.objects.exists()


def test_multiple_and_ranked_questions(client, sign_in, proposer, form_data):
    sign_in(proposer)
    form_data.update(question_type="multiple", max_choices="2", option_3_label="서재")
    assert propose(client, form_data).status_code == 302
    form_data.update(question_type="ranked", max_choices="", title="순위 투표")
    assert propose(client, form_data).status_code == 302
    multiple, ranked = Poll.objects.order_by("pk")
    assert (multiple.question_type, multiple.max_choices) == ("multiple", 2)
    assert (ranked.question_type, ranked.max_choices) == ("ranked", 3)  # every option may be ranked


def test_a_targeted_private_room_poll(client, sign_in, proposer, form_data):
    form_data.update(access="room", audience_districts=["11680", "11110"], audience_min_age="19",
                     audience_max_age="39", results_visibility="after_close")
    response = propose(sign_in(proposer), form_data)
    poll = Poll.objects.get()
    assert response.status_code == 302
    assert poll.access == "room" and len(poll.room_code) == 8
    assert sorted(poll.audience_districts.values_list("code", flat=True)) == ["11110", "11680"]
    assert (poll.audience_min_age, poll.audience_max_age, poll.results_visibility) == (19, 39, "after_close")
    page = client.get(url("detail", poll)).content.decode()
    assert poll.room_code in page  # the proposer learns the code to share


def test_an_onsite_poll_with_its_event(client, sign_in, proposer, form_data, now):
    form_data.update(access="onsite", event_starts_at=local(now + timedelta(days=2)),
                     event_ends_at=local(now + timedelta(days=2, hours=3)))
    assert propose(sign_in(proposer), form_data).status_code == 302
    poll = Poll.objects.get()
    assert poll.access == "onsite" and poll.onsite_token and poll.event_ends_at > poll.event_starts_at
    assert url("qr", poll) in client.get(url("detail", poll)).content.decode()


def test_event_times_are_dropped_for_a_public_poll(client, sign_in, proposer, form_data, now):
    form_data.update(event_starts_at=local(now), event_ends_at=local(now + timedelta(hours=1)))
    assert propose(sign_in(proposer), form_data).status_code == 302
    assert Poll.objects.get().event_starts_at is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Write the question."),
        ({"option_2_label": "", "option_2_description": ""}, "option_2_label", "A poll has between 2 and 10 options."),
        ({"option_2_label": "책마루"}, None, "Two options have the same text."),
        ({"option_3_description": "설명만 있는 줄"}, "option_3_label", "Write the option, or leave its whole row empty."),
        ({"question_type": "multiple"}, "max_choices", "Say how many options a voter may pick."),
        ({"question_type": "multiple", "max_choices": "3"}, "max_choices",
         "The maximum number of picks must be between 1 and the number of options."),
        ({"question_type": "multiple", "max_choices": "11"}, "max_choices", "Give a number from 1 to 10."),
        ({"question_type": "vote"}, "question_type", "Choose how voters answer."),
        ({"closes_at": "2020-01-01T10:00", "opens_at": "2020-01-02T10:00"}, "closes_at",
         "The poll must close after it opens."),
        ({"opens_at": "2020-01-01T10:00", "closes_at": "2020-01-02T10:00"}, "closes_at",
         "The closing time has already passed."),
        ({"opens_at": "next tuesday"}, "opens_at", "Give a date and a time."),
        ({"audience_min_age": "40", "audience_max_age": "20"}, "audience_max_age",
         "The minimum age is above the maximum age."),
        ({"audience_min_age": "-1"}, "audience_min_age", "Give an age from 0 to 120."),
        ({"audience_districts": ["99999"]}, "audience_districts", "Choose districts from the list."),
        ({"access": "onsite"}, "event_starts_at", "Set the event's start and end for an on-site poll."),
        ({"access": "secret"}, "access", "Choose who can reach the poll."),
        ({"results_visibility": "never"}, "results_visibility", "Choose when the results are shown."),
    ],
)
def test_mistakes_are_400_next_to_their_field_and_write_nothing(client, sign_in, proposer, form_data, changes,
                                                                 field, message):
    form_data.update(changes)
    response = propose(sign_in(proposer), form_data)
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert message in errors, form.errors
    assert message in text(response)
    assert not Poll.objects.exists()


def test_every_mistake_is_given_at_once(client, sign_in, proposer, form_data):
    form_data.update(title="", option_2_label="", closes_at="", audience_min_age="x")
    response = propose(sign_in(proposer), form_data)
    assert response.status_code == 400
    assert {"title", "option_2_label", "closes_at", "audience_min_age"} <= set(response.context["form"].errors)


def test_option_images_are_taken_in_and_served_to_who_may_see_the_poll(client, sign_in, proposer, voter, official,
                                                                       form_data):
    form_data.update(
        option_1_image=SimpleUploadedFile("photo.jpg", image_bytes("JPEG"), content_type="image/jpeg"),
        option_1_image_alt="도서관 입구 사진",
    )
    assert propose(sign_in(proposer), form_data).status_code == 302
    poll = Poll.objects.get()
    option = poll.options.get(position=1)
    assert option.image.name.startswith("voting/options/") and option.image_alt == "도서관 입구 사진"
    image_url = url("option_image", poll, 1)
    assert client.get(image_url).status_code == 200  # the proposer
    sign_in(voter)
    assert client.get(image_url).status_code == 404  # not published yet
    poll_approve(actor=official, poll=poll)
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("upload", "alt", "field", "message"),
    [
        (("notes.txt", b"just text", "text/plain"), "설명", "option_1_image",
         "This file is not a JPEG, PNG or WebP image. Choose a photo or a picture in one of these formats."),
        (("photo.png", None, "image/png"), "", "option_1_image_alt",
         "Describe the image in a few words, for people who cannot see it."),
    ],
)
def test_bad_images_are_400(client, sign_in, proposer, form_data, upload, alt, field, message):
    name, content, content_type = upload
    form_data.update(
        option_1_image=SimpleUploadedFile(name, content or image_bytes(), content_type=content_type),
        option_1_image_alt=alt,
    )
    response = propose(sign_in(proposer), form_data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Poll.objects.exists()


def test_the_more_options_stay_open_when_used(client, sign_in, proposer, form_data):
    form_data.update(option_6_label="여섯째", title="")
    page = propose(sign_in(proposer), form_data).content.decode()
    assert '<details class="voting-more-options" open>' in page
    assert 'value="여섯째"' in page


def test_ten_options_at_most(client, sign_in, proposer, form_data):
    form_data.update({f"option_{n}_label": f"선택 {n}" for n in range(1, 11)})
    form_data["option_11_label"] = "열한째"  # no such field: ignored
    assert propose(sign_in(proposer), form_data).status_code == 302
    assert Poll.objects.get().options.count() == 10


def test_the_form_in_korean_at_the_root(client, sign_in, proposer):
    with translation.override("ko"):
        address = reverse("voting:propose")
    assert address == "/votes/new/"
    page = sign_in(proposer).get(address).content.decode()
    assert '<html lang="ko"' in page and 'action="/votes/new/"' in page
    assert "강남구" in page  # the districts in Korean


def test_the_form_costs_a_fixed_number_of_queries(client, sign_in, proposer, make_poll):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(proposer)
    with CaptureQueriesContext(connection) as few:
        client.get(url("propose"))
    for number in range(5):
        make_poll(kind="citizen", proposer=proposer, title=f"{number}")
    with CaptureQueriesContext(connection) as many:
        client.get(url("propose"))
    assert len(many) == len(few) <= 4
