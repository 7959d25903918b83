"""Reading and writing pabulib files: the real files, a round trip, and clear errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgeting.pabulib import Ballot, Election, PabulibError, Project, read_pabulib, write_pabulib
from tests.budgeting.elections import (
    ASSEN,
    FILES,
    GDANSK,
    PABULIB_DIR,
    STANFORD,
    WIELICZKA,
    ZABRZE,
    election,
)

SMALL = """META
key;value
budget;100
vote_type;approval
num_projects;2
num_votes;2
PROJECTS
project_id;cost;name
1;60;Park
2;40;Library
VOTES
voter_id;vote;age
a;1,2;34
b;2;51
"""


def test_every_file_declares_and_holds_its_counts():
    for name in FILES:
        parsed = election(name)
        assert len(parsed.projects) == int(parsed.meta["num_projects"]), name
        assert len(parsed.ballots) == int(parsed.meta["num_votes"]), name


@pytest.mark.parametrize("name", FILES)
def test_round_trip(name):
    parsed = election(name)
    written = write_pabulib(parsed)
    assert read_pabulib(written) == parsed
    # Writing is stable: the second generation is byte-identical to the first.
    assert write_pabulib(read_pabulib(written)) == written


def test_reads_a_path_bytes_or_text_alike():
    path = PABULIB_DIR / ASSEN
    assert read_pabulib(str(path)) == read_pabulib(path) == read_pabulib(path.read_bytes())
    assert read_pabulib(path.read_text(encoding="utf-8")) == read_pabulib(path)


def test_projects_keep_cost_name_selected_and_other_columns():
    project = election(WIELICZKA).projects["81"]
    assert project.cost == 68000
    assert project.selected == 0
    # A quoted name with doubled quotes inside.
    assert project.name.startswith('Sensoryczna ścieżka dla dzieci oraz domki dla zwierząt w Parku "Stok pod Baranem"')
    assert project.fields["votes"] == "233"
    assert set(project.fields) == {"votes", "latitude", "longitude"}


def test_ballots_keep_points_and_voter_columns():
    ballot = next(ballot for ballot in election(GDANSK).ballots if ballot.voter_id == "1346")
    assert ballot.votes == ("2", "1", "3", "4")
    assert ballot.points == (2, 1, 1, 1)
    assert ballot.fields == {"age": "70", "sex": "F"}
    assert election(ZABRZE).ballots[0].fields == {"district": "Biskupice"}


def test_ordinal_ballots_keep_their_ranking():
    ballot = election(STANFORD).ballots[0]
    assert (ballot.voter_id, ballot.votes, ballot.points) == ("106-0", ("1108", "1109", "1104"), None)


def test_mixed_line_endings_and_spaces_after_separators():
    text = SMALL.replace("\n", "\r\n", 5).replace("PROJECTS\n", "PROJECTS\r").replace(";", "; ")
    assert read_pabulib(text) == read_pabulib(SMALL)


def test_empty_or_undecodable_input_is_a_pabulib_error():
    with pytest.raises(PabulibError, match="missing META section"):
        read_pabulib("")
    with pytest.raises(PabulibError, match="not UTF-8 text"):
        read_pabulib(SMALL.encode("utf-16"))


def test_byte_order_mark_is_ignored():
    assert read_pabulib(("\ufeff" + SMALL).encode()) == read_pabulib(SMALL)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (SMALL.split("VOTES")[0], "missing VOTES section"),
        (SMALL.replace("PROJECTS\n", ""), "missing PROJECTS section"),
        (SMALL.replace("b;2;51", "b;3;51"), "line 14: voter 'b' votes for unknown project '3'"),
        (SMALL.replace("1;60;Park", "1;60.5;Park"), "line 9: cost '60.5' of project '1' is not a whole"),
        (SMALL.replace("1;60;Park", "1;;Park"), "line 9: cost '' of project '1'"),
        (SMALL.replace("2;40;Library", "2;40"), "line 10: PROJECTS row has 2 fields, the header has 3"),
        (SMALL.replace("b;2;51", "a;2;51"), "line 14: voter 'a' votes twice"),
        (SMALL.replace("2;40;Library", "1;40;Library"), "line 10: project '1' listed twice"),
        (SMALL.replace("a;1,2;34", "a;1,1;34"), "line 13: voter 'a' names a project twice"),
        (SMALL.replace("num_votes;2", "num_votes;3"), "line 6: META num_votes is 3 but the file has 2"),
        (SMALL.replace("budget;100", "budget;lots"), "line 3: META budget 'lots' is not a whole"),
        (
            SMALL.replace("project_id;cost;name", "project_id;price;name"),
            "line 8: PROJECTS header lacks column(s) cost",
        ),
        ("hello\n" + SMALL, "line 1: data before the first section title"),
        (SMALL + "META\n", "second META section"),
        (SMALL.replace("vote_type;approval", "vote_type;cumulative"), "VOTES header lacks column(s) points"),
    ],
)
def test_malformed_input_names_the_problem(broken, message):
    with pytest.raises(PabulibError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_pabulib(broken)


def test_points_must_match_the_votes():
    text = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace("vote;age", "vote;points;age")
    text = text.replace("a;1,2;34", "a;1,2;3;34").replace("b;2;51", "b;2;x;51")
    with pytest.raises(PabulibError, match="line 13: voter 'a' gives 1 points for 2 projects"):
        read_pabulib(text)
    with pytest.raises(PabulibError, match="line 14: voter 'b' has non-integer points 'x'"):
        read_pabulib(text.replace("a;1,2;3;34", "a;1,2;3,2;34"))


def test_pabulib_error_is_a_value_error():
    assert issubclass(PabulibError, ValueError)


def test_writing_refuses_votes_for_unknown_projects():
    parsed = read_pabulib(SMALL)
    parsed.ballots.append(Ballot("c", ("9",)))
    with pytest.raises(PabulibError, match="unknown project"):
        write_pabulib(parsed)


# Text that survives pabulib: no surrounding whitespace (not significant in the format).
field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(str.strip)
identifier = st.text("abcxyz0123456789-_ ", min_size=1, max_size=6).map(str.strip).filter(bool)


@st.composite
def elections(draw):
    vote_type = draw(st.sampled_from(["approval", "ordinal", "cumulative"]))
    meta = {"description": draw(field_text), "budget": str(draw(st.integers(0, 10**9))), "vote_type": vote_type}
    project_ids = draw(st.lists(identifier, min_size=1, max_size=5, unique=True))
    projects = {
        project_id: Project(
            project_id,
            draw(st.integers(0, 10**7)),
            name=draw(field_text),
            selected=draw(st.sampled_from([0, 1])),
            fields={"category": draw(field_text)},
        )
        for project_id in project_ids
    }
    ballots = []
    for voter_id in draw(st.lists(identifier, max_size=6, unique=True)):
        votes = tuple(draw(st.lists(st.sampled_from(project_ids), unique=True)))
        points = tuple(draw(st.integers(0, 9)) for _ in votes) if vote_type == "cumulative" else None
        ballots.append(Ballot(voter_id, votes, points, {"district": draw(field_text)}))
    return Election(meta, projects, ballots)


@settings(database=None, derandomize=True, max_examples=150, deadline=None)
@given(elections())
def test_round_trip_of_generated_elections_with_awkward_text(original):
    copy = read_pabulib(write_pabulib(original))
    assert copy.meta == original.meta
    assert copy.projects == original.projects
    assert copy.ballots == original.ballots
