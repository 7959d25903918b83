"""Writes of the research projects: the project with its affiliates and areas, and its outputs."""

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import GovernanceError
from ..models import OrgUnit, ResearchArea, ResearchOutput, ResearchProject, TechnologyArea


def research_project_check(*, starts_on, ends_on, affiliates, areas=()):
    """Raise GovernanceError unless the period, the affiliates and the areas make a valid project."""
    if starts_on and ends_on and ends_on < starts_on:
        raise GovernanceError(_("The project cannot end (%(end)s) before it starts (%(start)s).")
                              % {"end": ends_on.isoformat(), "start": starts_on.isoformat()})
    affiliates = list(affiliates)
    if not affiliates:
        raise GovernanceError(_("Name at least one affiliated institution that carries out the research."))
    wrong = [unit.name for unit in affiliates if unit.kind != OrgUnit.Kind.AFFILIATE]
    if wrong:
        raise GovernanceError(_("Only affiliated institutions carry out research projects, not: %(units)s.")
                              % {"units": ", ".join(wrong)})
    unknown = sorted(set(areas) - set(TechnologyArea.values))
    if unknown:
        raise GovernanceError(_("Unknown technology area: %(areas)s.") % {"areas": ", ".join(unknown)})


@transaction.atomic
def research_project_save(*, actor, project: ResearchProject, affiliates, areas) -> ResearchProject:
    """Create or change a project (a new or a loaded instance with its fields set), with its
    affiliates and technology areas."""
    affiliates = list(affiliates)
    areas = sorted(set(areas))
    research_project_check(starts_on=project.starts_on, ends_on=project.ends_on, affiliates=affiliates, areas=areas)
    created = project.pk is None
    project.full_clean()
    project.save()
    project.affiliates.set(affiliates)
    existing = set(project.areas.values_list("area", flat=True))
    project.areas.exclude(area__in=areas).delete()
    ResearchArea.objects.bulk_create([ResearchArea(project=project, area=area) for area in areas if area not in existing])
    audit_record(
        actor=actor, action="research_project.create" if created else "research_project.update", target=project,
        summary={"slug": project.slug, "affiliates": sorted(unit.code for unit in affiliates), "areas": areas},
    )
    return project


@transaction.atomic
def research_output_add(*, actor, project, kind, title_ko, url, title_en="", published_on=None,
                        order=0) -> ResearchOutput:
    output = ResearchOutput(project=project, kind=kind, title_ko=title_ko, title_en=title_en, url=url,
                            published_on=published_on, order=order)
    output.full_clean()
    output.save()
    audit_record(actor=actor, action="research_output.add", target=output,
                 summary={"project": project.slug, "kind": kind})
    return output
