"""Reads of committees for the public pages and the admin; each issues a fixed number of queries."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import Committee, DrawRecord, Meeting, Membership, Volunteer
from .org import scope_to_official

ROLE_RANK = Case(
    When(role=Membership.Role.CHAIR, then=Value(0)),
    When(role=Membership.Role.VICE_CHAIR, then=Value(1)),
    When(role=Membership.Role.SECRETARY, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# What the public pages may read of a membership: never the account behind it.
PUBLIC_MEMBER_FIELDS = (
    "pk", "committee", "public_name", "role", "kind", "affiliation_ko", "affiliation_en", "expertise_ko",
    "expertise_en", "term_number", "term_start", "term_end",
)


def current_memberships(*, today=None) -> QuerySet:
    """Memberships serving today (the same rule as the review workspace)."""
    today = today or timezone.localdate()
    return Membership.objects.filter(status=Membership.Status.ACTIVE, term_start__lte=today, term_end__gte=today)


def _serving_today(today):
    return Q(
        memberships__status=Membership.Status.ACTIVE, memberships__term_start__lte=today,
        memberships__term_end__gte=today,
    )


def public_committee_list() -> list[Committee]:
    """Active top-level committees with their subcommittees, each with its number of members (2 queries)."""
    today = timezone.localdate()
    annotated = Committee.objects.filter(is_active=True).annotate(
        member_count=Count("memberships", filter=_serving_today(today))
    )
    return list(
        annotated.filter(parent__isnull=True)
        .prefetch_related(Prefetch("subcommittees", queryset=annotated.order_by("slug")))
        .order_by("slug")
    )


def _meetings_this_year(year, status):
    return Count("meetings", filter=Q(meetings__starts_at__year=year, meetings__status=status), distinct=True)


def public_committee(slug) -> Committee:
    """A committee's public page: rules, parent and subcommittees, current members (3 queries). 404 if unknown.

    Also counts this year's meetings (Seoul's calendar year) against `min_meetings_per_year`:
    `meetings_held_this_year`, `meetings_scheduled_this_year` and `meetings_planned_this_year` (their sum),
    and `meetings_short_this_year` (how many more the committee must plan, 0 if none).
    """
    today = timezone.localdate()
    members = (
        current_memberships(today=today).only(*PUBLIC_MEMBER_FIELDS).annotate(role_rank=ROLE_RANK)
        .order_by("role_rank", "public_name", "pk")
    )
    committee = get_object_or_404(
        Committee.objects.filter(is_active=True).select_related("parent", "secretariat").prefetch_related(
            Prefetch("memberships", queryset=members, to_attr="current_members"),
            Prefetch("subcommittees", queryset=Committee.objects.filter(is_active=True).order_by("slug")),
        ).annotate(
            meetings_held_this_year=_meetings_this_year(today.year, Meeting.Status.HELD),
            meetings_scheduled_this_year=_meetings_this_year(today.year, Meeting.Status.SCHEDULED),
        ),
        slug=slug,
    )
    committee.meetings_year = today.year
    committee.meetings_planned_this_year = committee.meetings_held_this_year + committee.meetings_scheduled_this_year
    committee.meetings_short_this_year = max(0, committee.min_meetings_per_year - committee.meetings_planned_this_year)
    return committee


def committee_by_slug(slug) -> Committee:
    """The active committee with this slug (1 query), or 404."""
    return get_object_or_404(Committee.objects.filter(is_active=True), slug=slug)


def has_volunteered(committee, user) -> bool:
    return user.is_authenticated and Volunteer.objects.filter(committee=committee, person=user).exists()


# What the public may read of a volunteer in a published draw: the strata the quotas balance, by which
# anyone can re-run the draw. Whether a volunteer is in a vulnerable group is published only as a count
# per draw: with the selection public, a flag per volunteer would tell which drawn members are vulnerable.
PUBLIC_POOL_FIELDS = ("id", "district", "age_band", "sex")


def _vulnerable_count(pool) -> int:
    return sum(1 for row in pool if row.get("vulnerable"))


def committee_draws(committee) -> list[DrawRecord]:
    """The committee's published draws, newest first, each with `vulnerable_in_pool` (1 query)."""
    draws = list(DrawRecord.objects.filter(committee=committee).order_by("-drawn_at", "-pk"))
    for draw in draws:
        draw.vulnerable_in_pool = _vulnerable_count(draw.pool)
    return draws


def draw_public_data(draw) -> dict:
    """A published draw as the public data file gives it: seed, quotas, the pool's strata without the
    vulnerable flags (only their number), and the selection."""
    return {
        "committee": draw.committee.slug,
        "drawn_at": draw.drawn_at.isoformat(),
        "algorithm": draw.algorithm,
        "seed": draw.seed,
        "seats": draw.seats,
        "quotas": draw.quotas,
        "pool": [{field: row[field] for field in PUBLIC_POOL_FIELDS} for row in draw.pool],
        "vulnerable_in_pool": _vulnerable_count(draw.pool),
        "selected": draw.selected,
    }


def draw_for_publication(committee_slug, pk) -> DrawRecord:
    return get_object_or_404(
        DrawRecord.objects.select_related("committee").filter(committee__is_active=True),
        committee__slug=committee_slug, pk=pk,
    )


# --- The back office -------------------------------------------------------------------------


def committees_visible_to(official) -> QuerySet:
    """Committees an official manages: all for a superuser; for other staff, those whose secretariat
    is one of their current units or lies below one."""
    return scope_to_official(Committee.objects.all(), official, "secretariat")


def scope_by_committee(queryset: QuerySet, official, committee_path="committee") -> QuerySet:
    """Records that belong to a committee the official manages."""
    if getattr(official, "is_superuser", False) and official.is_active:
        return queryset
    return queryset.filter(**{f"{committee_path}__in": committees_visible_to(official).values("pk")})
