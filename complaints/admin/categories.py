"""The categories citizens file under (and Open311 apps name by service code), with their extra
questions. A category is deactivated, never deleted: complaints keep pointing at it. Every save
is audited, since a category's type sets deadlines and its unit routes complaints."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from ..models import Category, CategoryQuestion


class CategoryQuestionForm(forms.ModelForm):
    class Meta:
        model = CategoryQuestion
        fields = ["order", "code", "prompt_ko", "prompt_en", "kind", "required", "choices"]

    def clean(self):
        cleaned = super().clean()
        kind, choices = cleaned.get("kind"), cleaned.get("choices")
        if kind in (CategoryQuestion.Kind.CHOICE, CategoryQuestion.Kind.MULTICHOICE):
            if not isinstance(choices, list) or len(choices) < 2:
                self.add_error("choices", _('Give at least two choices: [{"key": "a", "name_ko": "…", "name_en": "…"}, …]'))
            elif not all(isinstance(choice, dict) and choice.get("key") not in (None, "") and choice.get("name_ko")
                         for choice in choices):  # fmt: skip
                self.add_error("choices", _("Each choice needs a key and a Korean name."))
            elif len({str(choice["key"]) for choice in choices}) != len(choices):
                self.add_error("choices", _("Two choices have the same key."))
        elif choices:
            self.add_error("choices", _("Only a question with choices has choices."))
        return cleaned


class CategoryQuestionInline(admin.StackedInline):
    model = CategoryQuestion
    form = CategoryQuestionForm
    extra = 0
    verbose_name_plural = _("extra questions (asked when filing; an Open311 service definition's attributes)")


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["service_code", "parent", "name_ko", "name_en", "description_ko", "description_en", "notice_ko",
                  "notice_en", "keywords", "complaint_type", "default_unit", "needs_location", "is_active", "order"]  # fmt: skip


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    inlines = [CategoryQuestionInline]
    list_display = ["service_code", "name_ko", "name_en", "parent", "complaint_type", "default_unit", "needs_location",
                    "is_active", "order"]  # fmt: skip
    list_filter = ["complaint_type", "is_active", "needs_location"]
    list_select_related = ["parent", "default_unit"]
    search_fields = ["service_code", "name_ko", "name_en", "keywords"]
    ordering = ["order", "service_code"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate it instead: complaints point at it

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="complaints.category.save", target=obj,
                     summary={"code": obj.service_code, "changed": sorted(form.changed_data)})  # fmt: skip

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit_record(actor=request.user, action="complaints.category.questions_save", target=form.instance,
                         summary={"code": form.instance.service_code})  # fmt: skip
