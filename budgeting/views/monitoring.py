"""The committee members' page for following the implementation of a cycle's funded projects
(budgeting:monitoring): each project's milestones and progress, the overdue milestones, the notes
so far, and a form to add a note, which may raise a concern the city must answer.

Who: those who may `budgeting.follow_implementation` (serving members of the cycle's committee or
its subcommittees, the cycle's officials); a visitor is sent to sign in, anyone else gets 403 with
the reason. The form works without JavaScript (POST, then back to the project on the page); with
htmx, it swaps that project's section only. A refused note answers with the reason: 400 (the
input), 403 (the role or the phase).
"""

import rules
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from ..errors import BudgetingError
from ..forms.monitoring import ImplementationNoteForm
from ..selectors.cycles import cycle_for_page
from ..selectors.monitoring import monitoring_page
from ..services.monitoring import implementation_note_add

REFUSAL_STATUS = {"forbidden": 403, "state": 409, "invalid": 400}
PAGE = "budgeting/monitoring.html"
PROJECT_PARTIAL = "budgeting/partials/monitoring_project.html"


def _note_form(project_id, data=None) -> ImplementationNoteForm:
    return ImplementationNoteForm(data, initial={"project": project_id}, auto_id=f"note-{project_id}-%s")


def _with_forms(page, *, posted=None, posted_form=None):
    """Give each project the viewer may write a note on its form: the posted one bound, blank others."""
    if page.refusal:
        return page
    for item in page.projects:
        if item.confirmed:
            item.form = posted_form if item is posted else _note_form(item.project.pk)
    return page


def _page_url(cycle, project_id=None) -> str:
    url = reverse("budgeting:monitoring", args=[cycle.pk])
    return f"{url}#monitor-{project_id}" if project_id else url


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _render_page(request, page, *, status=200):
    return _vary(render(request, PAGE, {"cycle": page.cycle, "page": page}, status=status))


def _render_project(request, page, item, *, status=200):
    return _vary(render(request, PROJECT_PARTIAL, {"cycle": page.cycle, "page": page, "item": item}, status=status))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def monitoring(request, cycle):
    cycle = cycle_for_page(cycle)
    if not request.user.is_authenticated:
        signin = redirect_to_login(_page_url(cycle))
        return HttpResponseClientRedirect(signin.url) if request.htmx else signin
    if not rules.has_perm("budgeting.follow_implementation", request.user, cycle):
        refusal = _("Only the members of the cycle's committee and its officials follow the implementation here. "
                    "Everyone can see the projects' progress on the implementation page.")
        return render(request, PAGE, {"cycle": cycle, "page": None, "refusal": refusal}, status=403)
    page = monitoring_page(cycle, request.user)
    if request.method != "POST":
        return _render_page(request, _with_forms(page))
    return _add_note(request, page)


def _posted_project_id(request) -> int | None:
    try:
        return int(request.POST.get("project", ""))
    except ValueError:
        return None


def _refused(request, page, message, *, status):
    """A refusal that belongs to no field: the page with the reason (with htmx, which swaps only
    400 and 409 into the form's section, the page is reloaded and says why)."""
    if request.htmx:
        messages.error(request, message)
        response = HttpResponse(status=status)
        response["HX-Refresh"] = "true"
        return _vary(response)
    page.notice = message
    return _render_page(request, _with_forms(page), status=status)


def _add_note(request, page):
    item = page.item_for(_posted_project_id(request))
    if item is None:
        # No form of this page names such a project: a stale page or a forged post.
        return _refused(request, page, _("This project is not among the cycle's funded projects."), status=400)
    if page.refusal:
        return _refused(request, page, page.refusal, status=403)
    form = _note_form(item.project.pk, request.POST)
    if form.is_valid():
        try:
            implementation_note_add(actor=request.user, project=item.project, body=form.cleaned_data["body"],
                                    raises_concern=form.cleaned_data["raises_concern"])
        except BudgetingError as error:
            if not error.field:
                return _refused(request, page, error.message, status=REFUSAL_STATUS.get(error.code, 400))
            form.add_refusal(error)
        else:
            done = _("Your note is published on the project's page.")
            if not request.htmx:
                messages.success(request, done)
                return redirect(_page_url(page.cycle, item.project.pk))
            page = _with_forms(monitoring_page(page.cycle, request.user))
            item = page.item_for(item.project.pk)
            item.notice = done
            return _render_project(request, page, item)
    if request.htmx:
        item.form = form
        return _render_project(request, page, item, status=400)
    return _render_page(request, _with_forms(page, posted=item, posted_form=form), status=400)


urls = [
    path("<int:cycle>/monitoring/", monitoring, name="monitoring"),
]
