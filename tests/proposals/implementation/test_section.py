"""The implementation section of the detail page, the permission grid, and the notices' texts."""

from datetime import date, timedelta

import pytest
import rules
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.kinds import get_kind
from proposals.models import Milestone, Proposal
from proposals.selectors.implementation import implementation_section
from proposals.services.implementation import milestone_add, milestone_update

from .conftest import NOW, answer

pytestmark = pytest.mark.django_db

M = Milestone.Status


def add_many(proposal, official, count):
    return [
        milestone_add(actor=official, proposal=proposal, title=f"단계 {n}", due_on=date(2026, 12, 1), now=NOW)
        for n in range(count)
    ]


# --- the selector and the partial ------------------------------------------------------------


@pytest.mark.parametrize("answer_type", ["not_accepted", "already_in_place"])
def test_no_section_unless_accepted(answer_type, published, official, unit):
    proposal = answer(published, official, unit, answer_type)
    assert implementation_section(proposal=proposal) is None
    assert render_to_string("proposals/partials/implementation.html", {"implementation": None}).strip() == ""


def test_no_section_before_the_answer(published):
    assert implementation_section(proposal=published) is None


def test_section_lists_the_milestones_in_order_with_progress(accepted, official):
    first, second, third = add_many(accepted, official, 3)
    milestone_update(actor=official, milestone=first, status=M.DONE, progress=100, now=NOW)
    milestone_update(actor=official, milestone=second, status=M.IN_PROGRESS, progress=40, now=NOW)
    milestone_update(actor=official, milestone=third, status=M.CANCELLED, progress=0, now=NOW)
    section = implementation_section(proposal=Proposal.objects.get(pk=accepted.pk))
    assert [m.title for m in section.milestones] == ["단계 0", "단계 1", "단계 2"]
    assert section.overall_progress == 70 and (section.done_count, section.active_count) == (1, 2)
    assert section.plan.startswith("2026년")
    assert [m.badge_class for m in section.milestones] == ["bg-light-success", "bg-light-primary", "bg-light-disabled"]

    html = render_to_string("proposals/partials/implementation.html", {"implementation": section})
    assert 'id="proposal-implementation-progress" max="100" value="70"' in html
    assert 'value="40"' in html
    assert "단계 0" in html and "단계 2" in html
    assert "style=" not in html  # the CSP allows no inline style
    assert "Implementation plan (Accepted)" in html
    assert "1 of 2 milestones done" in html


def test_overdue_milestones_are_flagged(accepted, official):
    (milestone,) = add_many(accepted, official, 1)
    Milestone.objects.filter(pk=milestone.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    section = implementation_section(proposal=accepted)
    assert section.milestones[0].is_overdue
    assert "Past its due date" in render_to_string(
        "proposals/partials/implementation.html", {"implementation": section}
    )


def test_implemented_proposals_say_so(accepted, official):
    (milestone,) = add_many(accepted, official, 1)
    milestone_update(actor=official, milestone=milestone, status=M.DONE, progress=100, now=NOW)
    section = implementation_section(proposal=Proposal.objects.get(pk=accepted.pk))
    assert section.is_implemented
    html = render_to_string("proposals/partials/implementation.html", {"implementation": section})
    assert "Implemented" in html and "Every milestone was completed" in html


def test_citizen_text_in_milestones_is_escaped_and_linked(accepted, official):
    milestone_add(
        actor=official,
        proposal=accepted,
        title="공청회 & 설명회",
        due_on=date(2026, 12, 1),
        now=NOW,
        description="자료: https://news.seoul.go.kr/traffic\n둘째 줄",
    )
    html = render_to_string(
        "proposals/partials/implementation.html", {"implementation": implementation_section(proposal=accepted)}
    )
    assert "공청회 &amp; 설명회" in html
    assert '<a href="https://news.seoul.go.kr/traffic"' in html and "<br>" in html


@pytest.mark.parametrize("count", [2, 20])
def test_the_section_costs_one_query_at_any_size(count, accepted, official, django_assert_num_queries):
    add_many(accepted, official, count)
    proposal = Proposal.objects.get(pk=accepted.pk)
    with django_assert_num_queries(1):
        section = implementation_section(proposal=proposal)
        render_to_string("proposals/partials/implementation.html", {"implementation": section})
    assert len(section.milestones) == count


# --- the permission grid -------------------------------------------------------------------


ROLES = ["anonymous", "citizen", "author", "official_elsewhere", "official_of_unit", "superuser"]
ALLOWED = {"official_of_unit", "superuser"}


@pytest.fixture
def people(make_citizen, author, official, official_elsewhere, superuser):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "citizen": make_citizen(),
        "author": author,
        "official_elsewhere": official_elsewhere,
        "official_of_unit": official,
        "superuser": superuser,
    }


@pytest.mark.parametrize("answer_type", Proposal.AnswerType.values)
@pytest.mark.parametrize("role", ROLES)
def test_permission_grid(role, answer_type, people, published, official, unit):
    """The rule says who; the service adds the answer type. Both together, for every pair."""
    proposal = answer(published, official, unit, answer_type)
    actor = people[role]
    assert rules.has_perm("proposals.update_implementation", actor, proposal) is (role in ALLOWED)
    allowed = role in ALLOWED and answer_type in {"accepted", "partially_accepted"}
    if allowed:
        milestone = milestone_add(actor=actor, proposal=proposal, title="설계", due_on=date(2026, 12, 1), now=NOW)
        milestone_update(actor=actor, milestone=milestone, status=M.IN_PROGRESS, progress=10, now=NOW)
        assert Milestone.objects.get(pk=milestone.pk).progress == 10
    else:
        from proposals.errors import ProposalError

        with pytest.raises(ProposalError):
            milestone_add(actor=actor, proposal=proposal, title="설계", due_on=date(2026, 12, 1), now=NOW)
        assert not Milestone.objects.exists()


# --- the notices ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["proposal_milestone", "proposal_implemented"])
@pytest.mark.parametrize("added", [True, False])
def test_notices_render_in_korean_and_english(kind, added):
    context = {
        "proposal_id": 7,
        "title": "심야 버스",
        "milestone": "노선 설계",
        "status_label": M.IN_PROGRESS.label,
        "progress": 40,
        "overall_progress": 20,
        "due_on": date(2026, 12, 1),
        "completed_on": None,
        "added": added,
        "note": "발주 완료",
        "implemented_on": date(2026, 12, 2),
    }
    spec = get_kind(kind)
    for language in ("ko", "en"):
        for channel in spec.channels:
            subject, body = spec.render(channel, context, language=language)
            assert "심야 버스" in (subject + body)
            assert "<" not in body


def test_the_detail_page_costs_the_same_queries_with_2_or_20_milestones(client, accepted, official):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse("proposals:detail", args=[accepted.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200 and 'id="proposal-implementation"' in response.content.decode()
        return len(captured)

    add_many(accepted, official, 2)
    small = queries()
    add_many(accepted, official, 18)
    assert queries() == small
