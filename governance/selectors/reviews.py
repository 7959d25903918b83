"""Reads of the review workspace: who a member is on an item, the pages' item lists and the tally.

Every function issues a fixed number of queries, whatever the number of items, reviews or members.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from ..models import AgendaItem, ConflictDeclaration, Membership, Review
from ..registry import ReviewTally

RECENTLY_CLOSED_SHOWN = 10


def active_memberships(*, today=None):
    """Memberships serving today: not ended, and today within the term (Seoul's calendar day)."""
    today = today or timezone.localdate()
    return Membership.objects.filter(status=Membership.Status.ACTIVE, term_start__lte=today, term_end__gte=today)


# --- The viewer's standing on an item (what the permission predicates read) -----------------


@dataclass(frozen=True)
class Standing:
    membership_id: int | None = None
    role: str = ""
    has_conflict: bool = False
    has_reviewed: bool = False

    @property
    def is_member(self) -> bool:
        return self.membership_id is not None


NO_STANDING = Standing()
_CACHE = "_review_standings"


def member_standing(user, item) -> Standing:
    """The user's active membership of the item's committee, conflict and review: one query, then
    remembered on the item instance for the rest of the request (forget_standing after a write)."""
    if not getattr(user, "is_authenticated", False) or item.pk is None:
        return NO_STANDING
    cache = item.__dict__.setdefault(_CACHE, {})
    if user.pk not in cache:
        row = (
            active_memberships()
            .filter(committee_id=item.committee_id, person_id=user.pk)
            .annotate(
                has_conflict=Exists(ConflictDeclaration.objects.filter(item_id=item.pk, membership__person_id=user.pk)),
                has_reviewed=Exists(Review.objects.filter(item_id=item.pk, membership__person_id=user.pk)),
            )
            .values("pk", "role", "has_conflict", "has_reviewed")
            .first()
        )
        cache[user.pk] = (
            Standing(membership_id=row["pk"], role=row["role"], has_conflict=row["has_conflict"],
                     has_reviewed=row["has_reviewed"])
            if row else NO_STANDING
        )
    return cache[user.pk]


def forget_standing(item):
    item.__dict__.pop(_CACHE, None)


def _remember_standing(user, item):
    """Standing from the annotations of workspace_items, so that listing costs no query per item."""
    item.__dict__.setdefault(_CACHE, {})[user.pk] = Standing(
        membership_id=item.my_membership_id, role=item.my_role or "", has_conflict=item.my_conflict,
        has_reviewed=item.my_review,
    )


# --- Pages -------------------------------------------------------------------------------------


def _count(queryset):
    return Coalesce(
        Subquery(queryset.order_by().values("item").annotate(count=Count("pk")).values("count")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


def _with_viewer(queryset, user):
    mine = active_memberships().filter(person_id=user.pk, committee_id=OuterRef("committee_id"))
    return (
        queryset.filter(committee__in=active_memberships().filter(person_id=user.pk).values("committee_id"))
        .select_related("committee")
        .annotate(
            my_membership_id=Subquery(mine.values("pk")[:1]),
            my_role=Subquery(mine.values("role")[:1]),
            my_conflict=Exists(ConflictDeclaration.objects.filter(item=OuterRef("pk"), membership__person_id=user.pk)),
            my_review=Exists(Review.objects.filter(item=OuterRef("pk"), membership__person_id=user.pk)),
            review_count=_count(Review.objects.filter(item=OuterRef("pk"))),
        )
    )


def workspace_items(user):
    """(open items, recently closed items) of the committees the user serves on today."""
    open_items = list(
        _with_viewer(AgendaItem.objects.filter(status=AgendaItem.Status.OPEN), user).order_by(
            F("review_deadline").asc(nulls_last=True), "committee__slug", "pk"
        )
    )
    closed_items = list(
        _with_viewer(AgendaItem.objects.filter(status=AgendaItem.Status.CLOSED), user).order_by("-closed_at", "-pk")[
            :RECENTLY_CLOSED_SHOWN
        ]
    )
    for item in (*open_items, *closed_items):
        _remember_standing(user, item)
    return open_items, closed_items


def workspace_summary(user) -> dict | None:
    """For "My Seoul": None unless the user serves on a committee today; else how many open items
    wait for their review (not reviewed, no conflict declared). Two queries."""
    memberships = active_memberships().filter(person_id=user.pk)
    if not memberships.exists():
        return None
    awaiting = (
        AgendaItem.objects.filter(status=AgendaItem.Status.OPEN, committee__in=memberships.values("committee_id"))
        .exclude(Exists(Review.objects.filter(item=OuterRef("pk"), membership__person_id=user.pk)))
        .exclude(Exists(ConflictDeclaration.objects.filter(item=OuterRef("pk"), membership__person_id=user.pk)))
        .count()
    )
    return {"awaiting": awaiting}


def agenda_item_get(pk) -> AgendaItem:
    """The item with what its page shows, or 404 (a malformed or unknown id)."""
    try:
        return AgendaItem.objects.select_related("committee", "meeting").get(pk=int(pk))
    except (AgendaItem.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("No such agenda item") from None


def own_review(user, item) -> Review | None:
    if not member_standing(user, item).has_reviewed:
        return None
    return Review.objects.filter(item=item, membership__person_id=user.pk).select_related("membership").first()


def item_reviews(item):
    """Every review of the item, with the reviewer's public name."""
    return list(Review.objects.filter(item=item).select_related("membership").order_by("submitted_at", "pk"))


def _person_declared_conflict(item):
    """For a Membership queryset: this membership's person declared a conflict on the item."""
    return Exists(ConflictDeclaration.objects.filter(item_id=item.pk, membership__person_id=OuterRef("person_id")))


def _person_reviewed(item):
    return Exists(Review.objects.filter(item_id=item.pk, membership__person_id=OuterRef("person_id")))


def eligible_member_count(item) -> int:
    """Members serving today who have not declared a conflict on the item: who is expected to review."""
    return (
        active_memberships()
        .filter(committee_id=item.committee_id)
        .exclude(_person_declared_conflict(item))
        .count()
    )


def review_tally(item) -> ReviewTally:
    """The reviews that count (a conflicted member has none: declaring one withdraws it)."""
    R = Review.Recommendation
    counts = Review.objects.filter(item=item).aggregate(
        approve=Count("pk", filter=Q(recommendation=R.APPROVE)),
        revise=Count("pk", filter=Q(recommendation=R.REVISE)),
        reject=Count("pk", filter=Q(recommendation=R.REJECT)),
        abstain=Count("pk", filter=Q(recommendation=R.ABSTAIN)),
        scored=Count("score"),
        score_sum=Sum("score"),
    )
    conflicts = ConflictDeclaration.objects.filter(item=item).count()
    scored = counts["scored"]
    average = (
        (Decimal(counts["score_sum"]) / Decimal(scored)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if scored else None
    )
    return ReviewTally(
        approve=counts["approve"], revise=counts["revise"], reject=counts["reject"], abstain=counts["abstain"],
        conflicts=conflicts, scored=scored, average_score=average,
    )


def items_needing_reminders(*, now, within):
    """Open items whose review deadline falls in (now, now + within]."""
    return AgendaItem.objects.filter(
        status=AgendaItem.Status.OPEN, review_deadline__gt=now, review_deadline__lte=now + within
    ).order_by("review_deadline", "pk")


def members_without_review(item):
    """Members serving today who have neither reviewed the item nor declared a conflict on it."""
    return (
        active_memberships()
        .filter(committee_id=item.committee_id)
        .exclude(_person_reviewed(item))
        .exclude(_person_declared_conflict(item))
        .select_related("person")
        .order_by("pk")
    )
