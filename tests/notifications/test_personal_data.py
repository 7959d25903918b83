import json

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from citizens import registry
from citizens.models import Citizen
from notifications.models import Contact, Notification
from notifications.services import contact_for_phone, notify

pytestmark = pytest.mark.django_db


def handler():
    return next(h for h in registry.personal_data_handlers() if h.key == "notifications")


def panel():
    return next(p for p in registry.panels() if p.key == "notifications")


@pytest.fixture
def two_citizens(make_citizen, greeting, greeting_context):
    mine = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="me@example.com")
    theirs = make_citizen()
    for citizen in (mine, theirs):
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"greet:{citizen.pk}")
    contact_for_phone(mine.phone, language="ko")  # where their sign-in codes went
    contact_for_phone("+821077776666", language="ko")  # a guest's
    return mine, theirs


def test_the_export_lists_that_citizens_notifications_only(two_citizens):
    mine, theirs = two_citizens

    exported = handler().export(mine)

    assert sorted(item["channel"] for item in exported) == ["email", "sms"]
    assert all(item["text"].startswith(("[ko] R&D", "R&D")) for item in exported)
    json.dumps(exported)  # the export is JSON
    assert len(handler().export(theirs)) == 1


def test_erasure_leaves_no_notification_of_theirs_and_everyone_elses(two_citizens):
    mine, theirs = two_citizens
    theirs_before = list(Notification.objects.filter(citizen=theirs).values_list("pk", flat=True))

    handler().erase(mine)

    assert not Notification.objects.filter(citizen=mine).exists()
    assert not Contact.objects.filter(phone_index=mine.phone_index).exists()
    assert list(Notification.objects.filter(citizen=theirs).values_list("pk", flat=True)) == theirs_before
    assert Contact.objects.count() == 1  # the guest's


def test_the_panel_lists_the_latest_twenty_in_one_query(make_citizen, greeting, greeting_context,
                                                       django_assert_num_queries):
    citizen = make_citizen()
    for number in range(3):
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"a{number}")
    with django_assert_num_queries(1):
        few = panel().context(citizen)["notifications"]

    for number in range(25):
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key=f"b{number}")
    Notification.objects.filter(key="b24").update(status="sent", sent_at=timezone.now(), next_attempt_at=None)
    with django_assert_num_queries(1):
        many = panel().context(citizen)["notifications"]
        html = render_to_string(panel().template, {"notifications": many})

    assert len(few) == 3 and len(many) == 20
    assert many[0].key == "b24"
    assert html.count("<li") == 20
    assert "R&amp;D &lt;team&gt;" in html  # the page escapes what the text template did not


def test_the_panel_says_when_there_is_nothing(make_citizen):
    html = render_to_string(panel().template, panel().context(make_citizen()))
    assert "아직 받은 알림이 없습니다." in html
