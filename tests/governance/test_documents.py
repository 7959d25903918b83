"""Versioned documents: numbering by the service, the side-by-side diff, the public pages and bad input."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from governance.errors import GovernanceError
from governance.models import Document, DocumentVersion, OrgUnit
from governance.selectors.documents import side_by_side_diff
from governance.services.documents import document_create, document_publish_version, document_update

from .test_org_support import make_document, make_official, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]

V1 = "제1장 총칙\n(목적) 스마트도시 조성\n(정의) 관계 법령에 따른다\n(위원회) 22명 이내\n(임기) 2년"
V2 = "제1장 총칙\n(목적) 스마트도시 조성\n(정의) 관계 법령에 따른다\n(데이터 개방) 데이터를 개방한다\n(위원회) 당연직 5명, 위촉 17명\n(임기) 2년"


@pytest.fixture
def division():
    bureau = make_unit("bureau", OrgUnit.Kind.BUREAU, name_ko="스마트도시정책관")
    return make_unit("policy", OrgUnit.Kind.DIVISION, bureau, name_ko="스마트도시정책과", name_en="Smart City Policy Division")


@pytest.fixture
def ordinance(division):
    document = make_document("smart-city-ordinance", division, versions=(V1,), title_ko="스마트도시 조례",
                             title_en="Smart City Ordinance")
    document_publish_version(actor=None, document=document, body_ko=V2, body_en="Chapter 1\n(Open data) added",
                             changelog_ko="데이터 개방 조항 신설", changelog_en="New provision on open data")
    return document


# --- the service ---------------------------------------------------------------------------------


def test_versions_are_numbered_one_after_another_and_audited(division):
    official = make_official()
    document = document_create(actor=official, kind=Document.Kind.ORDINANCE, slug="ordinance", title_ko="조례",
                               owner_unit=division)
    numbers = [
        document_publish_version(actor=official, document=document, body_ko=f"본문 {n}", changelog_ko=f"{n}차").number
        for n in range(1, 4)
    ]
    assert numbers == [1, 2, 3]
    assert DocumentVersion.objects.get(document=document, number=3).published_by == official
    assert AuditEvent.objects.filter(action="document.publish_version").count() == 3


@pytest.mark.parametrize(("body", "changelog", "message"), [
    ("첫 줄\n둘째 줄", "같은 본문", "same as version 1"),
    ("첫 줄\r\n둘째 줄  \n", "줄바꿈만 다름", "same as version 1"),
    ("   ", "빈 본문", "text of the version is empty"),
    ("새 본문", "  ", "changelog is empty"),
])
def test_a_version_without_changes_or_changelog_is_refused(division, body, changelog, message):
    document = make_document("d", division)
    with pytest.raises(GovernanceError, match=message):
        document_publish_version(actor=None, document=document, body_ko=body, changelog_ko=changelog)
    assert document.versions.count() == 1


def test_a_master_plan_covers_five_years(division):
    with pytest.raises(GovernanceError, match="covers 5 years"):
        document_create(actor=None, kind=Document.Kind.MASTER_PLAN, slug="plan", title_ko="기본계획",
                        owner_unit=division, period_start_year=2025, period_end_year=2027)
    plan = document_create(actor=None, kind=Document.Kind.MASTER_PLAN, slug="plan", title_ko="기본계획",
                           owner_unit=division, period_start_year=2025, period_end_year=2029)
    with pytest.raises(GovernanceError, match="covers 5 years"):
        document_update(actor=None, document=plan, period_start_year=None, period_end_year=None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_get_distinct_numbers(division):
    document = make_document("busy", division)
    barrier, errors = threading.Barrier(4), []

    def publish(number):
        try:
            barrier.wait()
            document_publish_version(actor=None, document=document, body_ko=f"본문 {number}",
                                     changelog_ko=f"동시 개정 {number}")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(document.versions.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


# --- the diff ------------------------------------------------------------------------------------


def test_the_diff_marks_added_removed_and_changed_lines():
    rows, added, removed = side_by_side_diff(V1, V2)
    assert (added, removed) == (2, 1)
    changed = [(row.kind, row.old_text, row.new_text) for row in rows if row.kind != "equal"]
    assert changed == [
        ("changed", "(위원회) 22명 이내", "(데이터 개방) 데이터를 개방한다"),
        ("added", "", "(위원회) 당연직 5명, 위촉 17명"),
    ] or changed == [
        ("added", "", "(데이터 개방) 데이터를 개방한다"),
        ("changed", "(위원회) 22명 이내", "(위원회) 당연직 5명, 위촉 17명"),
    ]
    numbers = [(row.old_number, row.new_number) for row in rows if row.kind == "equal"]
    assert numbers[0] == (1, 1) and numbers[-1] == (5, 6)


def test_the_diff_of_removed_lines_and_folding():
    old = "\n".join(f"줄 {n}" for n in range(1, 21))
    new = "\n".join(f"줄 {n}" for n in range(1, 21) if n != 10)
    rows, added, removed = side_by_side_diff(old, new, context=2)
    assert (added, removed) == (0, 1)
    kinds = [row.kind for row in rows]
    assert kinds == ["folded", "equal", "equal", "removed", "equal", "equal", "folded"]
    assert rows[0].folded == 7 and rows[-1].folded == 8
    assert rows[3].old_number == 10 and rows[3].new_number is None and rows[3].old_removed


# --- the pages -----------------------------------------------------------------------------------


def test_the_list_and_the_document_page(client, ordinance, division):
    make_document("evaluation", division, kind=Document.Kind.POLICY_EVALUATION, title_ko="정책 평가")
    Document.objects.create(slug="draft", kind=Document.Kind.ORDINANCE, owner_unit=division, title_ko="초안")
    listing = client.get("/governance/documents/").content.decode()
    assert "스마트도시 조례" in listing and "정책 평가" in listing
    assert "초안" not in listing  # no published version yet: nothing to show
    assert client.get("/governance/documents/draft/").status_code == 404

    page = client.get("/governance/documents/smart-city-ordinance/").content.decode()
    assert "(데이터 개방) 데이터를 개방한다" in page  # the latest text
    assert "데이터 개방 조항 신설" in page and "1차 개정" in page  # every version's changelog
    assert "/governance/documents/smart-city-ordinance/diff/?from=1&amp;to=2" in page
    english = client.get("/en/governance/documents/smart-city-ordinance/").content.decode()
    assert "Smart City Ordinance" in english and "New provision on open data" in english
    assert "(Open data) added" in english


def test_the_diff_page_is_an_accessible_two_column_table(client, ordinance):
    response = client.get("/governance/documents/smart-city-ordinance/diff/", {"from": 1, "to": 2})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>" in page and 'scope="col"' in page
    # Not only colour: the words and the del/ins elements say what changed.
    assert "<del>(위원회) 22명 이내</del>" in page
    assert "<ins>(데이터 개방) 데이터를 개방한다</ins>" in page or "<ins>(위원회) 당연직 5명, 위촉 17명</ins>" in page
    assert page.count("삭제") >= 1 and page.count("추가") >= 2
    diff = response.context["diff"]
    assert (diff.added, diff.removed, diff.language) == (2, 1, "ko")


def test_the_english_diff_compares_korean_when_a_version_lacks_english(client, ordinance):
    response = client.get("/en/governance/documents/smart-city-ordinance/diff/?from=1&to=2")
    assert response.status_code == 200
    assert response.context["diff"].language == "ko"
    assert "no English text" in response.content.decode()


def test_the_diff_works_backwards(client, ordinance):
    response = client.get("/governance/documents/smart-city-ordinance/diff/?from=2&to=1")
    assert (response.context["diff"].added, response.context["diff"].removed) == (1, 2)


@pytest.mark.parametrize(("query", "status", "reason"), [
    ("", 400, "Choose the two versions"),
    ("?from=1", 400, "Choose the two versions"),
    ("?from=one&to=2", 400, "is not a version number"),
    ("?from=1&to=-2", 400, "is not a version number"),
    ("?from=1.5&to=2", 400, "is not a version number"),
    ("?from=%EF%BC%91&to=2", 400, "is not a version number"),  # a full-width digit
    ("?from=1&to=99999999999999999999", 400, "is not a version number"),
    ("?from=0&to=2", 400, "is not a version number"),
    ("?from=2&to=2", 400, "two different versions"),
    ("?from=1&to=7", 404, "has no version 7"),
    ("?from=9&to=2", 404, "has no version 9"),
])
def test_bad_version_numbers_get_a_reason_not_an_error(client, ordinance, query, status, reason):
    response = client.get(f"/en/governance/documents/smart-city-ordinance/diff/{query}")
    assert response.status_code == status
    page = response.content.decode()
    assert reason in page
    assert "1, 2" in page  # the versions there are


def test_the_diff_of_an_unknown_document_is_not_found(client, ordinance):
    assert client.get("/governance/documents/nothing/diff/?from=1&to=2").status_code == 404
    assert client.get("/governance/documents/nothing/diff/?from=x").status_code == 404


@pytest.mark.parametrize("url", ["/governance/documents/", "/governance/documents/smart-city-ordinance/",
                                 "/governance/documents/smart-city-ordinance/diff/?from=1&to=2",
                                 "/en/governance/documents/"])
def test_the_document_pages_do_not_grow_with_the_data(client, ordinance, division, url):
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(8):
        make_document(f"more{number}", division, versions=("가", "가\n나", "가\n나\n다"))
    for number in range(5):
        document_publish_version(actor=None, document=ordinance, body_ko=f"{V2}\n추가 {number}",
                                 changelog_ko=f"추가 {number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
    assert len(few) <= 2
