"""The back-office pages the journeys take officials through pass axe-core too: the index, the
lists of proposals, polls, budget cycles and projects, complaints and accounts, an object's page in
each, and the pages of its actions (answering a proposal or a complaint, recording feasibility,
counting a cycle) — on the demo data, as the demo official."""

import re
from urllib.parse import urlsplit

import pytest

from tests.site.xss_world import demo_users, seed_demo

pytestmark = [pytest.mark.django_db(transaction=True)]

LISTS = [
    "/admin/proposals/proposal/", "/admin/voting/poll/", "/admin/budgeting/cycle/", "/admin/budgeting/project/",
    "/admin/complaints/complaint/", "/admin/citizens/citizen/",
]  # fmt: skip
OBJECT_PAGE = re.compile(r"^/admin/[a-z_]+/[a-z_]+/\d+/change/$")
# What a GET may not do: sign out, delete, or show an object's history (Django's own page).
NOT_AN_ACTION = re.compile(r"/(delete|history)/$|logout")


def test_the_officials_pages_have_no_serious_violation(journeys):
    seed_demo()
    official = demo_users()["official"]
    journey = journeys(mode="desktop", user=official, backend="citizens.backends.StaffEmailBackend")
    page = journey.page
    journey.goto("/admin/")
    journey.audit()
    for changelist in LISTS:
        assert journey.goto(changelist).status == 200, changelist
        journey.audit()
        links = page.locator("#result_list a[href]").evaluate_all("links => links.map((link) => link.href)")
        object_pages = [urlsplit(link).path for link in links if OBJECT_PAGE.match(urlsplit(link).path)]
        assert object_pages, f"{changelist} lists nothing"
        journey.goto(object_pages[0])
        journey.audit()
        # The object's own action pages (an answer form, a feasibility record, the count).
        base = object_pages[0].removesuffix("change/")
        actions = {
            urlsplit(link).path
            for link in page.locator("#content-main a[href]").evaluate_all("links => links.map((l) => l.href)")
            if urlsplit(link).path.startswith(base) and not NOT_AN_ACTION.search(urlsplit(link).path)
        } - {object_pages[0]}
        for action in sorted(actions):
            if journey.goto(action).status == 200:
                journey.audit()
    assert journey.pages_audited >= 1 + 2 * len(LISTS)
    journey.finish()
