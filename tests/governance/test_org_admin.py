"""The officials' admin for units, research and documents: scoped to the official's units, writes
through the services, illegal moves shown as form errors."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from governance.models import DocumentVersion, OrgAssignment, OrgUnit

from .test_org_support import admin_login, assign, make_document, make_official, make_project, make_tree, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]

UNIT_PERMS = ["view_orgunit", "change_orgunit", "add_orgunit", "view_orgassignment", "add_orgassignment",
              "change_orgassignment"]
ALL_PERMS = [*UNIT_PERMS, "view_document", "change_document", "add_document", "view_documentversion",
             "view_researchproject", "change_researchproject", "add_researchproject", "view_researchoutput",
             "add_researchoutput", "change_researchoutput"]


@pytest.fixture
def tree():
    units = make_tree()
    units["foundation"] = make_unit("foundation", OrgUnit.Kind.AFFILIATE, name_ko="서울디지털재단")
    return units


@pytest.fixture
def division_official(client, tree):
    """A staff official of the Smart City Policy Division (not a superuser)."""
    official = make_official(perms=ALL_PERMS)
    assign(tree["policy"], official)
    admin_login(client, official)
    return official


@pytest.fixture
def superuser(client):
    official = make_official(superuser=True)
    admin_login(client, official)
    return official


def listed(response):
    return sorted(str(obj.pk) if not hasattr(obj, "code") else obj.code for obj in response.context["cl"].result_list)


def unit_form(unit=None, **values):
    """The unit change form's POST data, with an empty assignments inline."""
    data = {
        "code": "", "kind": "", "parent": "", "name_ko": "", "name_en": "", "mandate_ko": "", "mandate_en": "",
        "phone": "", "email": "", "website": "", "order": "0",
        "assignments-TOTAL_FORMS": "0", "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000",
    }
    if unit is not None:
        data.update({"parent": unit.parent_id or "", "name_ko": unit.name_ko, "name_en": unit.name_en,
                     "mandate_ko": unit.mandate_ko, "mandate_en": unit.mandate_en, "order": unit.order})
    data.update(values)
    return data


# --- scoping ---------------------------------------------------------------------------------------


def test_an_official_sees_their_units_and_those_below(client, tree, division_official):
    response = client.get(reverse("admin:governance_orgunit_changelist"))
    assert response.status_code == 200
    assert listed(response) == ["iot", "policy"]
    assert client.get(reverse("admin:governance_orgunit_change", args=[tree["data"].pk])).status_code == 302


def test_an_official_sees_the_documents_and_research_of_their_units(client, tree, division_official):
    own = make_document("own", tree["iot"])
    other = make_document("other", tree["data"])
    response = client.get(reverse("admin:governance_document_changelist"))
    assert [document.slug for document in response.context["cl"].result_list] == ["own"]
    assert client.get(reverse("admin:governance_document_change", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:governance_document_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:governance_document_publish", args=[other.pk])).status_code == 404

    make_project("institute-work", [tree["institute"]])
    assert client.get(reverse("admin:governance_researchproject_changelist")).context["cl"].result_list.count() == 0


def test_an_affiliate_official_sees_their_research_once(client, tree):
    official = make_official(perms=ALL_PERMS)
    assign(tree["institute"], official)
    admin_login(client, official)
    joint = make_project("joint", [tree["institute"], tree["foundation"]])
    make_project("theirs", [tree["foundation"]])
    response = client.get(reverse("admin:governance_researchproject_changelist"))
    assert list(response.context["cl"].result_list) == [joint]


def test_a_superuser_sees_everything(client, tree, superuser):
    make_document("one", tree["data"])
    assert len(listed(client.get(reverse("admin:governance_orgunit_changelist")))) == 7
    assert client.get(reverse("admin:governance_document_changelist")).context["cl"].result_count == 1


def test_the_unit_list_is_in_tree_order(client, tree, superuser):
    response = client.get(reverse("admin:governance_orgunit_changelist"))
    assert listed(response) == sorted(["bureau", "data", "ai", "policy", "iot", "institute", "foundation"])
    assert [unit.code for unit in response.context["cl"].result_list] == [
        "bureau", "data", "ai", "policy", "iot", "foundation", "institute"]
    assert "— — 인공지능팀" in response.content.decode()


# --- units -----------------------------------------------------------------------------------------


def test_adding_a_team_in_the_wrong_place_is_a_form_error(client, tree, division_official):
    url = reverse("admin:governance_orgunit_add")
    response = client.post(url, unit_form(code="misplaced", kind="team", parent=tree["iot"].pk, name_ko="잘못된 팀",
                                          name_en="Wrong"))
    assert response.status_code == 200
    assert "아래에 둘 수 없습니다" in str(response.context["adminform"].form.errors["parent"])
    # Outside their units: not even a choice.
    response = client.post(url, unit_form(code="elsewhere", kind="team", parent=tree["data"].pk, name_ko="다른 팀",
                                          name_en="Other"))
    assert "parent" in response.context["adminform"].form.errors
    response = client.post(url, unit_form(code="top", kind="bureau", name_ko="새 국", name_en="New bureau"))
    assert "최상위 조직은 관리자만 추가할 수 있습니다" in str(response.context["adminform"].form.errors["parent"])
    assert not OrgUnit.objects.filter(code__in=["misplaced", "elsewhere", "top"]).exists()


def test_adding_a_team_goes_through_the_service(client, tree, division_official):
    response = client.post(reverse("admin:governance_orgunit_add"),
                           unit_form(code="blockchain", kind="team", parent=tree["policy"].pk, name_ko="블록체인팀",
                                     name_en="Blockchain Team"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    team = OrgUnit.objects.get(code="blockchain")
    assert team.parent == tree["policy"]
    assert AuditEvent.objects.get(action="org_unit.create").actor_id == division_official.pk


def test_moving_a_unit_into_its_own_team_is_a_form_error(client, tree, superuser):
    response = client.post(reverse("admin:governance_orgunit_change", args=[tree["policy"].pk]),
                           unit_form(tree["policy"], parent=tree["iot"].pk))
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    tree["policy"].refresh_from_db()
    assert tree["policy"].parent == tree["bureau"]


def test_changing_the_mandate_and_moving_are_audited(client, tree, superuser):
    response = client.post(reverse("admin:governance_orgunit_change", args=[tree["iot"].pk]),
                           unit_form(tree["iot"], parent=tree["data"].pk, mandate_ko="새 업무"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    tree["iot"].refresh_from_db()
    assert (tree["iot"].parent, tree["iot"].mandate_ko) == (tree["data"], "새 업무")
    assert AuditEvent.objects.filter(action__in=["org_unit.move", "org_unit.update"]).count() == 2


def assignment_rows(existing, new):
    """The inline's POST data: existing = [(assignment, changes)], new = [dict]."""
    data = {"assignments-TOTAL_FORMS": str(len(existing) + len(new)),
            "assignments-INITIAL_FORMS": str(len(existing)),
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    for index, (assignment, changes) in enumerate(existing):
        row = {"id": assignment.pk, "unit": assignment.unit_id, "title_ko": assignment.title_ko,
               "title_en": assignment.title_en, "ended_on": ""}
        row.update(changes)
        data.update({f"assignments-{index}-{key}": value for key, value in row.items()})
    for offset, values in enumerate(new, start=len(existing)):
        row = {"official": "", "role": "member", "title_ko": "", "title_en": "", "started_on": "2025-03-01"}
        row.update(values)
        data.update({f"assignments-{offset}-{key}": value for key, value in row.items()})
    return data


def test_a_second_head_in_the_inline_is_a_form_error(client, tree, superuser):
    head = assign(tree["policy"], make_official(), role="head", title_ko="과장")
    newcomer = make_official()
    url = reverse("admin:governance_orgunit_change", args=[tree["policy"].pk])
    data = {**unit_form(tree["policy"]), **assignment_rows([(head, {})], [{"official": newcomer.pk, "role": "head"}])}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "부서장은 한 명입니다" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert OrgAssignment.objects.filter(unit=tree["policy"]).count() == 1

    # Ending the current head's assignment in the same save makes room for the new head.
    data = {**unit_form(tree["policy"]),
            **assignment_rows([(head, {"ended_on": "2025-02-28"})], [{"official": newcomer.pk, "role": "head",
                                                                      "title_ko": "과장"}])}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    head.refresh_from_db()
    assert str(head.ended_on) == "2025-02-28"
    assert OrgAssignment.objects.get(unit=tree["policy"], ended_on__isnull=True).official == newcomer
    assert AuditEvent.objects.filter(action__in=["org_assignment.end", "org_assignment.start"]).count() == 2


def test_the_deactivate_action_reports_refusals(client, tree, superuser):
    url = reverse("admin:governance_orgunit_changelist")
    response = client.post(url, {"action": "deactivate_units", "_selected_action": [tree["policy"].pk, tree["ai"].pk]},
                           follow=True)
    page = response.content.decode()
    assert "먼저 옮기거나 운영을 종료하세요" in page
    tree["ai"].refresh_from_db()
    tree["policy"].refresh_from_db()
    assert (tree["ai"].is_active, tree["policy"].is_active) == (False, True)


# --- documents -------------------------------------------------------------------------------------


def test_publishing_a_new_version_from_the_admin(client, tree, division_official):
    document = make_document("ordinance", tree["policy"], versions=("첫 줄",))
    change = client.get(reverse("admin:governance_document_change", args=[document.pk])).content.decode()
    publish_url = reverse("admin:governance_document_publish", args=[document.pk])
    assert publish_url in change
    form = client.get(publish_url)
    assert form.status_code == 200 and form.context["form"].initial["body_ko"] == "첫 줄"

    refused = client.post(publish_url, {"body_ko": "첫 줄", "changelog_ko": "변경 없음"})
    assert refused.status_code == 200 and "제1판과 같아 공개할 내용이 없습니다" in refused.content.decode()
    response = client.post(publish_url, {"body_ko": "첫 줄\n새 줄", "changelog_ko": "한 줄 추가",
                                         "effective_on": "2025-07-01"})
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document=document, number=2)
    assert (version.published_by, str(version.effective_on)) == (division_official, "2025-07-01")


def test_the_publish_action_leads_to_the_form_for_one_document(client, tree, division_official):
    one = make_document("one", tree["policy"])
    two = make_document("two", tree["iot"])
    url = reverse("admin:governance_document_changelist")
    response = client.post(url, {"action": "publish_new_version", "_selected_action": [one.pk]})
    assert response.status_code == 302 and response.url == reverse("admin:governance_document_publish", args=[one.pk])
    response = client.post(url, {"action": "publish_new_version", "_selected_action": [one.pk, two.pk]}, follow=True)
    assert "새 판을 공개할 문서를 하나만 선택하세요" in response.content.decode()


def test_versions_are_read_only_in_the_admin(client, tree, superuser):
    document = make_document("ordinance", tree["policy"], versions=("가", "나"))
    page = client.get(reverse("admin:governance_document_change", args=[document.pk])).content.decode()
    assert "versions-0-body_ko" not in page and "versions-0-changelog_ko" not in page
    assert client.get(reverse("admin:governance_document_delete", args=[document.pk])).status_code == 403


def test_a_master_plan_period_is_checked_in_the_admin_form(client, tree, superuser):
    response = client.post(reverse("admin:governance_document_add"), {
        "kind": "master_plan", "slug": "plan", "title_ko": "기본계획", "title_en": "", "summary_ko": "",
        "summary_en": "", "owner_unit": tree["policy"].pk, "period_start_year": "2025", "period_end_year": "2026",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0", "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "0",
    })
    assert response.status_code == 200
    assert "기본계획은 5년 단위입니다" in str(response.context["adminform"].form.errors)


# --- research --------------------------------------------------------------------------------------


def test_an_affiliate_official_adds_a_project_through_the_admin(client, tree):
    official = make_official(perms=ALL_PERMS)
    assign(tree["institute"], official)
    admin_login(client, official)
    data = {
        "slug": "living-lab", "title_ko": "리빙랩 연구", "title_en": "Living lab", "summary_ko": "", "summary_en": "",
        "affiliates": [tree["institute"].pk], "starts_on": "2025-01-01", "ends_on": "2024-12-31",
        "budget_krw": "100000000", "committee": "", "policy_ko": "", "policy_en": "", "areas": ["iot", "ai"],
        "outputs-TOTAL_FORMS": "1", "outputs-INITIAL_FORMS": "0", "outputs-MIN_NUM_FORMS": "0",
        "outputs-MAX_NUM_FORMS": "1000", "outputs-0-kind": "report", "outputs-0-title_ko": "보고서",
        "outputs-0-title_en": "", "outputs-0-url": "https://www.si.re.kr", "outputs-0-published_on": "",
        "outputs-0-order": "0",
    }
    url = reverse("admin:governance_researchproject_add")
    response = client.post(url, data)
    assert response.status_code == 200 and "빠를 수 없습니다" in str(response.context["adminform"].form.errors)
    response = client.post(url, {**data, "affiliates": [tree["foundation"].pk], "ends_on": "2025-12-31"})
    assert "affiliates" in response.context["adminform"].form.errors  # not one of theirs
    response = client.post(url, {**data, "ends_on": "2025-12-31"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = tree["institute"].research_projects.get()
    assert sorted(project.areas.values_list("area", flat=True)) == ["ai", "iot"]
    assert project.outputs.get().title_ko == "보고서"
    assert AuditEvent.objects.get(action="research_project.create").actor_id == official.pk
