from .ballots import BudgetBallot, BudgetParticipation
from .cycles import PHASE_ORDER, Cycle, EligibilityDeclaration, Phase, PhaseKind, Pot, Sector
from .projects import ImplementationNote, Milestone, Project
from .results import PotResult, ProjectResult

__all__ = [
    "PHASE_ORDER",
    "BudgetBallot",
    "BudgetParticipation",
    "Cycle",
    "EligibilityDeclaration",
    "ImplementationNote",
    "Milestone",
    "Phase",
    "PhaseKind",
    "Pot",
    "PotResult",
    "Project",
    "ProjectResult",
    "Sector",
]
