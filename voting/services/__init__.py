"""Every write of M-Voting."""

from .ballots import CastBallot, ballot_cast, ballot_commitment, clean_choices
from .mixing import ballots_mix
from .polls import (
    new_room_code,
    poll_approve,
    poll_close,
    poll_close_early,
    poll_create,
    poll_ensure_access_secrets,
    poll_hide,
    poll_open,
    poll_publish,
    poll_reject,
    poll_report,
    poll_unhide,
    polls_advance,
    reflection_record,
    report_resolve,
)

__all__ = [
    "CastBallot", "ballot_cast", "ballot_commitment", "ballots_mix", "clean_choices", "new_room_code", "poll_approve", "poll_close",
    "poll_close_early", "poll_create", "poll_ensure_access_secrets", "poll_hide", "poll_open", "poll_publish",
    "poll_reject", "poll_report", "poll_unhide", "polls_advance", "reflection_record", "report_resolve",
]
