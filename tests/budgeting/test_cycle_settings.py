"""A cycle's settings in the back office: editable until the vote opens, frozen after, in the
services and in the admin alike; imported cycles are read-only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from budgeting.errors import BudgetingError
from budgeting.models import Cycle, Phase, PhaseKind, Pot
from budgeting.services.cycles import cycle_save, phases_save, pot_delete, pot_save


def test_rules_change_before_the_vote_is_saved_and_audited(make_cycle, official):
    cycle = make_cycle("proposal")
    cycle.max_picks = 7
    cycle_save(actor=official, cycle=cycle, changed_fields=["max_picks"])
    assert Cycle.objects.get(pk=cycle.pk).max_picks == 7
    assert AuditEvent.objects.filter(action="budgeting.cycle.update", actor_id=official.pk).exists()


@pytest.mark.parametrize("field, value", [("max_picks", 9), ("selection_rule", "greedy"), ("minimum_age", 19),
                                          ("accepts_workers", False), ("ballot_kind", "knapsack")])
def test_rules_are_frozen_once_the_vote_opens(make_cycle, official, field, value):
    cycle = make_cycle("vote")
    before = getattr(Cycle.objects.get(pk=cycle.pk), field)
    setattr(cycle, field, value)
    with pytest.raises(BudgetingError) as refused:
        cycle_save(actor=official, cycle=cycle, changed_fields=[field])
    assert refused.value.code == "frozen"
    assert getattr(Cycle.objects.get(pk=cycle.pk), field) == before


def test_the_title_can_still_change_after_the_vote_opens(make_cycle, official):
    cycle = make_cycle("vote")
    cycle.title_en = "Renamed"
    cycle_save(actor=official, cycle=cycle, changed_fields=["title_en"])
    assert Cycle.objects.get(pk=cycle.pk).title_en == "Renamed"


def test_weights_must_add_up_to_100(make_cycle, official):
    cycle = make_cycle("proposal")
    cycle.weight_votes = 60
    with pytest.raises(BudgetingError, match="100"):
        cycle_save(actor=official, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).weight_votes == 50


def test_pots_are_frozen_once_the_vote_opens(make_cycle, official, city_pot):
    cycle = make_cycle("vote")
    pot = city_pot(cycle)
    pot.total = 2_000_000_000
    with pytest.raises(BudgetingError):
        pot_save(actor=official, pot=pot)
    with pytest.raises(BudgetingError):
        pot_save(actor=official, pot=Pot(cycle=cycle, district_id="11440", name_ko="마포구", total=10, project_cap=5))
    with pytest.raises(BudgetingError):
        pot_delete(actor=official, pot=pot)
    assert Pot.objects.get(pk=pot.pk).total == 1_000_000_000
    assert cycle.pots.count() == 3


def test_pots_change_before_the_vote(make_cycle, official):
    cycle = make_cycle("feasibility")
    pot_save(actor=official, pot=Pot(cycle=cycle, district_id="11440", name_ko="마포구", total=100, project_cap=50))
    assert cycle.pots.count() == 4
    with pytest.raises(BudgetingError) as refused:
        pot_save(actor=official, pot=Pot(cycle=cycle, district_id="11500", name_ko="강서구", total=100, project_cap=500))
    assert refused.value.field == "project_cap"
    assert cycle.pots.count() == 4


def test_phases_must_keep_the_cycle_order(make_cycle, official):
    cycle = make_cycle("proposal")
    vote = cycle.phases.get(kind=PhaseKind.VOTE)
    vote.starts_at = cycle.phases.get(kind=PhaseKind.PROPOSAL).starts_at
    with pytest.raises(BudgetingError):
        phases_save(actor=official, cycle=cycle, phases=[vote])
    assert Phase.objects.get(pk=vote.pk).starts_at != vote.starts_at


def test_the_vote_start_cannot_move_once_open(make_cycle, official):
    cycle = make_cycle("vote")
    vote = cycle.phases.get(kind=PhaseKind.VOTE)
    vote.starts_at += timedelta(hours=1)
    with pytest.raises(BudgetingError) as refused:
        phases_save(actor=official, cycle=cycle, phases=[vote])
    assert refused.value.code == "frozen"
    vote.refresh_from_db()
    vote.ends_at += timedelta(days=1)  # extending the vote is allowed (the next phase starts later)
    later = list(cycle.phases.exclude(kind__in=[PhaseKind.PROPOSAL, PhaseKind.FEASIBILITY, PhaseKind.DELIBERATION,
                                                PhaseKind.VOTE]))
    for phase in later:
        phase.starts_at += timedelta(days=1)
        phase.ends_at += timedelta(days=1)
    phases_save(actor=official, cycle=cycle, phases=[vote, *later])
    assert Phase.objects.get(pk=vote.pk).ends_at == vote.ends_at


def test_an_imported_cycle_is_read_only(make_cycle, official):
    cycle = make_cycle("proposal")
    Cycle.objects.filter(pk=cycle.pk).update(is_simulation=True)
    cycle.refresh_from_db()
    cycle.title_ko = "바뀜"
    with pytest.raises(BudgetingError):
        cycle_save(actor=official, cycle=cycle)


# --- The admin ----------------------------------------------------------------------------------


def _change_url(cycle):
    return reverse("admin:budgeting_cycle_change", args=[cycle.pk])


def test_the_admin_shows_frozen_rules_read_only(client, superuser, make_cycle):
    cycle = make_cycle("vote")
    client.force_login(superuser)
    page = client.get(_change_url(cycle)).content.decode()
    assert 'name="max_picks"' not in page and 'name="selection_rule"' not in page
    assert 'name="title_ko"' in page
    assert 'name="pots-0-total"' not in page  # the pots inline is read-only too


def test_the_admin_edits_rules_before_the_vote(client, superuser, make_cycle):
    cycle = make_cycle("proposal")
    client.force_login(superuser)
    page = client.get(_change_url(cycle))
    assert b'name="max_picks"' in page.content
    data = _form_data(page)
    data["max_picks"] = "3"
    response = client.post(_change_url(cycle), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Cycle.objects.get(pk=cycle.pk).max_picks == 3


def test_the_admin_refuses_weights_not_adding_up(client, superuser, make_cycle):
    cycle = make_cycle("proposal")
    client.force_login(superuser)
    data = _form_data(client.get(_change_url(cycle)))
    data["weight_votes"] = "70"
    response = client.post(_change_url(cycle), data)
    assert response.status_code == 200
    assert "100" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).weight_votes == 50


def test_the_admin_refuses_phases_out_of_order(client, superuser, make_cycle):
    cycle = make_cycle("proposal")
    client.force_login(superuser)
    data = _form_data(client.get(_change_url(cycle)))
    vote_index = next(i for i in range(7) if data[f"phases-{i}-kind"] == "vote")
    data[f"phases-{vote_index}-starts_at_0"] = data["phases-0-starts_at_0"]
    data[f"phases-{vote_index}-starts_at_1"] = data["phases-0-starts_at_1"]
    stored = list(Phase.objects.filter(cycle=cycle).values_list("kind", "starts_at"))
    response = client.post(_change_url(cycle), data)
    assert response.status_code == 200
    assert list(Phase.objects.filter(cycle=cycle).values_list("kind", "starts_at")) == stored


def _form_data(response):
    """The change form's current values, as the browser would post them back."""
    import re
    from html import unescape

    html = response.content.decode()
    data = {}
    for match in re.finditer(r"<input[^>]*>", html):
        tag = match.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = re.search(r'value="([^"]*)"', tag)
        if kind == "checkbox":
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        if kind in ("submit", "button", "file"):
            continue
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for match in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', match.group(2))
        data[match.group(1)] = unescape(selected.group(1)) if selected else ""
    for match in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[match.group(1)] = unescape(match.group(2)).lstrip("\n")
    data.pop("_addanother", None)
    data.pop("_continue", None)
    return data


def test_timezone_is_aware():  # the phases of the fixtures are in UTC and shown in Seoul time
    assert timezone.is_aware(timezone.now())


# --- What the vote fixes, and the admin's own checks ----------------------------------------------


def test_no_phase_changes_its_kind_once_the_vote_has_opened(make_cycle, official):
    cycle = make_cycle("vote")
    vote = cycle.phases.get(kind=PhaseKind.VOTE)
    vote.kind = PhaseKind.IMPLEMENTATION
    with pytest.raises(BudgetingError) as refused:
        phases_save(actor=official, cycle=cycle, phases=[vote])
    assert refused.value.code == "frozen"
    assert Phase.objects.get(pk=vote.pk).kind == PhaseKind.VOTE
    with pytest.raises(BudgetingError):
        phases_save(actor=official, cycle=cycle, phases=[], deleted=[cycle.phases.get(kind=PhaseKind.COUNCIL)])
    assert cycle.phases.count() == 7


def test_an_ended_vote_cannot_be_reopened(make_cycle, official):
    cycle = make_cycle("assembly")
    vote = cycle.phases.get(kind=PhaseKind.VOTE)
    later = list(cycle.phases.filter(kind__in=[PhaseKind.ASSEMBLY, PhaseKind.COUNCIL, PhaseKind.IMPLEMENTATION]))
    vote.ends_at += timedelta(days=30)
    for phase in later:
        phase.starts_at += timedelta(days=30)
        phase.ends_at += timedelta(days=30)
    with pytest.raises(BudgetingError) as refused:
        phases_save(actor=official, cycle=cycle, phases=[vote, *later])
    assert refused.value.code == "frozen"
    assert not Cycle.objects.get(pk=cycle.pk).phase_at() or Cycle.objects.get(pk=cycle.pk).phase_at().kind == "assembly"


def test_a_running_vote_cannot_be_ended_in_the_past(make_cycle, official):
    cycle = make_cycle("vote")
    vote = cycle.phases.get(kind=PhaseKind.VOTE)
    stored_end = vote.ends_at
    vote.ends_at = timezone.now() - timedelta(hours=1)
    with pytest.raises(BudgetingError):
        phases_save(actor=official, cycle=cycle, phases=[vote])
    assert Phase.objects.get(pk=vote.pk).ends_at == stored_end


def test_the_admin_keeps_the_phase_kinds_once_the_vote_has_opened(client, superuser, make_cycle):
    cycle = make_cycle("vote")
    client.force_login(superuser)
    page = client.get(_change_url(cycle)).content.decode()
    assert 'name="phases-0-kind"' not in page and 'name="phases-0-starts_at_0"' in page
    data = _form_data(client.get(_change_url(cycle)))
    response = client.post(_change_url(cycle), data)  # saving it as it is still works
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(cycle.phases.values_list("kind", flat=True)) == sorted(PhaseKind.values)


def test_a_lower_cap_is_refused_while_a_project_costs_more(make_cycle, official, city_pot):
    from budgeting.models import Project

    cycle = make_cycle("feasibility")
    pot = city_pot(cycle)
    Project.objects.create(cycle=cycle, pot=pot, title="큰 사업", estimated_cost=250_000_000, status="submitted",
                           submitted_at=timezone.now())
    pot.project_cap = 200_000_000
    with pytest.raises(BudgetingError) as refused:
        pot_save(actor=official, pot=pot)
    assert refused.value.field == "project_cap"
    assert Pot.objects.get(pk=pot.pk).project_cap == 300_000_000


def test_the_admin_refuses_a_second_cycle_for_a_year_with_a_message(client, superuser, make_cycle):
    cycle = make_cycle("proposal", year=2031)
    client.force_login(superuser)
    response = client.post(reverse("admin:budgeting_cycle_add"), {
        "year": "2031", "title_ko": "중복", "ballot_kind": "approval", "max_picks": "5", "minimum_age": "14",
        "accepts_residents": "on", "selection_rule": "greedy", "weight_votes": "50", "weight_committee": "30",
        "weight_school": "10", "weight_proposers": "10",
        **{f"{prefix}-{key}": value for prefix in ("phases", "pots", "sectors")
           for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
    })
    assert response.status_code == 200
    assert "2031" in response.content.decode() and Cycle.objects.filter(year=2031).count() == 1
    assert cycle.pk


def test_the_admin_refuses_two_city_wide_pots_with_a_message(client, superuser, make_cycle):
    cycle = make_cycle("proposal")
    client.force_login(superuser)
    data = _form_data(client.get(_change_url(cycle)))
    total = int(data["pots-TOTAL_FORMS"])
    data.update({"pots-TOTAL_FORMS": str(total + 1), f"pots-{total}-district": "", f"pots-{total}-name_ko": "또 하나",
                 f"pots-{total}-total": "100", f"pots-{total}-project_cap": "50", f"pots-{total}-cycle": str(cycle.pk)})
    response = client.post(_change_url(cycle), data)
    assert response.status_code == 200
    assert cycle.pots.count() == 3


def test_the_cycle_admin_page_costs_the_same_queries_with_more_pots(client, superuser, make_cycle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from citizens.models import District

    few = make_cycle("proposal", year=2040)
    many = make_cycle("proposal", year=2041)
    for district in District.objects.exclude(code__in=["11680", "11110"])[:10]:
        Pot.objects.create(cycle=many, district=district, name_ko=district.name_ko, total=10, project_cap=5)
    client.force_login(superuser)
    counts = []
    for cycle in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_change_url(cycle)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
