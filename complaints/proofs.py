"""What a visitor proved without signing in: that they filed a complaint (they filed it as a guest
in this session, or gave its tracking number with the phone's last four digits)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FilingProof:
    """The actor of a guest's rating or request for an additional answer: a visitor who proved
    that they filed `complaint_id`. Not a person of the database (audited as an anonymous visitor,
    recorded on the complaint's timeline without a name)."""

    complaint_id: int
    is_authenticated: bool = False
    is_staff: bool = False
    is_active: bool = True
    pk: None = None


def person_or_none(actor):
    """The actor as a row to point at (a Citizen), or None for a visitor's proof or the system."""
    return actor if getattr(actor, "pk", None) is not None and hasattr(actor, "_meta") else None
