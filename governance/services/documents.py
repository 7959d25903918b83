"""Writes of the versioned documents: a document's record, and the publication of its versions.

A version is never edited once published: a correction is a new version with its changelog.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ..errors import GovernanceError
from ..models import Document, DocumentVersion
from ..models.documents import MASTER_PLAN_YEARS
from .changes import apply_changes

DOCUMENT_FIELDS = ("title_ko", "title_en", "summary_ko", "summary_en", "owner_unit", "period_start_year",
                   "period_end_year")


def document_check(*, kind, period_start_year, period_end_year):
    if (period_start_year is None) != (period_end_year is None):
        raise GovernanceError(_("Give both years of the plan period, or neither."))
    if period_start_year is not None and period_end_year < period_start_year:
        raise GovernanceError(_("The plan period cannot end before it starts."))
    if kind == Document.Kind.MASTER_PLAN and (
        period_start_year is None or period_end_year - period_start_year + 1 != MASTER_PLAN_YEARS
    ):
        raise GovernanceError(
            _("A master plan covers %(years)s years: give its first and last year (e.g. 2025 and 2029).")
            % {"years": MASTER_PLAN_YEARS}
        )


@transaction.atomic
def document_create(*, actor, kind, slug, title_ko, owner_unit, title_en="", summary_ko="", summary_en="",
                    period_start_year=None, period_end_year=None) -> Document:
    document_check(kind=kind, period_start_year=period_start_year, period_end_year=period_end_year)
    if Document.objects.filter(slug=slug).exists():
        raise GovernanceError(_("A document with the address %(slug)s already exists.") % {"slug": slug})
    document = Document(kind=kind, slug=slug, title_ko=title_ko, title_en=title_en, owner_unit=owner_unit,
                        summary_ko=summary_ko, summary_en=summary_en, period_start_year=period_start_year,
                        period_end_year=period_end_year)
    document.full_clean()
    document.save()
    audit_record(actor=actor, action="document.create", target=document,
                 summary={"slug": slug, "kind": kind, "owner_unit": owner_unit.code})
    return document


@transaction.atomic
def document_update(*, actor, document, **fields) -> Document:
    """Change a document's record (titles, summary, unit in charge, plan period); never its text."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    # The text itself changes only by a new version (document_publish_version).
    changed = apply_changes(document, fields, allowed=DOCUMENT_FIELDS, service="document_update")
    if not changed:
        return document
    document_check(kind=document.kind, period_start_year=document.period_start_year,
                   period_end_year=document.period_end_year)
    document.full_clean()
    document.save(update_fields=changed)
    audit_record(actor=actor, action="document.update", target=document,
                 summary={"slug": document.slug, "fields": changed})
    return document


def document_publish_version(*, actor, document, body_ko, changelog_ko, body_en="", changelog_en="",
                             effective_on=None) -> DocumentVersion:
    """Publish the next version of `document`: number = the latest + 1, under a lock on the document.

    Refuses an empty text or changelog and a text identical to the latest version's.
    """
    body_ko, body_en = _normalise(body_ko), _normalise(body_en)
    changelog_ko, changelog_en = changelog_ko.strip(), changelog_en.strip()
    if not body_ko.strip():
        raise GovernanceError(_("The Korean text of the version is empty."))
    if not changelog_ko:
        raise GovernanceError(_("Say what changed in this version (the Korean changelog is empty)."))
    with transaction.atomic():
        # The lock serialises publications of one document: two officials publishing at once get
        # numbers n+1 and n+2, never the same number twice.
        document = Document.objects.select_for_update().get(pk=document.pk)
        latest = document.versions.order_by("-number").only("number", "body_ko", "body_en").first()
        if latest is not None and (latest.body_ko, latest.body_en) == (body_ko, body_en):
            raise GovernanceError(
                _("The text is the same as version %(number)s: nothing to publish.") % {"number": latest.number}
            )
        number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        version = DocumentVersion.objects.create(
            document=document, number=number, body_ko=body_ko, body_en=body_en, changelog_ko=changelog_ko,
            changelog_en=changelog_en, effective_on=effective_on, published_at=timezone.now(),
            published_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(actor=actor, action="document.publish_version", target=version,
                     summary={"document": document.slug, "number": number})
        return version


def _normalise(text):
    # One line-ending convention, so that a diff shows changed words rather than changed line endings.
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")
