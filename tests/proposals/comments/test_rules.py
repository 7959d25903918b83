"""The permission grid: roles × comment states × actions (the services add the state checks and
their messages, see test_services)."""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from freezegun import freeze_time

from proposals.services.comments import comment_report

from .conftest import set_state

pytestmark = pytest.mark.django_db

PERMS = [
    "proposals.reply_to_comment",
    "proposals.edit_comment",
    "proposals.report_comment",
    "proposals.moderate_comment",
]
ROLES = ["anonymous", "unverified", "citizen", "author", "staff_without_perm", "moderator", "superuser"]

# reply, edit, report, moderate — within the edit window.
VISIBLE = {
    "anonymous": [False, False, False, False],
    "unverified": [False, False, False, False],
    "citizen": [True, False, True, False],
    "author": [True, True, False, False],
    "staff_without_perm": [True, False, True, False],
    "moderator": [True, False, True, True],
    "superuser": [False, False, False, True],  # a superuser signs in by email: no verified phone
}
WITHHELD = {role: [False, False, False, role in {"moderator", "superuser"}] for role in ROLES}
GRID = {"visible": VISIBLE, "hidden": WITHHELD, "removed": WITHHELD}


@pytest.fixture
def people(participant, commenter, make_moderator, superuser):
    return {
        "anonymous": AnonymousUser(),
        "unverified": participant(verified=False),
        "citizen": participant(),
        "author": commenter,
        "staff_without_perm": make_moderator(perm=False),
        "moderator": make_moderator(),
        "superuser": superuser,
    }


@pytest.mark.parametrize("state", sorted(GRID))
@pytest.mark.parametrize("role", ROLES)
def test_permission_grid(role, state, people, comment):
    set_state(comment, state)
    assert [rules.has_perm(perm, people[role], comment) for perm in PERMS] == GRID[state][role]


@pytest.mark.parametrize("role", ROLES)
def test_posting_needs_a_verified_phone_and_a_published_proposal(role, people, published, draft):
    verified = role in {"citizen", "author", "staff_without_perm", "moderator"}
    assert rules.has_perm("proposals.post_comment", people[role], published) is verified
    draft.status = "draft"
    assert rules.has_perm("proposals.post_comment", people[role], draft) is False


def test_the_author_may_edit_only_within_the_window(people, comment):
    with freeze_time(comment.created_at + timedelta(minutes=14, seconds=59)):
        assert rules.has_perm("proposals.edit_comment", people["author"], comment)
    with freeze_time(comment.created_at + timedelta(minutes=15)):
        assert not rules.has_perm("proposals.edit_comment", people["author"], comment)


def test_a_reply_cannot_be_answered(people, comment, published):
    from proposals.services.comments import comment_post

    reply = comment_post(author=people["citizen"], proposal=published, body="답글", parent=comment)
    assert not rules.has_perm("proposals.reply_to_comment", people["author"], reply)


def test_a_citizen_reports_once(people, comment):
    comment_report(reporter=people["citizen"], comment=comment, reason="spam")
    assert not rules.has_perm("proposals.report_comment", people["citizen"], comment)
    assert rules.has_perm("proposals.report_comment", people["moderator"], comment)
