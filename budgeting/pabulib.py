"""Reading and writing pabulib `.pb` files (https://pabulib.org/format).

A `.pb` file has three sections, each a title line (`META`, `PROJECTS`, `VOTES`) followed by a
`;`-separated table with a header row. Fields follow CSV quoting. Files in the wild mix CRLF, LF
and CR line endings and sometimes put a space after each `;`, so surrounding whitespace is not
significant: it is stripped on reading and never written.

This module knows nothing about Django so that services, management commands and tests can all
call it.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = ("META", "PROJECTS", "VOTES")
POINTS_VOTE_TYPES = frozenset({"cumulative", "scoring"})
# Columns that get their own attribute; every other column is kept verbatim in `fields`.
PROJECT_CORE_COLUMNS = ("project_id", "cost", "name", "selected")
BALLOT_CORE_COLUMNS = ("voter_id", "vote", "points")
# A long read or write tells how far it is: (done, in all), e.g. seoul_portal.progress's update.
Progress = Callable[[int, int], None]


class PabulibError(ValueError):
    """The text is not a valid pabulib file (the message names the line when there is one)."""


@dataclass
class Project:
    project_id: str
    cost: int
    name: str = ""
    # The official outcome: 1 selected, 0 not, 2 for pabulib's "selected for another reason".
    selected: int | None = None
    # Other columns (votes, score, category, target, latitude, description, ...) as written.
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Ballot:
    voter_id: str
    # Project ids in the order written: the ranking for ordinal ballots.
    votes: tuple[str, ...]
    # Aligned with `votes` for cumulative and scoring ballots, otherwise None.
    points: tuple[int, ...] | None = None
    # The voter's other columns (age, sex, district, voting_method, ...).
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class Election:
    meta: dict[str, str]
    projects: dict[str, Project]
    ballots: list[Ballot]
    # Column order as read, so that a written file looks like its source; derived when empty.
    project_columns: tuple[str, ...] = ()
    ballot_columns: tuple[str, ...] = ()

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def budget(self) -> int:
        return parse_budget(self.meta.get("budget"))


def parse_budget(text: str | None) -> int:
    """The META budget as an integer; `500000.00` is accepted, a fractional budget is not."""
    if text is None or text.strip() == "":
        raise PabulibError("META has no budget")
    whole, _, fraction = text.strip().partition(".")
    if not whole.isdigit() or (fraction and not fraction.strip("0") == ""):
        raise PabulibError(f"META budget {text!r} is not a whole non-negative amount")
    return int(whole)


def read_pabulib(path_or_text: str | bytes | os.PathLike, *, progress: Progress | None = None) -> Election:
    """Parse a pabulib file given as a path, as bytes, or as its text.

    A `str` is taken as the file's text when it is empty, has a line break or starts with `META`,
    otherwise as a path. `progress(votes read, votes in all)` is called as each vote is checked.
    """
    if isinstance(path_or_text, str) and _looks_like_text(path_or_text):
        text = path_or_text.removeprefix("\ufeff")
    else:
        data = path_or_text if isinstance(path_or_text, bytes) else Path(path_or_text).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PabulibError(f"not UTF-8 text (byte {error.start})") from None
    return _Parser(text, progress).parse()


def _looks_like_text(value: str) -> bool:
    return not value or "\n" in value or "\r" in value or value.lstrip("\ufeff").upper().startswith("META")


class _Parser:
    def __init__(self, text: str, progress: Progress | None = None):
        self.progress = progress
        # newline="" lets the csv module see quoted line breaks and every line-ending style.
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        self.tables: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}

    def fail(self, line: int, message: str) -> PabulibError:
        return PabulibError(f"line {line}: {message}")

    def parse(self) -> Election:
        self._split_sections()
        for section in SECTIONS:
            if section not in self.tables:
                raise PabulibError(f"missing {section} section")
        meta = self._meta()
        projects, project_columns = self._projects()
        ballots, ballot_columns = self._ballots(meta.get("vote_type", "approval"), projects)
        self._check_counts(meta, projects, ballots)
        return Election(meta, projects, ballots, project_columns, ballot_columns)

    def _split_sections(self) -> None:
        section = None
        try:
            for row in self.reader:
                line = self.reader.line_num
                cells = [cell.strip() for cell in row]
                if not any(cells):
                    continue
                if len(cells) == 1 and cells[0].upper() in SECTIONS:
                    section = cells[0].upper()
                    if section in self.tables:
                        raise self.fail(line, f"second {section} section")
                    self.tables[section] = (line, [], [])
                    continue
                if section is None:
                    raise self.fail(line, "data before the first section title (META, PROJECTS or VOTES)")
                _, header, rows = self.tables[section]
                if not header:
                    header.extend(cells)
                else:
                    rows.append((line, cells))
        except csv.Error as error:
            raise self.fail(self.reader.line_num, f"bad CSV quoting ({error})") from error

    def _table(self, section: str, required: tuple[str, ...]) -> tuple[list[str], list[tuple[int, list[str]]]]:
        title_line, header, rows = self.tables[section]
        if not header:
            raise self.fail(title_line, f"{section} section has no header row")
        missing = [column for column in required if column not in header]
        if missing:
            raise self.fail(title_line + 1, f"{section} header lacks column(s) {', '.join(missing)}")
        duplicated = {column for column in header if header.count(column) > 1}
        if duplicated:
            raise self.fail(title_line + 1, f"{section} header repeats column(s) {', '.join(sorted(duplicated))}")
        for line, cells in rows:
            if len(cells) != len(header):
                raise self.fail(line, f"{section} row has {len(cells)} fields, the header has {len(header)}")
        return header, rows

    def _meta(self) -> dict[str, str]:
        title_line, header, rows = self.tables["META"]
        if len(header) != 2:
            raise self.fail(title_line + 1, "META header must be `key;value`")
        self._table("META", ())
        meta: dict[str, str] = {}
        for line, (key, value) in rows:
            if not key:
                raise self.fail(line, "META row without a key")
            if key in meta:
                raise self.fail(line, f"META key {key!r} given twice")
            meta[key] = value
        if "budget" in meta:
            try:
                parse_budget(meta["budget"])
            except PabulibError as error:
                raise self.fail(self._meta_line("budget"), str(error)) from None
        return meta

    def _meta_line(self, key: str) -> int:
        return next(line for line, cells in self.tables["META"][2] if cells[0] == key)

    def _projects(self) -> tuple[dict[str, Project], tuple[str, ...]]:
        header, rows = self._table("PROJECTS", ("project_id", "cost"))
        projects: dict[str, Project] = {}
        for line, cells in rows:
            record = dict(zip(header, cells, strict=True))
            project_id = record.pop("project_id")
            if not project_id:
                raise self.fail(line, "project without a project_id")
            if "," in project_id:
                raise self.fail(line, f"project id {project_id!r} contains a comma")
            if project_id in projects:
                raise self.fail(line, f"project {project_id!r} listed twice")
            cost_text = record.pop("cost")
            if not cost_text.isdigit():
                raise self.fail(
                    line, f"cost {cost_text!r} of project {project_id!r} is not a whole non-negative number"
                )
            selected = record.pop("selected", None) or None
            if selected is not None and not selected.isdigit():
                raise self.fail(line, f"selected {selected!r} of project {project_id!r} is not 0, 1 or 2")
            projects[project_id] = Project(
                project_id=project_id,
                cost=int(cost_text),
                name=record.pop("name", ""),
                selected=None if selected is None else int(selected),
                fields=record,
            )
        return projects, tuple(header)

    def _ballots(self, vote_type: str, projects: dict[str, Project]) -> tuple[list[Ballot], tuple[str, ...]]:
        with_points = vote_type in POINTS_VOTE_TYPES
        required = ("voter_id", "vote", "points") if with_points else ("voter_id", "vote")
        header, rows = self._table("VOTES", required)
        ballots: list[Ballot] = []
        seen_voters: set[str] = set()
        progress, total = self.progress, len(rows)
        for line, cells in rows:
            record = dict(zip(header, cells, strict=True))
            voter_id = record.pop("voter_id")
            if not voter_id:
                raise self.fail(line, "vote without a voter_id")
            if voter_id in seen_voters:
                raise self.fail(line, f"voter {voter_id!r} votes twice")
            seen_voters.add(voter_id)
            votes = _split_list(record.pop("vote"))
            for project_id in votes:
                if project_id not in projects:
                    raise self.fail(line, f"voter {voter_id!r} votes for unknown project {project_id!r}")
            if len(set(votes)) != len(votes):
                raise self.fail(line, f"voter {voter_id!r} names a project twice")
            points_text = record.pop("points", None)
            points = None
            if with_points:
                points = self._points(line, voter_id, points_text or "", len(votes))
            elif points_text:
                # A points column on an approval ballot carries nothing we use, but keep it.
                record["points"] = points_text
            ballots.append(Ballot(voter_id=voter_id, votes=votes, points=points, fields=record))
            if progress is not None:
                progress(len(ballots), total)
        return ballots, tuple(header)

    def _points(self, line: int, voter_id: str, text: str, vote_count: int) -> tuple[int, ...]:
        items = _split_list(text)
        if len(items) != vote_count:
            raise self.fail(line, f"voter {voter_id!r} gives {len(items)} points for {vote_count} projects")
        try:
            return tuple(int(item) for item in items)
        except ValueError:
            raise self.fail(line, f"voter {voter_id!r} has non-integer points {text!r}") from None

    def _check_counts(self, meta: dict[str, str], projects: dict[str, Project], ballots: list[Ballot]) -> None:
        # A count that disagrees with the sections usually means a truncated or spliced file.
        for key, actual in (("num_projects", len(projects)), ("num_votes", len(ballots))):
            declared = meta.get(key, "")
            if declared.isdigit() and int(declared) != actual:
                raise self.fail(self._meta_line(key), f"META {key} is {declared} but the file has {actual}")


def _split_list(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",")) if text.strip() else ()


def write_pabulib(election: Election, *, progress: Progress | None = None) -> str:
    """Render an election as pabulib text (LF line endings) that `read_pabulib` reads back equal;
    `progress(votes written, votes in all)` is called after each vote."""
    lines = [_format_row(["META"]), _format_row(["key", "value"])]
    lines.extend(_format_row([key, value]) for key, value in election.meta.items())

    project_columns = election.project_columns or _project_columns(election)
    lines += [_format_row(["PROJECTS"]), _format_row(project_columns)]
    for project in election.projects.values():
        if "," in project.project_id or not project.project_id.strip():
            raise PabulibError(f"project id {project.project_id!r} cannot be written")
        values = {
            "project_id": project.project_id,
            "cost": str(project.cost),
            "name": project.name,
            "selected": "" if project.selected is None else str(project.selected),
            **project.fields,
        }
        lines.append(_format_row([values.get(column, "") for column in project_columns]))

    ballot_columns = election.ballot_columns or _ballot_columns(election)
    lines += [_format_row(["VOTES"]), _format_row(ballot_columns)]
    total = len(election.ballots)
    for written, ballot in enumerate(election.ballots, start=1):
        unknown = [project_id for project_id in ballot.votes if project_id not in election.projects]
        if unknown:
            raise PabulibError(f"voter {ballot.voter_id!r} votes for unknown project(s) {', '.join(unknown)}")
        values = {"voter_id": ballot.voter_id, "vote": ",".join(ballot.votes), **ballot.fields}
        if ballot.points is not None:
            values["points"] = ",".join(str(point) for point in ballot.points)
        lines.append(_format_row([values.get(column, "") for column in ballot_columns]))
        if progress is not None:
            progress(written, total)
    return "".join(line + "\n" for line in lines)


def _format_row(cells) -> str:
    # csv.writer leaves a lone "\r" unquoted when the line terminator is "\n", and a reader then
    # splits the row there; so quote by hand: any field with a separator, quote or line break.
    return ";".join(
        '"' + cell.replace('"', '""') + '"' if any(char in cell for char in ';"\r\n') else cell for cell in cells
    )


def _project_columns(election: Election) -> tuple[str, ...]:
    columns = ["project_id", "cost", "name"]
    if any(project.selected is not None for project in election.projects.values()):
        columns.append("selected")
    for project in election.projects.values():
        columns.extend(column for column in project.fields if column not in columns)
    return tuple(columns)


def _ballot_columns(election: Election) -> tuple[str, ...]:
    columns = ["voter_id", "vote"]
    if election.vote_type in POINTS_VOTE_TYPES or any(ballot.points is not None for ballot in election.ballots):
        columns.append("points")
    for ballot in election.ballots:
        columns.extend(column for column in ballot.fields if column not in columns)
    return tuple(columns)
