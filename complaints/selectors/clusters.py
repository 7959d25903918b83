"""Near-duplicate clusters: open complaints an official may see that probably report the same thing,
so that the official can merge them into one: the cluster's original.

Two open complaints are near duplicates when they have the same category, lie within 250 m of
each other (great-circle distance) and their texts are similar: the Jaccard index of their
character bigrams (title and description, case-folded, bigrams taken inside words, a one-letter
word counted as itself) is at least 0.4. Bigrams need no dictionary and suit Korean, where one
word takes many endings (보도블록이, 보도블록을 share 보도, 도블, 블록). Near duplicates are grouped
transitively (union-find): A near B and B near C make one cluster even if A and C are apart.

Bounded whatever the number of complaints: only complaints received in the last 60 days, at
most the 300 most recent per category (one query with a window function, using the open
complaints' index on category, latitude and longitude); pairs are compared inside a latitude band
of 250 m, so the work grows with the neighbours, not with the square of the candidates.

Every cluster can be merged as shown (the button must not fail for a reason known beforehand).
Merging marks the other members duplicates of the original (services/handling.py
complaint_mark_duplicate), which states.py allows only from received, assigned, in progress and
transferred (not from reopened: an additional answer was requested, and the filer waits for it),
and the rules only to the official who handles the complaint (or the intake desk while it is still
received); the original the official must see in a queue. So a candidate the official could not
even take as the original is left out; the original is the earliest member that cannot itself be
merged (a reopened complaint) if there is one, else the earliest; members that cannot be merged
into it (a second reopened one) are left out, and a cluster left with one complaint is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from governance.selectors.org import visible_unit_ids

from ..models import Complaint
from ..rules import handles_any_unit, is_triage_desk
from ..states import OPEN_STATES, Move, Status, allowed
from .public import METRES_PER_DEGREE_LATITUDE, distance_metres
from .queues import complaints_visible_to

RADIUS_METRES = 250
SIMILARITY_THRESHOLD = 0.4
RECENT_DAYS = 60
PER_CATEGORY_LIMIT = 300
# Longitude degrees shrink with the cosine of the latitude: at Seoul (37.4–37.7° N) a degree of
# longitude is at least 0.79 of one of latitude; 0.75 keeps the band a little wide, never narrow.
LONGITUDE_SHRINK_AT_SEOUL = 0.75
_WORDS = re.compile(r"\w+")


def text_bigrams(text: str) -> frozenset[str]:
    grams = set()
    for word in _WORDS.findall((text or "").casefold()):
        if len(word) == 1:
            grams.add(word)
        grams.update(word[index : index + 2] for index in range(len(word) - 1))
    return frozenset(grams)


def text_similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Jaccard: shared bigrams ÷ bigrams of either (0 when both are empty)."""
    union = len(first | second)
    return len(first & second) / union if union else 0.0


@dataclass(frozen=True)
class ClusterMember:
    complaint: Complaint
    metres: int  # from the cluster's original
    similarity: float  # of its text to the original's


@dataclass(frozen=True)
class Cluster:
    members: list[ClusterMember]  # the original first, then the others from the earliest

    @property
    def original(self) -> Complaint:
        return self.members[0].complaint

    @property
    def category(self):
        return self.original.category

    @property
    def complaint_ids(self) -> list[int]:
        return [member.complaint.pk for member in self.members]


def _candidates(user, since: datetime) -> list[Complaint]:
    open_located = Complaint.objects.filter(
        status__in=list(OPEN_STATES), category__isnull=False, latitude__isnull=False, received_at__gte=since
    )
    ranked = complaints_visible_to(user, open_located).annotate(
        recent_rank=Window(RowNumber(), partition_by=[F("category_id")],
                           order_by=[F("received_at").desc(), F("id").desc()]),
    ).filter(recent_rank__lte=PER_CATEGORY_LIMIT)  # fmt: skip
    return list(
        ranked.select_related("category", "district")
        .only(
            "tracking_number",
            "title",
            "description",
            "latitude",
            "longitude",
            "received_at",
            "status",
            "category_id",
            "unit_id",
            "district_id",
            "category__name_ko",
            "category__name_en",
            "district__name_ko",
            "district__name_en",
        )  # fmt: skip
        .order_by("category_id", "latitude", "id")
    )


class _UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, item):
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, first, second):
        self.parent[self.find(first)] = self.find(second)


def _linked_pairs(complaints: list[Complaint], grams: dict[int, frozenset]):
    """Pairs of one category's complaints (sorted by latitude) within the radius and similar."""
    band = RADIUS_METRES / METRES_PER_DEGREE_LATITUDE * 1.01  # a hair wide: the haversine's Earth is rounder
    for index, first in enumerate(complaints):
        lat, lon = float(first.latitude), float(first.longitude)
        for second in complaints[index + 1 :]:
            if float(second.latitude) - lat > band:
                break
            if abs(float(second.longitude) - lon) > band / LONGITUDE_SHRINK_AT_SEOUL:
                continue
            if distance_metres(lat, lon, second.latitude, second.longitude) > RADIUS_METRES:
                continue
            if text_similarity(grams[first.pk], grams[second.pk]) >= SIMILARITY_THRESHOLD:
                yield first, second


class _MergeRules:
    """`rules.MOVE_PERMISSIONS["mark_duplicate"]` and complaint_mark_duplicate's checks of the
    original, for many complaints at once: the official's units read once, not per complaint
    (the rules would read them for each). tests/complaints/analysis/test_clusters.py holds the two
    to the same answers."""

    def __init__(self, user):
        self.any_unit = handles_any_unit.test(user)
        self.triage = is_triage_desk.test(user)
        self.units = frozenset() if self.any_unit else visible_unit_ids(user)

    def handles(self, complaint) -> bool:
        return self.any_unit or complaint.unit_id in self.units

    def may_be_original(self, complaint) -> bool:
        # Seen in a queue (`complaints.view_in_queue`); open, so not a duplicate nor rejected.
        return self.handles(complaint) or self.triage

    def may_merge(self, complaint) -> bool:
        role = self.handles(complaint) or (self.triage and complaint.status == Status.RECEIVED)
        return role and allowed(Move.MARK_DUPLICATE, complaint.status)


def _mergeable_cluster(complaints: list[Complaint], may: _MergeRules) -> list[Complaint]:
    """The original first, then the members that can be merged into it (earliest first)."""
    by_age = sorted(complaints, key=lambda complaint: (complaint.received_at, complaint.pk))
    original = next((complaint for complaint in by_age if not may.may_merge(complaint)), by_age[0])
    return [original, *(complaint for complaint in by_age if complaint is not original and may.may_merge(complaint))]


def near_duplicate_clusters(user, *, now: datetime | None = None) -> list[Cluster]:
    """The clusters of two or more open complaints `user` may see, the largest first (then the
    oldest). A few queries (the candidates, and the official's scope), whatever the data."""
    now = now or timezone.now()
    may = _MergeRules(user)
    candidates = [complaint for complaint in _candidates(user, now - timedelta(days=RECENT_DAYS))
                  if may.may_be_original(complaint)]  # fmt: skip
    grams = {complaint.pk: text_bigrams(f"{complaint.title} {complaint.description}") for complaint in candidates}
    groups = _UnionFind()
    for _category, complaints in groupby(candidates, key=lambda complaint: complaint.category_id):
        for first, second in _linked_pairs(list(complaints), grams):
            groups.union(first.pk, second.pk)
    by_root: dict[int, list[Complaint]] = {}
    for complaint in candidates:
        if complaint.pk in groups.parent:
            by_root.setdefault(groups.find(complaint.pk), []).append(complaint)
    clusters = []
    for linked in by_root.values():
        complaints = _mergeable_cluster(linked, may)
        if len(complaints) < 2:
            continue
        original = complaints[0]
        clusters.append(Cluster([
            ClusterMember(
                complaint,
                round(distance_metres(original.latitude, original.longitude, complaint.latitude, complaint.longitude)),
                round(text_similarity(grams[original.pk], grams[complaint.pk]), 2),
            )
            for complaint in complaints
        ]))  # fmt: skip
    clusters.sort(key=lambda cluster: (-len(cluster.members), cluster.original.received_at, cluster.original.pk))
    return clusters
