"""Reads of the versioned documents: the public list, a document with its versions, and the diff
between two versions (line by line, side by side)."""

import difflib
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import get_language

from ..models import Document, DocumentVersion

# Unchanged lines shown around a change; longer unchanged runs are folded into one row.
DIFF_CONTEXT_LINES = 3


def document_list() -> QuerySet:
    """Documents that have at least one published version, with their latest version's number and date."""
    latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return (
        Document.objects.select_related("owner_unit")
        .annotate(
            latest_number=Max("versions__number"),
            version_count=Count("versions"),
            latest_effective_on=Subquery(latest.values("effective_on")[:1]),
            latest_published_at=Subquery(latest.values("published_at")[:1]),
        )
        .filter(latest_number__isnull=False)
        .order_by("kind", "slug")
    )


def document_detail(slug) -> Document:
    """A document with `version_list` (newest first; the first is the latest). Raises
    Document.DoesNotExist for an unknown slug or a document without any published version."""
    document = (
        Document.objects.select_related("owner_unit")
        .prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"),
                                   to_attr="version_list"))
        .get(slug=slug)
    )
    if not document.version_list:
        raise Document.DoesNotExist(slug)
    return document


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side table. kind: "equal", "changed", "removed", "added" or "folded"
    (`folded` unchanged lines hidden). A side's number is None where that side has no line."""

    kind: str
    old_number: int | None = None
    old_text: str = ""
    new_number: int | None = None
    new_text: str = ""
    folded: int = 0

    @property
    def old_removed(self):
        return self.kind in ("changed", "removed")

    @property
    def new_added(self):
        return self.kind in ("changed", "added")


@dataclass(frozen=True)
class DocumentDiff:
    document: Document
    old: DocumentVersion
    new: DocumentVersion
    rows: list[DiffRow]
    added: int
    removed: int
    language: str  # "ko" or "en": the text compared
    english_missing: bool  # the page is in English but a version has no English text


def side_by_side_diff(old_text: str, new_text: str, context: int = DIFF_CONTEXT_LINES):
    """Compare two texts line by line; return (rows, added line count, removed line count)."""
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows, added, removed = [], 0, 0
    opcodes = matcher.get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows.extend(_equal_rows(old_lines, i1, i2, j1, first=index == 0, last=index == len(opcodes) - 1,
                                    context=context))
            continue
        removed += i2 - i1
        added += j2 - j1
        for offset in range(max(i2 - i1, j2 - j1)):
            has_old, has_new = i1 + offset < i2, j1 + offset < j2
            kind = "changed" if has_old and has_new else ("removed" if has_old else "added")
            rows.append(DiffRow(
                kind=kind,
                old_number=i1 + offset + 1 if has_old else None,
                old_text=old_lines[i1 + offset] if has_old else "",
                new_number=j1 + offset + 1 if has_new else None,
                new_text=new_lines[j1 + offset] if has_new else "",
            ))
    return rows, added, removed


def _equal_rows(lines, i1, i2, j1, *, first, last, context):
    def row(i):
        return DiffRow(kind="equal", old_number=i + 1, old_text=lines[i], new_number=j1 + (i - i1) + 1,
                       new_text=lines[i])

    keep_before = 0 if first else context  # lines after the previous change
    keep_after = 0 if last else context  # lines before the next change
    if i2 - i1 <= keep_before + keep_after + 1:
        return [row(i) for i in range(i1, i2)]
    head = [row(i) for i in range(i1, i1 + keep_before)]
    tail = [row(i) for i in range(i2 - keep_after, i2)]
    return [*head, DiffRow(kind="folded", folded=(i2 - i1) - keep_before - keep_after), *tail]


def document_diff(slug, from_number: int, to_number: int) -> DocumentDiff:
    """The diff of two versions of a document (two queries). Raises Document.DoesNotExist or
    DocumentVersion.DoesNotExist when the document or either version does not exist."""
    document = Document.objects.select_related("owner_unit").get(slug=slug)
    versions = {v.number: v for v in document.versions.filter(number__in=[from_number, to_number])}
    if from_number not in versions or to_number not in versions:
        raise DocumentVersion.DoesNotExist(f"{slug}: {from_number}, {to_number}")
    old, new = versions[from_number], versions[to_number]
    english = (get_language() or "ko").startswith("en")
    # Compare like with like: English only if both versions have it, else both in Korean.
    use_english = english and bool(old.body_en) and bool(new.body_en)
    field = "body_en" if use_english else "body_ko"
    rows, added, removed = side_by_side_diff(getattr(old, field), getattr(new, field))
    return DocumentDiff(document=document, old=old, new=new, rows=rows, added=added, removed=removed,
                        language="en" if use_english else "ko", english_missing=english and not use_english)
