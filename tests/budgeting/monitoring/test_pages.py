"""The members' monitoring page (who may open it, the note form with and without htmx, bad input),
the notes on a project's public page and the open concerns on the implementation page; each page
costs the same number of queries at any size."""

import html
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budgeting.models import ImplementationNote, Milestone
from budgeting.services.monitoring import implementation_note_add, implementation_note_answer
from governance.models import OrgAssignment, OrgUnit

from ..conftest import shift_to_phase
from .conftest import decide, end_membership, make_project, record_results

pytestmark = pytest.mark.django_db


def page_url(cycle):
    return reverse("budgeting:monitoring", args=[cycle.pk])


def note_form(project, body="현장 안전펜스가 없습니다.", concern=False):
    data = {"project": str(project.pk), "body": body}
    if concern:
        data["raises_concern"] = "on"
    return data


def text(response) -> str:
    """The page as a reader sees it (entities such as &#x27; unescaped)."""
    return html.unescape(response.content.decode())


HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "monitor"}


# --- Who may open the page -------------------------------------------------------------------------


def test_a_visitor_is_sent_to_sign_in(implementing, client):
    cycle = implementing[0]
    response = client.get(page_url(cycle))
    assert response.status_code == 302 and reverse("citizens:signin") in response["Location"]
    assert client.post(page_url(cycle), note_form(implementing[1])).status_code == 302
    assert not ImplementationNote.objects.exists()


@pytest.fixture
def other_official(make_citizen):
    unit = OrgUnit.objects.create(code="transport", kind=OrgUnit.Kind.BUREAU, name_ko="교통실",
                                  name_en="Transport Bureau")
    person = make_citizen(is_staff=True)
    OrgAssignment.objects.create(unit=unit, official=person, started_on=date(2020, 1, 1))
    return person


@pytest.mark.parametrize("who", ["citizen", "ended_member", "other_official"])
def test_others_get_403_with_the_reason(implementing, sign_in, who, citizen, member, other_official):
    cycle, funded, _dropped, _unfunded = implementing
    if who == "ended_member":
        end_membership(member)
    client = sign_in({"citizen": citizen, "ended_member": member, "other_official": other_official}[who])
    response = client.get(page_url(cycle))
    assert response.status_code == 403
    assert "Only the members of the cycle's committee and its officials" in text(response)
    assert client.post(page_url(cycle), note_form(funded)).status_code == 403
    assert not ImplementationNote.objects.exists()


@pytest.mark.parametrize("who", ["member", "official"])
def test_members_and_officials_see_the_funded_projects(implementing, sign_in, who, member, official):
    cycle, funded, dropped, unfunded = implementing
    Milestone.objects.create(project=funded, title_ko="기초 공사", due_on=timezone.localdate() - timedelta(days=3),
                             progress=40)
    Milestone.objects.create(project=funded, title_ko="설계", due_on=timezone.localdate() - timedelta(days=30),
                             progress=100, completed_on=timezone.localdate() - timedelta(days=31))
    response = sign_in(member if who == "member" else official).get(page_url(cycle))
    assert response.status_code == 200
    shown = text(response)
    assert funded.title in shown and dropped.title not in shown and unfunded.title not in shown
    item = response.context["page"].projects[0]
    assert item.overdue == 1 and [m.overdue for m in item.milestones] == [False, True]
    assert shown.count('class="is-overdue"') == 1 and "1 overdue milestone" in shown
    assert f'id="note-{funded.pk}-body"' in shown


def test_the_implementation_page_links_members_to_it(implementing, sign_in, member, client):
    cycle = implementing[0]
    implementation = reverse("budgeting:implementation", args=[cycle.pk])
    assert page_url(cycle) not in text(client.get(implementation))
    assert page_url(cycle) in text(sign_in(member).get(implementation))


# --- The note form ---------------------------------------------------------------------------------


def test_a_member_adds_a_note_without_javascript(implementing, sign_in, member):
    cycle, funded, _dropped, _unfunded = implementing
    client = sign_in(member)
    response = client.post(page_url(cycle), note_form(funded, concern=True))
    assert response.status_code == 302 and response["Location"].endswith(f"#monitor-{funded.pk}")
    note = ImplementationNote.objects.get()
    assert note.project == funded and note.raises_concern and note.author == member
    page = text(client.get(response["Location"]))
    assert "Your note is published" in page and "현장 안전펜스가 없습니다." in page


def test_with_htmx_only_the_projects_section_comes_back(implementing, sign_in, member):
    cycle, funded, _dropped, _unfunded = implementing
    client = sign_in(member)
    response = client.post(page_url(cycle), note_form(funded), **HTMX)
    shown = text(response)
    assert response.status_code == 200 and "<html" not in shown and f'id="monitor-{funded.pk}"' in shown
    assert "Your note is published" in shown and "현장 안전펜스가 없습니다." in shown
    refused = client.post(page_url(cycle), note_form(funded, body="  "), **HTMX)
    assert refused.status_code == 400 and "<html" not in text(refused)
    assert "Write what you observed" in text(refused)
    assert ImplementationNote.objects.count() == 1


@pytest.mark.parametrize(("body", "message"), [("", "Write what you observed"),
                                               ("가" * 2001, "Write at most 2000 characters")])
def test_an_empty_or_too_long_note_is_a_form_error(implementing, sign_in, member, body, message):
    cycle, funded, _dropped, _unfunded = implementing
    response = sign_in(member).post(page_url(cycle), note_form(funded, body=body))
    assert response.status_code == 400 and message in text(response)
    assert not ImplementationNote.objects.exists()


@pytest.mark.parametrize("project", ["dropped", "unfunded", "unknown", "garbage"])
def test_a_note_on_a_project_not_monitored_is_refused(implementing, sign_in, member, project):
    cycle, _funded, dropped, unfunded = implementing
    target = {"dropped": dropped.pk, "unfunded": unfunded.pk, "unknown": 999_999, "garbage": "x"}[project]
    response = sign_in(member).post(page_url(cycle), {"project": target, "body": "의견"})
    assert response.status_code == 400 and "not among the cycle's funded projects" in text(response)
    assert not ImplementationNote.objects.exists()


def test_a_project_the_assembly_has_not_confirmed_has_no_form(make_cycle, sign_in, member):
    cycle = make_cycle("implementation")
    pending = make_project(cycle, "미확정 사업")
    record_results(cycle, unconfirmed=[pending])
    cycle = decide(cycle)
    client = sign_in(member)
    page = client.get(page_url(cycle))
    assert pending.title in text(page) and f'id="note-{pending.pk}-body"' not in text(page)
    refused = client.post(page_url(cycle), note_form(pending))
    assert refused.status_code == 403 and "general assembly confirmed" in text(refused)
    assert not ImplementationNote.objects.exists()


def test_before_the_council_the_page_says_when_notes_open(implementing, sign_in, member):
    cycle, funded, _dropped, _unfunded = implementing
    from budgeting.models import Cycle

    Cycle.objects.filter(pk=cycle.pk).update(council_decision="", council_decided_at=None)
    shift_to_phase(cycle, "council")
    client = sign_in(member)
    page = client.get(page_url(cycle))
    assert page.status_code == 200 and "once the council approved" in text(page)
    assert f'id="note-{funded.pk}-body"' not in text(page)
    assert client.post(page_url(cycle), note_form(funded)).status_code == 403
    htmx = client.post(page_url(cycle), note_form(funded), **HTMX)
    assert htmx.status_code == 403 and htmx["HX-Refresh"] == "true"
    assert not ImplementationNote.objects.exists()


# --- The public pages ------------------------------------------------------------------------------


def test_the_project_page_shows_the_notes_and_answers(implementing, member, official, client):
    cycle, funded, _dropped, unfunded = implementing
    project_url = reverse("budgeting:project", args=[funded.pk])
    assert "Committee monitoring" not in text(client.get(project_url))
    concern = implementation_note_add(actor=member, project=funded, body="안전펜스가 없습니다.", raises_concern=True)
    implementation_note_add(actor=member, project=funded, body="공정이 순조롭습니다.")
    implementation = reverse("budgeting:implementation", args=[cycle.pk])
    assert "1 concern raised by committee members awaits" in text(client.get(implementation))
    shown = text(client.get(project_url))
    assert "Committee monitoring" in shown and f"위원{member.pk}" in shown
    assert "안전펜스가 없습니다." in shown and "공정이 순조롭습니다." in shown and "Awaiting the city" in shown
    implementation_note_answer(actor=official, note=concern, answer="다음 주까지 설치합니다.")
    shown = text(client.get(project_url))
    assert "다음 주까지 설치합니다." in shown and "Awaiting the city" not in shown
    assert "No concern raised by committee members awaits" not in text(client.get(implementation))
    assert "Committee monitoring" not in text(client.get(reverse("budgeting:project", args=[unfunded.pk])))


# --- Query counts ----------------------------------------------------------------------------------


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_funded(cycle, count, *, member, start=0):
    """Funded, confirmed projects, each with milestones (one overdue) and notes (one answered)."""
    projects = [make_project(cycle, f"사업 {number}", cost=1_000_000) for number in range(start, start + count)]
    record_results(cycle, funded=projects)
    today = timezone.localdate()
    for project in projects:
        Milestone.objects.create(project=project, title_ko="설계", due_on=today - timedelta(days=2), progress=50)
        Milestone.objects.create(project=project, title_ko="공사", due_on=today + timedelta(days=20), progress=0)
        ImplementationNote.objects.create(project=project, author=member, author_name="위원", body="의견",
                                          raises_concern=True)
        ImplementationNote.objects.create(project=project, author=member, author_name="위원", body="답변된 의견",
                                          answer="답변", answered_at=timezone.now())
    return projects


@pytest.mark.parametrize("who", ["member", "official"])
def test_the_pages_cost_the_same_with_2_or_8_funded_projects(make_cycle, sign_in, member, official, who):
    cycle = make_cycle("implementation")
    add_funded(cycle, 2, member=member)
    cycle = decide(cycle)
    client = sign_in(member if who == "member" else official)
    urls = [page_url(cycle), reverse("budgeting:implementation", args=[cycle.pk])]
    first = ImplementationNote.objects.order_by("pk").first().project
    project_url = reverse("budgeting:project", args=[first.pk])
    small = [queries(client, url) for url in [*urls, project_url]]
    add_funded(cycle, 6, member=member, start=2)
    for number in range(10):
        ImplementationNote.objects.create(project=first, author=member, author_name="위원", body=f"추가 {number}")
    assert len(client.get(urls[0]).context["page"].projects) == 8
    assert [queries(client, url) for url in [*urls, project_url]] == small
