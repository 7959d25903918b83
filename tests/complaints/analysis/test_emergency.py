"""Emergency keywords: a matching new complaint (any channel) raises one alert per keyword and
writes a notification to every official on duty in the keyword's unit, in the filing's
transaction; acknowledging it is a service (audited) and an admin action."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from citizens.models import Citizen
from complaints.errors import ComplaintError
from complaints.models import EmergencyAlert, EmergencyKeyword
from complaints.services.emergency import (
    complaint_check_emergency,
    emergency_alert_acknowledge,
    emergency_keywords_changed,
    normalise_for_matching,
)
from complaints.services.intake import Filer, complaint_file_for_triage
from governance.models import OrgAssignment
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_keywords():
    emergency_keywords_changed()
    yield
    emergency_keywords_changed()


@pytest.fixture
def gas(roads):
    return EmergencyKeyword.objects.create(phrase="가스 냄새", unit=roads)


@pytest.fixture
def on_duty(make_official, roads, parks):
    """Who is on duty in roads today: a member and the head (SMS; the head by email too). Not: an
    official whose assignment ended, an inactive one, one of parks."""
    member = make_official(roads)
    head = make_official(roads, role=OrgAssignment.Role.HEAD, email="head@roads.example.org",
                         notify_by=Citizen.NotifyBy.BOTH)  # fmt: skip
    former = make_official(None)
    OrgAssignment.objects.create(unit=roads, official=former, role=OrgAssignment.Role.MEMBER,
                                 started_on=date(2020, 1, 1), ended_on=date(2021, 1, 1))  # fmt: skip
    inactive = make_official(roads)
    Citizen.objects.filter(pk=inactive.pk).update(is_active=False)
    make_official(parks)
    return member, head


def emergency_rows():
    return sorted(
        Notification.objects.filter(kind="complaint_emergency").values_list("citizen_id", "channel", "key")
    )


def test_a_matching_complaint_alerts_the_officials_on_duty(file_complaint, gas, on_duty, roads):
    member, head = on_duty
    complaint = file_complaint(description="골목에서 가스냄새가 심하게 납니다")

    alert = EmergencyAlert.objects.get()
    assert (alert.complaint_id, alert.keyword_id, alert.unit_id, alert.acknowledged_at) == (
        complaint.pk, gas.pk, roads.pk, None
    )
    key = f"complaints:complaint_emergency:{alert.pk}:official"
    assert emergency_rows() == sorted([
        (member.pk, "sms", f"{key}:{member.pk}"),
        (head.pk, "email", f"{key}:{head.pk}"),
        (head.pk, "sms", f"{key}:{head.pk}"),
    ])  # fmt: skip
    sms = Notification.objects.get(kind="complaint_emergency", citizen=member)
    assert complaint.tracking_number in sms.body and "가스 냄새" in sms.body
    assert reverse("admin:complaints_complaint_change", args=[complaint.pk]) in sms.body


@pytest.mark.parametrize(
    "text", ["가스 냄새가 나요", "가스냄새가 나요", "가스  냄새", "가스\n냄새 신고", "ＬＰＧ 가스 냄새"]
)
def test_spaces_and_width_do_not_matter(file_complaint, gas, on_duty, text):
    file_complaint(description=text)
    assert EmergencyAlert.objects.filter(keyword=gas).count() == 1


def test_latin_keywords_match_any_case(file_complaint, roads, on_duty):
    keyword = EmergencyKeyword.objects.create(phrase="Gas Leak", unit=roads)
    file_complaint(description="There is a GAS  LEAK near the station")
    assert EmergencyAlert.objects.filter(keyword=keyword).count() == 1


def test_the_title_counts_too(file_complaint, roads, on_duty):
    keyword = EmergencyKeyword.objects.create(phrase="붕괴", unit=roads)
    file_complaint(title="옹벽 붕괴 위험", description="비가 많이 와서 걱정입니다")
    assert EmergencyAlert.objects.filter(keyword=keyword).count() == 1


def test_no_alert_without_a_match_or_for_an_inactive_keyword(file_complaint, roads, on_duty):
    EmergencyKeyword.objects.create(phrase="싱크홀", unit=roads, is_active=False)
    EmergencyKeyword.objects.create(phrase="가스 냄새", unit=roads)
    file_complaint(description="싱크홀이 생겼어요")
    file_complaint(description="가스가 새는지 냄새는 모르겠어요")  # the words apart, not the phrase
    assert EmergencyAlert.objects.count() == 0
    assert emergency_rows() == []


def test_a_keyword_changed_in_the_admin_is_read_again(admin_client, make_official, file_complaint, roads, on_duty,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    superuser = make_official(None, is_superuser=True)
    assert matching_count(file_complaint, "싱크홀이 생겼어요") == 0  # caches the (empty) list
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client(superuser).post(
            reverse("admin:complaints_emergencykeyword_add"), {"phrase": "싱크홀", "unit": roads.pk, "is_active": "on"}
        )
    assert response.status_code == 302
    assert matching_count(file_complaint, "싱크홀이 생겼어요") == 1


def matching_count(file_complaint, text):
    complaint = file_complaint(description=text)
    return EmergencyAlert.objects.filter(complaint=complaint).count()


def test_no_double_alert(file_complaint, gas, on_duty):
    complaint = file_complaint(description="가스냄새")
    before = emergency_rows()
    assert complaint_check_emergency(complaint) == []
    assert EmergencyAlert.objects.count() == 1
    assert emergency_rows() == before


def test_two_keywords_two_alerts(file_complaint, gas, roads, parks, make_official, on_duty):
    parks_official = make_official(parks)
    EmergencyKeyword.objects.create(phrase="붕괴", unit=parks)
    file_complaint(description="가스냄새가 나고 담장이 붕괴될 것 같아요")
    assert sorted(EmergencyAlert.objects.values_list("unit_id", flat=True)) == sorted([roads.pk, parks.pk])
    assert Notification.objects.filter(kind="complaint_emergency", citizen=parks_official).count() == 1


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_sms_and_email_intake_alert_too(guest, gas, on_duty, channel):
    member, _head = on_duty
    complaint = complaint_file_for_triage(channel=channel, description="아파트 앞 가스 냄새", filer=Filer(contact=guest))
    assert EmergencyAlert.objects.filter(complaint=complaint, keyword=gas).count() == 1
    assert Notification.objects.filter(kind="complaint_emergency", citizen=member).count() == 1


def test_a_unit_without_anyone_on_duty_still_gets_the_alert(file_complaint, gas):
    file_complaint(description="가스냄새")
    assert EmergencyAlert.objects.count() == 1
    assert emergency_rows() == []


def test_normalise_for_matching():
    assert normalise_for_matching(" 가스  냄새\t") == "가스냄새"
    assert normalise_for_matching("ＧＡＳ Leak") == "gasleak"
    assert normalise_for_matching("") == ""


# --- Acknowledging ------------------------------------------------------------------------


def test_an_official_of_the_unit_acknowledges_once(file_complaint, gas, on_duty, parks_official):
    member, _head = on_duty
    file_complaint(description="가스냄새")
    alert = EmergencyAlert.objects.get()

    with pytest.raises(ComplaintError) as refused:
        emergency_alert_acknowledge(actor=parks_official, alert=alert)
    assert refused.value.code == "forbidden"

    emergency_alert_acknowledge(actor=member, alert=alert)
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == member.pk and alert.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="complaint.emergency_acknowledge", actor_id=member.pk).count() == 1

    with pytest.raises(ComplaintError) as again:
        emergency_alert_acknowledge(actor=member, alert=alert)
    assert again.value.code == "conflict"


def test_the_admin_lists_the_units_alerts_and_acknowledges(admin_client, file_complaint, gas, on_duty,
                                                           parks_official):  # fmt: skip
    member, _head = on_duty
    file_complaint(description="가스냄새")
    alert = EmergencyAlert.objects.get()
    url = reverse("admin:complaints_emergencyalert_changelist")

    other = admin_client(parks_official)
    assert list(other.get(url).context["cl"].result_list) == []
    other.logout()

    client = admin_client(member)
    assert [row.pk for row in client.get(url).context["cl"].result_list] == [alert.pk]
    with translation.override("en"):
        response = client.post(url, {"action": "acknowledge", "_selected_action": [alert.pk]})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by_id == member.pk


def test_the_alerts_list_costs_the_same_for_one_alert_or_five(admin_client, file_complaint, gas, on_duty):
    member, _head = on_duty
    client = admin_client(member)
    url = reverse("admin:complaints_emergencyalert_changelist")

    def queries_for_the_list():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), len(response.context["cl"].result_list)

    file_complaint(description="가스냄새")
    one, shown = queries_for_the_list()
    assert shown == 1
    for _ in range(4):
        file_complaint(description="가스 냄새가 납니다")
    five, shown = queries_for_the_list()
    assert (five, shown) == (one, 5)
