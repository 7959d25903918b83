"""A complaint put straight into any state (for tests that need every state, not the path there):
filed through intake (unit: the category's default), then given what the state implies."""

from complaints.models import Complaint, Transfer
from complaints.services.intake import Filer
from complaints.states import Status


def complaint_in_state(state, *, file_complaint, transfer_to, other_filer):
    """`transfer_to`: the unit a transferred complaint waits at (a pending transfer from its unit);
    `other_filer`: a citizen who files the original a duplicate repeats."""
    complaint = file_complaint()
    changes = {"status": state}
    if state == Status.TRANSFERRED:
        Transfer.objects.create(complaint=complaint, from_unit=complaint.unit, to_unit=transfer_to,
                                reason="공원 내 도로입니다.")  # fmt: skip
        changes["unit"] = transfer_to
    if state in (Status.ANSWERED, Status.REOPENED, Status.CLOSED):
        changes.update(answer="보수를 마쳤습니다.", answered_at=complaint.received_at)
    if state == Status.REOPENED:
        changes["answer_round"] = 2
    if state == Status.CLOSED:
        changes["closed_at"] = complaint.received_at
    if state == Status.REJECTED:
        changes.update(rejection_reason="사유", rejection_remedy="행정심판을 청구할 수 있습니다.")
    if state == Status.DUPLICATE:
        changes["duplicate_of"] = file_complaint(filer=Filer(citizen=other_filer))
    Complaint.objects.filter(pk=complaint.pk).update(**changes)
    return Complaint.objects.get(pk=complaint.pk)
