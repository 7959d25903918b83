"""What proposals holds about a citizen, for citizens.registry: the export and the erasure.

Erasure removes what is the citizen's alone and keeps, without their words, what others' results
depend on:
- drafts (with their images) and follows are deleted;
- published proposals and supports stay: other citizens supported them and the ledger counts them
  (the account row they point to is anonymised by the citizens app);
- comments stay in their threads (replies answer them) with their text replaced by ERASED_TEXT;
- debate stances stay counted (the participant count decides the Mayor's answer), their argument
  blanked; the citizen's helpful ratings and comment reports are deleted, and the counts they
  made (helpful_count, open report_count) go down with them;
- Seoul asks votes stay counted (the published yes/no totals); opinions are deleted, their count
  going down with them (services/questions.py).
"""

from django.db import transaction
from django.db.models import F, Q

from citizens.registry import PersonalDataHandler

from .models import (
    ArgumentRating,
    Comment,
    CommentReport,
    DebateStance,
    Follow,
    Proposal,
    Support,
)
from .services.questions import questions_erase, questions_personal_data

# Stored in place of an erased citizen's comment (user content is stored as written: both languages).
ERASED_TEXT = "(계정이 삭제되어 지운 글입니다 · Erased with the account)"


def _when(value):
    return value.isoformat() if value else None


def export(citizen):
    return {
        "proposals": [
            {"id": pk, "title": title, "status": status, "created_at": created_at.isoformat()}
            for pk, title, status, created_at in Proposal.objects.filter(author=citizen)
            .order_by("pk")
            .values_list("pk", "title", "status", "created_at")
        ],
        "supports": [
            {
                "proposal": support.proposal_id,
                "supported_at": support.created_at.isoformat(),
                "receipt": support.receipt,
                "withdrawn_at": _when(support.withdrawn_at),
                "withdrawal_receipt": support.withdrawal_receipt or None,
            }
            for support in Support.objects.filter(citizen=citizen).order_by("pk")
        ],
        "follows": list(Follow.objects.filter(citizen=citizen).order_by("pk").values_list("proposal_id", flat=True)),
        "comments": [
            {
                "id": comment.pk,
                "proposal": comment.proposal_id,
                "in_reply_to": comment.parent_id,
                "text": comment.body,
                "written_at": comment.created_at.isoformat(),
                "edited_at": _when(comment.edited_at),
                "status": comment.status,
            }
            for comment in Comment.objects.filter(author=citizen).order_by("pk")
        ],
        "comment_reports": [
            {"comment": comment_id, "reason": reason, "reported_at": created_at.isoformat()}
            for comment_id, reason, created_at in CommentReport.objects.filter(reporter=citizen)
            .order_by("pk")
            .values_list("comment_id", "reason", "created_at")
        ],
        "debate_stances": [
            {
                "proposal": stance.proposal_id,
                "stance": stance.stance,
                "argument": stance.argument,
                "taken_at": stance.created_at.isoformat(),
                "changed_at": stance.updated_at.isoformat(),
            }
            for stance in DebateStance.objects.filter(citizen=citizen).order_by("pk")
        ],
        "helpful_ratings": [
            {"argument": stance_id, "proposal": proposal_id, "rated_at": created_at.isoformat()}
            for stance_id, proposal_id, created_at in ArgumentRating.objects.filter(citizen=citizen)
            .order_by("pk")
            .values_list("stance_id", "stance__proposal_id", "created_at")
        ],
        **questions_personal_data(citizen),
    }


def _delete_files_after_commit(storage, names):
    def delete():
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def erase(citizen):
    Follow.objects.filter(citizen=citizen).delete()

    drafts = Proposal.objects.filter(author=citizen, status=Proposal.Status.DRAFT)
    images = [name for name in drafts.exclude(image="").values_list("image", flat=True) if name]
    drafts.delete()
    _delete_files_after_commit(Proposal._meta.get_field("image").storage, images)

    Comment.objects.filter(author=citizen).update(body=ERASED_TEXT)

    # A report still open (made after the last moderation) is in the comment's report_count.
    reports = CommentReport.objects.filter(reporter=citizen)
    open_reports = reports.filter(Q(comment__moderated_at__isnull=True) | Q(created_at__gt=F("comment__moderated_at")))
    Comment.objects.filter(pk__in=open_reports.values("comment_id"), report_count__gt=0).update(
        report_count=F("report_count") - 1
    )
    reports.delete()

    ratings = ArgumentRating.objects.filter(citizen=citizen)
    DebateStance.objects.filter(pk__in=ratings.values("stance_id"), helpful_count__gt=0).update(
        helpful_count=F("helpful_count") - 1
    )
    ratings.delete()
    DebateStance.objects.filter(citizen=citizen).exclude(argument="").update(argument="")

    questions_erase(citizen)


HANDLER = PersonalDataHandler(key="proposals", export=export, erase=erase)
