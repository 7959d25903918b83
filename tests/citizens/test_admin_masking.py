"""Personal data in the back office: masked until an official with the permission opens it,
and every opening written to the staff access log."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import PersonalDataAccess
from citizens import services
from citizens.masking import mask_email, mask_name
from citizens.models import Citizen

pytestmark = pytest.mark.django_db

NAME = "홍길동"
EMAIL = "hong.gildong@example.com"


@pytest.fixture
def officer(client):
    """A staff member who may manage accounts, but not open personal data."""
    officer = Citizen.objects.create_user(email="officer@seoul.example", password="a-long-enough-passphrase")
    officer.is_staff = True
    officer.save()
    officer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_citizen", "change_citizen"], content_type__app_label="citizens")
    )
    client.force_login(officer, backend="citizens.backends.StaffEmailBackend")
    return officer


@pytest.fixture
def privacy_officer(officer):
    officer.user_permissions.add(Permission.objects.get(codename="open_personal_data"))
    return Citizen.objects.get(pk=officer.pk)  # fresh permission cache


@pytest.fixture
def target(make_citizen):
    citizen = make_citizen(phone="010-2345-6789", email=EMAIL)
    citizen.name = NAME
    citizen.save(update_fields=["name"])
    return citizen


def assert_nothing_in_full(page):
    assert NAME not in page
    assert EMAIL not in page and "hong.gildong" not in page
    assert "2345" not in page and "+8210" not in page


def test_masks():
    assert mask_name("홍길동") == "홍*동"
    assert mask_name("Kim Minsu") == "K*m M***u"
    assert mask_email("kim@example.com") == "k***@e******.com"
    assert mask_email("not-an-email") == ""


def test_the_changelist_and_the_page_show_everything_masked(client, officer, target):
    page = client.get(reverse("admin:citizens_citizen_changelist")).content.decode()
    assert "홍*동" in page and "010-****-6789" in page
    assert_nothing_in_full(page)

    response = client.get(reverse("admin:citizens_citizen_change", args=[target.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "홍*동" in page and "010-****-6789" in page and mask_email(EMAIL) in page
    assert_nothing_in_full(page)
    # Without the permission there is no button, and the URL refuses.
    assert reverse("admin:citizens_citizen_personal_data", args=[target.pk]) not in page
    response = client.post(reverse("admin:citizens_citizen_personal_data", args=[target.pk]))
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_opening_shows_the_data_once_and_is_logged(client, privacy_officer, target):
    url = reverse("admin:citizens_citizen_personal_data", args=[target.pk])
    page = client.get(reverse("admin:citizens_citizen_change", args=[target.pk])).content.decode()
    assert url in page
    assert not PersonalDataAccess.objects.exists()

    assert client.get(url).status_code == 405  # a link followed or prefetched opens nothing
    response = client.post(url, REMOTE_ADDR="192.0.2.44")
    page = response.content.decode()
    assert response.status_code == 200
    assert NAME in page and "+821023456789" in page and EMAIL in page
    assert "no-store" in response["Cache-Control"]
    # The saving form still posts to the account's own page.
    assert f'action="{reverse("admin:citizens_citizen_change", args=[target.pk])}"' in page

    entry = PersonalDataAccess.objects.get()
    assert (entry.staff_id, entry.target_type, entry.target_id) == (privacy_officer.pk, "citizens.citizen", str(target.pk))
    assert entry.items == "name,phone,email"
    assert entry.ip == "192.0.2.44"

    # The next view is masked again; each opening is a new entry.
    assert_nothing_in_full(client.get(reverse("admin:citizens_citizen_change", args=[target.pk])).content.decode())
    client.post(url)
    assert PersonalDataAccess.objects.count() == 2


def test_the_log_is_append_only(privacy_officer, target):
    from audit.appendonly import AppendOnlyError
    from citizens.masking import record_personal_data_access

    record_personal_data_access(actor=privacy_officer, target=target, items=["phone"], ip=None)
    entry = PersonalDataAccess.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        PersonalDataAccess.objects.update(items="")


def test_a_name_can_still_be_changed_and_the_history_names_nobody(client, privacy_officer, target):
    url = reverse("admin:citizens_citizen_change", args=[target.pk])
    response = client.post(url, {"name": "김철수", "is_active": "on"})
    assert response.status_code == 302
    assert Citizen.objects.get(pk=target.pk).name == "김철수"
    # A POST without a name (from the masked page) leaves it as it is.
    assert client.post(url, {"is_active": "on"}).status_code == 302
    assert Citizen.objects.get(pk=target.pk).name == "김철수"

    # (Django's "changed successfully" message names it, once, to the official who typed it.)
    client.get(reverse("admin:citizens_citizen_changelist"))
    history = client.get(reverse("admin:citizens_citizen_history", args=[target.pk])).content.decode()
    assert "김철수" not in history and "김*수" in history
    index = client.get(reverse("admin:index")).content.decode()
    assert "김철수" not in index


def test_an_erased_account_is_shown_as_deleted(client, privacy_officer, target):
    services.citizen_erase(citizen=target)
    page = client.get(reverse("admin:citizens_citizen_changelist")).content.decode()
    assert NAME not in page


def test_the_staff_access_log_is_listed_read_only(client, privacy_officer, target):
    privacy_officer.user_permissions.add(Permission.objects.get(codename="view_personaldataaccess"))
    client.post(reverse("admin:citizens_citizen_personal_data", args=[target.pk]))
    response = client.get(reverse("admin:audit_personaldataaccess_changelist"), {"q": "abc"})
    assert response.status_code == 200
    response = client.get(reverse("admin:audit_personaldataaccess_changelist"), {"q": str(target.pk)})
    assert len(response.context["cl"].result_list) == 1


def test_opening_takes_a_fixed_number_of_queries(client, privacy_officer, make_citizen, django_assert_max_num_queries):
    """The opened page costs what the masked one does plus the log's insert, whoever is opened."""
    first = make_citizen(phone="010-1111-2222", email="first@example.com")
    second = make_citizen(phone="010-3333-4444", email="second@example.com")
    client.post(reverse("admin:citizens_citizen_personal_data", args=[first.pk]))  # warm caches
    with django_assert_max_num_queries(22) as captured:
        assert client.post(reverse("admin:citizens_citizen_personal_data", args=[second.pk])).status_code == 200
    inserts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and "audit_personaldataaccess" in inserts[0]


def test_the_account_page_takes_a_fixed_number_of_queries(client, privacy_officer, target, django_assert_max_num_queries):
    client.get(reverse("admin:citizens_citizen_change", args=[target.pk]))
    # (It was several hundred: one query per permission in the permissions' chooser.)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("admin:citizens_citizen_change", args=[target.pk])).status_code == 200
