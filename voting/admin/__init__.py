"""The officials' back office for M-Voting, one module per concept.

Ballots and participations are deliberately not registered: who voted and what was voted are never
shown in the back office (tests/voting/test_secrecy.py checks the registry).
"""

from . import (
    polls,  # noqa: F401 -- registers PollAdmin (drafts, screening, closing, hiding, policy follow-up)
    reports,  # noqa: F401 -- registers PollReportAdmin (the officials' queue of reports)
)
