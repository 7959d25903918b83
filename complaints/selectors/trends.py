"""Reads of the trending issues: the latest computation (Trend rows) overall or for a category,
and where each term's complaints are. Two queries whatever the number of complaints: the pages
never sum term counts, services/text_analysis.py did when it computed the trends."""

from dataclasses import dataclass
from datetime import date, timedelta

from ..models import Category, Trend


@dataclass(frozen=True)
class TrendingTerm:
    rank: int
    term: str
    this_week: int
    baseline: float  # weekly average of the four weeks before
    score: float

    @property
    def rise(self) -> float:
        return self.this_week - self.baseline


@dataclass(frozen=True)
class Trending:
    category: Category | None
    terms: list[TrendingTerm]
    week_start: date | None  # None: never computed (yet)
    computed_at: object

    @property
    def week_end(self) -> date | None:
        return self.week_start + timedelta(days=6) if self.week_start else None


def trend_category(code) -> Category | None:
    """The category of a service code (any: a category's trends stay readable after it is
    retired), or None. One query; a value that cannot be a code asks nothing."""
    if not code or not isinstance(code, str) or len(code) > 40:
        return None
    return Category.objects.filter(service_code=code).first()


def trending_terms(*, category: Category | None = None) -> Trending:
    """The ranked terms of the last computation, overall or for `category`. One query."""
    rows = list(Trend.objects.filter(category=category).order_by("rank"))
    terms = [
        TrendingTerm(rank=row.rank, term=row.term, this_week=row.this_week, baseline=row.baseline, score=row.score)
        for row in rows
    ]
    first = rows[0] if rows else Trend.objects.order_by("-computed_at").only("week_start", "computed_at").first()
    return Trending(
        category=category,
        terms=terms,
        week_start=first.week_start if first else None,
        computed_at=first.computed_at if first else None,
    )
