"""The public documents: the list, a document with its versions, and the diff between two versions."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import Document, DocumentVersion
from ..selectors.documents import document_detail, document_diff, document_list


def documents(request):
    return render(request, "governance/documents/list.html", {"documents": list(document_list())})


def document(request, slug):
    try:
        doc = document_detail(slug)
    except Document.DoesNotExist:
        raise Http404("no such document") from None
    return render(request, "governance/documents/detail.html", {
        "document": doc, "latest": doc.version_list[0], "versions": doc.version_list,
        "previous": doc.version_list[1] if len(doc.version_list) > 1 else None,
    })


def _version_number(request, name):
    """The version number in the query string, or a reason why there is none."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None, _('Choose the two versions to compare ("from" and "to").')
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1 or len(raw) > 9:
        return None, _('"%(value)s" is not a version number: version numbers are 1, 2, 3 and so on.') % {
            "value": raw[:20]}
    return int(raw), None


def document_diff_view(request, slug):
    """?from=1&to=2. A missing or malformed number: 400; a version the document lacks: 404; both
    with the reason and the versions there are."""
    from_number, from_error = _version_number(request, "from")
    to_number, to_error = _version_number(request, "to")
    reason, status = from_error or to_error, 400
    if reason is None and from_number == to_number:
        reason = _("Choose two different versions to compare.")
    if reason is None:
        try:
            diff = document_diff(slug, from_number, to_number)
        except Document.DoesNotExist:
            raise Http404("no such document") from None
        except DocumentVersion.DoesNotExist:
            status = 404
        else:
            return render(request, "governance/documents/diff.html", {"diff": diff, "document": diff.document})
    doc = Document.objects.filter(slug=slug).first()
    if doc is None:
        raise Http404("no such document")
    numbers = list(doc.versions.order_by("number").values_list("number", flat=True))
    if status == 404:
        missing = from_number if from_number not in numbers else to_number
        reason = _("This document has no version %(number)s.") % {"number": missing}
    return render(request, "governance/documents/diff_bad_request.html",
                  {"document": doc, "reason": reason, "numbers": numbers}, status=status)
