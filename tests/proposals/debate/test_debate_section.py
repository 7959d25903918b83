"""What the debate section shows: the state, the balance, the strongest arguments, the viewer's own stance."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from proposals.models import DebateStance
from proposals.selectors.debate import debate_section
from proposals.selectors.proposals import proposer_pseudonym
from proposals.services.debate import argument_rate_helpful, debate_take_stance

pytestmark = pytest.mark.django_db


def shares(section):
    return {share.value: (share.count, share.percent) for share in section.shares}


def test_no_section_for_a_proposal_that_never_had_a_debate(make_proposal, make_citizen):
    for state in ("draft", "open"):
        assert debate_section(proposal=make_proposal(state), viewer=make_citizen()) is None


def test_the_partial_renders_nothing_without_a_debate():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert render_to_string("proposals/partials/debate.html", {"debate": None}, request=request).strip() == ""


@override_settings(PROPOSALS_MAYOR_THRESHOLD=10)
def test_the_balance_adds_up_to_a_hundred_and_the_threshold_is_shown(debate, make_citizen):
    for side in ["for", "for", "against", "undecided", "undecided", "undecided"]:
        debate_take_stance(citizen=make_citizen(), proposal=debate, stance=side)
    debate.refresh_from_db()
    section = debate_section(proposal=debate, viewer=AnonymousUser())
    # 2/6, 1/6, 3/6 = 33.3, 16.7, 50 → the largest remainder (16.7) gets the missing point.
    assert shares(section) == {"for": (2, 33), "against": (1, 17), "undecided": (3, 50)}
    assert section.participants == 6 and section.mayor_threshold == 10
    assert section.participants_needed == 4 and not section.threshold_reached
    assert section.is_open and section.days_left == 29
    assert section.form is None and "Sign in" in section.refusal


def test_an_empty_debate_shows_zeros(debate):
    section = debate_section(proposal=debate, viewer=AnonymousUser())
    assert shares(section) == {"for": (0, 0), "against": (0, 0), "undecided": (0, 0)}
    assert section.strongest_for == [] and section.strongest_against == [] and section.argument_count == 0


def test_the_three_strongest_arguments_of_each_side(debate, make_citizen):
    readers = [make_citizen() for _ in range(4)]
    written = {}
    # (side, argument, helpful ratings); written in this order, a minute apart.
    plan = [
        ("for", "찬성 A", 1),
        ("for", "찬성 B", 3),
        ("for", "찬성 C", 0),
        ("for", "찬성 D", 1),
        ("for", "", 0),
        ("against", "반대 A", 0),
        ("against", "반대 B", 2),
        ("undecided", "유보 A", 4),
    ]
    start = debate.debate_opens_at + timedelta(hours=1)
    for minute, (side, text, ratings) in enumerate(plan):
        stance = debate_take_stance(
            citizen=make_citizen(), proposal=debate, stance=side, argument=text, now=start + timedelta(minutes=minute)
        )
        DebateStance.objects.filter(pk=stance.pk).update(created_at=start + timedelta(minutes=minute))
        for reader in readers[:ratings]:
            argument_rate_helpful(citizen=reader, stance=stance)
        written[text] = stance
    section = debate_section(proposal=debate, viewer=readers[0])

    # Most helpful first; between equals, the earlier; a stance without argument is not an argument.
    assert [stance.argument for stance in section.strongest_for] == ["찬성 B", "찬성 A", "찬성 D"]
    assert [stance.argument for stance in section.strongest_against] == ["반대 B", "반대 A"]
    assert section.argument_count == 7
    assert section.rated_ids == {written["찬성 B"].pk, written["찬성 A"].pk, written["찬성 D"].pk, written["반대 B"].pk}


def test_the_viewers_own_stance_prefills_the_form(debate, make_citizen):
    citizen = make_citizen()
    debate_take_stance(citizen=citizen, proposal=debate, stance="against", argument="제 의견")
    section = debate_section(proposal=debate, viewer=citizen)
    assert section.own_stance.stance == "against"
    assert section.form["stance"].value() == "against" and section.form["argument"].value() == "제 의견"
    assert section.refusal is None


def test_a_closed_debate_shows_its_result_without_a_form(make_proposal, make_citizen):
    proposal = make_proposal("debate_closed")
    section = debate_section(proposal=proposal, viewer=make_citizen())
    assert not section.is_open and section.days_left is None
    assert section.form is None and "closed" in section.refusal
    assert not section.may_rate


def test_an_unverified_viewer_is_told_to_verify(debate, make_citizen):
    section = debate_section(proposal=debate, viewer=make_citizen(verified=False))
    assert section.form is None and "Verify your mobile phone" in section.refusal and not section.may_rate


def test_authors_are_named_by_their_pseudonym_never_by_name(debate, make_citizen, author):
    writer = make_citizen(name="김서울")
    debate_take_stance(citizen=writer, proposal=debate, stance="for", argument="찬성 논거")
    debate_take_stance(citizen=author, proposal=debate, stance="against", argument="제안자의 반론")
    section = debate_section(proposal=debate, viewer=AnonymousUser())
    (pro,), (con,) = section.strongest_for, section.strongest_against
    assert pro.author_code == proposer_pseudonym(writer.pk) and not pro.by_proposer and not pro.author_erased
    assert con.author_code == proposer_pseudonym(author.pk) and con.by_proposer
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    html = render_to_string("proposals/partials/debate.html", {"debate": section}, request=request)
    assert f"Citizen {pro.author_code}" in html and "김서울" not in html and writer.phone_last4 not in html
