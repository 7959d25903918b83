"""The citizens' pages of projects: a cycle's list, a project's page, proposing and editing a draft,
submitting and withdrawing it, a citizen's own projects and the implementation of the funded ones.

Every form works without JavaScript (plain GETs and POSTs; submitting and withdrawing have a
confirmation page on GET). With htmx, the list's filters swap only the results. A refused move
answers with the reason: 403 (the role or the phase), 409 (the project's state), 400 (the input).
Drafts are their proposer's alone: anyone else gets 404.
"""

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citizens.access import participant_required
from seoul_portal.replica import reads_from_replica
from seoul_portal.uploads import serves_user_file, stored_file_response

from ..errors import BudgetingError
from ..forms.projects import ProjectFilterForm, ProjectForm, WithdrawForm
from ..models import Project
from ..selectors.cycles import cycle_for_page
from ..selectors.monitoring import open_concern_count, project_notes
from ..selectors.projects import implementation_projects, own_projects, project_for_page, project_page, public_projects
from ..services.projects import (
    edit_refusal,
    project_create,
    project_submit,
    project_update,
    project_withdraw,
    propose_refusal,
)

PAGE_SIZE = 20
Status = Project.Status
REFUSAL_STATUS = {"forbidden": 403, "state": 409, "invalid": 400}


def _project_url(project) -> str:
    return reverse("budgeting:project", args=[getattr(project, "pk", project)])


def _refusal_status(error: BudgetingError) -> int:
    return REFUSAL_STATUS.get(error.code, 400)


# --- The list --------------------------------------------------------------------------------------


@require_safe
@reads_from_replica
def projects(request, cycle):
    cycle = cycle_for_page(cycle)
    form = ProjectFilterForm(request.GET or None, cycle=cycle)
    filters, problems = form.filters() if request.GET else ({"text": ""}, [])
    listed = public_projects(
        cycle, pot=filters.get("pot"), sector=filters.get("sector"), status=filters.get("status"),
        text=filters.get("text", ""),
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "cycle": cycle,
        "form": form,
        "page_obj": page,
        "projects": page.object_list,
        "problems": problems,
        "filter_query": urlencode(query),
        "filtered": bool(query),
    }
    if request.htmx and not request.htmx.history_restore_request and request.htmx.target == "project-results":
        response = render(request, "budgeting/partials/project_results.html", context)
    else:
        response = render(request, "budgeting/project_list.html", context, status=400 if problems else 200)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# --- One project -----------------------------------------------------------------------------------


@require_safe
def project(request, pk):
    found = project_for_page(request.user, pk)
    return render(request, "budgeting/project_detail.html", {"page": project_page(found, request.user),
                                                              "project": found, "cycle": found.cycle,
                                                              "notes": project_notes(found)})


@require_safe
@serves_user_file
def project_image(request, pk):
    """A project's picture, from the storage (a draft's only to its proposer, or by a link the
    project's page signed for them)."""
    if request.file_grant:
        found = Project.objects.filter(pk=pk).only("pk", "status", "image").first()
        if found is None:
            raise Http404("no image")
    else:
        found = project_for_page(request.user, pk)
    return stored_file_response(found.image, folder="budgeting/", public=found.status != Status.DRAFT)


# --- Proposing and editing -------------------------------------------------------------------------


@participant_required
@require_http_methods(["GET", "POST"])
def propose(request, cycle):
    cycle = cycle_for_page(cycle)
    posted = request.method == "POST"
    refusal = propose_refusal(request.user, cycle)
    if refusal:
        context = {"cycle": cycle, "refusal": refusal, "form": None}
        return render(request, "budgeting/project_form.html", context, status=403 if posted else 200)
    form = ProjectForm(request.POST if posted else None, request.FILES if posted else None, cycle=cycle)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                created = project_create(actor=request.user, cycle=cycle, **form.service_arguments())
            except BudgetingError as error:
                form.add_refusal(error)
                status = _refusal_status(error)
            else:
                messages.success(request, _("Your draft is saved. Check it, then submit it to the city."))
                return redirect(_project_url(created))
    return render(request, "budgeting/project_form.html", {"cycle": cycle, "form": form}, status=status)


def _own_project(request, pk) -> Project:
    """The signed-in citizen's project, or 404 (someone else's project is not theirs to move)."""
    found = project_for_page(request.user, pk)
    if found.proposer_id != request.user.pk:
        raise Http404("not your project")
    return found


@participant_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    found = _own_project(request, pk)
    refusal = edit_refusal(request.user, found)
    if refusal:
        messages.error(request, refusal)
        return redirect(_project_url(found))
    posted = request.method == "POST"
    form = ProjectForm(request.POST if posted else None, request.FILES if posted else None, cycle=found.cycle,
                       project=found)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                project_update(actor=request.user, project=found, **form.service_arguments())
            except BudgetingError as error:
                form.add_refusal(error)
                status = _refusal_status(error)
            else:
                messages.success(request, _("Your draft is saved."))
                return redirect(_project_url(found))
    context = {"cycle": found.cycle, "form": form, "project": found}
    return render(request, "budgeting/project_form.html", context, status=status)


# --- Submitting and withdrawing --------------------------------------------------------------------


def _confirm(request, found, *, action, form=None, error="", status=200):
    context = {"project": found, "cycle": found.cycle, "action": action, "form": form, "error": error}
    return render(request, "budgeting/project_confirm.html", context, status=status)


@participant_required
@require_http_methods(["GET", "POST"])
def submit(request, pk):
    found = _own_project(request, pk)
    if request.method != "POST":
        return _confirm(request, found, action="submit", error=edit_refusal(request.user, found) or "")
    try:
        project_submit(actor=request.user, project=found)
    except BudgetingError as error:
        return _confirm(request, found, action="submit", error=error.message, status=_refusal_status(error))
    messages.success(request, _("Your project is submitted. The department checks its feasibility next."))
    return redirect(_project_url(found))


@participant_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    found = _own_project(request, pk)
    if request.method != "POST":
        return _confirm(request, found, action="withdraw", form=WithdrawForm())
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _confirm(request, found, action="withdraw", form=form, status=400)
    try:
        project_withdraw(actor=request.user, project=found, reason=form.cleaned_data["reason"])
    except BudgetingError as error:
        return _confirm(request, found, action="withdraw", form=form, error=error.message,
                        status=_refusal_status(error))
    messages.success(request, _("Your project is withdrawn."))
    return redirect(_project_url(found))


# --- A citizen's projects, and the implementation ---------------------------------------------------


@participant_required
@require_safe
def my_projects(request):
    mine = list(own_projects(request.user))
    for item in mine:
        item.editable = item.status == Status.DRAFT and edit_refusal(request.user, item) is None
    return render(request, "budgeting/my_projects.html", {
        "drafts": [item for item in mine if item.status == Status.DRAFT],
        "submitted": [item for item in mine if item.status != Status.DRAFT],
    })


@require_safe
def implementation(request, cycle):
    cycle = cycle_for_page(cycle)
    published = cycle.results_published_at is not None
    return render(request, "budgeting/implementation.html", {
        "cycle": cycle, "funded": implementation_projects(cycle),
        # The committee's monitoring: concerns awaiting the city's answer, and the members' page.
        "open_concerns": open_concern_count(cycle) if published else 0,
        "may_follow": published and request.user.is_authenticated
        and rules.has_perm("budgeting.follow_implementation", request.user, cycle),
    })


urls = [
    path("<int:cycle>/projects/", projects, name="projects"),
    path("<int:cycle>/propose/", propose, name="propose"),
    path("<int:cycle>/implementation/", implementation, name="implementation"),
    path("projects/<int:pk>/", project, name="project"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/submit/", submit, name="project_submit"),
    path("projects/<int:pk>/withdraw/", withdraw, name="project_withdraw"),
    path("projects/<int:pk>/image/", project_image, name="project_image"),
    path("my-projects/", my_projects, name="my_projects"),
]
