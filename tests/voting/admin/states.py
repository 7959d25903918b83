"""Polls in each state of their life, made through the services (as the back office finds them)."""

from datetime import timedelta

from voting.models import Poll
from voting.services import (
    poll_approve,
    poll_close,
    poll_create,
    poll_hide,
    poll_open,
    poll_publish,
    poll_reject,
)

STATES = [
    "policy_draft",
    "policy_scheduled",
    "policy_open",
    "policy_closed",
    "policy_hidden",
    "citizen_pending",
    "citizen_rejected",
    "citizen_open",
    "citizen_closed",
]
OPTIONS = [{"label": "찬성"}, {"label": "반대"}, {"label": "모르겠음"}]


class PollStates:
    def __init__(self, *, official, proposer, unit, now):
        self.official, self.proposer, self.unit, self.now = official, proposer, unit, now
        self.counter = 0

    def make(self, state, **fields):
        """A poll in `state` ("<kind>_<status>"): open polls opened an hour ago and close in a week;
        closed ones ran until an hour ago."""
        kind, status = state.split("_", 1)
        now = self.now
        self.counter += 1
        opens_at, closes_at = now - timedelta(hours=1), now + timedelta(days=7)
        if status == "scheduled":
            opens_at = now + timedelta(days=2)
        created_at = now - timedelta(days=3)
        if status == "closed":
            opens_at, closes_at = now - timedelta(days=2), now - timedelta(hours=1)
        poll = poll_create(
            actor=self.official if kind == "policy" else self.proposer,
            kind=kind,
            title=fields.pop("title", f"{state} {self.counter}"),
            options=fields.pop("options", OPTIONS),
            opens_at=opens_at,
            closes_at=closes_at,
            org_unit=self.unit if kind == "policy" else None,
            now=created_at,
            **fields,
        )
        if status in {"draft", "pending"}:
            return poll
        if status == "rejected":
            return poll_reject(actor=self.official, poll=poll, reason="광고성 설문입니다.", now=created_at)
        if kind == "policy":
            poll = poll_publish(actor=self.official, poll=poll, now=created_at if status == "closed" else now)
        else:
            poll = poll_approve(actor=self.official, poll=poll, now=created_at if status == "closed" else now)
        if status == "closed":
            poll_open(poll=poll, now=opens_at)
            poll_close(poll=poll, now=now)
        elif status == "hidden":
            poll_hide(actor=self.official, poll=poll, reason="개인정보가 포함되어 있습니다.", now=now)
        return Poll.objects.get(pk=poll.pk)
