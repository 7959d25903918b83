"""Reads of the research projects for the public list and detail pages (constant query counts)."""

from django.db.models import Prefetch, QuerySet

from ..models import OrgUnit, ResearchArea, ResearchOutput, ResearchProject


def _public_projects() -> QuerySet:
    return ResearchProject.objects.select_related("committee").prefetch_related(
        Prefetch("affiliates", queryset=OrgUnit.objects.order_by("order", "code")),
        Prefetch("areas", queryset=ResearchArea.objects.order_by("area")),
    )


def research_project_list(*, affiliate_code=None, area=None) -> QuerySet:
    """Projects, newest first, optionally those of one affiliate (by code) and of one technology area."""
    projects = _public_projects()
    if affiliate_code:
        projects = projects.filter(
            pk__in=ResearchProject.affiliates.through.objects.filter(orgunit__code=affiliate_code).values("researchproject_id")
        )
    if area:
        projects = projects.filter(pk__in=ResearchArea.objects.filter(area=area).values("project_id"))
    return projects.order_by("-starts_on", "slug")


def research_projects_of_unit(unit, limit=10) -> list[ResearchProject]:
    """The latest research an affiliate carries out (for its organisation page); empty for other units."""
    if unit.kind != OrgUnit.Kind.AFFILIATE:
        return []
    return list(research_project_list(affiliate_code=unit.code)[:limit])


def research_project_detail(slug) -> ResearchProject:
    """Raises ResearchProject.DoesNotExist for an unknown slug."""
    return _public_projects().prefetch_related(
        Prefetch("outputs", queryset=ResearchOutput.objects.order_by("order", "pk"))
    ).get(slug=slug)
