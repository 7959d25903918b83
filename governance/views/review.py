"""The committee members' workspace (/review/): open items, the review form, conflicts, closing.

Signed in (participant_required sends a visitor to the sign-in page); signed in but not serving
on the item's committee: 404, as for an id that does not exist, so that ids cannot be probed; a
member whom the item's state or their role does not allow an action: 403. htmx posts of the
review form get the review section only.
"""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citizens.access import participant_required

from ..forms.review import CloseForm, ConflictForm, ReviewForm
from ..models import AgendaItem, Membership
from ..registry import describe_subject, subject_label
from ..selectors.reviews import (
    agenda_item_get,
    eligible_member_count,
    item_reviews,
    member_standing,
    own_review,
    review_tally,
    workspace_items,
)
from ..services.agenda import VOTE_FIELDS, agenda_item_close
from ..services.reviews import ReviewError, conflict_declare, review_refusal, review_submit

REFUSED = 409  # the request was understood, the item's state does not allow it (the page says why)


def item_for_member(user, pk, perm="governance.view_item") -> AgendaItem:
    """The agenda item, if the user may `perm` it. 404 for an unknown id and for an item of a
    committee the user does not serve on (the two look the same); 403 for a member of its committee."""
    item = agenda_item_get(pk)
    if rules.has_perm(perm, user, item):
        return item
    if not rules.has_perm("governance.view_item", user, item):
        raise Http404("No such agenda item")
    raise PermissionDenied


@participant_required
def index(request):
    if not rules.has_perm("governance.access_workspace", request.user):
        raise PermissionDenied
    open_items, closed_items = workspace_items(request.user)
    return render(request, "governance/review/index.html", {"open_items": open_items, "closed_items": closed_items})


def _work_context(user, item, *, form=None):
    """What the review section (partials/review_work.html) shows to this member."""
    own = own_review(user, item)
    may_review = rules.has_perm("governance.review_item", user, item)
    may_view_reviews = rules.has_perm("governance.view_reviews", user, item)
    reviews = tally = None
    if may_view_reviews:
        reviews = [review for review in item_reviews(item) if own is None or review.pk != own.pk]
        tally = review_tally(item)
    if form is None and may_review:
        form = ReviewForm(instance=own, item=item)
    return {
        "item": item,
        "standing": member_standing(user, item),
        "own_review": own,
        "form": form if may_review else None,
        "may_review": may_review,
        "refusal": None if may_review else review_refusal(user, item),
        "may_declare": rules.has_perm("governance.declare_conflict", user, item),
        "may_view_reviews": may_view_reviews,
        "reviews": reviews,
        "tally": tally,
    }


def _item_page(request, item, *, form=None, status=200, notice=None):
    context = _work_context(request.user, item, form=form)
    context["notice"] = notice
    if request.htmx:
        # Always 200: htmx swaps only successful responses, and the section says what was refused.
        return render(request, "governance/review/partials/review_work.html", context)
    context.update(
        subject=describe_subject(item),
        subject_label=subject_label(item.subject_kind) if item.subject_kind else "",
        eligible=eligible_member_count(item),
        review_count=context["tally"].reviews if context["tally"] else item.reviews.count(),
        may_close=rules.has_perm("governance.close_item", request.user, item),
    )
    return render(request, "governance/review/item.html", context, status=status)


@participant_required
@require_http_methods(["GET", "POST"])
def item_detail(request, pk):
    item = item_for_member(request.user, pk)
    if request.method == "GET":
        return _item_page(request, item)
    if not rules.has_perm("governance.review_item", request.user, item):
        # Closed, past the deadline or conflicted: nothing changes, and the page says why.
        return _item_page(request, item, status=REFUSED)
    form = ReviewForm(request.POST, instance=own_review(request.user, item), item=item)
    if form.is_valid():
        try:
            review_submit(
                actor=request.user, item=item, recommendation=form.cleaned_data["recommendation"],
                score=form.cleaned_data["score"], opinion=form.cleaned_data["opinion"],
                ip=getattr(request, "client_ip", None),
            )
        except ReviewError as error:
            form.add_error(error.field, error.message)
        else:
            notice = _("Your review is saved. You can change it until the deadline.")
            if not request.htmx:
                messages.success(request, notice)
                return redirect("review:item", pk=item.pk)
            return _item_page(request, agenda_item_get(item.pk), notice=notice)
    return _item_page(request, item, form=form)


@participant_required
@require_http_methods(["GET", "POST"])
def conflict_declare_view(request, pk):
    item = item_for_member(request.user, pk)
    refusal = None if rules.has_perm("governance.declare_conflict", request.user, item) else (
        review_refusal(request.user, item)
    )
    form = ConflictForm(request.POST if request.method == "POST" else None)
    status = 200
    if refusal:
        form, status = None, (REFUSED if request.method == "POST" else 200)
    elif request.method == "POST" and form.is_valid():
        try:
            conflict_declare(actor=request.user, item=item, reason=form.cleaned_data["reason"],
                             ip=getattr(request, "client_ip", None))
        except ReviewError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your conflict of interest is recorded. You are excluded from this item."))
            return redirect("review:item", pk=item.pk)
    return render(request, "governance/review/conflict.html",
                  {"item": item, "form": form, "refusal": refusal, "own_review": own_review(request.user, item)},
                  status=status)


@participant_required
@require_http_methods(["GET", "POST"])
def item_close(request, pk):
    item = item_for_member(request.user, pk)
    standing = member_standing(request.user, item)
    if item.status == AgendaItem.Status.CLOSED and standing.role == Membership.Role.SECRETARY:
        messages.info(request, _("This item is already closed; its resolution cannot be changed."))
        return redirect("review:item", pk=item.pk)
    if not rules.has_perm("governance.close_item", request.user, item):
        raise PermissionDenied
    may_view_reviews = rules.has_perm("governance.view_reviews", request.user, item)
    tally = review_tally(item) if may_view_reviews else None
    # The meeting's recorded vote if there is one, else the reviews as a suggestion.
    initial = {field: getattr(item, field) for field in VOTE_FIELDS}
    if tally and all(value is None for value in initial.values()):
        initial = {"votes_for": tally.approve, "votes_against": tally.reject, "votes_abstain": tally.abstain}
    form = CloseForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_item_close(actor=request.user, item=item, ip=getattr(request, "client_ip", None),
                              **form.cleaned_data)
        except ReviewError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The item is closed with the committee's resolution."))
            return redirect("review:item", pk=item.pk)
    return render(request, "governance/review/close.html",
                  {"item": item, "form": form, "tally": tally})
