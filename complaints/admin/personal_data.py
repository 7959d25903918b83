"""The filer's personal data on a complaint's page in the back office: masked (a name's middle,
the phone's middle digits, an email's local part and domain) until the official presses "Open
personal data", which writes an audit record (PIPA: staff access to personal data is logged) and
shows the data in that one response only.
"""

from dataclasses import dataclass

from django.utils.translation import gettext

from audit.access_log import personal_data_access_record
from audit.services import audit_record
from citizens.masking import mask_email, mask_name, mask_phone

PERSONAL_DATA_VIEW = "complaint.personal_data_view"


@dataclass(frozen=True)
class FilerData:
    kind: str  # "citizen", "contact" or "" (nobody known)
    name: str
    phone: str
    email: str
    revealed: bool


def _holder(complaint):
    if complaint.citizen_id:
        return complaint.citizen
    if complaint.contact_id:
        return complaint.contact
    return None


def _name(complaint, holder) -> str:
    if complaint.citizen_id and holder is not None and not holder.erased_at:
        return holder.name or complaint.contact_name
    return complaint.contact_name


def filer_masked(complaint) -> FilerData:
    holder = _holder(complaint)
    if complaint.citizen_id and holder is not None and holder.erased_at:
        return FilerData("citizen", gettext("Deleted account"), "", "", revealed=False)
    last4 = getattr(holder, "phone_last4", "") or complaint.tracking_last4
    return FilerData(
        kind="citizen" if complaint.citizen_id else ("contact" if complaint.contact_id else ""),
        name=mask_name(_name(complaint, holder)),
        phone=mask_phone(last4),
        email=mask_email(getattr(holder, "email", "") or ""),
        revealed=False,
    )


def filer_revealed(*, actor, complaint, ip=None) -> FilerData:
    """The filer's data in full; the audit record is written first, in the caller's transaction."""
    holder = _holder(complaint)
    kind = "citizen" if complaint.citizen_id else ("contact" if complaint.contact_id else "")
    audit_record(actor=actor, action=PERSONAL_DATA_VIEW, target=complaint, summary={"filer": kind or "none"}, ip=ip)
    # And in the staff access log, kept at least two years (audit.access_log).
    personal_data_access_record(actor=actor, target=complaint, items=["name", "phone", "email"], ip=ip)
    if complaint.citizen_id and holder is not None and holder.erased_at:
        return FilerData("citizen", gettext("Deleted account"), "", "", revealed=True)
    return FilerData(
        kind=kind,
        name=_name(complaint, holder),
        phone=getattr(holder, "phone", "") or "",
        email=getattr(holder, "email", "") or "",
        revealed=True,
    )


def masked_filer_label(complaint) -> str:
    """The list's column: a masked name and phone, from what the list's query annotated (no
    contact data is read for a list)."""
    if complaint.citizen_id and getattr(complaint, "filer_citizen_erased_at", None):
        return gettext("Deleted account")
    name = (getattr(complaint, "filer_citizen_name", "") if complaint.citizen_id else "") or complaint.contact_name
    parts = [part for part in (mask_name(name), mask_phone(complaint.tracking_last4)) if part]
    if not parts and complaint.contact_id:
        parts.append(gettext("email sender") if complaint.channel == "email" else gettext("contact"))
    return " · ".join(parts) or "-"
