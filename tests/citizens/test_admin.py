"""The officials' account admin: masked data, search by index, staff creation, erasure, no deletion."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from citizens import services
from citizens.models import Citizen, email_blind_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(client):
    official = Citizen.objects.create_superuser(email="chief@seoul.example", password="a-long-enough-passphrase")
    client.force_login(official, backend="citizens.backends.StaffEmailBackend")
    return official


def test_the_changelist_masks_phones_and_finds_by_whole_number(client, official, make_citizen):
    target = make_citizen(phone="010-2345-6789")
    make_citizen(phone="010-2345-0000")
    url = reverse("admin:citizens_citizen_changelist")
    page = client.get(url).content.decode()
    assert "010-****-6789" in page
    assert "2345" not in page and "+8210" not in page

    found = client.get(url, {"q": "010-2345-6789"}).context["cl"].result_list
    assert [citizen.pk for citizen in found] == [target.pk]
    assert list(client.get(url, {"q": "chief@seoul.example"}).context["cl"].result_list) == [official]
    assert list(client.get(url, {"q": "2345"}).context["cl"].result_list) == []  # no partial matches


def test_the_changelist_query_count_does_not_grow(client, official, make_citizen, django_assert_max_num_queries):
    url = reverse("admin:citizens_citizen_changelist")
    make_citizen(phone="010-3000-0000")
    client.get(url)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for number in range(1, 25):
        make_citizen(phone=f"010-3000-{number:04d}", district_code=["11680", "11110", "11440"][number % 3])
    with django_assert_max_num_queries(50) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_official_creates_a_staff_account(client, official):
    response = client.post(
        reverse("admin:citizens_citizen_add"),
        {"email": "New.Officer@Seoul.example", "name": "김주무관", "password1": "another-long-passphrase",
         "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    staff = Citizen.objects.get(email_index=email_blind_index("new.officer@seoul.example"))
    assert staff.is_staff and not staff.is_superuser and staff.check_password("another-long-passphrase")
    event = AuditEvent.objects.get(action="citizen.staff_create")
    assert (event.actor_id, event.target_id) == (official.pk, str(staff.pk))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "chief@seoul.example", "password1": "another-long-passphrase",
          "password2": "another-long-passphrase"}, "email"),
        ({"email": "x@seoul.example", "password1": "another-long-passphrase", "password2": "different-passphrase"},
         "password2"),
        ({"email": "x@seoul.example", "password1": "short", "password2": "short"}, "password1"),
        ({"email": "not-an-email", "password1": "another-long-passphrase",
          "password2": "another-long-passphrase"}, "email"),
    ],
)
def test_bad_staff_input_is_a_form_error(client, official, data, field):
    response = client.post(reverse("admin:citizens_citizen_add"), {"name": "", **data})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert Citizen.objects.count() == 1


def test_accounts_are_erased_not_deleted(client, official, make_citizen):
    target = make_citizen(phone="010-4321-0001", email="erase.me@example.com")
    assert client.get(reverse("admin:citizens_citizen_delete", args=[target.pk])).status_code == 403
    response = client.post(
        reverse("admin:citizens_citizen_changelist"),
        {"action": "erase_accounts", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.erased_at and target.phone == "" and target.email == ""
    event = AuditEvent.objects.get(action="citizen.erase")
    assert event.actor_id == official.pk and event.target_id == str(target.pk)


def test_changing_flags_is_audited_with_field_names(client, official, make_citizen):
    target = make_citizen(phone="010-4321-0002")
    url = reverse("admin:citizens_citizen_change", args=[target.pk])
    response = client.post(url, {"name": "홍길동", "is_active": "on", "is_staff": "on"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_staff and target.name == "홍길동"
    event = AuditEvent.objects.filter(action="citizen.admin_update").get()
    assert event.summary == {"fields": "is_staff,name"}
    assert "홍길동" not in str(event.summary)


def test_an_sms_code_alone_never_opens_the_admin(client, request_code, last_code):
    """A citizen made staff who signs in by SMS code gets the admin's login page, not the admin."""
    citizen, _ = services.citizen_sign_in_by_phone(phone="+821077770001")
    citizen.is_staff = True
    citizen.is_superuser = True
    citizen.save()
    request_code("010-7777-0001")
    response = client.post(reverse("citizens:signin_code"), {"code": last_code("+821077770001")})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(citizen.pk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:citizens_citizen_changelist")).status_code == 302


def test_the_admin_login_takes_long_email_addresses(client):
    email = f"{'a' * 70}@seoul.example"
    Citizen.objects.create_superuser(email=email, password="a-long-enough-passphrase")
    response = client.post(reverse("admin:login"), {"username": email, "password": "a-long-enough-passphrase"})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_odd_search_terms_are_answered_not_crashed(client, official):
    url = reverse("admin:citizens_citizen_changelist")
    for term in ["²", "１２３", "010-", "@", "' OR 1=1 --"]:
        response = client.get(url, {"q": term})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == []


def test_an_erased_account_can_be_viewed_but_not_changed(client, official, make_citizen):
    target = make_citizen(phone="010-4321-0003")
    services.citizen_erase(citizen=target)
    url = reverse("admin:citizens_citizen_change", args=[target.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "x", "is_active": "on"}).status_code == 403
    target.refresh_from_db()
    assert not target.is_active and target.name == ""
    with pytest.raises(services.CitizenError):
        services.citizen_admin_update(actor=official, citizen=target, changed_fields=["is_active"])
