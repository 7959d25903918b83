"""Democratic Seoul, one module per concept."""

from .comments import COMMENT_MAX_LENGTH, Comment, CommentReport
from .debate import ARGUMENT_MAX_LENGTH, ArgumentRating, DebateStance
from .implementation import Milestone
from .proposals import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Assignment, Category, Follow, Proposal, StageChange, Support
from .questions import OPINION_MAX_LENGTH, Question, QuestionOpinion, QuestionVote

__all__ = [
    "ARGUMENT_MAX_LENGTH", "BODY_MAX_LENGTH", "COMMENT_MAX_LENGTH", "OPINION_MAX_LENGTH", "TITLE_MAX_LENGTH",
    "ArgumentRating", "Assignment", "Category", "Comment", "CommentReport", "DebateStance", "Follow", "Milestone",
    "Proposal", "Question", "QuestionOpinion", "QuestionVote", "StageChange", "Support",
]
