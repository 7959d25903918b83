"""Reads of the counted results for the results pages: a fixed number of queries whatever the
number of projects or ballots (everything shown was computed and stored by the count).

Who sees what: published results are public; an imported (simulation) cycle's results are public
as soon as they are counted; before publication the cycle's officials see them with a "not yet
published" note and everyone else is told they are not published yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from ..models import Cycle, Pot, PotResult, ProjectResult
from ..rules import runs_cycle

PUBLIC, PREVIEW, HIDDEN = "public", "preview", "hidden"
# The order rules appear in the comparison table after the cycle's own rule.
COMPARED_RULES = (Cycle.Rule.GREEDY, Cycle.Rule.MES, Cycle.Rule.MES_COMPARISON, Cycle.Rule.GREEDY_THRESHOLD,
                  Cycle.Rule.SEOUL_WEIGHTED)
# The inline chart: its width, one band per project, and where the bars start.
CHART_WIDTH, CHART_ROW, CHART_LABEL, CHART_BAR = 720, 34, 220, 14


def krw(amount: int | Fraction | None, currency: str = "KRW") -> str:
    """An amount with thousands separators: "300,000,000원" / "KRW 300,000,000"; a fraction
    (MES's per-voter budget) to two decimals. An imported election keeps its own currency."""
    if amount is None:
        return ""
    text = f"{amount:,}" if isinstance(amount, int) else f"{float(amount):,.2f}"
    if currency and currency != "KRW":
        return f"{text} {currency}"
    return _("KRW %(amount)s") % {"amount": text}


def currency_of(cycle: Cycle) -> str:
    if cycle.is_simulation:
        return str((cycle.source_meta or {}).get("currency", "")).strip()[:10]
    return "KRW"


def percent(value: Fraction) -> str:
    return f"{float(value) * 100:.1f}"


def results_access(user, cycle: Cycle) -> str:
    """PUBLIC, PREVIEW (an official before publication) or HIDDEN."""
    if cycle.is_simulation or cycle.results_published_at is not None:
        return PUBLIC
    if runs_cycle.test(user, cycle):
        return PREVIEW
    return HIDDEN


def rule_label(rule: str) -> str:
    try:
        return str(Cycle.Rule(rule).label)
    except ValueError:
        return rule


# --- The cycle's page: one line per pot ----------------------------------------------------------


@dataclass(frozen=True)
class PotSummary:
    pot: Pot
    result: PotResult | None
    funded_count: int
    used: str
    total: str
    share_used: str  # percent of the pot's total spent


def cycle_results(cycle: Cycle) -> list[PotSummary]:
    """Every pot of the cycle (prefetched by cycle_for_page) with its counted result, if any."""
    results = {
        result.pot_id: result
        for result in PotResult.objects.filter(cycle=cycle).annotate(
            funded_count=Count("projects", filter=Q(projects__funded=True))
        )
    }
    summaries = []
    currency = currency_of(cycle)
    for pot in cycle.pots.all():
        result = results.get(pot.pk)
        summaries.append(
            PotSummary(
                pot=pot,
                result=result,
                funded_count=result.funded_count if result else 0,
                used=krw(result.total_cost, currency) if result else "",
                total=krw(pot.total, currency),
                share_used=percent(Fraction(result.total_cost, pot.total)) if result else "",
            )
        )
    return summaries


# --- One pot's page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    result: ProjectResult
    title: str
    sector: str
    cost: str
    committee_score: str
    school_score: str  # the weighted rule's other parts; "" under the other rules
    proposers_score: str
    final_score: str
    effective_support: str
    note: str  # why an unfunded project was not funded; how a funded one was


@dataclass(frozen=True)
class RuleFigures:
    rule: str
    label: str
    is_cycle_rule: bool
    funded_count: int
    total_cost: str
    share_without_funded: str  # percent
    share_without_funded_exact: str
    average_funded_approvals: str
    average_funded_approvals_exact: str
    funded_titles: list[str]


@dataclass(frozen=True)
class RuleDifference:
    first: str
    second: str
    only_first: list[str]
    only_first_votes: int
    only_second: list[str]
    only_second_votes: int


@dataclass(frozen=True)
class ChartBar:
    title: str
    funded: bool
    y: int
    text_y: int
    votes: int
    votes_width: int
    cost: str
    cost_y: int
    cost_width: int


@dataclass
class PotResultsPage:
    cycle: Cycle
    pot: Pot
    result: PotResult | None
    funded: list[ResultRow] = field(default_factory=list)
    unfunded: list[ResultRow] = field(default_factory=list)
    used: str = ""
    total: str = ""
    left: str = ""
    share_used: str = ""
    budget_per_voter: str = ""
    budget_per_voter_exact: str = ""
    completion_step: str = ""
    is_mes: bool = False
    is_weighted: bool = False
    rule_label: str = ""
    figures: list[RuleFigures] = field(default_factory=list)
    differences: list[RuleDifference] = field(default_factory=list)
    comparison_step: dict | None = None
    chart: list[ChartBar] = field(default_factory=list)
    chart_height: int = 0
    chart_width: int = CHART_WIDTH
    chart_label_width: int = CHART_LABEL
    threshold: int | None = None

    @property
    def project_count(self) -> int:
        return len(self.funded) + len(self.unfunded)


def pot_of_cycle(cycle: Cycle, pot_pk) -> Pot:
    for pot in cycle.pots.all():
        if pot.pk == pot_pk:
            return pot
    raise Http404


def _score(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _note(row: ProjectResult, threshold: int | None, left: int, by_equal_shares: bool) -> str:
    if row.funded:
        return _("Added by the completion") if row.added_by_completion else ""
    if threshold is not None and row.votes < threshold:
        return _("Fewer votes than the minimum of %(threshold)s") % {"threshold": f"{threshold:,}"}
    if by_equal_shares:
        return _("Its supporters' shares could not pay for it")
    if row.cost > left:
        return _("Did not fit in the money left")
    return ""


def pot_results(cycle: Cycle, pot_pk: int) -> PotResultsPage:
    """Everything a pot's results page shows (two queries: the pot's result, its projects)."""
    pot = pot_of_cycle(cycle, pot_pk)
    result = PotResult.objects.filter(cycle=cycle, pot=pot).first()
    currency = currency_of(cycle)
    page = PotResultsPage(cycle=cycle, pot=pot, result=result, total=krw(pot.total, currency))
    if result is None:
        return page
    rows = list(
        ProjectResult.objects.filter(pot_result=result).select_related("project__sector").order_by("rank")
    )
    rule = result.rule
    rule_details = result.comparison.get(rule, {})
    threshold = rule_details.get("threshold") if rule == Cycle.Rule.GREEDY_THRESHOLD else None
    left = pot.total - result.total_cost
    page.used, page.left = krw(result.total_cost, currency), krw(left, currency)
    page.share_used = percent(Fraction(result.total_cost, pot.total))
    page.is_mes = rule in (Cycle.Rule.MES, Cycle.Rule.MES_COMPARISON)
    page.is_weighted = rule == Cycle.Rule.SEOUL_WEIGHTED
    page.rule_label = rule_label(rule)
    page.threshold = threshold
    if result.budget_per_voter:
        page.budget_per_voter = krw(Fraction(result.budget_per_voter), currency)
        page.budget_per_voter_exact = result.budget_per_voter
    if rule_details.get("completion_step"):
        page.completion_step = krw(int(rule_details["completion_step"]), currency)
    page.comparison_step = rule_details.get("comparison_step")
    # Under the comparison step greedy may have replaced the Method of Equal Shares.
    by_equal_shares = page.is_mes and (page.comparison_step or {}).get("kept", "mes") == "mes"
    for row in rows:
        project = row.project
        display = ResultRow(
            result=row,
            title=project.title,
            sector=project.sector.name if project.sector_id else "",
            cost=krw(row.cost, currency),
            committee_score=_score(project.committee_score),
            school_score=_score(project.school_score) if page.is_weighted else "",
            proposers_score=_score(project.proposers_score) if page.is_weighted else "",
            final_score=_score(row.final_score) if page.is_weighted else "",
            effective_support=f"{float(Fraction(row.effective_support)):,.2f}" if row.effective_support else "",
            note=_note(row, threshold, left, by_equal_shares),
        )
        (page.funded if row.funded else page.unfunded).append(display)
    page.figures, page.differences = _comparison(result, rows, currency)
    page.chart, page.chart_height = _chart(rows, pot.total, currency)
    return page


def _comparison(result: PotResult, rows: list[ProjectResult], currency: str,
                ) -> tuple[list[RuleFigures], list[RuleDifference]]:
    titles = {row.project_id: row.project.title for row in rows}
    votes = {row.project_id: row.votes for row in rows}
    order = [result.rule, *[rule for rule in COMPARED_RULES if rule != result.rule]]
    entries = [(rule, result.comparison[rule]) for rule in order if isinstance(result.comparison.get(rule), dict)]
    figures = [
        RuleFigures(
            rule=rule,
            label=rule_label(rule),
            is_cycle_rule=rule == result.rule,
            funded_count=entry.get("funded_count", len(entry.get("funded", []))),
            total_cost=krw(entry.get("total_cost"), currency),
            share_without_funded=percent(Fraction(entry.get("share_without_funded") or "0")),
            share_without_funded_exact=entry.get("share_without_funded", ""),
            average_funded_approvals=f"{float(Fraction(entry.get('average_funded_approvals') or '0')):.2f}",
            average_funded_approvals_exact=entry.get("average_funded_approvals", ""),
            funded_titles=[titles.get(pk, str(pk)) for pk in entry.get("funded", [])],
        )
        for rule, entry in entries
    ]
    differences = []
    if entries:
        own_rule, own = entries[0]
        own_funded = set(own.get("funded", []))
        for rule, entry in entries[1:]:
            other = set(entry.get("funded", []))
            only_own = [pk for pk in own.get("funded", []) if pk not in other]
            only_other = [pk for pk in entry.get("funded", []) if pk not in own_funded]
            differences.append(
                RuleDifference(
                    first=rule_label(own_rule),
                    second=rule_label(rule),
                    only_first=[titles.get(pk, str(pk)) for pk in only_own],
                    only_first_votes=sum(votes.get(pk, 0) for pk in only_own),
                    only_second=[titles.get(pk, str(pk)) for pk in only_other],
                    only_second_votes=sum(votes.get(pk, 0) for pk in only_other),
                )
            )
    return figures, differences


def _chart(rows: list[ProjectResult], total: int, currency: str) -> tuple[list[ChartBar], int]:
    """Bars for an inline SVG: votes (scaled to the most votes) and cost (scaled to the pot)."""
    most_votes = max((row.votes for row in rows), default=0) or 1
    span = CHART_WIDTH - CHART_LABEL - 70
    bars = []
    for position, row in enumerate(rows):
        top = position * CHART_ROW
        bars.append(
            ChartBar(
                title=row.project.title if len(row.project.title) <= 24 else row.project.title[:23] + "…",
                funded=row.funded,
                y=top + 2,
                text_y=top + 14,
                votes=row.votes,
                votes_width=max(1, span * row.votes // most_votes) if row.votes else 0,
                cost=krw(row.cost, currency),
                cost_y=top + 19,
                cost_width=max(1, span * min(row.cost, total) // total) if total else 0,
            )
        )
    return bars, len(rows) * CHART_ROW + 4
