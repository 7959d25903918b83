"""The officials' back office for research projects: an official sees the projects of the
affiliates in their units; the project, its affiliates and areas are saved by the service."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..errors import GovernanceError
from ..models import OrgUnit, ResearchOutput, ResearchProject, TechnologyArea
from ..services.research import research_project_check, research_project_save
from .org import UnitScopedAdminMixin, request_visible_unit_ids


class ResearchProjectForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(
        label=_("technology areas"), choices=TechnologyArea.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ResearchProject
        fields = ["slug", "title_ko", "title_en", "summary_ko", "summary_en", "affiliates", "starts_on", "ends_on",
                  "budget_krw", "committee", "policy_ko", "policy_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["areas"].initial = list(self.instance.areas.values_list("area", flat=True))

    def clean(self):
        cleaned = super().clean()
        if "affiliates" in cleaned and "starts_on" in cleaned:
            try:
                research_project_check(starts_on=cleaned["starts_on"], ends_on=cleaned.get("ends_on"),
                                       affiliates=cleaned["affiliates"], areas=cleaned.get("areas", []))
            except GovernanceError as error:
                self.add_error(None, error.message)
        return cleaned


class ResearchOutputInline(admin.TabularInline):
    model = ResearchOutput
    fields = ["kind", "title_ko", "title_en", "url", "published_on", "order"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 1


class AreaFilter(admin.SimpleListFilter):
    title = _("technology area")
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return TechnologyArea.choices

    def queryset(self, request, queryset):
        if self.value() in TechnologyArea.values:
            return queryset.filter(areas__area=self.value())
        return queryset


class AffiliateFilter(admin.SimpleListFilter):
    title = _("affiliated institution")
    parameter_name = "affiliate"

    def lookups(self, request, model_admin):
        units = OrgUnit.objects.filter(kind=OrgUnit.Kind.AFFILIATE)
        if not request.user.is_superuser:
            units = units.filter(pk__in=request_visible_unit_ids(request))
        return [(unit.code, unit.name_ko) for unit in units.order_by("order", "code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(pk__in=ResearchProject.objects.filter(affiliates__code=self.value()).values("pk"))
        return queryset


@admin.register(ResearchProject)
class ResearchProjectAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_path = "affiliates"
    form = ResearchProjectForm
    inlines = [ResearchOutputInline]
    list_display = ["title_ko", "affiliate_names", "starts_on", "ends_on", "budget_krw"]
    list_filter = [AffiliateFilter, AreaFilter]
    search_fields = ["slug", "title_ko", "title_en"]
    prepopulated_fields = {"slug": ["title_en"]}
    date_hierarchy = "starts_on"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("affiliates")

    @admin.display(description=_("affiliated institutions"))
    def affiliate_names(self, project):
        return ", ".join(unit.name_ko for unit in project.affiliates.all())

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        affiliates = OrgUnit.objects.filter(kind=OrgUnit.Kind.AFFILIATE)
        if not request.user.is_superuser:
            # An official adds their own institutions and keeps the partners already named.
            keep = Q(pk__in=request_visible_unit_ids(request))
            if obj is not None:
                keep |= Q(pk__in=obj.affiliates.values("pk"))
            affiliates = affiliates.filter(keep)
        form.base_fields["affiliates"].queryset = affiliates.order_by("order", "code")
        return form

    def save_model(self, request, obj, form, change):
        research_project_save(actor=request.user, project=obj, affiliates=form.cleaned_data["affiliates"],
                              areas=form.cleaned_data.get("areas", []))

    def save_related(self, request, form, formsets, change):
        # The affiliates and areas were set by research_project_save; only the outputs remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
