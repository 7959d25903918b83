"""What proposals holds about a citizen, for citizens.registry: the export and the erasure.

Erasure deletes the citizen's drafts and follows. Published proposals and supports stay: other
citizens supported them and the ledger counts them; the account row they point to is anonymised
by the citizens app.
"""

from citizens.registry import PersonalDataHandler

from .models import Follow, Proposal, Support


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
                "withdrawn_at": support.withdrawn_at.isoformat() if support.withdrawn_at else None,
                "withdrawal_receipt": support.withdrawal_receipt or None,
            }
            for support in Support.objects.filter(citizen=citizen).order_by("pk")
        ],
        "follows": list(Follow.objects.filter(citizen=citizen).order_by("pk").values_list("proposal_id", flat=True)),
    }


def erase(citizen):
    Follow.objects.filter(citizen=citizen).delete()
    Proposal.objects.filter(author=citizen, status=Proposal.Status.DRAFT).delete()


HANDLER = PersonalDataHandler(key="proposals", export=export, erase=erase)
