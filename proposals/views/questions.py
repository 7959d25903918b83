"""Seoul asks (서울시가 묻습니다): the list of the city's questions, a question's page, and the
citizens' vote and opinion.

The vote and the opinion are plain POST forms that redirect back to the question with a message;
with htmx the same views answer with the section they change (always 200: htmx swaps only
successful responses, and the section says what was refused). Without htmx a refusal re-renders
the page with the reason (400 for bad input, 409 when the question's state refuses it).
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from citizens.access import participant_required

from ..errors import ProposalError
from ..forms.questions import QuestionOpinionForm, QuestionVoteForm
from ..selectors.questions import question_for_viewer, question_list_page, question_page
from ..services.questions import question_opine, question_vote

BAD_INPUT, REFUSED = 400, 409


def participant_action(view):
    """participant_required, and for htmx a full-page redirect to the sign-in or onboarding step
    (a session that expired while the page was open), instead of that page swapped into a section."""
    guarded = participant_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = guarded(request, *args, **kwargs)
        if request.htmx and isinstance(response, HttpResponseRedirect):
            return HttpResponseClientRedirect(response["Location"])
        return response

    return wrapper


@require_GET
def questions(request):
    page = question_list_page(page_number=request.GET.get("page"))
    return render(request, "proposals/questions/list.html", {"page_obj": page, "questions": page.object_list})


def _page_context(request, pk, **extra):
    page = question_page(pk=pk, viewer=request.user, opinions_page=request.GET.get("page"))
    return {
        "ask": page,
        "question": page.question,
        "opinion_form": extra.pop("opinion_form", None) or QuestionOpinionForm(),
        **extra,
    }


@require_GET
def question(request, pk):
    return render(request, "proposals/questions/detail.html", _page_context(request, pk))


def _answered(request, pk, *, partial, status, notice=None, refusal=None, opinion_form=None):
    """The response after a vote or an opinion: the changed section for htmx, else the page."""
    if status < 400 and not request.htmx:
        messages.success(request, notice)
        return redirect("proposals:question", pk=pk)
    context = _page_context(request, pk, notice=notice, refusal=refusal, opinion_form=opinion_form)
    if request.htmx:
        return render(request, partial, context)
    return render(request, "proposals/questions/detail.html", context, status=status)


@participant_action
@require_http_methods(["GET", "POST"])
def vote(request, pk):
    question, _may_manage = question_for_viewer(pk, request.user)
    if request.method == "GET":  # back from signing in: the question's page has the form
        return redirect("proposals:question", pk=question.pk)
    partial = "proposals/questions/partials/vote.html"
    form = QuestionVoteForm(request.POST)
    if not form.is_valid():
        return _answered(request, pk, partial=partial, status=BAD_INPUT, refusal=form.errors["choice"][0])
    try:
        question_vote(citizen=request.user, question=question, choice=form.chose_yes())
    except ProposalError as error:
        return _answered(request, pk, partial=partial, status=REFUSED, refusal=error.message)
    notice = _("Your vote is counted. The results are published when the question closes.")
    return _answered(request, pk, partial=partial, status=200, notice=notice)


@participant_action
@require_http_methods(["GET", "POST"])
def opinion(request, pk):
    question, _may_manage = question_for_viewer(pk, request.user)
    if request.method == "GET":
        return redirect("proposals:question", pk=question.pk)
    partial = "proposals/questions/partials/opinions.html"
    form = QuestionOpinionForm(request.POST)
    if not form.is_valid():
        return _answered(request, pk, partial=partial, status=BAD_INPUT, opinion_form=form)
    try:
        question_opine(citizen=request.user, question=question, body=form.cleaned_data["body"])
    except ProposalError as error:
        if error.field == "body":
            form.add_error("body", error.message)
            return _answered(request, pk, partial=partial, status=BAD_INPUT, opinion_form=form)
        return _answered(request, pk, partial=partial, status=REFUSED, refusal=error.message, opinion_form=form)
    notice = _("Thank you: your opinion is published.")
    return _answered(request, pk, partial=partial, status=200, notice=notice)


urlpatterns = [
    path("asks/", questions, name="questions"),
    path("asks/<int:pk>/", question, name="question"),
    path("asks/<int:pk>/vote/", vote, name="question_vote"),
    path("asks/<int:pk>/opinions/", opinion, name="question_opinion"),
]
