"""A complaint's page masks the filer's name, phone and email until the official presses "Open
personal data": that writes an audit record and shows the data in that one response."""

import pytest

from audit.models import AuditEvent
from complaints.services.intake import Filer

from .conftest import change_url

pytestmark = pytest.mark.django_db


def reveal_url(complaint):
    return f"/admin/complaints/complaint/{complaint.pk}/personal-data/"


def test_the_page_masks_the_filer_and_audits_nothing(login, roads_official, roads_complaint, roads_filer):
    response = login(roads_official).get(change_url(roads_complaint))

    assert response.status_code == 200
    html = response.content.decode()
    assert "홍*동" in html and f"010-****-{roads_filer.phone_last4}" in html and "h***@e******.com" in html
    assert "홍길동" not in html and "hong@example.com" not in html
    assert roads_filer.phone not in html and roads_filer.phone.replace("+82", "0") not in html
    assert reveal_url(roads_complaint) in html
    assert not AuditEvent.objects.filter(action="complaint.personal_data_view").exists()


def test_opening_the_personal_data_is_audited_and_shows_it_once(login, roads_official, roads_complaint, roads_filer):
    client = login(roads_official)
    response = client.post(reveal_url(roads_complaint))

    assert response.status_code == 200
    html = response.content.decode()
    assert "홍길동" in html and "hong@example.com" in html and roads_filer.phone in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="complaint.personal_data_view")
    assert (event.actor_id, event.target_id) == (roads_official.pk, str(roads_complaint.pk))
    assert "홍길동" not in str(event.summary) and roads_filer.phone not in str(event.summary)

    # The next view of the page is masked again; opening again is audited again.
    assert "홍길동" not in client.get(change_url(roads_complaint)).content.decode()
    client.post(reveal_url(roads_complaint))
    assert AuditEvent.objects.filter(action="complaint.personal_data_view").count() == 2


def test_a_guest_s_contact_is_masked_and_revealed_alike(login, roads_official, file_complaint, guest):
    complaint = file_complaint(filer=Filer(contact=guest, name="이순신"))
    client = login(roads_official)
    masked = client.get(change_url(complaint)).content.decode()
    assert "이*신" in masked and "010-****-1234" in masked
    assert "이순신" not in masked and "+821055501234" not in masked
    revealed = client.post(reveal_url(complaint)).content.decode()
    assert "이순신" in revealed and "+821055501234" in revealed


def test_the_reveal_takes_a_post_only(login, roads_official, roads_complaint):
    response = login(roads_official).get(reveal_url(roads_complaint))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="complaint.personal_data_view").exists()


def test_the_timeline_does_not_name_the_citizen(login, roads_official, roads_complaint, roads_filer):
    from complaints.services.handling import complaint_answer, complaint_rate

    complaint = complaint_answer(actor=roads_official, complaint=roads_complaint, answer="보수했습니다.")
    complaint_rate(actor=roads_filer, complaint=complaint, rating=4, comment="고맙습니다")
    html = login(roads_official).get(change_url(complaint)).content.decode()
    assert "홍길동" not in html
    assert "고맙습니다" in html  # the rating's comment is shown, its author is not named
