"""The cycle's buttons in the back office: count the votes once the vote is over, publish the
results (the proposers hear of them), and neither before the vote ends nor after publication."""

import pytest
from django.urls import reverse

from budgeting.models import Cycle, PotResult
from notifications.models import Notification

MILLION = 1_000_000


def _move(name, cycle):
    return reverse(f"admin:budgeting_cycle_{name}", args=[cycle.pk])


def test_an_official_counts_then_publishes(client, official, make_cycle, make_project, make_ballots, city_pot,
                                           make_citizen, django_capture_on_commit_callbacks):
    cycle = make_cycle("assembly")
    proposer = make_citizen()
    funded = make_project(cycle, city_pot(cycle), cost=200 * MILLION, proposer=proposer)
    make_ballots(cycle, [[funded], [funded]])
    client.force_login(official)
    page = client.get(reverse("admin:budgeting_cycle_change", args=[cycle.pk])).content.decode()
    assert _move("count", cycle) in page and _move("publish", cycle) in page

    with django_capture_on_commit_callbacks(execute=True):  # the count runs in a task after the commit
        assert client.post(_move("count", cycle)).status_code == 302
    assert PotResult.objects.filter(cycle=cycle).exists()
    assert Cycle.objects.get(pk=cycle.pk).results_published_at is None

    assert client.post(_move("publish", cycle)).status_code == 302
    assert Cycle.objects.get(pk=cycle.pk).results_published_at is not None
    assert Notification.objects.filter(citizen=proposer, kind="budget_project_result").exists()

    page = client.get(reverse("admin:budgeting_cycle_change", args=[cycle.pk])).content.decode()
    assert _move("count", cycle) not in page
    counted_at = list(PotResult.objects.filter(cycle=cycle).values_list("computed_at", flat=True))
    response = client.post(_move("count", cycle))  # the page was open in another tab
    assert response.status_code == 200 and 'class="errornote"' in response.content.decode()
    assert list(PotResult.objects.filter(cycle=cycle).values_list("computed_at", flat=True)) == counted_at


@pytest.mark.parametrize("role", ["official", "superuser"])
def test_no_count_while_the_vote_runs(client, request, make_cycle, role):
    """Not even a superuser: the phase binds everyone (Django's has_perm would let them through)."""
    cycle = make_cycle("vote")
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("admin:budgeting_cycle_change", args=[cycle.pk])).content.decode()
    assert _move("count", cycle) not in page
    assert client.post(_move("count", cycle)).status_code == 403
    assert not PotResult.objects.filter(cycle=cycle).exists()


def test_the_count_runs_after_the_request_not_in_it(client, official, make_cycle, make_project, make_ballots,
                                                    city_pot, django_capture_on_commit_callbacks):
    cycle = make_cycle("assembly")
    make_ballots(cycle, [[make_project(cycle, city_pot(cycle), cost=100 * MILLION)]])
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert client.post(_move("count", cycle)).status_code == 302
    assert not PotResult.objects.filter(cycle=cycle).exists()  # nothing counted inside the request
    assert len(callbacks) == 1
    callbacks[0]()  # the task, as the worker runs it
    assert PotResult.objects.filter(cycle=cycle).exists()
    page = client.get(reverse("admin:budgeting_cycle_change", args=[cycle.pk])).content.decode()
    assert "field-last_counted_at" in page


def test_a_simulations_page_is_read_only(client, superuser, make_cycle):
    cycle = make_cycle("after")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:budgeting_cycle_change", args=[cycle.pk]))
    assert page.status_code == 200 and b'name="title_ko"' not in page.content
