"""Builders for the comment tests: citizens ready to take part, moderators, comments in each state."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record
from proposals.models import Comment, CommentReport
from proposals.services.comments import comment_post

PASSWORD_BACKEND = "citizens.backends.StaffEmailBackend"
HTMX = {"HTTP_HX_REQUEST": "true"}


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
def commenter(participant):
    return participant(name="김민수")


@pytest.fixture
def reader(participant):
    return participant(name="이서연")


@pytest.fixture
def comment(published, commenter):
    return comment_post(author=commenter, proposal=published, body="좋은 제안입니다.\nhttps://news.seoul.go.kr 참고")


@pytest.fixture
def make_moderator(make_citizen):
    def make(*, perm=True, **fields):
        person = make_citizen(is_staff=True, **fields)
        if perm:
            person.user_permissions.add(
                Permission.objects.get(content_type__app_label="proposals", codename="change_comment")
            )
        return Citizen.objects.get(pk=person.pk)  # fresh: no cached permissions

    return make


@pytest.fixture
def moderator(make_moderator):
    return make_moderator()


def set_state(comment, state, moderator=None):
    """Put a comment in "visible", "hidden" (hidden pending moderation, 3 reports) or "removed"."""
    if state == "visible":
        return comment
    fields = {"status": Comment.Status.HIDDEN_PENDING, "report_count": 3}
    if state == "removed":
        fields = {
            "status": Comment.Status.REMOVED,
            "moderation_reason": "개인정보가 포함되어 삭제했습니다.",
            "moderated_at": timezone.now(),
            "moderated_by": moderator,
        }
    Comment.objects.filter(pk=comment.pk).update(**fields)
    comment.refresh_from_db()
    return comment


def report_by(comment, citizens, reason=CommentReport.Reason.ABUSE):
    from proposals.services.comments import comment_report

    return [comment_report(reporter=citizen, comment=comment, reason=reason) for citizen in citizens]
