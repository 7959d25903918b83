"""Reminders before the review deadline: to members who have neither reviewed nor declared, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.registry import register_governance_kinds
from governance.services.reviews import review_reminders_send
from governance.tasks import send_review_reminders
from notifications.models import Notification

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reminder_kind():
    # GovernanceConfig.ready() registers it; registering again is harmless.
    register_governance_kinds()


@pytest.fixture
def setting():
    committee = make_committee()
    now = timezone.now()
    due = make_item(committee, title="곧 마감되는 안건", title_en="Item due soon", review_deadline=now + timedelta(hours=24))
    make_item(committee, title="나중 안건", review_deadline=now + timedelta(hours=72))
    make_item(committee, title="지난 안건", review_deadline=now - timedelta(hours=1))
    make_item(committee, state="closed", title="닫힌 안건", review_deadline=now + timedelta(hours=24))
    pending = [make_membership(committee), make_membership(committee, person=make_person(language="en"))]
    add_review(due, make_membership(committee))
    add_conflict(due, make_membership(committee))
    make_membership(committee, ended=True)
    make_membership(make_committee("participatory-budget-committee"))
    return due, pending, now


def test_pending_members_of_items_due_within_48_hours_are_reminded_once(setting):
    due, pending, now = setting

    assert review_reminders_send(now=now) == 2
    rows = Notification.objects.filter(kind="review_reminder")
    assert {row.citizen_id for row in rows} == {membership.person_id for membership in pending}
    assert {row.key for row in rows} == {f"governance.review_reminder:{due.pk}:{m.person_id}" for m in pending}

    assert review_reminders_send(now=now) == 0
    assert send_review_reminders() == 0
    assert Notification.objects.filter(kind="review_reminder").count() == rows.count()


def test_the_reminder_is_in_the_members_language(setting):
    due, pending, now = setting
    review_reminders_send(now=now)
    korean = Notification.objects.get(kind="review_reminder", citizen_id=pending[0].person_id)
    english = Notification.objects.get(kind="review_reminder", citizen_id=pending[1].person_id)
    assert "곧 마감되는 안건" in korean.body and f"/review/items/{due.pk}/" in korean.body
    assert "Item due soon" in english.body and f"/en/review/items/{due.pk}/" in english.body
    deadline = timezone.localtime(due.review_deadline).strftime("%m-%d %H:%M")
    assert deadline in korean.body  # Seoul time


def test_a_member_who_reviews_after_a_first_run_is_not_reminded_by_a_later_one(setting):
    due, pending, now = setting
    add_review(due, pending[0])
    assert review_reminders_send(now=now) == 1


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_email_renders(language):
    from notifications.kinds import get_kind

    context = {"title_ko": "안건", "title_en": "Item", "deadline": timezone.now(), "url_ko": "https://x/review/items/1/",
               "url_en": "https://x/en/review/items/1/"}
    subject, body = get_kind("review_reminder").render("email", context, language=language)
    title = "Item" if language == "en" else "안건"
    assert title in subject and "\n" not in subject
    assert title in body and context[f"url_{language}"] in body
