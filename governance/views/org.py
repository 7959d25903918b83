"""The public organisation chart and a unit's page."""

from django.http import Http404
from django.shortcuts import render

from ..models import OrgUnit
from ..selectors.org import org_tree, org_unit_detail
from ..selectors.research import research_projects_of_unit


def org_chart(request):
    tree = org_tree()
    return render(request, "governance/org/chart.html", {
        "government": [node for node in tree if node.unit.kind != OrgUnit.Kind.AFFILIATE],
        "affiliates": [node for node in tree if node.unit.kind == OrgUnit.Kind.AFFILIATE],
    })


def org_unit(request, code):
    try:
        page = org_unit_detail(code)
    except OrgUnit.DoesNotExist:
        raise Http404("no such active unit") from None
    return render(request, "governance/org/unit.html", {
        "page": page, "unit": page.unit, "research_projects": research_projects_of_unit(page.unit),
    })
