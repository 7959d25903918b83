"""Supporting, withdrawing and following from the page: htmx and plain POSTs, every refusal, and the
grid of who may support in which state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from proposals.models import Follow, Proposal, Support
from proposals.selectors.proposals import viewer_standing
from proposals.services import proposal_support

from .conftest import HTMX

pytestmark = pytest.mark.django_db
Status = Proposal.Status


def url(name, proposal):
    return reverse(f"proposals:{name}", args=[proposal.pk])


def test_supporting_with_htmx_swaps_the_box_and_shows_the_receipt(client, sign_in, open_proposal, supporter):
    sign_in(supporter)
    response = client.post(url("support", open_proposal), **HTMX)
    assert response.status_code == 200
    support = Support.objects.get(proposal=open_proposal, citizen=supporter)
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="support"')
    assert support.receipt in page and "your support is counted" in page
    assert "<strong>1</strong> citizen supports this proposal" in page
    assert url("withdraw", open_proposal) in page
    open_proposal.refresh_from_db()
    assert open_proposal.support_count == 1


def test_the_swapped_box_gives_the_notice_once(client, sign_in, open_proposal, supporter):
    """The follow button inside the box has a notice of its own (after following): the support's
    notice is not repeated there, nor announced twice by a screen reader."""
    sign_in(supporter)
    page = client.post(url("support", open_proposal), **HTMX).content.decode()
    assert page.count("your support is counted") == 1
    page = client.post(url("withdraw", open_proposal), **HTMX).content.decode()
    assert page.count("Your support is withdrawn.") == 1


def test_supporting_without_javascript_redirects_back_with_the_receipt(client, sign_in, open_proposal, supporter):
    sign_in(supporter)
    response = client.post(url("support", open_proposal), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", open_proposal) + "#support"
    receipt = Support.objects.get(citizen=supporter).receipt
    page = response.content.decode()
    assert f"Your receipt is {receipt}" in page  # the message
    assert f'<code class="proposal-receipt-code">{receipt}</code>' in page  # and the box


def test_a_second_support_is_refused_and_changes_nothing(client, sign_in, open_proposal, supporter):
    proposal_support(citizen=supporter, proposal=open_proposal)
    sign_in(supporter)
    response = client.post(url("support", open_proposal), **HTMX)
    assert "You have already supported this proposal." in response.content.decode()
    response = client.post(url("support", open_proposal), follow=True)
    assert "You have already supported this proposal." in response.content.decode()
    assert Support.objects.filter(proposal=open_proposal).count() == 1
    open_proposal.refresh_from_db()
    assert open_proposal.support_count == 1


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("proposer", Status.OPEN, "You cannot support your own proposal."),
        ("unverified", Status.OPEN, "Verify your mobile phone before supporting a proposal."),
        ("supporter", Status.CLOSED_INSUFFICIENT, "This proposal is not open for support."),
        ("supporter", Status.UNDER_REVIEW, "This proposal is not open for support."),
    ],
)
def test_refused_supports(client, sign_in, make_proposal, proposer, supporter, participant, who, status, message):
    citizen = {"proposer": proposer, "supporter": supporter, "unverified": participant(verified=False)}[who]
    proposal = make_proposal(status=status)
    sign_in(citizen)
    for extra in (HTMX, {}):
        response = client.post(url("support", proposal), follow=not extra, **extra)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Support.objects.exists()


def test_an_expired_window_is_refused_even_before_the_clock_closed_it(client, sign_in, make_proposal, supporter):
    proposal = make_proposal(published_at=timezone.now() - timedelta(days=31))  # still "open" in the database
    sign_in(supporter)
    response = client.post(url("support", proposal), **HTMX)
    assert "This proposal is not open for support." in response.content.decode()
    assert not Support.objects.exists()


def test_a_draft_cannot_be_supported_or_found(client, sign_in, draft_proposal, supporter):
    sign_in(supporter)
    assert client.post(url("support", draft_proposal)).status_code == 404


def test_anonymous_posts_go_to_sign_in_and_back_to_the_proposal(client, open_proposal):
    for name in ("support", "withdraw", "follow"):
        response = client.post(url(name, open_proposal))
        assert response.status_code == 302
        assert response.url.startswith(reverse("citizens:signin"))
        assert "next=" + url("detail", open_proposal) in response.url
    response = client.post(url("support", open_proposal), **HTMX)
    assert response["HX-Redirect"].startswith(reverse("citizens:signin"))
    assert not Support.objects.exists() and not Follow.objects.exists()


def test_a_citizen_without_consent_is_sent_to_give_it(client, sign_in, open_proposal, make_citizen):
    sign_in(make_citizen())
    response = client.post(url("support", open_proposal))
    assert response.status_code == 302 and reverse("citizens:consent") in response.url


@pytest.mark.parametrize("name", ["support", "withdraw", "follow"])
def test_post_only_endpoints_refuse_get(client, sign_in, open_proposal, supporter, name):
    assert client.get(url(name, open_proposal)).status_code == 405
    sign_in(supporter)
    assert client.get(url(name, open_proposal)).status_code == 405


def test_withdrawing(client, sign_in, open_proposal, supporter):
    proposal_support(citizen=supporter, proposal=open_proposal)
    sign_in(supporter)
    response = client.post(url("withdraw", open_proposal), **HTMX)
    support = Support.objects.get(citizen=supporter)
    assert support.withdrawn_at is not None
    page = response.content.decode()
    assert support.withdrawal_receipt in page and "Your support is withdrawn." in page
    assert url("support", open_proposal) in page  # may support again
    response = client.post(url("withdraw", open_proposal), follow=True)
    assert "You have not supported this proposal." in response.content.decode()


def test_following_toggles_with_and_without_htmx(client, sign_in, open_proposal, supporter):
    sign_in(supporter)
    response = client.post(url("follow", open_proposal), **HTMX)
    assert Follow.objects.filter(citizen=supporter, proposal=open_proposal).exists()
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="proposal-follow"') and "Stop following" in page
    response = client.post(url("follow", open_proposal), follow=True)
    assert not Follow.objects.filter(citizen=supporter).exists()
    assert "You no longer follow this proposal." in response.content.decode()


def test_a_double_click_on_follow_does_not_undo_itself(client, sign_in, open_proposal, supporter):
    sign_in(supporter)
    client.post(url("follow", open_proposal), {"follow": "1"})
    client.post(url("follow", open_proposal), {"follow": "1"})
    assert Follow.objects.filter(citizen=supporter).count() == 1
    client.post(url("follow", open_proposal), {"follow": "0"})
    client.post(url("follow", open_proposal), {"follow": "0"})
    assert not Follow.objects.filter(citizen=supporter).exists()


def test_the_disabled_button_says_why(client, sign_in, open_proposal, proposer, participant):
    page = client.get(url("detail", open_proposal)).content.decode()
    assert "Sign in to support this proposal." in page and "disabled" in page
    assert reverse("citizens:signin") + "?next=" in page
    sign_in(proposer)
    assert "This is your own proposal" in client.get(url("detail", open_proposal)).content.decode()
    sign_in(participant(verified=False))
    page = client.get(url("detail", open_proposal)).content.decode()
    assert "Verify your mobile phone to support proposals." in page and "sign in with your mobile phone" in page


ROLES = ["anonymous", "unverified", "proposer", "citizen", "supported"]
STATES = [
    (Status.DRAFT, False),
    (Status.OPEN, False),
    (Status.OPEN, True),
    (Status.UNDER_REVIEW, False),
    (Status.CLOSED_INSUFFICIENT, False),
    (Status.ANSWERED, False),
    (Status.IN_DEBATE, False),
    (Status.MAYOR_ANSWERED, False),
]


def expected_standing(role, status, expired):
    """(may support, refusal, may withdraw) by role and state."""
    if status == Status.DRAFT:
        return False, "draft", False
    if status != Status.OPEN or expired:
        return False, "closed", False
    return {
        "anonymous": (False, "anonymous", False),
        "unverified": (False, "unverified", False),
        "proposer": (False, "own", False),
        "citizen": (True, "", False),
        "supported": (False, "", True),
    }[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("status", "expired"), STATES)
def test_support_permission_grid(make_proposal, proposer, participant, role, status, expired):
    published_at = timezone.now() - timedelta(days=31 if expired else 2)
    proposal = make_proposal(status=status, published_at=published_at)
    viewer = {
        "anonymous": AnonymousUser(),
        "unverified": participant(verified=False),
        "proposer": proposer,
        "citizen": participant(),
        "supported": participant(),
    }[role]
    if role == "supported" and status == Status.OPEN and not expired:
        proposal_support(citizen=viewer, proposal=proposal)
    standing = viewer_standing(proposal, viewer)
    assert (standing.may_support, standing.refusal, standing.may_withdraw) == expected_standing(role, status, expired)
