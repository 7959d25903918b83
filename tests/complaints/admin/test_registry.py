"""The rest of the complaints back office: Open311 keys (shown once, only the hash stored, revoked
not deleted), categories with their questions, the holiday changes; and what the admin never
offers (adding or deleting complaints)."""

import pytest

from audit.models import AuditEvent
from citizens.models import Citizen
from complaints.models import Category, HolidayChange, Open311Key
from complaints.models.open311 import hash_key

from .conftest import change_url

pytestmark = pytest.mark.django_db

KEYS_URL = "/admin/complaints/open311key/"


@pytest.fixture
def superuser(db):
    return Citizen.objects.create_superuser(email="admin@seoul.example", password=None)


def test_a_new_open311_key_is_shown_once_and_only_its_hash_is_kept(login, superuser):
    client = login(superuser)
    response = client.post(KEYS_URL + "add/", {"name": "FixMyStreet 서울", "contact_email": "dev@example.org"})

    assert response.status_code == 200
    key = response.context["new_key"]
    assert len(key) >= 40 and key in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    row = Open311Key.objects.get()
    assert (row.key_hash, row.prefix, row.created_by_id) == (hash_key(key), key[:8], superuser.pk)
    stored = " ".join(str(value) for value in Open311Key.objects.values_list().get())
    assert key not in stored
    assert AuditEvent.objects.filter(action="complaints.open311_key_create").exists()
    # Nowhere afterwards.
    for url in (KEYS_URL, f"{KEYS_URL}{row.pk}/change/"):
        page = client.get(url)
        assert page.status_code == 200 and key not in page.content.decode()


def test_a_duplicate_app_name_is_refused(login, superuser):
    client = login(superuser)
    client.post(KEYS_URL + "add/", {"name": "App"})
    response = client.post(KEYS_URL + "add/", {"name": "App"})
    assert response.status_code == 200 and "name" in response.context["adminform"].form.errors
    assert Open311Key.objects.count() == 1


def test_keys_are_revoked_not_deleted(login, superuser):
    client = login(superuser)
    client.post(KEYS_URL + "add/", {"name": "App"})
    row = Open311Key.objects.get()
    assert client.get(f"{KEYS_URL}{row.pk}/delete/").status_code == 403
    assert "delete_selected" not in client.get(KEYS_URL).context["action_form"].fields["action"].choices.__str__()

    response = client.post(KEYS_URL, {"action": "revoke_keys", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None and not row.is_active


def test_a_category_is_saved_with_its_questions_and_audited(login, superuser, roads):
    data = {
        "service_code": "streetlight", "name_ko": "가로등 고장", "name_en": "Streetlight out", "complaint_type": "on_site",
        "default_unit": roads.pk, "order": 0, "is_active": "on", "keywords": "", "description_ko": "",
        "description_en": "", "notice_ko": "", "notice_en": "",
        "questions-TOTAL_FORMS": 1, "questions-INITIAL_FORMS": 0, "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "questions-0-order": 0, "questions-0-code": "pole", "questions-0-prompt_ko": "전주 번호",
        "questions-0-prompt_en": "Pole number", "questions-0-kind": "text", "questions-0-choices": "[]",
    }  # fmt: skip
    response = login(superuser).post("/admin/complaints/category/add/", data)
    assert response.status_code == 302
    category = Category.objects.get(service_code="streetlight")
    assert list(category.questions.values_list("code", flat=True)) == ["pole"]
    assert AuditEvent.objects.filter(action="complaints.category.save").exists()


def test_a_choice_question_needs_choices(login, superuser, roads):
    data = {
        "service_code": "tree", "name_ko": "가로수", "name_en": "Street tree", "complaint_type": "grievance",
        "default_unit": roads.pk, "order": 0, "is_active": "on",
        "questions-TOTAL_FORMS": 1, "questions-INITIAL_FORMS": 0, "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "questions-0-order": 0, "questions-0-code": "kind", "questions-0-prompt_ko": "종류",
        "questions-0-prompt_en": "Kind", "questions-0-kind": "choice", "questions-0-choices": '[{"key": "a"}]',
    }  # fmt: skip
    response = login(superuser).post("/admin/complaints/category/add/", data)
    assert response.status_code == 200
    assert not Category.objects.filter(service_code="tree").exists()


def test_categories_are_not_deleted(login, superuser, pothole):
    assert login(superuser).get(f"/admin/complaints/category/{pothole.pk}/delete/").status_code == 403


def test_the_holiday_changes_still_work(login, superuser):
    response = login(superuser).post("/admin/complaints/holidaychange/add/", {
        "day": "2026-10-02", "kind": "added", "name": "임시공휴일", "basis": "대통령령",
    })  # fmt: skip
    assert response.status_code == 302
    assert HolidayChange.objects.filter(name="임시공휴일").exists()
    assert AuditEvent.objects.filter(action="complaints.holiday_change.save").exists()


def test_complaints_are_never_added_changed_or_deleted_in_the_admin(login, superuser, roads_complaint):
    client = login(superuser)
    assert client.get("/admin/complaints/complaint/add/").status_code == 403
    assert client.get(f"/admin/complaints/complaint/{roads_complaint.pk}/delete/").status_code == 403
    response = client.post(change_url(roads_complaint), {"status": "closed"})
    assert response.status_code == 403
    roads_complaint.refresh_from_db()
    assert roads_complaint.status == "received"


def test_a_superuser_sees_every_complaint(login, superuser, roads_complaint, parks_complaint):
    response = login(superuser).get("/admin/complaints/complaint/")
    assert {complaint.pk for complaint in response.context["cl"].result_list} == {roads_complaint.pk, parks_complaint.pk}
