"""A policy vote's draft in the back office: the add form calls poll_create, a draft's change form
poll_update_draft, both with the options inline; what the services would refuse is a form error and
nothing is written; a published poll's page is read-only."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from audit.models import AuditEvent
from voting.admin.polls import proposer_pseudonym
from voting.models import Poll, PollOption
from voting.services import ballot_cast, poll_publish, poll_report

from .conftest import admin_login, ko, png_upload

pytestmark = pytest.mark.django_db

ADD = reverse("admin:voting_poll_add")


def change_url(poll):
    return reverse("admin:voting_poll_change", args=[poll.pk])


def _split(moment):
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def draft_data(unit, now, *, options=("찬성", "반대"), initial=0, **fields):
    """What the add (or change) form posts: the poll's fields and the options' formset."""
    opens, closes = fields.pop("opens_at", now + timedelta(days=2)), fields.pop("closes_at", now + timedelta(days=9))
    data = {
        "title": "따릉이 요금 인상안",
        "description": "정기권 요금을 조정하려 합니다.",
        "org_unit": unit.pk,
        "question_type": "single",
        "max_choices": "1",
        "audience_min_age": "",
        "audience_max_age": "",
        "eligible_population": "",
        "opens_at_0": _split(opens)[0],
        "opens_at_1": _split(opens)[1],
        "closes_at_0": _split(closes)[0],
        "closes_at_1": _split(closes)[1],
        "results_visibility": "live",
        "access": "public",
        "event_starts_at_0": "",
        "event_starts_at_1": "",
        "event_ends_at_0": "",
        "event_ends_at_1": "",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(initial),
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "10",
    }
    for index, option in enumerate(options):
        option = {"label": option} if isinstance(option, str) else option
        data[f"options-{index}-label"] = option["label"]
        data[f"options-{index}-description"] = option.get("description", "")
        data[f"options-{index}-image_alt"] = option.get("image_alt", "")
        if "image" in option:
            data[f"options-{index}-image"] = option["image"]
        if "id" in option:
            data[f"options-{index}-id"] = option["id"]
            data[f"options-{index}-poll"] = option["poll"]
        if option.get("delete"):
            data[f"options-{index}-DELETE"] = "on"
    for name, value in fields.items():
        if isinstance(value, tuple):
            data[f"{name}_0"], data[f"{name}_1"] = value
        else:
            data[name] = value
    return data


def field_errors(response, field):
    return [str(error) for error in response.context["adminform"].form.errors.get(field, [])]


def option_errors(response):
    [formset] = [inline.formset for inline in response.context["inline_admin_formsets"]]
    return [str(error) for error in formset.non_form_errors()], [form.errors for form in formset.forms]


# --- adding -----------------------------------------------------------------------------------------


def test_the_add_form_has_the_options_inline(client, official):
    admin_login(client, official)
    response = client.get(ADD)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="options-0-label"' in content and 'name="options-0-image"' in content
    assert 'enctype="multipart/form-data"' in content
    assert 'name="audience_districts"' in content and 'type="checkbox"' in content


def test_an_official_adds_a_policy_vote_through_the_service(client, official, unit, now):
    admin_login(client, official)
    image = png_upload()
    data = draft_data(
        unit,
        now,
        options=[{"label": "찬성", "description": "요금을 올립니다.", "image": image, "image_alt": "따릉이 사진"}, "반대", ""],
        audience_districts=["11680", "11650"],
        audience_min_age="19",
        eligible_population="120000",
    )
    response = client.post(ADD, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    poll = Poll.objects.get()
    assert (poll.kind, poll.status, poll.org_unit, poll.created_by, poll.proposer) == (
        Poll.Kind.POLICY, Poll.Status.DRAFT, unit, official, None,
    )
    assert (poll.audience_min_age, poll.eligible_population) == (19, 120000)
    assert sorted(poll.audience_districts.values_list("code", flat=True)) == ["11650", "11680"]
    options = list(poll.options.all())
    assert [(option.position, option.label) for option in options] == [(1, "찬성"), (2, "반대")]
    stored = options[0].image
    assert stored.name.startswith("voting/options/") and stored.name.endswith(".png")
    assert stored.name != "voting/options/option.png"  # a random name, the file re-encoded
    with default_storage.open(stored.name) as handle, Image.open(handle) as picture:
        assert picture.size == (40, 30)
    assert options[0].image_alt == "따릉이 사진"
    assert AuditEvent.objects.filter(action="poll.create", target_id=str(poll.pk)).exists()
    assert LogEntry.objects.filter(object_id=str(poll.pk)).exists()
    assert response["Location"] in (reverse("admin:voting_poll_changelist"), change_url(poll))


def test_a_room_poll_gets_its_code_and_an_onsite_poll_its_event(client, official, unit, now):
    admin_login(client, official)
    client.post(ADD, draft_data(unit, now, access="room", title="방 투표"))
    client.post(
        ADD,
        draft_data(
            unit, now, access="onsite", title="현장 투표", event_starts_at=_split(now + timedelta(days=3)),
            event_ends_at=_split(now + timedelta(days=3, hours=4)),
        ),
    )
    room, onsite = Poll.objects.get(title="방 투표"), Poll.objects.get(title="현장 투표")
    assert room.room_code and len(room.room_code) == 8
    assert onsite.onsite_token and onsite.event_ends_at - onsite.event_starts_at == timedelta(hours=4)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "This field is required."),
        ({"closes_at": "opens"}, "closes_at", "The poll must close after it opens."),
        ({"audience_min_age": "40", "audience_max_age": "30"}, "audience_min_age", "The minimum age is above the maximum age."),
        ({"access": "onsite"}, "event_starts_at", "Set the event's start and end for an on-site poll."),
        ({"question_type": "multiple", "max_choices": "0"}, "max_choices", "The maximum number of picks must be between 1 and the number of options."),
    ],
)
def test_a_bad_poll_field_is_a_field_error_and_nothing_is_written(client, official, unit, now, fields, field, message):
    admin_login(client, official)
    if fields.get("closes_at") == "opens":
        fields = {"opens_at": now + timedelta(days=2), "closes_at": now + timedelta(days=1)}
    response = client.post(ADD, draft_data(unit, now, **fields))
    assert response.status_code == 200
    assert field_errors(response, field) == [ko(message)]
    assert not Poll.objects.exists() and not AuditEvent.objects.filter(action="poll.create").exists()


def test_a_closing_time_in_the_past_is_refused(client, official, unit, now):
    admin_login(client, official)
    response = client.post(
        ADD, draft_data(unit, now, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1))
    )
    assert field_errors(response, "closes_at") == [ko("The closing time has already passed.")]
    assert not Poll.objects.exists()


@pytest.mark.parametrize(
    ("options", "fields", "message"),
    [
        (["찬성"], {}, "A poll has between %(min)d and %(max)d options."),
        (["찬성", "찬성"], {}, "Two options have the same text."),
        (["가", "나", "다"], {"question_type": "multiple", "max_choices": "4"},
         "The maximum number of picks must be between 1 and the number of options."),
    ],
)
def test_options_are_checked_with_the_poll(client, official, unit, now, options, fields, message):
    admin_login(client, official)
    response = client.post(ADD, draft_data(unit, now, options=options, **fields))
    assert response.status_code == 200
    expected = ko(message, min=2, max=10) if "%(min)d" in message else ko(message)
    assert option_errors(response)[0] == [expected]
    assert not Poll.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_on_its_option(client, official, unit, now):
    admin_login(client, official)
    fake = SimpleUploadedFile("photo.png", b"<?php echo 'x'; ?>", content_type="image/png")
    response = client.post(ADD, draft_data(unit, now, options=[{"label": "찬성", "image": fake, "image_alt": "사진"}, "반대"]))
    assert response.status_code == 200
    errors = option_errors(response)[1][0]["image"]
    assert errors == [ko("This file is not a JPEG, PNG or WebP image. Choose a photo or a picture in one of these formats.")]
    assert not Poll.objects.exists() and not PollOption.objects.exists()


def test_an_image_needs_a_description(client, official, unit, now):
    admin_login(client, official)
    response = client.post(ADD, draft_data(unit, now, options=[{"label": "찬성", "image": png_upload()}, "반대"]))
    assert option_errors(response)[1][0]["image_alt"] == [ko("Describe the image for people who cannot see it.")]
    assert not Poll.objects.exists()


def test_an_official_writes_only_for_their_own_units(client, official, other_official, unit, now):
    admin_login(client, other_official)
    response = client.post(ADD, draft_data(unit, now))
    assert response.status_code == 200
    assert field_errors(response, "org_unit")  # not one of the choices
    assert not Poll.objects.exists()
    content = client.get(ADD).content.decode()
    assert f'<option value="{unit.pk}"' not in content


@pytest.mark.parametrize("role", ["screener", "moderator"])
def test_who_serves_in_no_unit_cannot_add(client, role, request):
    admin_login(client, request.getfixturevalue(role))
    assert client.get(ADD).status_code == 403


# --- changing a draft ----------------------------------------------------------------------------


@pytest.fixture
def draft(client, official, unit, now):
    admin_login(client, official)
    client.post(ADD, draft_data(unit, now, options=[{"label": "찬성", "image": png_upload(), "image_alt": "사진"}, "반대", "기권"]))
    return Poll.objects.get()


def _existing(draft, *changes):
    """The draft's options as the change form posts them, with `changes` applied by position."""
    rows = []
    for option, change in zip(draft.options.all(), changes, strict=True):
        rows.append({"id": str(option.pk), "poll": str(draft.pk), "label": option.label, "image_alt": option.image_alt, **change})
    return rows


def test_a_draft_is_changed_through_the_service(client, draft, unit, now):
    image_name = draft.options.get(position=1).image.name
    options = [*_existing(draft, {}, {"delete": True}, {"label": "기권합니다"}), {"label": "모르겠음"}]
    data = draft_data(unit, now, options=options, initial=3, title="따릉이 요금 조정안", access="room")
    response = client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "따릉이 요금 조정안" and draft.status == Poll.Status.DRAFT
    assert draft.room_code
    assert [(o.position, o.label) for o in draft.options.all()] == [(1, "찬성"), (2, "기권합니다"), (3, "모르겠음")]
    assert draft.options.get(position=1).image.name == image_name  # kept as it was
    assert default_storage.exists(image_name)
    assert AuditEvent.objects.filter(action="poll.update", target_id=str(draft.pk)).exists()


def test_clearing_an_image_deletes_its_file(client, draft, unit, now, django_capture_on_commit_callbacks):
    image_name = draft.options.get(position=1).image.name
    options = _existing(draft, {"image-clear": "on"}, {}, {})
    data = draft_data(unit, now, options=options, initial=3)
    data["options-0-image-clear"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(draft), data).status_code == 302
    assert not draft.options.get(position=1).image
    assert not default_storage.exists(image_name)


def test_a_bad_change_leaves_the_draft_as_it_was(client, draft, unit, now):
    before = list(draft.options.values_list("label", flat=True))
    options = _existing(draft, {"label": "반대"}, {}, {})  # two options "반대"
    response = client.post(change_url(draft), draft_data(unit, now, options=options, initial=3, title="새 제목"))
    assert response.status_code == 200
    assert option_errors(response)[0] == [ko("Two options have the same text.")]
    draft.refresh_from_db()
    assert draft.title == "따릉이 요금 인상안" and list(draft.options.values_list("label", flat=True)) == before


def test_another_units_draft_is_not_shown(client, draft, other_official, screener, moderator):
    for user in (other_official, screener, moderator):
        admin_login(client, user)
        assert client.get(change_url(draft)).status_code in (302, 403)
        assert client.post(change_url(draft), {"title": "바꿈"}).status_code in (302, 403)
    assert Poll.objects.get(pk=draft.pk).title == "따릉이 요금 인상안"


# --- a published poll ----------------------------------------------------------------------------


def test_a_published_poll_is_read_only(client, states, official, superuser):
    poll = states.make("policy_open")
    for user in (official, superuser):
        admin_login(client, user)
        response = client.get(change_url(poll))
        assert response.status_code == 200
        content = response.content.decode()
        assert 'name="_save"' not in content and 'name="title"' not in content
        assert poll.title in content and "찬성" in content
        assert client.post(change_url(poll), {"title": "바뀐 제목"}).status_code == 403
    assert Poll.objects.get(pk=poll.pk).title == poll.title


def test_the_page_shows_the_counts_from_the_counters(client, states, official, make_citizen):
    poll = states.make("policy_open")
    for choice in ("1", "1", "2"):
        ballot_cast(citizen=make_citizen(), poll=poll, choices=[choice])
    admin_login(client, official)
    content = client.get(change_url(poll)).content.decode()
    assert "<td>찬성</td><td>2</td><td>66.7%</td>" in content
    assert "<td>반대</td><td>1</td><td>33.3%</td>" in content


def test_a_ranked_poll_shows_first_preferences_and_borda_scores(client, states, official, make_citizen):
    poll = states.make("policy_open", question_type="ranked", max_choices=3)
    for ranking in (["1", "2", "3"], ["2", "1"], ["1", "3"]):
        ballot_cast(citizen=make_citizen(), poll=poll, choices=ranking)
    admin_login(client, official)
    content = client.get(change_url(poll)).content.decode()
    # Borda with 3 options: 2 points for a first place, 1 for a second.
    assert "<td>찬성</td><td>2</td><td>66.7%</td><td>5</td>" in content
    assert "<td>반대</td><td>1</td><td>33.3%</td><td>3</td>" in content
    assert "<td>모르겠음</td><td>0</td><td>0.0%</td><td>1</td>" in content


def test_a_citizen_poll_names_its_proposer_by_a_pseudonym(client, states, screener, proposer):
    poll = states.make("citizen_pending")
    admin_login(client, screener)
    content = client.get(change_url(poll)).content.decode()
    assert ko("Citizen %(code)s", code=proposer_pseudonym(proposer.pk)) in content
    assert proposer.masked_phone not in content and proposer.phone not in content


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_few_and_many_ballots_and_reports(client, states, superuser, make_citizen):
    poll = states.make("citizen_open")
    url = change_url(poll)
    admin_login(client, superuser)

    def add(count):
        for number in range(count):
            citizen = make_citizen(district=["11680", "11110", "11440"][number % 3])
            ballot_cast(citizen=citizen, poll=poll, choices=[str(number % 3 + 1)])
            poll_report(citizen=citizen, poll=poll, category="advertising", detail=f"광고 {number}")

    add(2)
    client.get(url)
    few = _count(client, url)
    add(12)
    assert _count(client, url) == few


def test_option_images_are_shown_through_the_poll_pages_image_view(client, draft, official):
    image_url = reverse("voting:option_image", args=[draft.pk, 1])
    content = client.get(change_url(draft)).content.decode()
    assert f'href="{image_url}"' in content  # the draft's file input links the image it has
    poll_publish(actor=official, poll=draft)
    content = client.get(change_url(draft)).content.decode()
    assert f'<img src="{image_url}" alt="사진"' in content
    response = client.get(image_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_a_room_polls_page_shows_its_code_and_an_onsite_polls_its_qr_page(client, states, official, now):
    room = states.make("policy_open", access="room")
    onsite = states.make(
        "policy_open", access="onsite", event_starts_at=now - timedelta(hours=1), event_ends_at=now + timedelta(hours=3)
    )
    admin_login(client, official)
    assert room.room_code in client.get(change_url(room)).content.decode()
    content = client.get(change_url(onsite)).content.decode()
    assert reverse("voting:qr", args=[onsite.pk]) in content
    assert onsite.onsite_token not in content  # the QR page shows the link; the token stays off the admin
