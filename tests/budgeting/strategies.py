"""Hypothesis strategies: small random participatory-budgeting instances."""

from hypothesis import settings
from hypothesis import strategies as st

from budgeting.tally import Instance

# Deterministic in CI, and no example database left in the working tree.
PROPERTY_SETTINGS = settings(database=None, derandomize=True, max_examples=300, deadline=None)


@st.composite
def approval_instances(draw, max_projects=6, max_voters=12):
    project_count = draw(st.integers(1, max_projects))
    project_ids = [f"p{number}" for number in range(1, project_count + 1)]
    # Few distinct costs and a narrow range make ties and exact splits common.
    costs = {project_id: draw(st.sampled_from([1, 2, 3, 5, 6, 10, 12, 30])) for project_id in project_ids}
    ballots = draw(st.lists(st.sets(st.sampled_from(project_ids)), min_size=1, max_size=max_voters))
    budget = draw(st.integers(0, sum(costs.values()) + 5))
    return Instance.from_ballots(costs, budget, [sorted(ballot) for ballot in ballots])


@st.composite
def points_instances(draw, max_projects=5, max_voters=10):
    project_count = draw(st.integers(1, max_projects))
    project_ids = [f"p{number}" for number in range(1, project_count + 1)]
    costs = {project_id: draw(st.integers(1, 20)) for project_id in project_ids}
    ballots = draw(
        st.lists(st.dictionaries(st.sampled_from(project_ids), st.integers(1, 5)), min_size=1, max_size=max_voters)
    )
    budget = draw(st.integers(0, sum(costs.values())))
    return Instance.from_ballots(costs, budget, ballots)
