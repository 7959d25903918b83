"""A complaint's page (complaints:detail), its photos, and what its filer does there: rate the
answer (complaints:rate) and ask for an additional answer (complaints:reopen).

Its filer (the citizen who filed it, or a session that filed it as a guest or tracked it) sees
everything of theirs; anyone else sees a public complaint without personal data (no name, phone,
email, answers to the category's questions or rejection details), and a private one not at all
(404, as for a number that does not exist).
"""

import rules
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from citizens.phones import mask_phone
from seoul_portal.uploads import serves_user_file, stored_file_response

from ..errors import ComplaintError
from ..forms.detail import DISSATISFIED_AT_MOST, RatingForm, ReopenForm
from ..models import ComplaintPhoto
from ..selectors import (
    complaint_by_number,
    complaint_photos,
    current_rating,
    is_following,
    public_timeline,
    status_group,
)
from ..services.handling import complaint_rate, complaint_reopen
from ..states import FINISHED_STATES, OPEN_STATES, Status
from .access import filer_actor, is_filer, verified_guest_phone

ERROR_STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409, "illegal_move": 409}


def _visible(request, tracking_number):
    """(complaint, is the viewer its filer) or 404."""
    complaint = complaint_by_number(tracking_number)
    if complaint is None:
        raise Http404("no such complaint")
    filer = is_filer(request, complaint)
    if not filer and not (complaint.is_public and complaint.category_id is not None):
        raise Http404("no such complaint")
    return complaint, filer


def _filer_complaint(request, tracking_number):
    complaint, filer = _visible(request, tracking_number)
    if not filer:
        raise Http404("no such complaint")
    return complaint


def _question_answers(complaint) -> list[tuple[str, str]]:
    """(question, answer) of the category's extra questions, for the filer."""
    # The questions are read even when nothing was answered: the page's queries stay the same.
    if complaint.category_id is None:
        return []
    shown = []
    for question in complaint.category.questions.all():
        value = complaint.answers.get(question.code)
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        if question.kind in (question.Kind.CHOICE, question.Kind.MULTICHOICE):
            values = [question.choice_name(item) for item in values]
        shown.append((question.prompt, ", ".join(str(item) for item in values)))
    return shown


def _detail_context(request, complaint, *, filer, rating_form=None, reopen_form=None):
    context = {
        "complaint": complaint,
        "filer": filer,
        "group": status_group(complaint.status),
        "timeline": public_timeline(complaint),
        "photos": complaint_photos(complaint),
        "is_open": complaint.status in OPEN_STATES,
    }
    if filer:
        actor = filer_actor(request, complaint)
        # Read in every state, so that the page costs the same queries whatever the complaint's.
        rating = current_rating(complaint)
        rating = rating if complaint.status in FINISHED_STATES else None
        can_rate = (
            complaint.status in (Status.ANSWERED, Status.CLOSED)
            and complaint.answered_at is not None
            and rating is None
            and rules.has_perm("complaints.rate", actor, complaint)
        )
        can_reopen = rules.has_perm("complaints.reopen", actor, complaint)
        wants_more = (
            request.GET.get("additional") == "1"
            or (rating is not None and rating.rating <= DISSATISFIED_AT_MOST)
            or (reopen_form is not None and reopen_form.errors)
        )
        context |= {
            "rating": rating,
            "can_rate": can_rate,
            "can_reopen": can_reopen,
            "show_reopen": can_reopen and wants_more,
            "rating_form": rating_form or RatingForm(),
            "reopen_form": reopen_form or ReopenForm(),
            "question_answers": _question_answers(complaint),
            "masked_phone": mask_phone(complaint.tracking_last4),
        }
    else:
        citizen = request.user if request.user.is_authenticated else None
        context |= {
            "following": is_following(complaint, citizen=citizen) if citizen else False,
            "guest_verified": citizen is None and bool(verified_guest_phone(request)),
        }
    return context


@never_cache
@require_safe
def detail(request, tracking_number):
    complaint, filer = _visible(request, tracking_number)
    return render(request, "complaints/detail.html", _detail_context(request, complaint, filer=filer))


def _refused(request, complaint, error, **forms):
    status = ERROR_STATUS.get(error.code, 400)
    context = _detail_context(request, complaint, filer=True, **forms) | {"refusal": error.message}
    return render(request, "complaints/detail.html", context, status=status)


def _back_to(complaint, anchor="", **query):
    url = reverse("complaints:detail", args=[complaint.tracking_number])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return HttpResponseRedirect(url + (f"#{anchor}" if anchor else ""), status=303)


@require_POST
def rate(request, tracking_number):
    complaint = _filer_complaint(request, tracking_number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/detail.html",
                      _detail_context(request, complaint, filer=True, rating_form=form), status=400)  # fmt: skip
    try:
        rating = complaint_rate(
            actor=filer_actor(request, complaint), complaint=complaint, rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )  # fmt: skip
    except ComplaintError as error:
        form.add_complaint_error(error)
        return _refused(request, complaint, error, rating_form=form)
    if rating.rating <= DISSATISFIED_AT_MOST:
        messages.success(request, _(
            "Thank you for your rating. If the answer left something out, you can ask for an additional answer below."
        ))  # fmt: skip
        return _back_to(complaint, "reopen")
    messages.success(request, _("Thank you for your rating."))
    return _back_to(complaint, "rating")


@require_POST
def reopen(request, tracking_number):
    complaint = _filer_complaint(request, tracking_number)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return render(request, "complaints/detail.html",
                      _detail_context(request, complaint, filer=True, reopen_form=form), status=400)  # fmt: skip
    try:
        complaint = complaint_reopen(actor=filer_actor(request, complaint), complaint=complaint,
                                     reason=form.cleaned_data["reason"])  # fmt: skip
    except ComplaintError as error:
        form.add_complaint_error(error)
        return _refused(request, complaint, error, reopen_form=form)
    messages.success(request, _("Your request for an additional answer has been sent to %(unit)s.") % {
        "unit": complaint.unit.name if complaint.unit_id else _("the unit in charge")
    })  # fmt: skip
    return _back_to(complaint)


@require_safe
@serves_user_file
def photo(request, tracking_number, position):
    """A complaint's photo, to whoever may see the complaint, or by a link its page signed for
    them (re-encoded at intake: no EXIF)."""
    if request.file_grant:
        item = (
            ComplaintPhoto.objects.select_related("complaint")
            .filter(complaint__tracking_number=tracking_number, position=position)
            .first()
        )
        if item is None:
            raise Http404("no photo")
        complaint = item.complaint
    else:
        complaint, _filer = _visible(request, tracking_number)
        item = ComplaintPhoto.objects.filter(complaint=complaint, position=position).first()
    return stored_file_response(item.image if item else None, folder="complaints/", public=complaint.is_public)
