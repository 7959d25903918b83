"""The proposals' own pages: list and search, detail, writing and publishing, supporting and
following, the similar-proposals hint, the image, the open-data exports and the answers awaited.

htmx requests get the fragment the page is built from (templates/proposals/partials/); the same
forms work without JavaScript as plain GETs and POSTs that redirect back with a message.
"""

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from citizens.access import participant_required
from citizens.models import District
from seoul_portal.channels import channel_by_slug
from seoul_portal.replica import reads_from_replica
from seoul_portal.uploads import serves_user_file, stored_file_response

from ..errors import ProposalError
from ..forms.proposals import ProposalFilterForm, ProposalForm
from ..models import Category, Follow, Proposal
from ..selectors.comments import comment_section
from ..selectors.debate import debate_section
from ..selectors.implementation import implementation_section
from ..selectors.proposals import (
    OPEN_DATA_FIELDS,
    days_left,
    days_overdue,
    open_data_rows,
    proposal_detail,
    proposal_list_page,
    proposal_timeline,
    proposals_awaiting_answer,
    proposer_pseudonym,
    public_proposals,
    support_progress,
    viewer_standing,
    visible_proposal,
    with_days_overdue,
)
from ..selectors.search import similar_proposals
from ..services.proposals import (
    proposal_create_draft,
    proposal_follow,
    proposal_publish,
    proposal_support,
    proposal_unfollow,
    proposal_update_draft,
    proposal_withdraw_support,
)
from . import access

PAGE_SIZE = 20
Status = Proposal.Status


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _fragment_for(request, target) -> bool:
    """An htmx request aimed at `target` (a history restore needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request and request.htmx.target == target


def _detail_url(proposal_or_pk, anchor="") -> str:
    pk = getattr(proposal_or_pk, "pk", proposal_or_pk)
    return reverse("proposals:detail", args=[pk]) + (f"#{anchor}" if anchor else "")


# The POST-only actions on a proposal (support, withdraw, follow) bring a visitor back to its support box.
participant_action = access.participant_action(back=lambda request, pk: _detail_url(pk, "support"))


# --- The list -------------------------------------------------------------------------------


@require_GET
@reads_from_replica
def index(request):
    categories = list(Category.objects.order_by("slug"))
    districts = list(District.objects.defer("boundary").order_by("name_ko"))  # the map shapes are heavy
    form = ProposalFilterForm(request.GET or None, categories=categories, districts=districts)
    filters = form.valid_filters()
    listed = proposal_list_page(
        text=filters["q"] or "",
        status=filters["status"],
        category_slug=filters["category"],
        district=filters["district"],
        sort=filters["sort"],
        number=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    page = listed.page
    query = request.GET.copy()
    query.pop("page", None)
    for name in form.errors:
        query.pop(name, None)
    context = {
        "channel": channel_by_slug("proposals"),
        "form": form,
        "page_obj": page,
        "proposals": page.object_list,
        "filter_query": query.urlencode(),
        "filtered": any(filters.values()),
        "searched": bool(filters["q"]),
        "newest_instead": listed.newest_instead,
    }
    if _fragment_for(request, "proposal-results"):
        # Always 200: htmx swaps only successful responses; the fragment names the dropped filters.
        response = render(request, "proposals/partials/results.html", context)
    else:
        response = render(request, "proposals/index.html", context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- One proposal ---------------------------------------------------------------------------


def _support_context(proposal, viewer, now=None):
    now = now or timezone.now()
    return {
        "proposal": proposal,
        "standing": viewer_standing(proposal, viewer, now),
        "progress": support_progress(proposal),
        "days_left": days_left(proposal, now),
    }


@require_GET
def detail(request, pk):
    proposal = proposal_detail(request.user, pk)
    context = _support_context(proposal, request.user)
    is_draft = proposal.status == Status.DRAFT
    context.update(
        proposer=proposer_pseudonym(proposal.author_id),
        is_author=request.user.is_authenticated and proposal.author_id == request.user.pk,
        timeline=proposal_timeline(proposal),
        days_overdue=days_overdue(proposal),
        similar=similar_proposals(public_proposals().exclude(pk=proposal.pk), proposal.title) if is_draft else [],
        implementation=None if is_draft else implementation_section(proposal=proposal),
        debate=None if is_draft else debate_section(proposal=proposal, viewer=request.user),
        comments=None
        if is_draft
        else comment_section(
            proposal=proposal, viewer=request.user, page_number=_page_number(request.GET.get("comments_page"))
        ),
    )
    return render(request, "proposals/detail.html", context)


def _answer_support(request, proposal, *, notice="", error=""):
    """The support box after a support or a withdrawal: the fragment for htmx, else back to the page."""
    if request.htmx:
        fresh = visible_proposal(request.user, proposal.pk)  # the count as it is now
        context = _support_context(fresh, request.user)
        context.update(notice=notice, error=error)
        return render(request, "proposals/partials/support_box.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(_detail_url(proposal, "support"))


@require_POST
@participant_action
def support(request, pk):
    proposal = visible_proposal(request.user, pk)
    try:
        given = proposal_support(citizen=request.user, proposal=proposal)
    except ProposalError as refusal:
        return _answer_support(request, proposal, error=refusal.message)
    return _answer_support(
        request,
        proposal,
        notice=_(
            "Thank you: your support is counted. Your receipt is %(receipt)s; with it you can check on the "
            "participation ledger that your support was counted."
        )
        % {"receipt": given.receipt},
    )


@require_POST
@participant_action
def withdraw(request, pk):
    proposal = visible_proposal(request.user, pk)
    try:
        withdrawn = proposal_withdraw_support(citizen=request.user, proposal=proposal)
    except ProposalError as refusal:
        return _answer_support(request, proposal, error=refusal.message)
    return _answer_support(
        request,
        proposal,
        notice=_("Your support is withdrawn. The receipt of the withdrawal is %(receipt)s.")
        % {"receipt": withdrawn.withdrawal_receipt},
    )


@require_POST
@participant_action
def follow(request, pk):
    """Toggle following. The button sends the state it asks for (`follow`: 1 or 0), so a double click
    does not undo itself; without it the request toggles."""
    proposal = visible_proposal(request.user, pk)
    follows = Follow.objects.filter(proposal=proposal, citizen=request.user).exists()
    wanted = {"1": True, "0": False}.get(request.POST.get("follow", ""), not follows)
    if wanted:
        proposal_follow(citizen=request.user, proposal=proposal)
        notice = _("You follow this proposal: you will be told of every stage it reaches.")
    else:
        proposal_unfollow(citizen=request.user, proposal=proposal)
        notice = _("You no longer follow this proposal.")
    if request.htmx:
        return render(
            request,
            "proposals/partials/follow_button.html",
            {
                "proposal": proposal,
                "follows": wanted,
                "notice": notice,
            },
        )
    messages.success(request, notice)
    return redirect(_detail_url(proposal, "support"))


# --- Writing --------------------------------------------------------------------------------


def _unverified_page(request, status=200):
    return render(request, "proposals/unverified.html", {}, status=status)


def _add_refusal(form, refusal: ProposalError):
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


@participant_required
@require_http_methods(["GET", "POST"])
def new(request):
    if request.user.phone_verified_at is None:
        return _unverified_page(request, status=403 if request.method == "POST" else 200)
    form = ProposalForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposal_create_draft(author=request.user, **form.service_arguments())
        except ProposalError as refusal:
            _add_refusal(form, refusal)
        else:
            messages.success(request, _("Your draft is saved. Read it through, then publish it."))
            return redirect(_detail_url(proposal))
    return render(request, "proposals/form.html", {"form": form, "proposal": None})


def _own_draft(request, pk):
    """The viewer's own draft, or the answer to give instead (404 for others' proposals)."""
    proposal = visible_proposal(request.user, pk, queryset=Proposal.objects.select_related("category", "district"))
    if proposal.author_id != request.user.pk:
        raise Http404("not the proposer")
    if proposal.status != Status.DRAFT:
        messages.info(request, _("A published proposal can no longer be edited."))
        return proposal, redirect(_detail_url(proposal))
    return proposal, None


@participant_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    proposal, elsewhere = _own_draft(request, pk)
    if elsewhere:
        return elsewhere
    form = ProposalForm(request.POST if request.method == "POST" else None, request.FILES or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_update_draft(author=request.user, proposal=proposal, **form.service_arguments())
        except ProposalError as refusal:
            _add_refusal(form, refusal)
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect(_detail_url(proposal))
    similar = similar_proposals(public_proposals().exclude(pk=proposal.pk), proposal.title)
    return render(request, "proposals/form.html", {"form": form, "proposal": proposal, "similar": similar})


@participant_required
@require_http_methods(["GET", "POST"])
def publish(request, pk):
    proposal, elsewhere = _own_draft(request, pk)
    if elsewhere:
        return elsewhere
    error = ""
    if request.method == "POST":
        try:
            published = proposal_publish(author=request.user, proposal=proposal)
        except ProposalError as refusal:
            error = refusal.message
        else:
            closes = timezone.localtime(published.window_closes_at)
            messages.success(
                request,
                _("Your proposal is published. It collects supports until %(date)s.")
                % {"date": closes.strftime("%Y-%m-%d %H:%M")},
            )
            return redirect(_detail_url(published))
    similar = similar_proposals(public_proposals().exclude(pk=proposal.pk), proposal.title)
    return render(
        request,
        "proposals/publish.html",
        {
            "proposal": proposal,
            "error": error,
            "similar": similar,
        },
        status=400 if error else 200,
    )


@require_GET
def similar(request):
    """The hint under the title field: published proposals with a similar title (an htmx fragment)."""
    proposals = public_proposals()
    exclude = request.GET.get("exclude", "")
    if exclude.isdigit():
        proposals = proposals.exclude(pk=int(exclude))
    title = request.GET.get("title", "")
    return render(
        request,
        "proposals/partials/similar.html",
        {
            "similar": similar_proposals(proposals, title),
            "asked": bool(title.strip()),
        },
    )


# --- The image ------------------------------------------------------------------------------


@require_GET
@serves_user_file
def image(request, pk):
    """A proposal's image, from the storage, as the type it was stored in (a draft's only to its
    author, or by a link the draft's pages signed for them)."""
    queryset = Proposal.objects.only("pk", "status", "author_id", "image")
    if request.file_grant:
        proposal = queryset.filter(pk=pk).first()
        if proposal is None:
            raise Http404("no image")
    else:
        proposal = visible_proposal(request.user, pk, queryset=queryset)
    return stored_file_response(proposal.image, folder="proposals/", public=proposal.status != Status.DRAFT)


# --- Open data ------------------------------------------------------------------------------

EXPORT_BATCH = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _open_data_value(value):
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _csv_cell(value):
    value = _open_data_value(value)
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """A file-like object csv.writer writes one line into, which the writer then returns."""

    def write(self, value):
        return value


def _csv_lines():
    writer = csv.writer(_Line())
    batch = ["\ufeff" + writer.writerow([name for name, _column in OPEN_DATA_FIELDS])]
    for row in open_data_rows():
        batch.append(writer.writerow([_csv_cell(value) for value in row]))
        if len(batch) >= EXPORT_BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def _json_chunks():
    names = [name for name, _column in OPEN_DATA_FIELDS]
    head = {"generated_at": timezone.localtime().isoformat(), "fields": names}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "proposals": ['
    batch, first = [], True
    for row in open_data_rows():
        item = json.dumps(
            dict(zip(names, (_open_data_value(value) for value in row), strict=True)),
            ensure_ascii=False,
            cls=DjangoJSONEncoder,
        )
        batch.append(item if first else "," + item)
        first = False
        if len(batch) >= EXPORT_BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "]}"


def _open_data_response(chunks, *, content_type, extension):
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="seoul-proposals-{stamp}.{extension}"'
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def export_csv(request):
    return _open_data_response(_csv_lines(), content_type="text/csv; charset=utf-8", extension="csv")


@require_GET
def export_json(request):
    return _open_data_response(_json_chunks(), content_type="application/json; charset=utf-8", extension="json")


# --- Answers awaited ------------------------------------------------------------------------


@require_GET
def awaiting_answer(request):
    page = Paginator(proposals_awaiting_answer(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/awaiting_answer.html",
        {
            "page_obj": page,
            "proposals": with_days_overdue(page.object_list),
        },
    )


urlpatterns = [
    path("", index, name="index"),
    path("new/", new, name="new"),
    path("similar/", similar, name="similar"),
    path("export.csv", export_csv, name="export_csv"),
    path("export.json", export_json, name="export_json"),
    path("awaiting-answer/", awaiting_answer, name="awaiting_answer"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/publish/", publish, name="publish"),
    path("<int:pk>/support/", support, name="support"),
    path("<int:pk>/support/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/follow/", follow, name="follow"),
    path("<int:pk>/image/", image, name="image"),
]
