"""The benchmark's filtered pages measure what they say: the proposals list of one stage lists
that stage only, the officials' queue filtered by a channel lists that channel only, and "my
assignments" the official's own; each leaves out something the unfiltered page shows."""

import pytest
from django.test import Client

from bench.scenarios import complaints as complaint_scenarios
from bench.scenarios import proposals as proposal_scenarios
from bench.seeding import seed
from complaints.models import Complaint
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


def get(scenario_name, module, context):
    scenario = next(scenario for scenario in module.SCENARIOS if scenario.name == scenario_name)
    client = Client()
    if scenario.before_each:
        scenario.before_each(client, context, 0)
    response = client.get(scenario.url(context))
    assert response.status_code in scenario.expect
    return response


def test_the_stage_page_lists_that_stage_only(settings):
    settings.PROPOSALS_REVIEW_THRESHOLD = 5
    settings.PROPOSALS_DEBATE_THRESHOLD = 10
    settings.PROPOSALS_MAYOR_THRESHOLD = 30
    sizes = {"proposals": 100, "supports": 1_000, "comments": 300, "ledger": False}
    report = seed(channels={"proposals": sizes}, citizens=120, write=lambda line: None, vacuum=False)
    context = dict(report.channels["proposals"])
    listed = list(get("list_stage", proposal_scenarios, context).context["proposals"])
    assert listed and {proposal.status for proposal in listed} == {proposal_scenarios.STAGE}
    assert Proposal.objects.exclude(status=proposal_scenarios.STAGE).exclude(status="draft").exists()


def test_the_queue_filters_keep_the_channel_and_the_officials_own():
    report = seed(channels={"complaints": {"complaints": 400}}, citizens=80, write=lambda line: None, vacuum=False)
    context = complaint_scenarios.prepare(dict(report.channels["complaints"]), requests=1)
    official = context["official"]
    # The seed spreads channels and assignees at random: make sure the unit has one of each kind.
    unit_complaints = Complaint.objects.filter(unit_id=context["queue_unit_id"]).order_by("pk")
    assert unit_complaints.count() >= 4
    first, second = unit_complaints[:2]
    Complaint.objects.filter(pk=first.pk).update(channel=complaint_scenarios.RARE_CHANNEL)
    Complaint.objects.filter(pk=second.pk).update(assignee=official)
    everything = get("queue", complaint_scenarios, context).context["cl"].queryset
    by_channel = get("queue_channel", complaint_scenarios, context).context["cl"].queryset
    mine = get("queue_mine", complaint_scenarios, context).context["cl"].queryset
    assert first.pk in set(by_channel.values_list("pk", flat=True))
    assert set(by_channel.values_list("channel", flat=True)) == {complaint_scenarios.RARE_CHANNEL}
    assert everything.exclude(channel=complaint_scenarios.RARE_CHANNEL).exists()
    assert second.pk in set(mine.values_list("pk", flat=True))
    assert set(mine.values_list("assignee", flat=True)) == {official.pk}
    assert everything.exclude(assignee=official).exists()
