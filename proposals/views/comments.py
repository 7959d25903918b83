"""Comments: the paginated section, writing and replying, editing, reporting.

Reading is public. Writing, editing and reporting need a signed-in participant (participant_action
sends a visitor to sign in, or to the onboarding step they miss, and then back to the proposal's page at
the comments, since the POST endpoints cannot be opened; an htmx request by HX-Redirect); the services say what the comment's
state or the citizen's account does not allow. A comment of a draft and an unknown id answer 404;
editing someone else's comment answers 403.

htmx requests get fragments: the section's content (a page of comments with the form), or one
comment (after an edit or a report), with the confirmation put into the section's live region out of
band. A refusal is the same fragment with status 400. Without JavaScript the forms post normally and
redirect to the proposal's page, at the comment, with a message; a comment refused for its text
comes back on a page of its own with the text kept, so that nothing typed is lost.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .. import comment_rules
from ..errors import ProposalError
from ..forms.comments import CommentEditForm, CommentReportForm
from ..models import Comment, Proposal
from ..selectors.comments import (
    comment_for_viewer,
    comment_form,
    comment_page_number,
    comment_section,
    comment_thread,
)
from ..services.comments import comment_edit, comment_post, comment_report
from .access import participant_action

BAD_REQUEST = 400
FORBIDDEN = 403


def detail_url(proposal_id, *, page=1, anchor="comments") -> str:
    """The proposal's page at the comments (its `comments_page` query picks the page)."""
    url = reverse("proposals:detail", kwargs={"pk": proposal_id})
    return f"{url}?comments_page={page}#{anchor}"


def _page_number(raw) -> int:
    try:
        return max(int(raw), 1)
    except (TypeError, ValueError):
        return 1


def _published_proposal(pk) -> Proposal:
    return get_object_or_404(Proposal.objects.exclude(status=Proposal.Status.DRAFT), pk=pk)


def _comment(comment_id) -> Comment:
    try:
        return comment_for_viewer(comment_id)
    except Comment.DoesNotExist as error:
        raise Http404("No such comment") from error


def _add_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _errors(form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]


def _comment_page_url(comment_id) -> str:
    comment = Comment.objects.filter(pk=comment_id).only("proposal_id", "parent_id").first()
    if comment is None:
        return reverse("proposals:index")
    return detail_url(comment.proposal_id, page=comment_page_number(comment), anchor=f"comment-{comment_id}")


# --- The section: reading a page, writing a comment or a reply -----------------------------------


@require_http_methods(["GET", "POST"])
def comments(request, pk):
    proposal = _published_proposal(pk)
    if request.method == "POST":
        return _post_comment(request, proposal)
    page = _page_number(request.GET.get("comments_page"))
    if not request.htmx:
        return redirect(detail_url(proposal.pk, page=page))
    return render(
        request,
        "proposals/partials/comment_refresh.html",
        {
            "comments": comment_section(proposal=proposal, viewer=request.user, page_number=page),
        },
    )


def _int_or_none(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@participant_action(back=lambda request, proposal: detail_url(proposal.pk))
def _post_comment(request, proposal):
    parent_id = _int_or_none(request.POST.get("parent"))
    form = comment_form(request.POST, parent_id=parent_id)
    if form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            comment = comment_post(
                author=request.user, proposal=proposal, body=form.cleaned_data["body"], parent=parent
            )
        except ProposalError as error:
            _add_error(form, error)
        else:
            notice = _("Your reply is posted.") if parent else _("Your comment is posted.")
            page = comment_page_number(comment)
            if not request.htmx:
                messages.success(request, notice)
                return redirect(detail_url(proposal.pk, page=page, anchor=f"comment-{comment.pk}"))
            return render(
                request,
                "proposals/partials/comment_refresh.html",
                {
                    "comments": comment_section(proposal=proposal, viewer=request.user, page_number=page),
                    "notice": notice,
                },
            )
    return _post_refused(request, proposal, form, parent_id)


def _post_refused(request, proposal, form, parent_id):
    parent = Comment.objects.filter(pk=parent_id, proposal=proposal).first() if parent_id else None
    page = comment_page_number(parent) if parent else 1
    anchor = f"comment-{parent.pk}" if parent else "comments"
    if request.htmx:
        section = comment_section(proposal=proposal, viewer=request.user, page_number=page)
        section.show_refused(form, parent_id)
        return render(request, "proposals/partials/comment_refresh.html", {"comments": section}, status=BAD_REQUEST)
    if "body" in form.errors:
        # The text was refused: the citizen gets it back to correct it, not an empty form.
        return render(
            request,
            "proposals/comment_write.html",
            {
                "proposal": proposal,
                "form": form,
                "parent": parent,
                "back_url": detail_url(proposal.pk, page=page, anchor=anchor),
            },
            status=BAD_REQUEST,
        )
    for message in _errors(form):
        messages.error(request, message)
    return redirect(detail_url(proposal.pk, page=page, anchor=anchor))


# --- Editing --------------------------------------------------------------------------------------


def _edit_refusal(comment):
    if comment.status != Comment.Status.VISIBLE:
        return _("This comment is hidden or removed: it can no longer be edited.")
    minutes = int(comment_rules.edit_window().total_seconds() // 60)
    return _("A comment can be edited for %(minutes)s minutes after it is posted; that time has passed.") % {
        "minutes": minutes
    }


@participant_action()
@require_http_methods(["GET", "POST"])
def comment_edit_view(request, comment_id):
    comment = _comment(comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    back_url = detail_url(comment.proposal_id, page=comment_page_number(comment), anchor=f"comment-{comment.pk}")
    refusal = None if comment_rules.edit_allowed(request.user, comment) else _edit_refusal(comment)
    form = None
    if refusal is None:
        form = CommentEditForm(
            request.POST if request.method == "POST" else None,
            initial={"body": comment.body},
            auto_id=f"id_edit{comment.pk}_%s",
        )
        if form.is_bound and form.is_valid():
            try:
                comment_edit(author=request.user, comment=comment, body=form.cleaned_data["body"])
            except ProposalError as error:
                if error.field == "body":
                    _add_error(form, error)
                else:  # the window closed, or a moderator hid it, while the form was open
                    refusal, form = error.message, None
            else:
                notice = _("Your comment is updated.")
                if not request.htmx:
                    messages.success(request, notice)
                    return redirect(back_url)
                return _item(request, comment, notice=notice)
    if request.htmx:
        if refusal:
            return _item(request, comment, error=refusal)
        return render(
            request,
            "proposals/partials/comment_edit_form.html",
            {
                "comment": comment,
                "form": form,
                "back_url": back_url,
            },
            status=BAD_REQUEST if form.errors else 200,
        )
    if refusal and request.method == "POST":
        messages.error(request, refusal)
        return redirect(back_url)
    status = FORBIDDEN if refusal else (BAD_REQUEST if form.errors else 200)
    return render(
        request,
        "proposals/comment_edit.html",
        {
            "comment": comment,
            "proposal": comment.proposal,
            "form": form,
            "refusal": refusal,
            "back_url": back_url,
        },
        status=status,
    )


def _item(request, comment, *, notice=None, error=None):
    """One comment (a top-level one with its replies), for htmx to swap in place."""
    return render(
        request,
        "proposals/partials/comment_item_refresh.html",
        {
            "entry": comment_thread(comment=comment, viewer=request.user),
            "notice": notice,
            "error": error,
            "report_reasons": CommentReportForm.base_fields["reason"].choices,
        },
        status=BAD_REQUEST if error else 200,
    )


# --- Reporting ------------------------------------------------------------------------------------


@require_POST
@participant_action(back=lambda request, comment_id: _comment_page_url(comment_id))
def comment_report_view(request, comment_id):
    comment = _comment(comment_id)
    form = CommentReportForm(request.POST)
    error = notice = None
    if form.is_valid():
        try:
            comment_report(reporter=request.user, comment=comment, reason=form.cleaned_data["reason"])
        except ProposalError as refusal:
            error = refusal.message
        else:
            comment.refresh_from_db(fields=["status"])
            notice = (
                _("Thank you for your report. The comment is hidden until a moderator reviews it.")
                if comment.status == Comment.Status.HIDDEN_PENDING
                else _("Thank you for your report. A moderator will review the comment.")
            )
    else:
        error = " ".join(_errors(form))
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(
            detail_url(comment.proposal_id, page=comment_page_number(comment), anchor=f"comment-{comment.pk}")
        )
    return _item(request, comment, notice=notice, error=error)


urlpatterns = [
    path("<int:pk>/comments/", comments, name="comments"),
    path("comments/<int:comment_id>/edit/", comment_edit_view, name="comment_edit"),
    path("comments/<int:comment_id>/report/", comment_report_view, name="comment_report"),
]
