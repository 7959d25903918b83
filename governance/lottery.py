"""The stratified lottery (추첨): pure functions, no database, so that anyone can re-run a published draw.

A draw takes a pool of volunteers, each with its strata (district code, age band, sex, vulnerable
flag), a number of seats, quotas and a seed, and returns the selected volunteers in the order they
were taken. Algorithm "sha256-cells-flow-v1":

1. Order. Every volunteer gets the key ``sha256(f"{seed}:{volunteer_id}".encode("utf-8")).hexdigest()``;
   volunteers are examined in ascending key order (ties, never seen in practice, by id).
2. Targets. Seats are spread over the six cells sex × age band as evenly as possible: each cell gets
   ``seats // 6`` and the remaining seats go, one each, to the cells in CELL_REMAINDER_ORDER, so that
   women and men differ by at most one seat and the three age bands by at most one seat (1:1 and 1:1:1).
   At most ``max_per_district`` seats go to one district, at least ``min_vulnerable`` to volunteers in
   a vulnerable group.
3. Selection. Walk the hash order; take a volunteer when the seats still open can then be filled
   with all quotas holding (the feasibility test below), otherwise pass over them for good. Every
   step keeps "a complete selection meeting every quota still exists" true, so the walk ends with
   such a selection whenever the pool allows one at all, and it is the first one in hash order.

Feasibility test. Which volunteers of one (cell, district, vulnerable) group are taken does not
matter to the quotas, only how many, so the open seats are a flow problem on group counts:
source → cell (capacity: seats the cell still needs) → group (capacity: volunteers of the group not
yet examined) → district (capacity: the cap minus seats the district holds) → sink. A min-cost
max-flow in which a vulnerable volunteer costs -1 gives the most vulnerable volunteers any
completion can add; a state is feasible when the flow fills every open seat and that number covers
the vulnerable seats still missing.

When the pool cannot satisfy the quotas, `draw` raises LotteryShortfall naming each quota that
fails and by how many volunteers (see `shortfalls`); nothing is selected.
"""

import hashlib
import secrets
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

ALGORITHM = "sha256-cells-flow-v1"
SEXES = ("female", "male")
AGE_BANDS = ("10-29", "30-49", "50+")
# Seats left over after seats // 6 go to these cells in turn: any prefix keeps sex and age-band counts within one.
CELL_REMAINDER_ORDER = (
    ("female", "10-29"), ("male", "30-49"), ("female", "50+"),
    ("male", "10-29"), ("female", "30-49"), ("male", "50+"),
)
SEX_LABELS = {"female": _("women"), "male": _("men")}
AGE_BAND_LABELS = {"10-29": _("aged 10–29"), "30-49": _("aged 30–49"), "50+": _("aged 50 and over")}


@dataclass(frozen=True)
class Candidate:
    id: int
    district: str
    age_band: str
    sex: str
    vulnerable: bool = False

    @property
    def cell(self):
        return (self.sex, self.age_band)

    def as_dict(self):
        return {"id": self.id, "district": self.district, "age_band": self.age_band, "sex": self.sex,
                "vulnerable": self.vulnerable}

    @classmethod
    def from_dict(cls, data):
        return cls(id=int(data["id"]), district=str(data["district"]), age_band=str(data["age_band"]),
                   sex=str(data["sex"]), vulnerable=bool(data["vulnerable"]))


@dataclass(frozen=True)
class Quotas:
    seats: int
    max_per_district: int = 6
    min_vulnerable: int = 0

    def __post_init__(self):
        if self.seats < 1:
            raise ValueError("A draw needs at least one seat.")
        if self.max_per_district < 1:
            raise ValueError("The district cap must be at least 1.")
        if not 0 <= self.min_vulnerable <= self.seats:
            raise ValueError("The vulnerable quota must lie between 0 and the number of seats.")

    def cell_targets(self) -> dict[tuple[str, str], int]:
        base, remainder = divmod(self.seats, len(CELL_REMAINDER_ORDER))
        targets = dict.fromkeys(CELL_REMAINDER_ORDER, base)
        for cell in CELL_REMAINDER_ORDER[:remainder]:
            targets[cell] += 1
        return targets

    def as_dict(self):
        return {
            "algorithm": ALGORITHM,
            "seats": self.seats,
            "max_per_district": self.max_per_district,
            "min_vulnerable": self.min_vulnerable,
            "cells": {f"{sex}/{band}": count for (sex, band), count in self.cell_targets().items()},
        }


@dataclass(frozen=True)
class Shortfall:
    """A quota the pool cannot fill: `needed` seats, at most `available` volunteers for them."""

    quota: str
    label: str
    needed: int
    available: int

    @property
    def short_by(self):
        return self.needed - self.available

    def __str__(self):
        return f"{self.label}: {self.needed} needed, {self.available} available (short by {self.short_by})"


class LotteryShortfall(Exception):
    def __init__(self, shortfalls: list[Shortfall]):
        self.shortfalls = shortfalls
        super().__init__("; ".join(str(shortfall) for shortfall in shortfalls))


def new_seed() -> str:
    return secrets.token_hex(32)


def hash_key(seed: str, candidate_id: int) -> str:
    return hashlib.sha256(f"{seed}:{candidate_id}".encode()).hexdigest()


def hash_order(candidates: Iterable[Candidate], seed: str) -> list[Candidate]:
    return sorted(candidates, key=lambda candidate: (hash_key(seed, candidate.id), candidate.id))


def age_band(birth_date: date, on: date) -> str | None:
    """The lottery's age band of someone born on `birth_date`, on the day `on` (None under 10)."""
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if age < 10:
        return None
    if age < 30:
        return "10-29"
    if age < 50:
        return "30-49"
    return "50+"


def cell_label(cell) -> str:
    sex, band = cell
    return f"{SEX_LABELS[sex]} {AGE_BAND_LABELS[band]}"


# --- Feasibility ------------------------------------------------------------------------------


class _FlowNetwork:
    """Successive shortest paths (Bellman-Ford on the residual graph) for a few hundred nodes."""

    def __init__(self, size):
        self.edges = []  # [to, capacity, cost, index of the reverse edge]
        self.adjacent = [[] for _ in range(size)]

    def add(self, source, target, capacity, cost=0):
        if capacity <= 0:
            return
        self.adjacent[source].append(len(self.edges))
        self.edges.append([target, capacity, cost, len(self.edges) + 1])
        self.adjacent[target].append(len(self.edges))
        self.edges.append([source, 0, -cost, len(self.edges) - 1])

    def min_cost_flow(self, source, sink, limit):
        flow = cost = 0
        size = len(self.adjacent)
        while flow < limit:
            distance = [None] * size
            via = [None] * size
            distance[source] = 0
            queue, queued = deque([source]), [False] * size
            queued[source] = True
            while queue:
                node = queue.popleft()
                queued[node] = False
                for index in self.adjacent[node]:
                    target, capacity, edge_cost, _reverse = self.edges[index]
                    if capacity > 0 and (distance[target] is None or distance[node] + edge_cost < distance[target]):
                        distance[target] = distance[node] + edge_cost
                        via[target] = index
                        if not queued[target]:
                            queue.append(target)
                            queued[target] = True
            if distance[sink] is None:
                break
            push, node = limit - flow, sink
            while node != source:
                edge = self.edges[via[node]]
                push = min(push, edge[1])
                node = self.edges[edge[3]][0]
            node = sink
            while node != source:
                edge = self.edges[via[node]]
                edge[1] -= push
                self.edges[edge[3]][1] += push
                node = self.edges[edge[3]][0]
            flow += push
            cost += push * distance[sink]
        return flow, cost


def _best_completion(needed_by_cell, open_by_group, room_by_district, seats_open):
    """(seats that can still be filled, most vulnerable volunteers among them) for the open seats."""
    if seats_open == 0:
        return 0, 0
    cells = [cell for cell, needed in needed_by_cell.items() if needed > 0]
    groups = [group for group, count in open_by_group.items() if count > 0 and needed_by_cell.get(group[0], 0) > 0]
    districts = sorted({district for _cell, district, _vulnerable in groups})
    cell_node = {cell: 1 + index for index, cell in enumerate(cells)}
    group_node = {group: 1 + len(cells) + index for index, group in enumerate(groups)}
    district_node = {district: 1 + len(cells) + len(groups) + index for index, district in enumerate(districts)}
    sink = 1 + len(cells) + len(groups) + len(districts)
    network = _FlowNetwork(sink + 1)
    for cell in cells:
        network.add(0, cell_node[cell], needed_by_cell[cell])
    for group in groups:
        cell, district, vulnerable = group
        network.add(cell_node[cell], group_node[group], open_by_group[group], -1 if vulnerable else 0)
        network.add(group_node[group], district_node[district], open_by_group[group])
    for district in districts:
        network.add(district_node[district], sink, room_by_district[district])
    flow, cost = network.min_cost_flow(0, sink, seats_open)
    return flow, -cost


class _State:
    def __init__(self, candidates, quotas):
        self.quotas = quotas
        self.needed_by_cell = quotas.cell_targets()
        self.open_by_group = Counter((c.cell, c.district, c.vulnerable) for c in candidates)
        self.room_by_district = {c.district: quotas.max_per_district for c in candidates}
        self.seats_open = quotas.seats
        self.vulnerable_missing = quotas.min_vulnerable

    def completion(self):
        return _best_completion(self.needed_by_cell, self.open_by_group, self.room_by_district, self.seats_open)

    def feasible(self):
        filled, vulnerable = self.completion()
        return filled == self.seats_open and vulnerable >= self.vulnerable_missing

    def feasible_with(self, candidate):
        group = (candidate.cell, candidate.district, candidate.vulnerable)
        if self.needed_by_cell.get(candidate.cell, 0) == 0 or self.room_by_district[candidate.district] == 0:
            return False
        self.take(candidate)
        try:
            return self.feasible()
        finally:
            self.needed_by_cell[candidate.cell] += 1
            self.room_by_district[candidate.district] += 1
            self.open_by_group[group] += 1
            self.seats_open += 1
            self.vulnerable_missing += 1 if candidate.vulnerable else 0

    def take(self, candidate):
        self.needed_by_cell[candidate.cell] -= 1
        self.room_by_district[candidate.district] -= 1
        self.open_by_group[(candidate.cell, candidate.district, candidate.vulnerable)] -= 1
        self.seats_open -= 1
        if candidate.vulnerable:
            self.vulnerable_missing -= 1

    def pass_over(self, candidate):
        self.open_by_group[(candidate.cell, candidate.district, candidate.vulnerable)] -= 1


def shortfalls(candidates: list[Candidate], quotas: Quotas) -> list[Shortfall]:
    """Every quota the pool cannot fill, each with the seats it needs and the volunteers it can have.

    Quotas are checked one by one first (each counted under the district cap), so that the message
    names the quota to recruit for; only when each could be met alone is the joint test reported.
    """
    found = []
    cap = quotas.max_per_district
    if len(candidates) < quotas.seats:
        found.append(Shortfall("seats", str(_("volunteers in the pool")), quotas.seats, len(candidates)))
    for cell, needed in quotas.cell_targets().items():
        by_district = Counter(c.district for c in candidates if c.cell == cell)
        available = sum(min(count, cap) for count in by_district.values())
        if available < needed:
            found.append(Shortfall(f"cell:{cell[0]}/{cell[1]}", cell_label(cell), needed, available))
    by_district = Counter(c.district for c in candidates)
    available = sum(min(count, cap) for count in by_district.values())
    if available < quotas.seats:
        label = str(_("at most %(cap)s per district") % {"cap": cap})
        found.append(Shortfall("max_per_district", label, quotas.seats, available))
    vulnerable_by_district = Counter(c.district for c in candidates if c.vulnerable)
    available = sum(min(count, cap) for count in vulnerable_by_district.values())
    if available < quotas.min_vulnerable:
        found.append(Shortfall("vulnerable", str(_("volunteers in a vulnerable group")), quotas.min_vulnerable,
                               available))
    if found:
        return found
    filled, vulnerable = _State(candidates, quotas).completion()
    if filled < quotas.seats:
        found.append(Shortfall("joint", str(_("all quotas together")), quotas.seats, filled))
    elif vulnerable < quotas.min_vulnerable:
        label = str(_("volunteers in a vulnerable group, with the other quotas met"))
        found.append(Shortfall("vulnerable_joint", label, quotas.min_vulnerable, vulnerable))
    return found


def draw(candidates: Iterable[Candidate], quotas: Quotas, seed: str) -> list[Candidate]:
    """The selected volunteers, in the order they were taken. Raises LotteryShortfall."""
    candidates = list(candidates)
    if len({candidate.id for candidate in candidates}) != len(candidates):
        raise ValueError("Each volunteer may appear in the pool once.")
    unknown = {c.cell for c in candidates} - set(CELL_REMAINDER_ORDER)
    if unknown:
        raise ValueError(f"Unknown strata in the pool: {sorted(unknown)}")
    state = _State(candidates, quotas)
    if not state.feasible():
        raise LotteryShortfall(shortfalls(candidates, quotas))
    selected = []
    # A group that could not be taken from stays so: later states only take more and have fewer left.
    blocked = set()
    for candidate in hash_order(candidates, seed):
        if state.seats_open == 0:
            break
        group = (candidate.cell, candidate.district, candidate.vulnerable)
        if group not in blocked and state.feasible_with(candidate):
            state.take(candidate)
            selected.append(candidate)
        else:
            blocked.add(group)
            state.pass_over(candidate)
    # The invariant guarantees this; the check guards the implementation, not the pool.
    assert verify(selected, quotas), "lottery produced a selection that breaks a quota"
    return selected


def verify(selected: list[Candidate], quotas: Quotas) -> bool:
    """Does a selection meet every quota? (For anyone checking a published draw.)"""
    cells = Counter(c.cell for c in selected)
    districts = Counter(c.district for c in selected)
    return (
        len(selected) == quotas.seats
        and all(cells[cell] == target for cell, target in quotas.cell_targets().items())
        and all(count <= quotas.max_per_district for count in districts.values())
        and sum(c.vulnerable for c in selected) >= quotas.min_vulnerable
    )
