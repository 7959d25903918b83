"""Near-duplicate clusters: open complaints of one category within 250 m with similar text (Jaccard of
character bigrams ≥ 0.4), grouped transitively, scoped to the official; merged into the earliest
in one transaction from the admin page."""

from datetime import timedelta

import pytest
import rules
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from citizens.backends import PASSWORD_BACKEND
from complaints.errors import ComplaintError
from complaints.models import Complaint
from complaints.selectors import clusters as clusters_module
from complaints.selectors.clusters import near_duplicate_clusters, text_bigrams, text_similarity
from complaints.services import handling

from ..admin.conftest import messages_of
from ..conftest import CITY_HALL

URL = "/admin/complaints/complaint/near-duplicates/"
# A degree of latitude is 111,195 m on the haversine's Earth (radius 6,371 km).
METRES = 1 / 111_194.93
BROKEN = "시청 앞 보도블록이 깨져 있습니다"
BROKEN_AGAIN = "시청 앞 보도블록이 깨져서 위험합니다"
STREETLIGHT = "가로등이 꺼져서 밤에 어둡습니다"


def north_of_city_hall(metres):
    return (round(CITY_HALL[0] + metres * METRES, 6), CITY_HALL[1])


def test_bigram_similarity_by_hand():
    assert text_bigrams("시청 앞 보도블록이") == {"시청", "앞", "보도", "도블", "블록", "록이"}
    assert text_bigrams("Pot HOLE!") == {"po", "ot", "ho", "ol", "le"}
    # 8 shared (시청 앞 보도 도블 블록 록이 깨져 니다) of 14 in either.
    assert text_similarity(text_bigrams(BROKEN), text_bigrams(BROKEN_AGAIN)) == pytest.approx(8 / 14)
    # 2 shared (습니 니다) of 18.
    assert text_similarity(text_bigrams(BROKEN), text_bigrams(STREETLIGHT)) == pytest.approx(2 / 18)
    assert text_similarity(frozenset(), frozenset()) == 0.0


@pytest.fixture
def filed(file_complaint, park_suggestion):
    now = timezone.now()

    def file(description, metres=0, *, days_ago=1, category=None):
        return file_complaint(description=description, location=north_of_city_hall(metres), category=category,
                              now=now - timedelta(days=days_ago))  # fmt: skip

    return file


@pytest.fixture
def neighbourhood(filed, park_suggestion):
    return {
        "first": filed(BROKEN, 0, days_ago=3),
        "near_similar": filed(BROKEN_AGAIN, 100, days_ago=2),
        "far_same_text": filed(BROKEN, 400, days_ago=2),  # 300 m from the one at 100 m: too far from both
        "near_different": filed(STREETLIGHT, 50, days_ago=1),
        "other_category": filed(BROKEN, 0, days_ago=1, category=park_suggestion),
    }


@pytest.mark.django_db
def test_near_and_similar_cluster_far_different_or_other_category_do_not(neighbourhood, roads_official):
    found = near_duplicate_clusters(roads_official)

    assert len(found) == 1
    cluster = found[0]
    assert cluster.complaint_ids == [neighbourhood["first"].pk, neighbourhood["near_similar"].pk]
    assert [(member.metres, member.similarity) for member in cluster.members] == [(0, 1.0), (100, 0.57)]
    assert cluster.original == neighbourhood["first"]


@pytest.mark.django_db
def test_clusters_are_transitive(filed, roads_official):
    a, b, c = filed(BROKEN, 0, days_ago=3), filed(BROKEN_AGAIN, 200, days_ago=2), filed(BROKEN_AGAIN, 400, days_ago=1)
    (cluster,) = near_duplicate_clusters(roads_official)
    # a and c are 400 m apart, but each is within 200 m of b.
    assert cluster.complaint_ids == [a.pk, b.pk, c.pk]
    assert [member.metres for member in cluster.members] == [0, 200, 400]


@pytest.mark.django_db
def test_only_open_recent_complaints_count(filed, roads_official):
    old = filed(BROKEN, 0, days_ago=61)
    filed(BROKEN_AGAIN, 100, days_ago=2)
    assert near_duplicate_clusters(roads_official) == []
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=59))
    assert len(near_duplicate_clusters(roads_official)) == 1
    Complaint.objects.filter(pk=old.pk).update(status="answered", answer="고쳤습니다.", answered_at=timezone.now())
    assert near_duplicate_clusters(roads_official) == []


@pytest.mark.django_db
def test_at_most_the_most_recent_per_category(filed, roads_official, monkeypatch):
    filed(BROKEN, 0, days_ago=3)
    newer = [filed(BROKEN_AGAIN, 10, days_ago=2), filed(BROKEN_AGAIN, 20, days_ago=1)]
    monkeypatch.setattr(clusters_module, "PER_CATEGORY_LIMIT", 2)
    (cluster,) = near_duplicate_clusters(roads_official)
    assert cluster.complaint_ids == [complaint.pk for complaint in newer]


@pytest.mark.django_db
def test_an_official_of_another_unit_sees_none(neighbourhood, parks_official, make_citizen):
    assert near_duplicate_clusters(parks_official) == []
    assert near_duplicate_clusters(make_citizen()) == []  # not an official at all


def sign_in(user):
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    return client


@pytest.mark.django_db
def test_the_page_lists_the_cluster_with_links(neighbourhood, roads_official):
    response = sign_in(roads_official).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    first, second = neighbourhood["first"], neighbourhood["near_similar"]
    assert f'href="/admin/complaints/complaint/{first.pk}/change/"' in html
    assert f'href="/admin/complaints/complaint/{second.pk}/change/"' in html
    assert first.tracking_number in html and second.tracking_number in html
    assert html.count('name="members"') == 2
    assert neighbourhood["far_same_text"].tracking_number not in html


@pytest.mark.django_db
def test_another_units_official_sees_an_empty_page(neighbourhood, parks_official):
    response = sign_in(parks_official).get(URL)
    assert response.status_code == 200
    assert neighbourhood["first"].tracking_number not in response.content.decode()


@pytest.mark.django_db
def test_merge_into_the_earliest(neighbourhood, roads_official):
    first, second = neighbourhood["first"], neighbourhood["near_similar"]
    response = sign_in(roads_official).post(URL, {"members": [second.pk, first.pk]})

    assert response.status_code == 302 and response["Location"] == URL
    second.refresh_from_db()
    assert (second.status, second.duplicate_of_id) == ("duplicate", first.pk)
    first.refresh_from_db()
    assert first.status == "received"
    with translation.override("ko"):  # the admin speaks Korean, and the message is written then
        merged = ngettext("%(count)d complaint was merged into %(number)s.",
                          "%(count)d complaints were merged into %(number)s.", 1)  # fmt: skip
    assert messages_of(response) == [merged % {"count": 1, "number": first.tracking_number}]


@pytest.mark.django_db
def test_a_failed_member_merges_nothing(filed, roads_official, monkeypatch):
    a, b, c = filed(BROKEN, 0, days_ago=3), filed(BROKEN_AGAIN, 100, days_ago=2), filed(BROKEN_AGAIN, 150, days_ago=1)
    real = handling.complaint_mark_duplicate

    def fails_on_the_last(*, actor, complaint, original):
        if complaint.pk == c.pk:
            raise ComplaintError("no")
        return real(actor=actor, complaint=complaint, original=original)

    monkeypatch.setattr("complaints.admin.clusters.complaint_mark_duplicate", fails_on_the_last)
    response = sign_in(roads_official).post(URL, {"members": [a.pk, b.pk, c.pk]})

    assert response.status_code == 302
    assert set(Complaint.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("status", flat=True)) == {"received"}
    with translation.override("ko"):
        nothing = gettext("Nothing was merged: %(number)s: %(reason)s")
    assert messages_of(response) == [nothing % {"number": c.tracking_number, "reason": "no"}]


@pytest.mark.parametrize("members", [[], ["abc"], ["1; DROP TABLE x"], "stale"])
@pytest.mark.django_db
def test_a_stale_or_bad_merge_merges_nothing(neighbourhood, roads_official, members):
    if members == "stale":  # two complaints that are not a cluster
        members = [neighbourhood["first"].pk, neighbourhood["far_same_text"].pk]
    response = sign_in(roads_official).post(URL, {"members": members})
    assert response.status_code == 302
    assert not Complaint.objects.filter(status="duplicate").exists()
    with translation.override("ko"):
        stale = gettext("These complaints no longer form a cluster (one was answered, merged or joined by another). "
                        "Nothing was merged; look at the clusters again.")  # fmt: skip
    assert messages_of(response) == [stale]


@pytest.mark.django_db
def test_another_units_official_cannot_merge(neighbourhood, parks_official):
    ids = [neighbourhood["first"].pk, neighbourhood["near_similar"].pk]
    sign_in(parks_official).post(URL, {"members": ids})
    assert not Complaint.objects.filter(status="duplicate").exists()


@pytest.mark.django_db
def test_a_get_or_a_post_without_csrf_merges_nothing(neighbourhood, roads_official):
    ids = [neighbourhood["first"].pk, neighbourhood["near_similar"].pk]
    assert sign_in(roads_official).get(URL, {"members": ids}).status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(roads_official, backend=PASSWORD_BACKEND)
    assert strict.post(URL, {"members": ids}).status_code == 403
    assert not Complaint.objects.filter(status="duplicate").exists()
    assert sign_in(roads_official).put(URL).status_code == 405


@pytest.mark.django_db
def test_the_page_issues_the_same_queries_for_more_clusters(filed, roads_official):
    client = sign_in(roads_official)
    filed(BROKEN, 0, days_ago=3)
    filed(BROKEN_AGAIN, 100, days_ago=2)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    small = count()
    for metres in (1000, 2000, 3000):
        filed(BROKEN, metres, days_ago=3)
        filed(BROKEN_AGAIN, metres + 50, days_ago=2)
    assert count() == small
    assert len(near_duplicate_clusters(roads_official)) == 4


def reopen(complaint):
    # An answer was given and the filer asked for an additional one: the state is what matters here.
    Complaint.objects.filter(pk=complaint.pk).update(status="reopened", answer="보수했습니다.", answer_round=2)
    complaint.refresh_from_db()
    return complaint


def assert_mergeable(cluster, user):
    """What the merge will ask: every other member may be marked a duplicate by `user` (rules and
    states), and the original is one `user` sees in a queue and is neither a duplicate nor rejected."""
    original = cluster.original
    assert rules.has_perm("complaints.view_in_queue", user, original)
    assert original.status not in ("duplicate", "rejected")
    for member in cluster.members[1:]:
        assert rules.has_perm("complaints.mark_duplicate", user, member.complaint), member.complaint.status


@pytest.mark.django_db
def test_a_reopened_complaint_is_the_original_and_the_merge_succeeds(filed, roads_official):
    """A reopened complaint cannot be marked a duplicate (states.py): were it a member other than
    the original, the merge button would always fail. It becomes the original instead."""
    a, b, c = filed(BROKEN, 0, days_ago=3), filed(BROKEN_AGAIN, 100, days_ago=2), filed(BROKEN_AGAIN, 150, days_ago=1)
    reopen(b)

    (cluster,) = near_duplicate_clusters(roads_official)
    assert cluster.complaint_ids == [b.pk, a.pk, c.pk]
    assert [member.metres for member in cluster.members] == [0, 100, 50]
    assert_mergeable(cluster, roads_official)

    response = sign_in(roads_official).post(URL, {"members": [a.pk, b.pk, c.pk]})
    assert response.status_code == 302
    statuses = dict(Complaint.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "status"))
    assert statuses == {a.pk: "duplicate", b.pk: "reopened", c.pk: "duplicate"}
    assert set(Complaint.objects.filter(pk__in=[a.pk, c.pk]).values_list("duplicate_of_id", flat=True)) == {b.pk}
    assert 'name="members"' not in sign_in(roads_official).get(URL).content.decode()  # nothing left to merge


@pytest.mark.django_db
def test_a_second_reopened_complaint_is_left_out(filed, roads_official):
    a, b, c = filed(BROKEN, 0, days_ago=3), filed(BROKEN_AGAIN, 100, days_ago=2), filed(BROKEN_AGAIN, 150, days_ago=1)
    reopen(a)
    reopen(c)
    (cluster,) = near_duplicate_clusters(roads_official)
    assert cluster.complaint_ids == [a.pk, b.pk]
    assert_mergeable(cluster, roads_official)
    # Two reopened complaints alone: neither can be merged into the other, so no cluster.
    Complaint.objects.filter(pk=b.pk).delete()
    assert near_duplicate_clusters(roads_official) == []


@pytest.mark.django_db
def test_the_page_names_the_original(filed, roads_official):
    a, b = filed(BROKEN, 0, days_ago=3), filed(BROKEN_AGAIN, 100, days_ago=2)
    reopen(b)
    html = sign_in(roads_official).get(URL).content.decode()
    with translation.override("ko"):  # the admin speaks Korean
        merge = gettext("Merge into the original (%(number)s)") % {"number": b.tracking_number}
    assert merge in html
    assert html.index(f'data-complaint="{b.pk}"') < html.index(f'data-complaint="{a.pk}"')


@pytest.mark.django_db
def test_every_cluster_can_be_merged_by_whoever_sees_it(filed, roads_official, intake_desk, make_official):
    """The grid of who merges what: a unit's official and the 120 desk (any unit) merge any open
    state but reopened; a triage desk without units merges only what is still received, so an
    assigned complaint is its original and a second assigned one is left out."""
    triage_only = make_official(permissions=("triage_complaint",))
    received = filed(BROKEN, 0, days_ago=4)
    assigned = filed(BROKEN_AGAIN, 50, days_ago=3)
    in_progress = filed(BROKEN_AGAIN, 100, days_ago=2)
    reopened = reopen(filed(BROKEN_AGAIN, 150, days_ago=1))
    Complaint.objects.filter(pk=assigned.pk).update(status="assigned")
    Complaint.objects.filter(pk=in_progress.pk).update(status="in_progress")

    expected = {
        roads_official: [reopened.pk, received.pk, assigned.pk, in_progress.pk],
        intake_desk: [reopened.pk, received.pk, assigned.pk, in_progress.pk],
        triage_only: [assigned.pk, received.pk],
    }
    for user, ids in expected.items():
        (cluster,) = near_duplicate_clusters(user)
        assert cluster.complaint_ids == ids
        assert_mergeable(cluster, user)

    # And the triage desk's merge goes through the service for real.
    (cluster,) = near_duplicate_clusters(triage_only)
    handling.complaint_mark_duplicate(actor=triage_only, complaint=received, original=assigned)
    received.refresh_from_db()
    assert (received.status, received.duplicate_of_id) == ("duplicate", assigned.pk)
