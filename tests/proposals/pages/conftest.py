"""Builders for the pages' tests: citizens ready to take part, signed-in clients, proposals at every
stage (written straight to the database, as the lifecycle tests cover the moves), images."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from citizens.consents import purposes
from citizens.models import Citizen, District
from citizens.services import consent_record
from proposals.models import Assignment, Proposal, StageChange

HTMX = {"HTTP_HX_REQUEST": "true"}
Status = Proposal.Status


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def participant(make_citizen):
    """A citizen who signed in, consented and completed their profile (verified unless told)."""

    def make(*, verified=True, **fields):
        citizen = make_citizen(verified=verified, **fields)
        consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
        Citizen.objects.filter(pk=citizen.pk).update(profile_completed_at=timezone.now())
        citizen.refresh_from_db()
        return citizen

    return make


@pytest.fixture
def proposer(participant):
    return participant(name="홍길동")


@pytest.fixture
def supporter(participant):
    return participant(name="김민수")


@pytest.fixture
def gangnam(db):
    return District.objects.get(code="11680")


@pytest.fixture
def make_proposal(proposer, category, unit, official):
    """A proposal in any status, with the fields that status needs (the model's constraints)."""

    def make(
        *,
        title="심야 버스 노선 확대",
        body="심야 버스를 늘려 주세요.",
        status=Status.OPEN,
        author=None,
        category_=None,
        district=None,
        support_count=0,
        published_at=None,
        **fields,
    ):
        now = timezone.now()
        published_at = published_at or now - timedelta(days=2)
        values = {
            "author": author or proposer,
            "title": title,
            "body": body,
            "category": category_ or category,
            "district": district,
            "status": status,
            "support_count": support_count,
        }
        if status != Status.DRAFT:
            values.update(
                published_at=published_at,
                window_opens_at=published_at,
                window_closes_at=published_at + timedelta(days=30),
            )
        if status in (Status.UNDER_REVIEW,):
            values.update(assigned_unit=unit, answer_due_on=timezone.localdate() + timedelta(days=20))
        if status in (
            Status.ANSWERED,
            Status.IN_DEBATE,
            Status.DEBATE_CLOSED,
            Status.AWAITING_MAYOR,
            Status.MAYOR_ANSWERED,
        ):
            values.update(
                assigned_unit=unit,
                answer_type=Proposal.AnswerType.ACCEPTED,
                answer_reason="좋은 제안입니다.",
                implementation_plan="내년 상반기에 시행합니다.",
                answered_at=now - timedelta(days=1),
                answered_by=official,
            )
        if status in (Status.IN_DEBATE, Status.DEBATE_CLOSED, Status.AWAITING_MAYOR, Status.MAYOR_ANSWERED):
            values.update(debate_opens_at=now - timedelta(days=1), debate_closes_at=now + timedelta(days=29))
        if status == Status.MAYOR_ANSWERED:
            values.update(mayor_answer="시장으로서 적극 추진하겠습니다.", mayor_answered_at=now)
        values.update(fields)
        return Proposal.objects.create(**values)

    return make


@pytest.fixture
def open_proposal(make_proposal):
    return make_proposal()


@pytest.fixture
def draft_proposal(make_proposal):
    return make_proposal(status=Status.DRAFT, title="공원 산책로 조명 설치")


def add_timeline(proposal, unit, other_unit, official, *, count=1):
    """Stage changes and reassignments on a proposal's timeline."""
    now = timezone.now()
    for number in range(count):
        StageChange.objects.create(proposal=proposal, from_status="draft", to_status="open", at=now, reason="")
        Assignment.objects.create(proposal=proposal, unit=unit, assigned_at=now)
        Assignment.objects.create(
            proposal=proposal, unit=other_unit, assigned_at=now, assigned_by=official, reason=f"교통 업무 이관 {number}"
        )


def image_bytes(fmt="JPEG", *, size=(64, 48), exif_artist=None, color=(200, 30, 30)):
    picture = Image.new("RGB", size, color)
    output = io.BytesIO()
    options = {}
    if exif_artist:
        exif = Image.Exif()
        exif[0x013B] = exif_artist  # Artist
        exif[0x010F] = "SecretCam"  # Make
        options["exif"] = exif.tobytes()
    picture.save(output, fmt, **options)
    return output.getvalue()
