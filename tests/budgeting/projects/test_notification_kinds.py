"""The proposer's notices are registered and every variant renders on both channels, in Korean and
in English (the services' tests read the SMS rows; this reads every template)."""

from datetime import date
from decimal import Decimal

import pytest

from budgeting.notifications import KIND_LABELS
from notifications.kinds import get_kind

BASE = {"project_id": 7, "title": "그늘막 설치", "year": 2026}
VARIANTS = {
    "budget_project_received": [{}],
    "budget_project_feasibility": [
        {"feasible": True, "adjusted_cost": None, "estimated_cost": 50_000_000, "cost_reason": "", "reason": ""},
        {"feasible": True, "adjusted_cost": 80_000_000, "estimated_cost": 50_000_000, "cost_reason": "자재비",
         "reason": ""},
        {"feasible": False, "adjusted_cost": None, "estimated_cost": 50_000_000, "cost_reason": "", "reason": "사유지"},
    ],
    "budget_project_committee": [
        {"score": Decimal("80.33"), "spread": Decimal("7.76"), "reviews": 3},
        {"score": None, "spread": None, "reviews": 0},
    ],
    "budget_project_result": [
        {"funded": True, "votes": 1234, "cost": 80_000_000, "rank": 1},
        {"funded": False, "votes": 12, "cost": 80_000_000, "rank": 9},
    ],
    "budget_project_milestone": [
        {"added": True, "milestone_ko": "설계", "milestone_en": "Design", "progress": 0, "due_on": date(2027, 3, 1),
         "completed_on": None, "note_ko": "", "note_en": ""},
        {"added": False, "milestone_ko": "설계", "milestone_en": "", "progress": 100, "due_on": date(2027, 3, 1),
         "completed_on": date(2027, 2, 20), "note_ko": "완료", "note_en": "Done"},
    ],
}


def test_every_kind_is_registered():
    # The proposer's kinds (the voters' and the monitoring's are tested with them).
    assert set(VARIANTS) <= set(KIND_LABELS)
    for key in KIND_LABELS:
        assert get_kind(key).channels == ("sms", "email")


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("key", sorted(VARIANTS))
def test_every_variant_renders(key, language):
    kind = get_kind(key)
    for variant in VARIANTS[key]:
        context = {**BASE, **variant}
        _subject, sms = kind.render("sms", context, language=language)
        subject, body = kind.render("email", context, language=language)
        assert "그늘막 설치" in sms and "그늘막 설치" in subject and "그늘막 설치" in body
        assert "{%" not in sms + body and "None" not in sms + body


def test_the_english_texts_carry_the_facts():
    kind = get_kind("budget_project_feasibility")
    _subject, body = kind.render("email", {**BASE, **VARIANTS["budget_project_feasibility"][1]}, language="en")
    assert "KRW 50,000,000" in body and "KRW 80,000,000" in body and "자재비" in body
    _subject, sms = get_kind("budget_project_milestone").render(
        "sms", {**BASE, **VARIANTS["budget_project_milestone"][1]}, language="en")
    assert "설계 is at 100%" in sms  # no English title: the Korean one
    _subject, body = get_kind("budget_project_committee").render(
        "email", {**BASE, **VARIANTS["budget_project_committee"][0]}, language="en")
    assert "80.33 out of 100 (spread 7.76), from 3 members' scores" in body
