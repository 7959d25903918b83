"""What M-Voting exports and erases of a citizen: the polls they voted in (never what they chose),
the polls they proposed and their reports; erasure keeps participation rows and published polls,
deletes unpublished proposals (with their images) and blanks report details."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from citizens.backends import PASSWORD_BACKEND
from citizens.registry import personal_data_handlers
from citizens.services import citizen_erase
from voting.models import Ballot, Participation, Poll, PollOption, PollReport
from voting.services import ballot_cast, poll_create, poll_reject, poll_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler():
    return next(h for h in personal_data_handlers() if h.key == "voting")


@pytest.fixture
def activity(make_poll, make_citizen, official, now, settings, tmp_path):
    """The citizen voted in two polls, proposed three (published, pending with an image, rejected) and
    reported one; another citizen did the same around them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    citizen, other = make_citizen(), make_citizen()
    policy = make_poll(title="심야 버스")
    theirs = make_poll(kind="citizen", proposer=citizen, title="동네 축제 메뉴")
    for voter in (citizen, other):
        ballot_cast(citizen=voter, poll=policy, choices=["2"], now=now)
        ballot_cast(citizen=voter, poll=theirs, choices=["1"], now=now)
    someone_elses = make_poll(kind="citizen", proposer=other, title="다른 시민의 투표")
    poll_report(citizen=citizen, poll=someone_elses, category="advertising", detail="제 번호 010-1234-5678로 연락 주세요")
    poll_report(citizen=other, poll=theirs, category="obscenity", detail="욕설")
    options = [
        {"label": "떡볶이", "image": ContentFile(b"\x89PNG fake", name="tteok.png"), "image_alt": "떡볶이"},
        {"label": "순대"},
    ]
    pending = poll_create(
        actor=citizen, kind="citizen", title="검토 중인 투표", options=options, opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=5), now=now,
    )
    rejected = poll_create(
        actor=citizen, kind="citizen", title="반려된 투표", options=[{"label": "가"}, {"label": "나"}],
        opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=5), now=now,
    )
    poll_reject(actor=official, poll=rejected, reason="광고입니다.", now=now)
    return {"citizen": citizen, "other": other, "policy": policy, "theirs": theirs, "pending": pending,
            "rejected": rejected, "someone_elses": someone_elses}


def test_the_export_lists_participations_without_choices(handler, activity):
    data = handler.export(activity["citizen"])
    json.dumps(data)  # JSON-serialisable
    assert sorted(row["title"] for row in data["participations"]) == ["동네 축제 메뉴", "심야 버스"]
    assert set(data["participations"][0]) == {"poll", "title", "voted_on"}
    text = json.dumps(data, ensure_ascii=False)
    for ballot in Ballot.objects.all():
        assert ballot.receipt_digest not in text and str(ballot.pk) not in text
    assert "choices" not in text
    proposed = {row["title"]: row for row in data["proposed_polls"]}
    assert set(proposed) == {"동네 축제 메뉴", "검토 중인 투표", "반려된 투표"}
    assert proposed["반려된 투표"]["rejection_reason"] == "광고입니다."
    assert proposed["검토 중인 투표"]["status"] == "pending_review"
    assert data["poll_reports"] == [
        {
            "poll": activity["someone_elses"].pk,
            "category": "advertising",
            "details": "제 번호 010-1234-5678로 연락 주세요",
            "reported_at": data["poll_reports"][0]["reported_at"],
            "resolution": None,
        }
    ]
    # Nothing of the other citizen.
    assert "욕설" not in text and "다른 시민의 투표" not in [row["title"] for row in data["proposed_polls"]]


def test_erasure_keeps_votes_counted_and_forgets_the_rest(handler, activity, django_capture_on_commit_callbacks):
    citizen = activity["citizen"]
    image = PollOption.objects.get(poll=activity["pending"], position=1).image.name
    assert default_storage.exists(image)
    with django_capture_on_commit_callbacks(execute=True):
        citizen_erase(citizen=citizen)
    # One person one vote stays enforced, and the turnout keeps counting them.
    assert Participation.objects.filter(citizen=citizen).count() == 2
    assert Ballot.objects.count() == 4
    # Their published poll stays (others voted in it); the unpublished ones are gone with the image.
    assert Poll.objects.filter(pk=activity["theirs"].pk).exists()
    assert not Poll.objects.filter(pk__in=[activity["pending"].pk, activity["rejected"].pk]).exists()
    assert not default_storage.exists(image)
    # Their report stays in the queue by category, without their words; others' reports are untouched.
    report = PollReport.objects.get(reporter=citizen)
    assert (report.category, report.detail) == ("advertising", "")
    assert PollReport.objects.get(reporter=activity["other"]).detail == "욕설"
    exported = handler.export(citizen)
    assert exported["poll_reports"][0]["details"] == ""
    assert {row["title"] for row in exported["proposed_polls"]} == {"동네 축제 메뉴"}


def test_the_back_office_names_an_erased_proposer_as_deleted(client, activity, superuser):
    citizen_erase(citizen=activity["citizen"])
    client.force_login(superuser, backend=PASSWORD_BACKEND)
    content = client.get(reverse("admin:voting_poll_change", args=[activity["theirs"].pk])).content.decode()
    with translation.override("ko"):
        assert gettext("A citizen whose account was deleted") in content
