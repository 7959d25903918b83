"""Put a proposal in a stage directly, with the fields that stage requires (as the services would
have left them), for the back-office and permission tests."""

from datetime import date, timedelta

from proposals.models import Proposal

from ..conftest import PUBLISHED_AT

S = Proposal.Status
DUE_ON = date(2026, 5, 1)

ASSIGNED = {S.UNDER_REVIEW, S.ANSWERED, S.IN_DEBATE, S.DEBATE_CLOSED, S.AWAITING_MAYOR, S.MAYOR_ANSWERED}
ANSWERED = {S.ANSWERED, S.IN_DEBATE, S.DEBATE_CLOSED, S.AWAITING_MAYOR, S.MAYOR_ANSWERED}
DEBATED = {S.IN_DEBATE, S.DEBATE_CLOSED, S.AWAITING_MAYOR, S.MAYOR_ANSWERED}


def put_in(proposal, status, unit, *, answered_by=None, answer_type=Proposal.AnswerType.ALREADY_IN_PLACE, **extra):
    """The proposal in `status`; from review on, assigned to `unit` (a closed or open one has no unit)."""
    fields = {"status": status}
    if status != S.DRAFT:
        fields |= {
            "published_at": PUBLISHED_AT,
            "window_opens_at": PUBLISHED_AT,
            "window_closes_at": PUBLISHED_AT + timedelta(days=30),
        }
    if status in ASSIGNED:
        fields |= {"assigned_unit": unit, "answer_due_on": DUE_ON}
    if status in ANSWERED:
        fields |= {
            "answer_type": answer_type,
            "answer_reason": "이미 시행 중입니다.",
            "implementation_plan": "2026년 하반기 시행" if answer_type in {"accepted", "partially_accepted"} else "",
            "answered_at": PUBLISHED_AT + timedelta(days=40),
            "answered_by": answered_by or proposal.author,
        }
    if status in DEBATED:
        fields |= {
            "debate_opens_at": PUBLISHED_AT + timedelta(days=41),
            "debate_closes_at": PUBLISHED_AT + timedelta(days=71),
        }
    if status == S.MAYOR_ANSWERED:
        fields |= {"mayor_answer": "시행하겠습니다.", "mayor_answered_at": PUBLISHED_AT + timedelta(days=80)}
    fields |= extra
    Proposal.objects.filter(pk=proposal.pk).update(**fields)
    return Proposal.objects.get(pk=proposal.pk)
