"""What casting a ballot reads of a poll, kept for a moment in Django's cache (Redis in production).

A ballot needs the poll's row (what eligibility reads: status, window, audience, access, ...),
its options' positions and its targeted districts' codes: three queries, the same for every
ballot of the poll. `ballot_poll(pk)` serves them from the cache, keyed by the poll's id, for
TTL seconds; every save or delete of a poll or an option, and every change of a poll's districts,
forgets the poll's entry (now, and again when the transaction commits, so that a reader who
loaded the old rows meanwhile cannot keep them there). Every write of a poll goes through
voting/services/polls.py, which saves with save(): the signals below see them all, the back
office's included.

Why a stale entry can never change a ballot's outcome, only its speed:
- options and targeted districts never change once a poll is published: poll_update_draft, the
  only service that rewrites them, works on drafts, and a draft takes no ballot;
- ballot_cast, given the snapshot's positions and districts, re-reads the poll's row in its
  transaction, behind the poll's gate (services/ballots.py `_lock_poll_as_snapshot`: a close or a
  hide that committed before is seen, one asked later waits for the ballot), with every field
  listed in SNAPSHOT_FIELDS, and refuses with StalePoll when any differs from the snapshot (the
  row's created_at and updated_at included: another row under the same id, or a draft rewritten
  and published, differ too). Nothing is then written, and the cast view starts again from the
  database;
- the cast view decides a refusal (404, 403, 400, 409) only on rows read from the database: when
  the snapshot leads to anything but a ballot cast, it decides again on a fresh read (and forgets
  the entry when it proved stale: StalePoll, or the rows accept what the snapshot refused).

Each process also keeps what it read for LOCAL_TTL seconds (below), which another process's
invalidation does not reach: safe for the same reasons.

The entry holds no personal data: a poll's settings, positions and district codes.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Poll, PollOption

TTL = 30  # seconds, in the shared cache
KEY_VERSION = 1

# The poll's fields a ballot reads (eligibility, the choices' rules, the counters) and the view
# around it (who runs the poll, its access); created_at and updated_at tell one row, and one
# version of it, from another. ballot_cast compares them all with the row it re-reads.
SNAPSHOT_FIELDS = (
    "id", "kind", "status", "question_type", "max_choices", "org_unit_id", "proposer_id", "audience_min_age",
    "audience_max_age", "access", "event_starts_at", "event_ends_at", "opens_at", "closes_at", "hidden_at",
    "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True)
class BallotPoll:
    """A poll as a ballot needs it: the row's SNAPSHOT_FIELDS (any other field is deferred: reading
    one costs a query), its options' positions in order, its targeted districts' codes."""

    poll: Poll
    option_positions: tuple
    district_codes: frozenset
    cached: bool  # served from the cache (to be verified) rather than read just now

    @property
    def values(self) -> tuple:
        """SNAPSHOT_FIELDS' values in order: what values_list(*SNAPSHOT_FIELDS) reads of the row."""
        return tuple(getattr(self.poll, name) for name in SNAPSHOT_FIELDS)


def _key(pk) -> str:
    return f"voting:ballot-poll:{int(pk)}"


def _read(pk) -> dict | None:
    row = Poll.objects.filter(pk=pk).values(*SNAPSHOT_FIELDS).first()
    if row is None:
        return None
    row["option_positions"] = tuple(
        PollOption.objects.filter(poll_id=pk).order_by("position").values_list("position", flat=True)
    )
    row["district_codes"] = tuple(
        Poll.audience_districts.through.objects.filter(poll_id=pk).values_list("district_id", flat=True)
    )
    return row


def _build(row: dict, *, cached: bool) -> BallotPoll:
    # Model.from_db takes the loaded values in the order of the model's fields.
    names = [field.attname for field in Poll._meta.concrete_fields if field.attname in SNAPSHOT_FIELDS]
    return BallotPoll(
        poll=Poll.from_db("default", names, [row[name] for name in names]),
        option_positions=tuple(row["option_positions"]),
        district_codes=frozenset(row["district_codes"]),
        cached=cached,
    )


# In front of the shared cache, each process keeps what it read for a few seconds (a busy poll's
# ballots then skip even the cache's round trip). Another process's forget_ballot_poll() does not
# reach this copy: it may be LOCAL_TTL seconds older than the shared entry, which is safe for the
# reasons above (ballot_cast verifies the row; anything else is decided again from the database).
LOCAL_TTL = 5  # seconds
LOCAL_MAX = 1_000  # polls
_local: dict = {}


def _remember(pk, row):
    if len(_local) >= LOCAL_MAX:
        _local.clear()
    _local[int(pk)] = (time.monotonic() + LOCAL_TTL, row)


def ballot_poll(pk, *, fresh=False) -> BallotPoll | None:
    """The poll `pk` as a ballot needs it, from the cache unless `fresh` (then read, three queries,
    and cached again); None when there is no such poll (never cached)."""
    if not fresh:
        held = _local.get(int(pk))
        if held is not None and held[0] > time.monotonic():
            return _build(held[1], cached=True)
        row = cache.get(_key(pk), version=KEY_VERSION)
        if row is not None:
            _remember(pk, row)
            return _build(row, cached=True)
    row = _read(pk)
    if row is None:
        return None
    cache.set(_key(pk), row, TTL, version=KEY_VERSION)
    _remember(pk, row)
    return _build(row, cached=False)


def _forget_now(pk):
    _local.pop(int(pk), None)
    cache.delete(_key(pk), version=KEY_VERSION)


def forget_ballot_poll(pk):
    """Drop the poll's entry (this process's copy and the shared one) now and once the current
    transaction commits (at once without one)."""
    if pk is None:
        return
    _forget_now(pk)
    transaction.on_commit(lambda: _forget_now(pk), robust=True)


# --- Invalidation -----------------------------------------------------------------------------


def _poll_changed(sender, instance, **kwargs):
    forget_ballot_poll(instance.pk)


def _option_changed(sender, instance, **kwargs):
    forget_ballot_poll(instance.poll_id)


def _districts_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            forget_ballot_poll(instance.pk)
    elif action == "pre_clear":  # from a district's side: every poll that targets it
        for pk in Poll.objects.filter(audience_districts=instance).values_list("pk", flat=True):
            forget_ballot_poll(pk)
    elif action.startswith("post_"):
        for pk in pk_set or ():
            forget_ballot_poll(pk)


def connect_signals():
    """Called by VotingConfig.ready()."""
    uid = "voting.poll_cache"
    post_save.connect(_poll_changed, sender=Poll, dispatch_uid=f"{uid}.poll_saved")
    post_delete.connect(_poll_changed, sender=Poll, dispatch_uid=f"{uid}.poll_deleted")
    post_save.connect(_option_changed, sender=PollOption, dispatch_uid=f"{uid}.option_saved")
    post_delete.connect(_option_changed, sender=PollOption, dispatch_uid=f"{uid}.option_deleted")
    m2m_changed.connect(_districts_changed, sender=Poll.audience_districts.through, dispatch_uid=f"{uid}.districts")
