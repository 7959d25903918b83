"""Near-duplicate clusters in the back office: open complaints of one category within 250 m with
similar text (selectors/clusters.py says how), each with a button that merges the cluster into its
original (the earliest, unless a member that cannot be merged itself, a reopened one, is the
original; the selector shows only members that can be merged into it).

Merging marks every other member a duplicate of the original through `complaint_mark_duplicate`
(which checks the official's permission on each and moves the followers over), all in one
transaction: if one member cannot be merged, none is, and the reason becomes a message. The form
names the members it saw; when the cluster has changed since (a member answered, a new one
joined), nothing is merged and the official looks again.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..errors import ComplaintError
from ..selectors.clusters import RADIUS_METRES, RECENT_DAYS, SIMILARITY_THRESHOLD, near_duplicate_clusters
from ..services.handling import complaint_mark_duplicate

MAX_MEMBERS_POSTED = 1_000


def _posted_ids(request) -> list[int] | None:
    values = request.POST.getlist("members")
    if not values or len(values) > MAX_MEMBERS_POSTED:
        return None
    try:
        return sorted({int(value) for value in values})
    except (TypeError, ValueError):
        return None


def _merge(request):
    user = request.user
    ids = _posted_ids(request)
    cluster = None
    if ids is not None and len(ids) > 1:
        cluster = next((found for found in near_duplicate_clusters(user) if sorted(found.complaint_ids) == ids), None)
    if cluster is None:
        messages.error(request, _("These complaints no longer form a cluster (one was answered, merged or joined by "
                                  "another). Nothing was merged; look at the clusters again."))  # fmt: skip
        return
    original = cluster.original
    current = None
    try:
        with transaction.atomic():
            for member in cluster.members[1:]:
                current = member.complaint
                complaint_mark_duplicate(actor=user, complaint=current, original=original)
    except ComplaintError as error:
        messages.error(request, _gettext("Nothing was merged: %(number)s: %(reason)s") % {
            "number": current.tracking_number, "reason": error.message,
        })  # fmt: skip
        return
    merged = len(cluster.members) - 1
    messages.success(request, ngettext(
        "%(count)d complaint was merged into %(number)s.", "%(count)d complaints were merged into %(number)s.", merged,
    ) % {"count": merged, "number": original.tracking_number})  # fmt: skip


def clusters_view(model_admin, request):
    if request.method == "POST":
        _merge(request)
        return HttpResponseRedirect(reverse("admin:complaints_complaint_clusters"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Near-duplicate complaints"),
        "opts": model_admin.opts,
        "clusters": near_duplicate_clusters(request.user),
        "radius": RADIUS_METRES,
        "threshold": SIMILARITY_THRESHOLD,
        "days": RECENT_DAYS,
    }
    return TemplateResponse(request, "admin/complaints/complaint/clusters.html", context)
