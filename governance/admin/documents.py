"""The officials' back office for versioned documents: the record is edited here, the text only
by publishing a new version (through the service; published versions are read-only)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..errors import GovernanceError
from ..models import Document, DocumentVersion
from ..services import documents as document_services
from .org import UnitScopedAdminMixin


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["kind", "slug", "title_ko", "title_en", "summary_ko", "summary_en", "owner_unit",
                  "period_start_year", "period_end_year"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind", self.instance.kind)
        if kind:
            try:
                document_services.document_check(kind=kind, period_start_year=cleaned.get("period_start_year"),
                                                 period_end_year=cleaned.get("period_end_year"))
            except GovernanceError as error:
                self.add_error("period_end_year", error.message)
        return cleaned


class PublishVersionForm(forms.Form):
    body_ko = forms.CharField(label=_("text (Korean)"), widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
                              strip=False)
    body_en = forms.CharField(label=_("text (English)"), widget=forms.Textarea(attrs={"rows": 24, "cols": 100}),
                              required=False, strip=False)
    changelog_ko = forms.CharField(label=_("changes (Korean)"), widget=forms.Textarea(attrs={"rows": 4}))
    changelog_en = forms.CharField(label=_("changes (English)"), widget=forms.Textarea(attrs={"rows": 4}),
                                   required=False)
    effective_on = forms.DateField(label=_("in force from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ["number", "published_at", "effective_on", "changelog_ko", "changelog_en", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("published_by")


@admin.register(Document)
class DocumentAdmin(UnitScopedAdminMixin, admin.ModelAdmin):
    unit_path = "owner_unit"
    form = DocumentForm
    inlines = [DocumentVersionInline]
    list_display = ["title_ko", "kind", "owner_unit", "latest_version", "period_start_year", "period_end_year"]
    list_filter = ["kind", ("owner_unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["owner_unit"]
    search_fields = ["slug", "title_ko", "title_en"]
    actions = ["publish_new_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest_number=Max("versions__number"))

    def get_readonly_fields(self, request, obj=None):
        # The slug is in public addresses; a document does not change kind.
        return ["kind", "slug", "publish_link"] if obj else []

    def get_fields(self, request, obj=None):
        fields = list(DocumentForm.Meta.fields)
        return [*fields, "publish_link"] if obj else fields

    def has_delete_permission(self, request, obj=None):
        return False  # published versions are a public record

    @admin.display(description=_("latest version"), ordering="latest_number")
    def latest_version(self, document):
        return document.latest_number or "—"

    @admin.display(description=_("new version"))
    def publish_link(self, document):
        if not document or not document.pk:
            return ""
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:governance_document_publish", args=[document.pk]),
                           gettext("Publish a new version"))

    def get_urls(self):
        return [
            path("<path:object_id>/publish/", self.admin_site.admin_view(self.publish_view),
                 name="governance_document_publish"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            document = document_services.document_create(
                actor=request.user, kind=obj.kind, slug=obj.slug, title_ko=obj.title_ko, title_en=obj.title_en,
                owner_unit=obj.owner_unit, summary_ko=obj.summary_ko, summary_en=obj.summary_en,
                period_start_year=obj.period_start_year, period_end_year=obj.period_end_year,
            )
            obj.pk, obj._state.adding, obj._state.db = document.pk, False, document._state.db
            return
        changed = {name: getattr(obj, name) for name in document_services.DOCUMENT_FIELDS if name in form.changed_data}
        if changed:
            document_services.document_update(actor=request.user, document=obj, **changed)

    def save_related(self, request, form, formsets, change):
        # The versions inline is read-only and nothing else is related: nothing to save. The admin's
        # change message still reads what a formset's save() sets, so it is set to "nothing".
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def publish_view(self, request, object_id):
        document = self.get_object(request, unquote(object_id))  # scoped to the official's units
        if document is None:
            raise Http404(gettext("No such document among yours."))
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        latest = document.versions.order_by("-number").first()
        if request.method == "POST":
            form = PublishVersionForm(request.POST)
            if form.is_valid():
                try:
                    version = document_services.document_publish_version(
                        actor=request.user, document=document, **form.cleaned_data
                    )
                except GovernanceError as error:
                    form.add_error(None, error.message)
                else:
                    self.message_user(
                        request,
                        gettext('Version %(number)s of "%(title)s" is published.')
                        % {"number": version.number, "title": document.title_ko},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:governance_document_change", args=[document.pk]))
        else:
            initial = {"body_ko": latest.body_ko, "body_en": latest.body_en} if latest else {}
            form = PublishVersionForm(initial=initial)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Publish a new version"),
            "subtitle": document.title_ko,
            "opts": self.opts,
            "original": document,
            "document": document,
            "latest": latest,
            "next_number": (latest.number + 1) if latest else 1,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "governance/documents/admin_publish.html", context)

    @admin.action(description=_("Publish a new version of the selected document"), permissions=["change"])
    def publish_new_version(self, request, queryset):
        documents = list(queryset[:2])
        if len(documents) != 1:
            self.message_user(request, gettext("Select exactly one document to publish a new version of."),
                              messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:governance_document_publish", args=[documents[0].pk]))
