"""The committee and meeting back office: scoping by secretariat unit, appointments and status
changes through the services, attendance and votes through the meeting's inlines."""

from datetime import timedelta

import pytest
from django.forms.widgets import MultiWidget
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from governance.models import Attendance, Committee, DrawRecord, Meeting, Membership, OrgUnit, Volunteer
from governance.services import meetings as meeting_services

from .test_committee_support import appoint, fill, make_committee, make_person
from .test_org_support import admin_login, assign, make_official, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]

PERMS = [f"{action}_{model}" for action in ("view", "change", "add")
         for model in ("committee", "membership", "meeting", "volunteer", "drawrecord", "attendance", "agendaitem")]


@pytest.fixture
def units():
    bureau = make_unit("bureau", OrgUnit.Kind.BUREAU)
    policy = make_unit("policy", OrgUnit.Kind.DIVISION, bureau)
    team = make_unit("team", OrgUnit.Kind.TEAM, policy)
    other = make_unit("other-bureau", OrgUnit.Kind.BUREAU)
    return {"bureau": bureau, "policy": policy, "team": team, "other": other}


@pytest.fixture
def committees(units):
    return {
        "smart": make_committee("smart-city-committee", secretariat=units["team"]),
        "elsewhere": make_committee("elsewhere", secretariat=units["other"], name_ko="다른 위원회"),
        "orphan": make_committee("orphan", name_ko="사무국 없는 위원회"),
    }


def changelist(client, model):
    response = client.get(reverse(f"admin:governance_{model}_changelist"))
    assert response.status_code == 200
    return list(response.context["cl"].queryset)


def test_a_superuser_sees_every_committee(client, committees):
    admin_login(client, make_official(superuser=True))
    assert {c.slug for c in changelist(client, "committee")} == {"smart-city-committee", "elsewhere", "orphan"}


def test_staff_see_the_committees_of_their_units_and_below(client, units, committees):
    official = make_official(perms=PERMS)
    assign(units["policy"], official)  # the secretariat (team) is below the official's division
    admin_login(client, official)
    assert [c.slug for c in changelist(client, "committee")] == ["smart-city-committee"]
    mine = appoint(committees["smart"])
    appoint(committees["elsewhere"])
    assert changelist(client, "membership") == [mine]
    meeting_services.meeting_schedule(actor=None, committee=committees["elsewhere"], title_ko="남의 회의",
                                      place_ko="시청", starts_at=timezone.now())
    assert changelist(client, "meeting") == []
    other_membership = Membership.objects.exclude(pk=mine.pk).get()
    assert client.get(reverse("admin:governance_membership_change", args=[other_membership.pk])).status_code == 302


def test_staff_whose_assignment_ended_see_nothing(client, units, committees):
    official = make_official(perms=PERMS)
    assign(units["bureau"], official, ended_on=timezone.localdate() - timedelta(days=1))
    admin_login(client, official)
    assert changelist(client, "committee") == []


def test_an_illegal_appointment_is_refused_on_the_form(client, committees):
    admin_login(client, make_official(superuser=True))
    appoint(committees["smart"], role=Membership.Role.CHAIR)
    person = make_person()
    data = {"committee": committees["smart"].pk, "person": person.pk, "public_name": "이예시", "kind": "commissioned",
            "role": "chair", "term_start": timezone.localdate().isoformat(), "term_end": "", "affiliation_ko": "",
            "affiliation_en": "", "expertise_ko": "", "expertise_en": ""}
    response = client.post(reverse("admin:governance_membership_add"), data)
    assert response.status_code == 200
    assert "이미 위원장이 있습니다" in str(response.context["adminform"].form.non_field_errors())
    assert not Membership.objects.filter(person=person).exists()

    data["role"] = "member"
    response = client.post(reverse("admin:governance_membership_add"), data)
    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert membership.term_end == timezone.localdate().replace(year=timezone.localdate().year + 2) - timedelta(days=1)
    assert AuditEvent.objects.filter(action="membership.appoint", target_id=str(membership.pk)).exists()


def test_staff_cannot_appoint_to_a_committee_they_do_not_manage(client, units, committees):
    official = make_official(perms=PERMS)
    assign(units["team"], official)
    admin_login(client, official)
    response = client.post(reverse("admin:governance_membership_add"), {
        "committee": committees["elsewhere"].pk, "person": make_person().pk, "public_name": "x", "kind": "commissioned",
        "role": "member", "term_start": timezone.localdate().isoformat(),
    })
    assert response.status_code == 200 and "committee" in response.context["adminform"].form.errors
    assert not Membership.objects.exists()


def test_status_is_not_editable_and_actions_call_the_services(client, committees):
    admin_login(client, make_official(superuser=True))
    chair, member = appoint(committees["smart"], role="chair"), appoint(committees["smart"])
    page = client.get(reverse("admin:governance_membership_change", args=[member.pk]))
    assert "status" not in page.context["adminform"].form.fields and "role" not in page.context["adminform"].form.fields
    url = reverse("admin:governance_membership_changelist")
    response = client.post(url, {"action": "make_chair", "_selected_action": [member.pk]}, follow=True)
    assert "이미 위원장이 있습니다" in response.content.decode()
    client.post(url, {"action": "end", "_selected_action": [chair.pk]})
    chair.refresh_from_db()
    assert chair.status == Membership.Status.ENDED
    client.post(url, {"action": "make_chair", "_selected_action": [member.pk]})
    assert Membership.objects.get(pk=member.pk).role == "chair"
    assert client.post(reverse("admin:governance_membership_delete", args=[member.pk])).status_code == 403


def test_volunteers_and_draws_are_read_only(client, committees):
    admin_login(client, make_official(superuser=True))
    for model in ("volunteer", "drawrecord"):
        assert client.get(reverse(f"admin:governance_{model}_add")).status_code == 403
    assert not Volunteer.objects.exists() and not DrawRecord.objects.exists()


def post_data(response):
    """The POST a browser would send back from an admin change page, as it was rendered."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else part
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value.pk if hasattr(value, "pk") else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            add(form)
    return data


def test_a_meeting_is_scheduled_held_attended_voted_and_its_minutes_approved_in_the_admin(client, committees):
    official = make_official(superuser=True)
    admin_login(client, official)
    committee = committees["smart"]
    members = fill(committee, 4)
    start = timezone.localtime() - timedelta(hours=2)
    response = client.post(reverse("admin:governance_meeting_add"), {
        "committee": committee.pk, "title_ko": "정기회의", "title_en": "Regular meeting",
        "starts_at_0": start.strftime("%Y-%m-%d"), "starts_at_1": start.strftime("%H:%M:%S"), "ends_at_0": "",
        "ends_at_1": "", "place_ko": "서울시청", "place_en": "", "online": "",
        "agenda_items-TOTAL_FORMS": "0", "agenda_items-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    meeting = Meeting.objects.get()
    assert meeting.number == 1 and AuditEvent.objects.filter(action="meeting.schedule").exists()

    change = reverse("admin:governance_meeting_change", args=[meeting.pk])
    page = client.get(change)
    data = post_data(page)
    (adding,) = [inline.formset for inline in page.context["inline_admin_formsets"]
                 if getattr(inline.formset, "adds_agenda", False)]
    data[f"{adding.prefix}-0-title_ko"] = "기본계획 심의"
    assert client.post(change, data).status_code == 302
    assert meeting.agenda_items.get().title_ko == "기본계획 심의"

    changelist_url = reverse("admin:governance_meeting_changelist")
    client.post(changelist_url, {"action": "mark_held", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.members_serving, meeting.quorum) == ("held", 4, 2)

    data = post_data(client.get(change))
    for index in range(3):
        data[f"attendance-{index}-present"] = "on"
    assert client.post(change, data).status_code == 302
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 3

    data = post_data(client.get(change))
    data.update({"agenda_items-0-votes_for": 2, "agenda_items-0-votes_against": 1, "agenda_items-0-votes_abstain": 0,
                 "minutes_ko": "원안 의결", "minutes_en": "Adopted"})
    assert client.post(change, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_items.get().votes_for == 2 and meeting.minutes_status == "draft"

    client.post(changelist_url, {"action": "approve_minutes", "_selected_action": [meeting.pk]})
    meeting.refresh_from_db()
    assert meeting.minutes_status == "approved" and meeting.minutes == "원안 의결"
    assert {m.pk for m in members} >= set(Attendance.objects.filter(meeting=meeting).values_list("membership_id",
                                                                                                  flat=True))


@pytest.mark.parametrize("model", ["committee", "membership", "meeting", "volunteer", "drawrecord"])
def test_changelist_query_counts_do_not_grow(client, committees, django_assert_max_num_queries, model):
    admin_login(client, make_official(superuser=True))
    url = reverse(f"admin:governance_{model}_changelist")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for number in range(6):
        committee = make_committee(f"more-{number}")
        fill(committee, 3)
        meeting_services.meeting_schedule(actor=None, committee=committee, title_ko="회의", place_ko="시청",
                                          starts_at=timezone.now())
    with django_assert_max_num_queries(40) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Committee.objects.count() > 6


def test_every_page_of_the_back_office_opens(client, committees):
    from django.core.management import call_command

    from .test_committee_support import make_districts

    admin_login(client, make_official(superuser=True))
    make_districts()
    from governance.demo import committees as demo

    demo.seed()
    call_command("committee_draw", demo.PB, "--seats", "6", "--seed", "admin-test", stdout=None)
    for model, instance in [("committee", Committee.objects.first()), ("membership", Membership.objects.first()),
                            ("volunteer", Volunteer.objects.first()), ("drawrecord", DrawRecord.objects.first())]:
        assert client.get(reverse(f"admin:governance_{model}_change", args=[instance.pk])).status_code == 200
    for meeting in Meeting.objects.all():
        assert client.get(reverse("admin:governance_meeting_change", args=[meeting.pk])).status_code == 200
    for model in ("committee", "membership", "meeting"):
        assert client.get(reverse(f"admin:governance_{model}_add")).status_code == 200


def test_committee_rules_are_edited_with_an_audit_row(client, committees):
    admin_login(client, make_official(superuser=True))
    committee = committees["smart"]
    page = client.get(reverse("admin:governance_committee_change", args=[committee.pk]))
    data = post_data(page)
    data["max_members"] = 20
    response = client.post(reverse("admin:governance_committee_change", args=[committee.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    committee.refresh_from_db()
    assert committee.max_members == 20
    assert AuditEvent.objects.get(action="committee.change").summary == {"fields": ["max_members"]}
