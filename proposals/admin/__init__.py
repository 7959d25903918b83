"""The officials' back office for Democratic Seoul, one module per concept."""

from . import (
    comments,  # noqa: F401 -- registers the comment moderation queue
    debate,  # noqa: F401 -- registers DebateStanceAdmin (read-only)
    implementation,  # noqa: F401 -- registers MilestoneAdmin; MilestoneInline for the proposal admin
    proposals,  # noqa: F401 -- registers ProposalAdmin and CategoryAdmin
    questions,  # noqa: F401 -- registers QuestionAdmin and QuestionOpinionAdmin (read-only)
)
