"""Sign-in by SMS code, end to end through the views (in-memory SMS backend)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from citizens.models import Citizen, PhoneVerification, phone_blind_index

PHONE = "010-1234-5678"
E164 = "+821012345678"

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_good_code_signs_in_and_leads_to_consent_then_profile(client, request_code, last_code):
    response = request_code(PHONE)
    assert response.status_code == 302
    assert response.url == reverse("citizens:signin_code")

    response = client.post(reverse("citizens:signin_code"), {"code": last_code(E164)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("citizens:consent"))

    citizen = Citizen.objects.get(phone_index=phone_blind_index(E164))
    assert citizen.phone == E164
    assert citizen.masked_phone == "010-****-5678"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    # The number is encrypted at rest: the raw column does not contain it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM citizens_citizen WHERE id = %s", [citizen.pk])
        raw = cursor.fetchone()[0]
    assert "1234" not in raw and raw != E164

    # /me/ is not reachable before consent and profile.
    assert client.get(reverse("citizens:me")).url.startswith(reverse("citizens:consent"))
    response = client.post(reverse("citizens:consent"), {"participation": "on"})
    assert response.status_code == 302 and response.url.startswith(reverse("citizens:profile"))
    response = client.post(
        reverse("citizens:profile"),
        {
            "birth_date": "1990-05-17",
            "residence_basis": "lives",
            "district": "11680",
            "gender": "",
            "language": "ko",
            "notify_by": "sms",
            "email": "",
        },
    )
    assert response.status_code == 302
    response = client.get(reverse("citizens:me"))
    assert response.status_code == 200
    assert "010-****-5678" in response.content.decode()


def test_second_sign_in_finds_the_same_account(client, request_code, last_code, make_citizen):
    citizen = make_citizen(phone=PHONE)
    request_code(PHONE)
    with freeze_time(timezone.now() + timedelta(seconds=1)):
        response = client.post(reverse("citizens:signin_code"), {"code": last_code(E164)})
    assert response.status_code == 302
    assert response.url == reverse("citizens:me")
    assert Citizen.objects.count() == 1
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_wrong_code_five_times_invalidates_the_code(client, request_code, last_code):
    request_code(PHONE)
    good = last_code(E164)
    wrong = "000000" if good != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post(reverse("citizens:signin_code"), {"code": wrong})
        assert response.status_code == 200
        assert f"{left}" in response.context["form"].errors["code"][0]
    response = client.post(reverse("citizens:signin_code"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"][0] == (
        "코드를 너무 여러 번 잘못 입력하여 더 이상 사용할 수 없습니다. 새 코드를 요청해 주세요."
    )
    # Even the right code no longer works.
    response = client.post(reverse("citizens:signin_code"), {"code": good})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert PhoneVerification.objects.get().invalidated_at is not None


def test_expired_code_is_refused(client, request_code, last_code):
    start = timezone.now()
    with freeze_time(start):
        request_code(PHONE)
    with freeze_time(start + timedelta(minutes=5, seconds=1)):
        response = client.post(reverse("citizens:signin_code"), {"code": last_code(E164)})
    assert response.status_code == 200
    assert "5분" in response.context["form"].errors["code"][0]
    assert "_auth_user_id" not in client.session


def test_code_within_five_minutes_is_accepted(client, request_code, last_code):
    start = timezone.now()
    with freeze_time(start):
        request_code(PHONE)
    with freeze_time(start + timedelta(minutes=4, seconds=59)):
        response = client.post(reverse("citizens:signin_code"), {"code": last_code(E164)})
    assert response.status_code == 302


def test_a_new_code_replaces_the_old_one(client, request_code, last_code):
    start = timezone.now()
    with freeze_time(start):
        request_code(PHONE)
        first = last_code(E164)
    with freeze_time(start + timedelta(seconds=61)):
        request_code(PHONE)
        second = last_code(E164)
        if first != second:
            response = client.post(reverse("citizens:signin_code"), {"code": first})
            assert response.status_code == 200
        response = client.post(reverse("citizens:signin_code"), {"code": second})
        assert response.status_code == 302


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "휴대전화 번호를 입력해 주세요."),
        ("12345", "010-1234-5678과 같은 휴대전화 번호를 입력해 주세요."),
        ("phone please", "010-1234-5678과 같은 휴대전화 번호를 입력해 주세요."),
        ("02-123-4567", "010으로 시작하는 국내 휴대전화 번호를 입력해 주세요. 인증번호는 SMS로만 보낼 수 있습니다."),
        ("+1 415 555 2671", "010으로 시작하는 국내 휴대전화 번호를 입력해 주세요. 인증번호는 SMS로만 보낼 수 있습니다."),
    ],
)
def test_malformed_phone_gets_a_form_error(request_code, sms_outbox, phone, message):
    response = request_code(phone)
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [message]
    assert sms_outbox == []
    assert PhoneVerification.objects.count() == 0


def test_code_page_without_a_phone_sends_back_to_the_start(client):
    response = client.get(reverse("citizens:signin_code"))
    assert response.status_code == 302 and response.url == reverse("citizens:signin")


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_malformed_code_gets_a_form_error(client, request_code, code):
    request_code(PHONE)
    response = client.post(reverse("citizens:signin_code"), {"code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert PhoneVerification.objects.get().failed_attempts == 0


def test_english_pages_speak_english(client):
    response = client.post("/en/signin/", {"phone": "12345"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["Enter a mobile phone number such as 010-1234-5678."]
