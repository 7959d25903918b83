"""Access to private-room and on-site polls, held in the visitor's session.

Entering a room code, or opening the event's QR link while the event runs, grants the session
access to that one poll. Public polls need nothing. The session holds poll ids only.
"""

from ..models import Poll
from ..selectors.polls import is_organiser

SESSION_KEY = "voting_access"
# A visitor who tries many rooms keeps only the most recent ones.
MAX_GRANTS = 50


def grant_poll_access(request, poll: Poll):
    granted = [pk for pk in request.session.get(SESSION_KEY, []) if pk != poll.pk]
    request.session[SESSION_KEY] = [*granted, poll.pk][-MAX_GRANTS:]


def has_poll_access(request, poll: Poll) -> bool:
    """Public polls: always; room and on-site polls: when this session was granted access, or the
    visitor runs the poll (its proposer, the officials in charge), who must see what they run."""
    if poll.access == Poll.Access.PUBLIC:
        return True
    if is_organiser(request.user, poll):
        return True
    return poll.pk in request.session.get(SESSION_KEY, [])


def holds_voting_access(request, poll: Poll) -> bool:
    """Whether the visitor may vote as far as access goes: public polls, or the room code / QR
    code in this session, or the poll's own proposer. Staff see every poll (has_poll_access) but
    vote like anyone else: with the code."""
    if poll.access == Poll.Access.PUBLIC:
        return True
    user = request.user
    if user.is_authenticated and poll.proposer_id and poll.proposer_id == user.pk:
        return True
    return poll.pk in request.session.get(SESSION_KEY, [])
