"""The committees' demo data: what it sets up, and that a second run changes nothing."""

import pytest

from audit.models import AuditEvent
from citizens.models import Citizen
from governance.demo import committees as demo
from governance.models import AgendaItem, Committee, DrawRecord, Meeting, Membership, Volunteer
from governance.selectors.committees import current_memberships

from .test_committee_support import make_districts, path

pytestmark = pytest.mark.django_db

MODELS = (Citizen, Committee, Membership, Meeting, AgendaItem, Volunteer, DrawRecord, AuditEvent)


def test_the_demo_is_complete_and_idempotent(client):
    make_districts()
    demo.seed()
    counts = {model: model.objects.count() for model in MODELS}
    demo.seed()
    assert {model: model.objects.count() for model in MODELS} == counts

    smart = Committee.objects.get(slug=demo.SMART_CITY)
    assert (smart.name_ko, smart.max_members, smart.max_ex_officio, smart.term_years, smart.max_terms) == (
        "스마트도시위원회", 22, 5, 2, 2)
    members = current_memberships().filter(committee=smart)
    assert members.count() == 8
    assert members.filter(role="chair").count() == 1 and members.filter(role="secretary").count() == 1
    assert members.filter(term_number=2).count() == 1
    meetings = Meeting.objects.filter(committee=smart)
    assert meetings.filter(status="held", minutes_status="approved").count() == 2
    assert meetings.filter(status="scheduled").count() == 1

    pb = Committee.objects.get(slug=demo.PB)
    assert pb.subcommittees.count() == 2
    assert Committee.objects.filter(slug=demo.PANEL, kind="citizen_panel").exists()
    draw = DrawRecord.objects.get(committee=pb)
    assert len(draw.selected) == demo.DRAW_SEATS and len(draw.pool) == demo.VOLUNTEERS
    assert current_memberships().filter(committee=pb, kind="drawn").count() == 4

    for url in (path("committee_list"), path("committee_detail", demo.SMART_CITY), path("committee_draws", demo.PB),
                path("meeting_detail", meetings.filter(status="held").first().pk)):
        assert client.get(url).status_code == 200

