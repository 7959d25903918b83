"""The sizes a benchmark seeds, per channel, at Seoul's scale (issue 4 and issue 9); a run scales
them by a factor. Free of Django, so that the runner can plan before any settings are loaded."""

SEOUL = {
    "proposals": {"proposals": 100_000, "supports": 2_000_000, "comments": 500_000},
}
# The detail page's benchmark reads the proposal with this many comments at every scale.
FEATURED_COMMENTS = 1_000


def scaled(channel: str, factor: float) -> dict:
    sizes = {name: max(1, round(size * factor)) for name, size in SEOUL[channel].items()}
    if channel == "proposals":
        # The featured proposal's 1,000 comments, and as many again for the others.
        sizes["comments"] = max(sizes["comments"], 2 * FEATURED_COMMENTS)
    return sizes
