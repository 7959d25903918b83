"""A proposal as a subject a committee may deliberate (governance.registry): a promoted proposal
can be put on an agenda."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.registry import SubjectKind

from .models import Proposal


def describe_proposal(subject_id: str):
    proposal = Proposal.objects.filter(pk=subject_id).exclude(status=Proposal.Status.DRAFT).only("title").first()
    if proposal is None:
        return None
    return proposal.title, reverse("proposals:detail", args=[proposal.pk])


SUBJECT_KIND = SubjectKind(kind="proposals.proposal", label=_("Citizen proposal"), describe=describe_proposal)
