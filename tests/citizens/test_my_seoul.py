"""Consent, profile, My Seoul, data download and account deletion."""

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from citizens import registry, services
from citizens.models import Citizen, Consent, email_blind_index

pytestmark = pytest.mark.django_db

PROFILE = {
    "birth_date": "1990-05-17",
    "residence_basis": "lives",
    "district": "11680",
    "gender": "female",
    "language": "ko",
    "notify_by": "sms",
    "email": "",
}


@pytest.fixture
def signed_in(client, db):
    def sign_in(citizen):
        client.force_login(citizen, backend="citizens.backends.StaffEmailBackend")
        return client

    return sign_in


def new_citizen(phone="+821011112222"):
    citizen, _ = services.citizen_sign_in_by_phone(phone=phone)
    return citizen


def test_me_requires_sign_in(client):
    response = client.get(reverse("citizens:me"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("citizens:signin"))


def test_consent_page_states_purpose_items_retention_and_refusal(signed_in):
    client = signed_in(new_citizen())
    page = client.get(reverse("citizens:consent")).content.decode()
    for heading in ("수집·이용 목적", "수집 항목", "보유 기간", "동의를 거부할 권리"):
        assert heading in page


def test_refusing_the_required_consent_is_a_form_error(signed_in):
    citizen = new_citizen()
    client = signed_in(citizen)
    response = client.post(reverse("citizens:consent"), {"city_news": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["participation"] == ["참여에 필요한 동의입니다."]
    assert not Consent.objects.filter(citizen=citizen).exists()


def test_consent_is_stored_per_purpose_and_version(signed_in):
    citizen = new_citizen()
    client = signed_in(citizen)
    client.post(reverse("citizens:consent"), {"participation": "on"})
    answers = {(c.purpose, c.version, c.granted) for c in Consent.objects.filter(citizen=citizen)}
    assert answers == {("participation", "2026-11", True), ("city_news", "2026-11", False)}
    assert all(c.answered_at for c in Consent.objects.filter(citizen=citizen))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"residence_basis": "lives", "district": ""}, "district", "거주하는 자치구를 선택해 주세요."),
        ({"birth_date": "2999-01-01"}, "birth_date", "생년월일을 입력해 주세요. 오늘 이전 날짜여야 합니다."),
        ({"birth_date": "not a date"}, "birth_date", "1990-05-17과 같은 날짜를 입력해 주세요."),
        ({"notify_by": "email", "email": ""}, "email", "이메일로 알림을 받으려면 이메일 주소를 입력해 주세요."),
        ({"email": "not-an-email"}, "email", "name@example.com과 같은 이메일 주소를 입력해 주세요."),
        ({"district": "99999"}, "district", None),
        ({"residence_basis": "visits"}, "residence_basis", None),
    ],
)
def test_bad_profile_input_gets_a_form_error(signed_in, change, field, message):
    citizen = new_citizen()
    services.consent_record(citizen=citizen, answers={"participation": True})
    client = signed_in(citizen)
    response = client.post(reverse("citizens:profile"), {**PROFILE, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message:
        assert errors == [message]
    citizen.refresh_from_db()
    assert citizen.profile_completed_at is None


def test_under_14_cannot_complete_the_profile_without_a_guardian(signed_in):
    citizen = new_citizen()
    services.consent_record(citizen=citizen, answers={"participation": True})
    client = signed_in(citizen)
    today = date.today()
    birth = today.replace(year=today.year - 13)
    response = client.post(reverse("citizens:profile"), {**PROFILE, "birth_date": birth.isoformat()})
    assert response.status_code == 200
    assert "14세 미만" in response.context["form"].errors["birth_date"][0]


def test_an_email_belongs_to_one_account(signed_in, make_citizen):
    make_citizen(phone="010-3333-4444", email="taken@example.com")
    citizen = new_citizen()
    services.consent_record(citizen=citizen, answers={"participation": True})
    client = signed_in(citizen)
    response = client.post(reverse("citizens:profile"), {**PROFILE, "email": "Taken@Example.com"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["다른 계정에서 사용 중인 이메일 주소입니다."]


def test_outside_seoul_takes_part_with_a_basis(signed_in):
    citizen = new_citizen()
    services.consent_record(citizen=citizen, answers={"participation": True})
    client = signed_in(citizen)
    response = client.post(reverse("citizens:profile"), {**PROFILE, "residence_basis": "works", "district": ""})
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.district is None and citizen.residence_basis == "works"


def test_me_query_count_does_not_grow_with_data(
    signed_in, make_citizen, plain_notification_kind, django_assert_max_num_queries
):
    citizen = make_citizen(phone="010-4444-5555", email="me@example.com")
    client = signed_in(citizen)
    client.get(reverse("citizens:me"))  # warm up the session and caches
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("citizens:me")).status_code == 200
    for number in range(30):
        make_citizen(phone=f"010-4444-{number:04d}")
    from notifications.services import notify

    for number in range(15):
        notify(recipient=citizen, kind=plain_notification_kind, context={"text": f"n{number}"}, key=f"me-count-{number}")
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(reverse("citizens:me")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_holds_exactly_the_citizens_own_data(signed_in, make_citizen):
    mine = make_citizen(phone="010-1111-0001", email="mine@example.com")
    other = make_citizen(phone="010-1111-0002", email="other@example.com")
    client = signed_in(mine)
    response = client.get(reverse("citizens:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["phone"] == "+821011110001"
    assert data["profile"]["email"] == "mine@example.com"
    assert data["profile"]["district"]["code"] == "11680"
    assert {c["purpose"] for c in data["consents"]} == {"participation", "city_news"}
    text = response.content.decode()
    assert "+821011110002" not in text and "other@example.com" not in text
    assert str(other.pk) not in [str(value) for value in data["profile"].values()]
    for handler in registry.personal_data_handlers():
        assert handler.key in data


def rows_holding(value):
    """Every (model, field) in the project whose column holds exactly this value."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.get_internal_type() in {"CharField", "TextField"} and model._default_manager.filter(
                **{field.attname: value}
            ).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def test_delete_account_leaves_no_phone_or_email(client, make_citizen, request_code, last_code, sms_outbox):
    from citizens.models import phone_blind_index

    other = make_citizen(phone="010-9999-0002", email="stays@example.com")
    # The citizen signs in for real, so codes, counters, a contact and notifications exist.
    request_code("010-9999-0001")
    client.post(reverse("citizens:signin_code"), {"code": last_code("+821099990001")})
    citizen = Citizen.objects.get(phone_index=phone_blind_index("+821099990001"))
    services.consent_record(citizen=citizen, answers={"participation": True})
    client.post(reverse("citizens:profile"), {**PROFILE, "email": "gone@example.com", "notify_by": "both"})
    index = citizen.phone_index
    assert rows_holding(index)  # the check below would see them

    response = client.post(reverse("citizens:delete"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]

    response = client.post(reverse("citizens:delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    citizen.refresh_from_db()
    assert citizen.erased_at and not citizen.is_active
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, phone_index, phone_last4, email, email_index, birth_date, district_id "
            "FROM citizens_citizen WHERE id = %s",
            [citizen.pk],
        )
        assert cursor.fetchone() == ("", None, "", "", None, None, None)
    assert not Consent.objects.filter(citizen=citizen).exists()
    # No table keeps the phone's or the email's index any more.
    assert rows_holding(index) == []
    assert rows_holding(email_blind_index("gone@example.com")) == []
    other.refresh_from_db()
    assert other.phone == "+821099990002" and other.email == "stays@example.com"
    assert rows_holding(other.phone_index)
    # The same phone can sign in again later: it gets a new, empty account.
    with freeze_time(timezone.now() + timedelta(minutes=2)):
        request_code("010-9999-0001")
        client.post(reverse("citizens:signin_code"), {"code": last_code("+821099990001")})
    assert Citizen.objects.filter(is_active=True).count() == 2
    assert int(client.session["_auth_user_id"]) != citizen.pk


def test_staff_sign_in_to_admin_with_email_and_password(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Official@Seoul.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase")
    call_command("createsuperuser", "--noinput")
    official = Citizen.objects.get(email_index=email_blind_index("official@seoul.example"))
    assert official.is_staff and official.is_superuser
    assert official.password.startswith("argon2")
    response = client.post(
        reverse("admin:login"), {"username": "official@seoul.example", "password": "wrong-password-here"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        reverse("admin:login"), {"username": "official@seoul.example", "password": "a-long-enough-passphrase"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
