from datetime import timedelta

import pytest

from citizens.registry import personal_data_handlers
from governance.registry import get_subject_kind
from notifications.kinds import get_kind
from proposals.models import Follow, Proposal, Support
from proposals.notifications import STAGE_KIND_LABELS
from proposals.services import proposal_follow, proposal_support, proposal_unfollow

from .conftest import PUBLISHED_AT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", sorted(STAGE_KIND_LABELS))
def test_every_stage_has_a_notification_in_korean_and_english(status, published):
    kind = get_kind(f"proposal_{status}")
    context = {"proposal_id": 7, "title": "심야 버스", "support_count": 50, "answer_due_on": None, "answer_type": "", "window_days": 30, "debate_days": 30}
    for language in ("ko", "en"):
        for channel in kind.channels:
            subject, body = kind.render(channel, context, language=language)
            assert "심야 버스" in body
            assert "<" not in body


def test_export_and_erase(published, author, make_citizen, category):
    supporter = make_citizen()
    support = proposal_support(citizen=supporter, proposal=published, now=PUBLISHED_AT + timedelta(days=1))
    proposal_follow(citizen=supporter, proposal=published)
    handler = next(h for h in personal_data_handlers() if h.key == "proposals")

    exported = handler.export(supporter)
    assert exported["supports"][0]["receipt"] == support.receipt
    assert exported["follows"] == [published.pk]
    assert handler.export(author)["proposals"][0]["id"] == published.pk

    handler.erase(supporter)
    assert not Follow.objects.filter(citizen=supporter).exists()
    assert Support.objects.filter(citizen=supporter).count() == 1  # the count and the ledger keep it
    assert Proposal.objects.filter(pk=published.pk).exists()


def test_a_published_proposal_is_a_subject_committees_can_deliberate(published, draft):
    kind = get_subject_kind("proposals.proposal")
    assert kind.describe(str(published.pk))[0] == published.title
    assert kind.describe("999999") is None


def test_following_and_unfollowing_are_audited_once(published, make_citizen):
    from audit.models import AuditEvent

    follower = make_citizen()
    for _ in range(2):  # the second call changes nothing, and records nothing
        proposal_follow(citizen=follower, proposal=published)
    proposal_unfollow(citizen=follower, proposal=published)
    proposal_unfollow(citizen=follower, proposal=published)
    actions = list(
        AuditEvent.objects.filter(target_id=str(published.pk), action__in=["proposal.follow", "proposal.unfollow"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["proposal.follow", "proposal.unfollow"]
