"""Reads of committees for the public pages and the admin; each issues a fixed number of queries."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..models import Committee, DrawRecord, Membership, Volunteer
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


def public_committee(slug) -> Committee:
    """A committee's public page: rules, parent and subcommittees, current members (3 queries). 404 if unknown."""
    today = timezone.localdate()
    members = (
        current_memberships(today=today).only(*PUBLIC_MEMBER_FIELDS).annotate(role_rank=ROLE_RANK)
        .order_by("role_rank", "public_name", "pk")
    )
    return get_object_or_404(
        Committee.objects.filter(is_active=True).select_related("parent", "secretariat").prefetch_related(
            Prefetch("memberships", queryset=members, to_attr="current_members"),
            Prefetch("subcommittees", queryset=Committee.objects.filter(is_active=True).order_by("slug")),
        ),
        slug=slug,
    )


def committee_by_slug(slug) -> Committee:
    """The active committee with this slug (1 query), or 404."""
    return get_object_or_404(Committee.objects.filter(is_active=True), slug=slug)


def has_volunteered(committee, user) -> bool:
    return user.is_authenticated and Volunteer.objects.filter(committee=committee, person=user).exists()


def committee_draws(committee) -> list[DrawRecord]:
    return list(DrawRecord.objects.filter(committee=committee).order_by("-drawn_at", "-pk"))


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
