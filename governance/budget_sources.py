"""What may feed a participatory-budget cycle from the other channels: a Democratic Seoul debate
with 1,000+ participants, for instance, can become a linked budget project.

Budgeting never imports the channel that holds the record, and governance imports no channel at
all: the channel registers a source here in its AppConfig.ready(), and budgeting reads the
candidates through this module.

    from governance.budget_sources import register_budget_source

    register_budget_source("proposals.proposal", _("Democratic Seoul debate"), list_debate_candidates)

`list_candidates()` returns (id, title, participants, url) for each record that qualifies now;
the registry prefixes the id with the source's kind: a candidate's `ref` is "<kind>:<id>", the
value a budget project keeps in `source_ref`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

KIND_RE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class BudgetCandidate(NamedTuple):
    ref: str
    title: str
    participants: int
    url: str


@dataclass(frozen=True)
class BudgetSource:
    kind: str
    label: str
    list_candidates: Callable

    def __post_init__(self):
        if not KIND_RE.match(self.kind):
            raise ValueError(f'A budget source kind looks like "proposals.proposal", not {self.kind!r}.')


_sources: dict[str, BudgetSource] = {}


def register_budget_source(kind: str, label, list_candidates: Callable) -> BudgetSource:
    source = BudgetSource(kind=kind, label=label, list_candidates=list_candidates)
    _sources[kind] = source
    return source


def unregister_budget_source(kind: str):
    _sources.pop(kind, None)


def budget_sources() -> list[BudgetSource]:
    return [_sources[kind] for kind in sorted(_sources)]


def source_label(ref: str) -> str:
    """The label of the source a ref comes from ("" for an unknown one)."""
    source = _sources.get(ref.split(":", 1)[0]) if ref else None
    return str(source.label) if source else ""


def budget_candidates() -> list[BudgetCandidate]:
    """Every record of every source that may become a budget project now, most participants first."""
    candidates = [
        BudgetCandidate(ref=f"{source.kind}:{record_id}", title=str(title), participants=int(participants), url=url)
        for source in budget_sources()
        for record_id, title, participants, url in source.list_candidates()
    ]
    return sorted(candidates, key=lambda candidate: (-candidate.participants, candidate.ref))


def budget_candidate(ref: str) -> BudgetCandidate | None:
    """The candidate with this ref, if its record still qualifies."""
    kind = (ref or "").split(":", 1)[0]
    if kind not in _sources:
        return None
    return next((candidate for candidate in budget_candidates() if candidate.ref == ref), None)
