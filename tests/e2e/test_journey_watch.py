"""The journeys' watch itself: it must fail a page that breaks the rules, or a passing journey
would prove nothing."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_the_audit_reports_a_serious_violation_and_a_server_error(journeys, live_server):
    journey = journeys(mode="phone")
    journey.goto("/signin/")
    journey.audit()
    assert journey.problems == [] and journey.pages_audited == 1
    # A text field with no label is a critical violation (axe's "label" rule).
    journey.page.evaluate("document.querySelector('main').appendChild(document.createElement('input'))")
    journey.audit(force=True)
    assert any("axe critical label on /signin/" in problem for problem in journey.problems), journey.problems

    journey.problems.clear()
    journey.goto("/signin/code/?next=%ZZ")  # survives, as every bad input must: no problem recorded
    assert journey.problems == []
    with pytest.raises(AssertionError):
        journey.problems.append("503 from GET /")
        journey.finish()


def test_without_javascript_no_script_runs(journeys):
    journey = journeys(mode="phone-no-js")
    journey.goto("/signin/")
    journey.audit()
    assert journey.problems == []
    assert journey.page.locator("html.js").count() == 0

    scripted = journeys(mode="desktop")
    scripted.goto("/signin/")
    assert scripted.page.locator("html.js").count() == 1
