"""The sizes a benchmark seeds, per channel, at Seoul's scale (issues 4, 5, 6 and 9); a run scales
them by a factor. Free of Django, so that the runner can plan before any settings are loaded."""

SEOUL = {
    "proposals": {"proposals": 100_000, "supports": 2_000_000, "comments": 500_000},
    # M-Voting (issue 5): the results page of a poll with 1,000,000 ballots; a ranked-choice poll;
    # other polls of every kind and status (Seoul counted 2,639 by 2021) sharing more ballots.
    "voting": {"ballots": 1_000_000, "ranked_ballots": 1_000_000, "polls": 2_500, "other_ballots": 250_000},
    # Participatory budgeting (issue 6): the results pages of a cycle of 40,000 voters and 400,000
    # project votes (10 picks each: 5 in the city-wide pot, 5 in their district's).
    "budgeting": {"voters": 40_000, "project_votes": 400_000},
    # Integrated civil complaints (issue 7): a million complaints, about five months of Seoul's
    # ~7,000 a day, in every state and channel, with their events, followers and transfers.
    "complaints": {"complaints": 1_000_000},
    # Complaint analysis (issue 8): the dashboards over ten million complaints, about four years of
    # Seoul's ~7,000 a day (bench/seeding/analysis.py), against 10,000 over the same four years.
    "analysis": {"complaints": 10_000_000},
}
# The budgeting cycle's projects, the same at every scale (only the voters grow): the city-wide
# pot's, and each of the 25 district pots'.
BUDGET_CITY_PROJECTS = 100
BUDGET_DISTRICT_PROJECTS = 10
# The detail page's benchmark reads the proposal with this many comments at every scale.
FEATURED_COMMENTS = 1_000
# The voting list (20 a page, open polls by default) compares full pages at every scale: at least this
# many other polls (about 30 of them open).
MIN_POLLS = 250

# What a run of each channel compares: the size that names a dataset, the dataset whose query
# counts every other must equal, and how much smaller the small dataset is than the big one.
# Issue 4: 100,000 proposals vs 1,000 (queries as at 100); issue 5: 1,000,000 ballots vs 1,000;
# issue 6: 40,000 voters vs 400 (queries as at 40); issue 7: 1,000,000 complaints vs 1,000; issue 8:
# 10,000,000 complaints vs 10,000 (queries as at 1,000), within 2x (max_ratio: the channel's latency
# target, 1.5 when not given), the rollups rebuilt after seeding and timed (rebuild). Every baseline
# lies below the small scale's big dataset (`make bench SCALE=small`), so that the small run too
# compares two sizes (400 voters with 40, 10,000 complaints with 1,000) rather than one with itself.
MEASURES = {
    "proposals": {"title": "Democratic Seoul", "size": "proposals", "baseline": 100, "ratio": 100},
    "voting": {"title": "M-Voting", "size": "ballots", "baseline": 1_000, "ratio": 1_000},
    "budgeting": {"title": "Participatory budgeting", "size": "voters", "baseline": 40, "ratio": 100},
    "complaints": {"title": "Integrated civil complaints", "size": "complaints", "baseline": 1_000, "ratio": 1_000},
    "analysis": {
        "title": "Complaint analysis",
        "size": "complaints",
        "baseline": 1_000,
        "ratio": 1_000,
        "max_ratio": 2.0,
        "rebuild": True,
    },
}


def baseline_factor(channel: str) -> float:
    measure = MEASURES[channel]
    return measure["baseline"] / SEOUL[channel][measure["size"]]


def size_label(count: int) -> str:
    """1000 → 1k, 1000000 → 1M; other counts as they are."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1_000 and count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


def scaled(channel: str, factor: float) -> dict:
    sizes = {name: max(1, round(size * factor)) for name, size in SEOUL[channel].items()}
    if channel == "proposals":
        # The featured proposal's 1,000 comments, and as many again for the others.
        sizes["comments"] = max(sizes["comments"], 2 * FEATURED_COMMENTS)
    if channel == "voting":
        # Full pages of polls in the lists at every scale, so that a list compares with a list.
        sizes["polls"] = max(sizes["polls"], MIN_POLLS)
    if channel == "budgeting":
        # The same projects at every scale; as many picks per voter as at Seoul's.
        sizes["project_votes"] = sizes["voters"] * (SEOUL[channel]["project_votes"] // SEOUL[channel]["voters"])
        sizes["city_projects"] = BUDGET_CITY_PROJECTS
        sizes["district_projects"] = BUDGET_DISTRICT_PROJECTS
    return sizes
