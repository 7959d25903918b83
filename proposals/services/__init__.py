"""Every write on Democratic Seoul, one module per concept. The proposal's own lifecycle is
re-exported here, as the rest of the project imports it from `proposals.services`."""

from .proposals import (
    SCOPE_PREFIX,
    AdvanceReport,
    add_months,
    ledger_recount,
    ledger_scopes,
    proposal_advance,
    proposal_answer,
    proposal_assign,
    proposal_close_debate,
    proposal_close_window,
    proposal_create_draft,
    proposal_flag_overdue,
    proposal_follow,
    proposal_mayor_answer,
    proposal_open_debate,
    proposal_promote,
    proposal_publish,
    proposal_support,
    proposal_unfollow,
    proposal_update_draft,
    proposal_withdraw_support,
    setting,
    support_commitment,
    withdrawal_commitment,
)

__all__ = [
    "SCOPE_PREFIX", "AdvanceReport", "add_months", "ledger_recount", "ledger_scopes", "proposal_advance", "proposal_answer",
    "proposal_assign", "proposal_close_debate", "proposal_close_window", "proposal_create_draft",
    "proposal_flag_overdue", "proposal_follow", "proposal_mayor_answer", "proposal_open_debate", "proposal_promote",
    "proposal_publish", "proposal_support", "proposal_unfollow", "proposal_update_draft", "proposal_withdraw_support",
    "setting", "support_commitment", "withdrawal_commitment",
]
