"""The public debate's pages: taking a stance, all the arguments, rating an argument helpful.

Reading is public: the debate section of a proposal's page (proposals.selectors.debate.debate_section)
and the arguments page. Taking a stance and rating need a signed-in participant (participant_action
sends a visitor to sign in, or to the onboarding step they miss, and then back to the page the form was
sent from, else the proposal's page at the debate: the POST endpoints cannot be opened); the services say
what the debate's state or the citizen's account does not allow. A draft, a proposal that never had a
debate and an unknown id answer 404.

htmx requests get fragments: the debate section's body (with the confirmation in the section's
live region, swapped out of band) or the helpful button; a refusal is the same fragment with
status 400. Without JavaScript the forms post normally and redirect back with a message; a stance
refused while an argument was typed comes back on a page of its own (status 400) with the text
kept, so that nothing typed is lost.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import ProposalError
from ..forms.debate import ArgumentFilterForm, DebateStanceForm
from ..models import DebateStance, Proposal
from ..selectors.debate import debate_arguments_page, debate_section
from ..services.debate import argument_rate_helpful, debate_take_stance, rating_refusal
from .access import participant_action, sending_page

BAD_REQUEST = 400
RATED_VALUES = {"1": True, "0": False}


def _debate_proposal(pk) -> Proposal:
    """A published proposal that has (or had) a debate; 404 otherwise."""
    proposal = get_object_or_404(Proposal.objects.exclude(status=Proposal.Status.DRAFT), pk=pk)
    if proposal.debate_opens_at is None:
        raise Http404("This proposal has no debate.")
    return proposal


def _proposal_url(proposal, anchor) -> str:
    pk = getattr(proposal, "pk", proposal)
    return f"{reverse('proposals:detail', kwargs={'pk': pk})}#{anchor}"


_next = sending_page  # the page a form was sent from (its `next` field), if it is one of ours


def _back(request, proposal, anchor="debate") -> str:
    """Where a form without JavaScript returns: the page it was sent from, else the proposal (or its pk)."""
    page = _next(request)
    return f"{page}#{anchor}" if page else _proposal_url(proposal, anchor)


def _back_to_argument(request, stance_id) -> str:
    """Where a visitor who rated comes back after signing in: the page they rated on, at the argument."""
    proposal_id = DebateStance.objects.filter(pk=stance_id).values_list("proposal_id", flat=True).first()
    if proposal_id is None:
        return reverse("proposals:index")
    return _back(request, proposal_id, anchor=f"argument-{stance_id}")


def _form_messages(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@require_POST
@participant_action(back=lambda request, pk: _back(request, pk))
def debate_stance(request, pk):
    proposal = _debate_proposal(pk)
    form = DebateStanceForm(request.POST)
    if form.is_valid():
        try:
            debate_take_stance(
                citizen=request.user,
                proposal=proposal,
                stance=form.cleaned_data["stance"],
                argument=form.cleaned_data["argument"],
            )
        except ProposalError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            notice = _("Your stance is saved. You can change it until the debate closes.")
            if not request.htmx:
                messages.success(request, notice)
                return redirect(_back(request, proposal))
            proposal.refresh_from_db()
            return render(
                request,
                "proposals/partials/debate_refresh.html",
                {
                    "debate": debate_section(proposal=proposal, viewer=request.user),
                    "notice": notice,
                    "next": _next(request),
                },
            )
    if not request.htmx:
        if _typed_text_refused(request, form):
            # The citizen gets what they typed back to correct it, not an empty form.
            return render(
                request,
                "proposals/debate_stance.html",
                {"proposal": proposal, "form": form, "next": _next(request), "back_url": _back(request, proposal)},
                status=BAD_REQUEST,
            )
        for message in _form_messages(form):
            messages.error(request, message)
        return redirect(_back(request, proposal))
    return render(
        request,
        "proposals/partials/debate_refresh.html",
        {
            "debate": debate_section(proposal=proposal, viewer=request.user, form=form),
            "notice": " ".join(_form_messages(form)),
            "is_error": True,
            "next": _next(request),
        },
        status=BAD_REQUEST,
    )


def _typed_text_refused(request, form) -> bool:
    """A field of the form was refused (not the debate's state or the account) and an argument was typed."""
    if "argument" in form.errors:
        return True
    field_errors = any(name in form.fields for name in form.errors)
    return field_errors and bool(request.POST.get("argument", "").strip())


@require_GET
def arguments_page(request, pk):
    proposal = _debate_proposal(pk)
    form = ArgumentFilterForm(request.GET or None)
    filters = form.valid_filters()
    arguments = debate_arguments_page(
        proposal=proposal, viewer=request.user, page_number=request.GET.get("page"), **filters
    )
    query = request.GET.copy()
    query.pop("page", None)
    for name in form.errors:
        query.pop(name, None)
    return render(
        request,
        "proposals/debate_arguments.html",
        {
            "proposal": proposal,
            "arguments": arguments,
            "page_obj": arguments.page,
            "form": form,
            "filter_query": query.urlencode(),
            "filtered": bool(filters["side"]),
            "proposal_url": _proposal_url(proposal, "debate"),
        },
        status=BAD_REQUEST if form.errors else 200,
    )


def _wanted_rating(request):
    """The state the helpful button asks for: True, False, or None (no `rated`: a toggle)."""
    raw = request.POST.get("rated")
    if raw is not None and raw not in RATED_VALUES:
        raise ProposalError(_("The rating was not understood: use the helpful button."))
    return RATED_VALUES.get(raw)


def _helpful_response(request, stance, *, notice, rated=None, is_error=False):
    if not request.htmx:
        (messages.error if is_error else messages.success)(request, notice)
        return redirect(_back(request, stance.proposal, anchor=f"argument-{stance.pk}"))
    stance.refresh_from_db(fields=["helpful_count"])
    if rated is None:
        rated = stance.ratings.filter(citizen_id=request.user.pk).exists()
    context = {
        "argument": stance,
        "rated_ids": {stance.pk} if rated else set(),
        "may_rate": rating_refusal(request.user, stance) is None,
        "next": _next(request),
        "notice": notice,
        "is_error": is_error,
        "oob": True,
    }
    return render(request, "proposals/partials/debate_helpful.html", context, status=BAD_REQUEST if is_error else 200)


@require_POST
@participant_action(back=_back_to_argument)
def argument_helpful(request, stance_id):
    stance = get_object_or_404(
        DebateStance.objects.select_related("proposal").exclude(proposal__status=Proposal.Status.DRAFT), pk=stance_id
    )
    try:
        rated = argument_rate_helpful(citizen=request.user, stance=stance, rated=_wanted_rating(request))
    except ProposalError as error:
        return _helpful_response(request, stance, notice=error.message, is_error=True)
    notice = _("You rated this argument helpful.") if rated else _("You took back your helpful rating.")
    return _helpful_response(request, stance, notice=notice, rated=rated)


urlpatterns = [
    path("<int:pk>/debate/stance/", debate_stance, name="debate_stance"),
    path("<int:pk>/debate/arguments/", arguments_page, name="debate_arguments"),
    path("arguments/<int:stance_id>/helpful/", argument_helpful, name="argument_helpful"),
]
