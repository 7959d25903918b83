import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from citizens import registry
from citizens.models import Citizen, phone_blind_index
from notifications.kinds import UnknownKind
from notifications.models import Contact, Notification
from notifications.recipients import UnknownRecipient, register_recipient_resolver, target_for_citizen
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notify_twice_with_the_same_key_writes_nothing_new(make_citizen, greeting, greeting_context):
    citizen = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="a@example.com")

    first = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="greet:1")
    second = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="greet:1")

    assert len(first) == 2
    assert second == []
    assert Notification.objects.filter(key="greet:1").count() == 2


def test_a_new_key_writes_new_rows(make_citizen, greeting, greeting_context):
    citizen = make_citizen()
    notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="greet:1")
    notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="greet:2")
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("notify_by", "email", "channels"),
    [
        (Citizen.NotifyBy.SMS, "", {"sms"}),
        (Citizen.NotifyBy.SMS, "a@example.com", {"sms"}),
        (Citizen.NotifyBy.EMAIL, "a@example.com", {"email"}),
        (Citizen.NotifyBy.BOTH, "a@example.com", {"sms", "email"}),
    ],
)
def test_one_row_per_preferred_channel(make_citizen, greeting, greeting_context, notify_by, email, channels):
    citizen = make_citizen(notify_by=notify_by, email=email)
    rows = notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
    assert {row.channel for row in rows} == channels
    assert all(row.citizen_id == citizen.pk and row.contact_id is None for row in rows)


def test_a_kind_without_email_writes_only_the_sms(make_citizen):
    citizen = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="a@example.com")
    rows = notify(recipient=citizen, kind="verification_code", context={"code": "123456", "minutes": 5}, key="v")
    assert [row.channel for row in rows] == ["sms"]


def test_text_is_rendered_in_the_recipients_language(make_citizen, greeting, greeting_context):
    korean = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="ko@example.com", language="ko")
    english = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="en@example.com", language="en")

    ko = {row.channel: row for row in notify(recipient=korean, kind="test_greeting", context=greeting_context, key="ko")}
    en = {row.channel: row for row in notify(recipient=english, kind="test_greeting", context=greeting_context, key="en")}

    # Plain text: no HTML escaping of what the caller passed.
    assert ko["sms"].body == "[ko] R&D <team>: 1월 예"
    assert en["sms"].body == "[en] R&D <team>: January yes"
    assert ko["email"].subject == "[ko] R&D <team> 1월"
    assert en["email"].body == "R&D <team>, January (en)"
    assert (ko["sms"].language, en["sms"].language) == ("ko", "en")


def test_rows_are_written_in_the_callers_transaction(make_citizen, greeting, greeting_context, sms_outbox):
    citizen = make_citizen()

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
        raise Abort

    assert not Notification.objects.exists()
    assert sms_outbox == []


def test_delivery_starts_when_the_transaction_commits(
    make_citizen, greeting, greeting_context, sms_outbox, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    citizen = make_citizen(notify_by=Citizen.NotifyBy.BOTH, email="a@example.com")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipient=citizen, kind="test_greeting", context=greeting_context, key="k")
    assert sms_outbox == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()

    assert [message.to for message in sms_outbox] == [citizen.phone]
    assert [message.to for message in mail.outbox] == [["a@example.com"]]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_notification_has_exactly_one_recipient(make_citizen):
    citizen = make_citizen()
    contact = Contact.objects.create(phone="+821055550000", phone_index=phone_blind_index("+821055550000"))
    for citizen_value, contact_value in [(citizen, contact), (None, None)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(key="x", kind="k", channel="sms", language="ko",
                                        citizen=citizen_value, contact=contact_value)


def test_unknown_kinds_and_recipients_are_refused(make_citizen):
    citizen = make_citizen()
    with pytest.raises(UnknownKind):
        notify(recipient=citizen, kind="no_such_kind", context={}, key="k")
    with pytest.raises(UnknownRecipient):
        notify(recipient="someone", kind="verification_code", context={}, key="k")


class Team:
    def __init__(self, members):
        self.members = members


def test_a_registered_resolver_sends_once_to_each_member_of_a_group(make_citizen, greeting, greeting_context):
    register_recipient_resolver(
        Team, lambda team: [target_for_citizen(member, key_suffix=f"citizen:{member.pk}") for member in team.members]
    )
    team = Team([make_citizen(), make_citizen()])

    notify(recipient=team, kind="test_greeting", context=greeting_context, key="team-news")
    notify(recipient=team, kind="test_greeting", context=greeting_context, key="team-news")

    assert sorted(Notification.objects.values_list("citizen_id", flat=True)) == sorted(m.pk for m in team.members)


def test_the_sign_in_code_goes_by_sms_to_a_contact_and_its_text_is_erased_once_sent(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        registry.send_code(phone="+821012345678", code="482913", language="en", reference="ref-1")
        registry.send_code(phone="+821012345678", code="482913", language="en", reference="ref-1")
        registry.send_code(phone="+821012345678", code="771002", language="ko", reference="ref-2")

    contact = Contact.objects.get()
    assert contact.phone == "+821012345678" and contact.language == "ko"
    assert [(m.to, "482913" in m.body) for m in sms_outbox] == [("+821012345678", True), ("+821012345678", False)]
    assert "771002" in sms_outbox[1].body
    rows = Notification.objects.filter(contact=contact)
    assert sorted(rows.values_list("key", flat=True)) == ["verification:ref-1", "verification:ref-2"]
    assert set(rows.values_list("status", "body")) == {("sent", "")}
