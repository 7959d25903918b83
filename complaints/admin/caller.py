"""Filing for a caller of the 120 Dasan call centre: the operator writes down the complaint and,
if the caller wants to hear back, the caller's mobile number (the tracking number and the answer
go there by SMS, and its last four digits open the tracking page).

The category's extra questions appear once a category is chosen: the form is posted with the
category, and comes back with its questions when they are required and not yet answered (the
page works without JavaScript).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citizens.phones import normalize_mobile
from notifications.services import contact_for_phone

from ..errors import ComplaintError
from ..models import DESCRIPTION_MAX_LENGTH, Channel, ContactPreference
from ..models.complaints import TITLE_MAX_LENGTH
from ..selectors.queues import is_visible_to
from ..services.intake import Filer, Location, complaint_file
from .forms import LocationFields, active_categories

ANSWER_PREFIX = "answer_"


class CallerComplaintForm(LocationFields):
    category = forms.ModelChoiceField(label=_("category"), queryset=active_categories())
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX_LENGTH, required=False,
                            help_text=_("Optional: the beginning of the description otherwise."))  # fmt: skip
    description = forms.CharField(label=_("description"), max_length=DESCRIPTION_MAX_LENGTH,
                                  widget=forms.Textarea(attrs={"rows": 8, "cols": 80}))  # fmt: skip
    is_public = forms.BooleanField(label=_("public"), required=False,
                                   help_text=_("Only if the caller agrees: shown on the public map and list, "
                                               "without personal data."))  # fmt: skip
    caller_name = forms.CharField(label=_("caller's name"), max_length=60, required=False)
    caller_phone = forms.CharField(
        label=_("caller's mobile phone"), required=False, max_length=20,
        help_text=_("For the tracking number and the answer by SMS. Leave empty if the caller does not want to be "
                    "contacted."),
    )  # fmt: skip
    preference = forms.ChoiceField(
        label=_("messages to the caller"), initial=ContactPreference.SMS,
        choices=[(ContactPreference.SMS, _("By SMS")), (ContactPreference.NONE, _("No messages"))],
    )  # fmt: skip
    language = forms.ChoiceField(label=_("language of the messages"), choices=settings.LANGUAGES, initial="ko")

    field_order = ["category", "title", "description", "address", "latitude", "longitude", "is_public",
                   "caller_name", "caller_phone", "preference", "language"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = []
        category = self._chosen_category()
        if category is not None:
            self.questions = list(category.questions.all())
            for question in self.questions:
                self.fields[ANSWER_PREFIX + question.code] = _question_field(question)

    def _chosen_category(self):
        raw = self.data.get("category") if self.is_bound else None
        if not raw or not str(raw).isdigit():
            return None
        return active_categories().filter(pk=int(raw)).first()

    def clean_caller_phone(self):
        raw = self.cleaned_data["caller_phone"].strip()
        return normalize_mobile(raw) if raw else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("preference") == ContactPreference.SMS and not cleaned.get("caller_phone") and (
            "caller_phone" not in self.errors
        ):
            self.add_error("caller_phone", _("Give the caller's mobile number, or choose no messages."))
        return cleaned

    def answers(self) -> dict:
        return {question.code: self.cleaned_data.get(ANSWER_PREFIX + question.code) for question in self.questions}


def _question_field(question):
    label, required = question.prompt, False  # the service says which are required, by name
    if question.kind == question.Kind.CHOICE:
        choices = [("", "---------"), *[(key, question.choice_name(key)) for key in question.choice_keys]]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if question.kind == question.Kind.MULTICHOICE:
        choices = [(key, question.choice_name(key)) for key in question.choice_keys]
        return forms.MultipleChoiceField(label=label, required=required, choices=choices,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    return forms.CharField(label=label, required=required, max_length=500)


def file_for_caller(*, operator, data: dict, answers: dict):
    """The caller's contact and the complaint, in one transaction: a refused complaint leaves no
    contact behind."""
    with transaction.atomic():
        contact = contact_for_phone(data["caller_phone"], language=data["language"]) if data["caller_phone"] else None
        return complaint_file(
            channel=Channel.PHONE, category=data["category"], description=data["description"], title=data["title"],
            location=Location(latitude=data["latitude"], longitude=data["longitude"], address=data["address"] or ""),
            is_public=data["is_public"], answers=answers, filed_by=operator,
            filer=Filer(contact=contact, name=data["caller_name"],
                        preference=data["preference"] if contact else ContactPreference.NONE,
                        language=data["language"]),
        )  # fmt: skip


def may_file_for_caller(user) -> bool:
    """complaints.rules' `files_for_callers`, asked of the model permission alone: that rule is
    registered under the permission's own name and asks `user.has_perm` for it, which for an
    official without it goes back through the rules backend to the rule, without end."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_staff
        and "complaints.file_for_caller" in ModelBackend().get_all_permissions(user)
    )  # fmt: skip


def file_for_caller_view(model_admin, request):
    if not may_file_for_caller(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = CallerComplaintForm(request.POST)
        if form.is_valid():
            try:
                complaint = file_for_caller(operator=request.user, data=form.cleaned_data, answers=form.answers())
            except ComplaintError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                model_admin.log_addition(request, complaint, [{"added": {}}])
                model_admin.message_user(
                    request,
                    gettext("Complaint %(number)s is filed. Tell the caller the tracking number.")
                    % {"number": complaint.tracking_number},
                    messages.SUCCESS,
                )
                if is_visible_to(request.user, complaint):
                    return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
                return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist"))
    else:
        form = CallerComplaintForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("File a complaint for a caller"),
        "opts": model_admin.opts,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/complaints/complaint/file_for_caller.html", context)

