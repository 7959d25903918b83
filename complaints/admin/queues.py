"""The two queues beside the list of complaints: the intake desk's triage queue (SMS and email
complaints waiting for a category) and the coordinators' queue (disputed transfers). Each row
links to the complaint's page, where the button that settles it is."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..rules import is_coordinator, is_triage_desk
from ..selectors.queues import coordination_queue, triage_queue

QUEUE_PAGE_SIZE = 50


def _queue_page(model_admin, request, *, queryset, template, title, intro):
    page = Paginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": model_admin.opts,
        "page": page,
    }
    return TemplateResponse(request, template, context)


def triage_queue_view(model_admin, request):
    if not is_triage_desk.test(request.user):
        raise PermissionDenied
    return _queue_page(
        model_admin, request, queryset=triage_queue(request.user),
        template="admin/complaints/complaint/triage_queue.html", title=_("Triage queue"),
        intro=_("Complaints that came in by SMS or email, oldest first. Open one to give it a category, which "
                "sets its deadline and routes it to a unit."),
    )  # fmt: skip


def coordination_queue_view(model_admin, request):
    if not is_coordinator.test(request.user):
        raise PermissionDenied
    return _queue_page(
        model_admin, request, queryset=coordination_queue(request.user),
        template="admin/complaints/complaint/coordination_queue.html", title=_("Coordination queue"),
        intro=_("Transfers the receiving unit disputed, oldest first. Open the complaint to decide which unit "
                "handles it."),
    )  # fmt: skip
