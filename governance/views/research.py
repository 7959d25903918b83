"""The public research projects: a list filterable by affiliate and technology area, and a project's page."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..models import ResearchProject, TechnologyArea
from ..selectors.org import affiliate_units
from ..selectors.research import research_project_detail, research_project_list

PAGE_SIZE = 20


class ResearchFilterForm(forms.Form):
    affiliate = forms.ChoiceField(label=_("Institution"), required=False)
    area = forms.ChoiceField(label=_("Technology area"), required=False,
                             choices=[("", _("All areas")), *TechnologyArea.choices])

    def __init__(self, *args, affiliates, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from the list the page already has: validating and rendering cost no query.
        self.fields["affiliate"].choices = [("", _("All institutions"))] + [(unit.code, unit.name) for unit in affiliates]
        # The messages leave the value out: it is whatever was typed into the address.
        self.fields["affiliate"].error_messages["invalid_choice"] = _(
            "There is no institution with this code; showing all institutions."
        )
        self.fields["area"].error_messages["invalid_choice"] = _(
            "This is not a known technology area; showing all areas."
        )

    def valid_filters(self):
        """The filters that are valid; an invalid one is dropped (its error says so)."""
        self.is_valid()
        return {name: None if name in self.errors else self.cleaned_data.get(name) or None for name in self.fields}


def research_list(request):
    affiliates = affiliate_units()
    form = ResearchFilterForm(request.GET or None, affiliates=affiliates)
    filters = form.valid_filters() if form.is_bound else {"affiliate": None, "area": None}
    projects = research_project_list(affiliate_code=filters["affiliate"], area=filters["area"])
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    query = request.GET.copy()
    query.pop("page", None)
    for name in form.errors:
        query.pop(name, None)
    return render(request, "governance/research/list.html", {
        "form": form, "page_obj": page, "projects": page.object_list, "filter_query": query.urlencode(),
        "filtered": any(filters.values()),
    }, status=status)


def research_detail(request, slug):
    try:
        project = research_project_detail(slug)
    except ResearchProject.DoesNotExist:
        raise Http404("no such research project") from None
    return render(request, "governance/research/detail.html", {"project": project})
