"""Governance records, one module per concept."""

from .committees import Committee, DrawRecord, Membership, Volunteer
from .documents import Document, DocumentKind, DocumentVersion
from .meetings import AgendaItem, Attendance, Meeting
from .org import OrgAssignment, OrgUnit
from .research import OutputKind, ResearchArea, ResearchOutput, ResearchProject, TechnologyArea
from .reviews import ConflictDeclaration, Review

__all__ = [
    "AgendaItem", "Attendance", "Committee", "DrawRecord", "Meeting", "Membership", "OrgAssignment", "OrgUnit",
    "Volunteer",
    "Document", "DocumentKind", "DocumentVersion",
    "OutputKind", "ResearchArea", "ResearchOutput", "ResearchProject", "TechnologyArea",
    "ConflictDeclaration", "Review",
]
