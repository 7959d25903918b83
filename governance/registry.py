"""What the channel apps plug into governance: the kinds of subject a committee deliberates.

An agenda item points at its subject through a generic link (`subject_kind`, `subject_id`);
governance never imports a channel app. The channel registers its kind in AppConfig.ready():

    from governance.registry import SubjectKind, register_subject_kind

    register_subject_kind(SubjectKind(
        kind="budgeting.project",
        label=_("Participatory budget project"),
        describe=describe_project,          # (subject_id: str) -> (title, url) | None
        on_resolution=take_committee_score, # (item, tally) -> None
    ))

`describe` shows the linked record on the review page; it returns None when the record is gone.
`on_resolution(item, tally)` is called by agenda_item_close inside the closing transaction, after
the item is saved as closed: the channel takes the committee's result back (a budget project's
committee score is `tally.average_score`). If it raises, the item stays open and nothing is
written. `tally` is a ReviewTally of the reviews that count (conflicted members never do).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

KIND_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class UnknownSubjectKind(LookupError):
    pass


@dataclass(frozen=True)
class SubjectLink:
    title: str
    url: str


@dataclass(frozen=True)
class ReviewTally:
    """The committee's reviews of one item, as the closing service counts them."""

    approve: int = 0
    revise: int = 0
    reject: int = 0
    abstain: int = 0
    conflicts: int = 0
    scored: int = 0
    # Mean of the submitted scores, rounded half up to two places; None when nobody scored.
    average_score: Decimal | None = None

    @property
    def reviews(self) -> int:
        return self.approve + self.revise + self.reject + self.abstain


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    label: str
    describe: Callable[[str], tuple[str, str] | None]
    on_resolution: Callable | None = None

    def __post_init__(self):
        if not KIND_RE.match(self.kind) or len(self.kind) > 40:
            raise ValueError(f'A subject kind looks like "budgeting.project", not {self.kind!r}.')


_kinds: dict[str, SubjectKind] = {}


def register_subject_kind(kind: SubjectKind) -> SubjectKind:
    _kinds[kind.kind] = kind
    return kind


def unregister_subject_kind(key: str):
    _kinds.pop(key, None)


def get_subject_kind(key: str) -> SubjectKind:
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownSubjectKind(f"No subject kind {key!r} is registered.") from None


def subject_kinds() -> list[SubjectKind]:
    return [_kinds[key] for key in sorted(_kinds)]


def subject_kind_choices() -> list[tuple[str, str]]:
    return [(kind.kind, kind.label) for kind in subject_kinds()]


def subject_label(key: str) -> str:
    kind = _kinds.get(key)
    return kind.label if kind else key


def describe_subject(item) -> SubjectLink | None:
    """The linked record of an agenda item as (title, url), or None: no subject, a kind whose app
    is not installed, or a record that no longer exists."""
    if not item.subject_kind:
        return None
    kind = _kinds.get(item.subject_kind)
    if kind is None:
        return None
    described = kind.describe(item.subject_id)
    if not described:
        return None
    title, url = described
    return SubjectLink(title=str(title), url=url)


# --- Governance's own registrations (called from GovernanceConfig.ready()) -------------------


def register_governance_kinds():
    """Register what governance itself adds to the lower layers' registries: the review reminder."""
    from notifications.kinds import NotificationKind, register_kind

    register_kind(NotificationKind.from_folder("review_reminder", label=_("Review deadline reminder")))
