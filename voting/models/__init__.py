"""M-Voting, one module per concept."""

from .ballots import AgeBand, Ballot, Participation, RankingCount, TallyCount, age_band
from .polls import (
    DESCRIPTION_MAX_LENGTH,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_DESCRIPTION_MAX_LENGTH,
    OPTION_LABEL_MAX_LENGTH,
    ROOM_CODE_LENGTH,
    TITLE_MAX_LENGTH,
    PolicyReflection,
    Poll,
    PollOption,
    PollReport,
)

__all__ = [
    "DESCRIPTION_MAX_LENGTH", "MAX_OPTIONS", "MIN_OPTIONS", "OPTION_DESCRIPTION_MAX_LENGTH",
    "OPTION_LABEL_MAX_LENGTH", "ROOM_CODE_LENGTH", "TITLE_MAX_LENGTH",
    "AgeBand", "Ballot", "Participation", "PolicyReflection", "Poll", "PollOption", "PollReport", "RankingCount",
    "TallyCount", "age_band",
]
