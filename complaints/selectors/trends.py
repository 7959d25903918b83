"""Reads of the trending issues: the latest computation (Trend rows) of one audience (the public
ranking or the officials'), overall or for a category. Two queries whatever the number of
complaints: the pages never sum term counts, services/text_analysis.py did when it computed the
trends. Every read names its audience: the public page must never read the officials' ranking,
which holds the words of private complaints."""

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


def trending_terms(*, audience: Trend.Audience, category: Category | None = None) -> Trending:
    """The ranked terms of the last computation for `audience`, overall or for `category`. One
    query (two when the list is empty: when was it computed)."""
    trends = Trend.objects.filter(audience=audience)
    rows = list(trends.filter(category=category).order_by("rank"))
    terms = [
        TrendingTerm(rank=row.rank, term=row.term, this_week=row.this_week, baseline=row.baseline, score=row.score)
        for row in rows
    ]
    first = rows[0] if rows else trends.order_by("-computed_at").only("week_start", "computed_at").first()
    return Trending(
        category=category,
        terms=terms,
        week_start=first.week_start if first else None,
        computed_at=first.computed_at if first else None,
    )
