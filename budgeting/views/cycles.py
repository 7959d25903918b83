"""The channel's landing page (the cycles, the current one first) and one cycle's page: its phases
with dates, its pots and sectors, its rules, and what a citizen can do in the phase running now."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from seoul_portal.channels import channel_by_slug

from ..models import PhaseKind
from ..selectors.cycles import cycle_for_page, cycles_with_phases


def _phase_rows(cycle, now):
    labels = dict(PhaseKind.choices)
    rows = []
    for phase in sorted(cycle.phases.all(), key=lambda phase: phase.position):
        state = "current" if phase.starts_at <= now < phase.ends_at else ("past" if phase.ends_at <= now else "future")
        rows.append({"phase": phase, "label": labels[phase.kind], "state": state})
    return rows


def index(request):
    now = timezone.now()
    cycles = list(cycles_with_phases().order_by("-year", "-pk")[:50])
    real = [cycle for cycle in cycles if not cycle.is_simulation]
    for cycle in cycles:
        cycle.current_phase = cycle.phase_at(now)
    return render(request, "budgeting/index.html", {
        "channel": channel_by_slug("budgeting"),
        "current": real[0] if real else None,
        "past": real[1:],
        "simulations": [cycle for cycle in cycles if cycle.is_simulation],
    })


def cycle_detail(request, cycle):
    cycle = cycle_for_page(cycle)
    now = timezone.now()
    current = cycle.phase_at(now)
    pots = sorted(cycle.pots.all(), key=lambda pot: (pot.district_id is not None, pot.district_id or ""))
    return render(request, "budgeting/cycle.html", {
        "cycle": cycle,
        "phases": _phase_rows(cycle, now),
        "current_phase": current.kind if current else "",
        "city_pots": [pot for pot in pots if pot.is_city_wide],
        "district_pots": [pot for pot in pots if not pot.is_city_wide],
        "district_total": sum(pot.total for pot in pots if not pot.is_city_wide),
        "sectors": list(cycle.sectors.all()),
    })


urls = [
    path("", index, name="index"),
    path("<int:cycle>/", cycle_detail, name="cycle"),
]
