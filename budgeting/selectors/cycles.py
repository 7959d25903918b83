"""Reads of cycles for the pages: one cycle with what every page of it shows."""

from django.db.models import Prefetch
from django.http import Http404

from ..models import Cycle, Pot


def cycles_with_phases():
    return Cycle.objects.select_related("org_unit", "committee").prefetch_related(
        "phases", Prefetch("pots", queryset=Pot.objects.select_related("district")), "sectors"
    )


def cycle_for_page(pk) -> Cycle:
    """The cycle with its phases, pots (with districts) and sectors prefetched; Http404 if none.
    Imported (simulation) cycles are shown too: their pages say they are simulations."""
    try:
        return cycles_with_phases().get(pk=int(pk))
    except (Cycle.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def current_cycle() -> Cycle | None:
    """The latest real cycle (not an imported simulation)."""
    return cycles_with_phases().filter(is_simulation=False).order_by("-year").first()
