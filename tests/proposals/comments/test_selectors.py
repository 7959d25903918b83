"""The comment section: order, pages, replies, what hidden and removed comments show, what the
viewer may do, and a constant number of queries."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.models import Comment
from proposals.selectors.comments import PER_PAGE, comment_page_number, comment_section
from proposals.selectors.proposals import proposer_pseudonym
from proposals.services.comments import comment_post, comment_report

from .conftest import set_state

pytestmark = pytest.mark.django_db


def seed(proposal, authors, count, *, replies_each=1):
    """`count` top-level comments, one minute apart (oldest first), each with `replies_each` replies."""
    start = timezone.now() - timedelta(days=1)
    made = []
    for number in range(count):
        top = comment_post(
            author=authors[number % len(authors)],
            proposal=proposal,
            body=f"의견 {number}",
            now=start + timedelta(minutes=number),
        )
        for reply_number in range(replies_each):
            comment_post(
                author=authors[(number + 1) % len(authors)],
                proposal=proposal,
                parent=top,
                body=f"답글 {number}-{reply_number}",
                now=start + timedelta(minutes=number, seconds=reply_number + 1),
            )
        made.append(top)
    return made


def test_newest_comments_first_each_with_its_replies_oldest_first(published, commenter, reader):
    made = seed(published, [commenter, reader], 3, replies_each=2)

    section = comment_section(proposal=published, viewer=AnonymousUser())

    assert [entry.pk for entry in section.entries] == [made[2].pk, made[1].pk, made[0].pk]
    assert [reply.text for reply in section.entries[0].replies] == ["답글 2-0", "답글 2-1"]
    assert section.total == 9 and section.page.paginator.count == 3


def test_pages_of_twenty_top_level_comments(published, commenter, reader):
    made = seed(published, [commenter, reader], PER_PAGE + 5, replies_each=0)

    first = comment_section(proposal=published, viewer=AnonymousUser())
    second = comment_section(proposal=published, viewer=AnonymousUser(), page_number=2)
    beyond = comment_section(proposal=published, viewer=AnonymousUser(), page_number=99)
    garbage = comment_section(proposal=published, viewer=AnonymousUser(), page_number="abc")

    assert len(first.entries) == PER_PAGE and first.entries[0].pk == made[-1].pk
    assert [entry.pk for entry in second.entries] == [comment.pk for comment in reversed(made[:5])]
    assert beyond.page.number == 2 and garbage.page.number == 1
    assert comment_page_number(made[0]) == 2 and comment_page_number(made[-1]) == 1


def test_a_reply_is_on_its_parents_page(published, commenter, reader):
    made = seed(published, [commenter, reader], PER_PAGE + 1, replies_each=1)
    reply = Comment.objects.get(parent=made[0])
    assert comment_page_number(reply) == 2


def test_hidden_and_removed_comments_keep_their_place_without_their_text(published, commenter, reader, moderator):
    visible, hidden, removed = seed(published, [commenter, reader], 3, replies_each=1)
    set_state(hidden, "hidden")
    set_state(removed, "removed", moderator)

    entries = {entry.pk: entry for entry in comment_section(proposal=published, viewer=reader).entries}

    assert entries[visible.pk].text == "의견 0" and not entries[visible.pk].hidden
    assert entries[hidden.pk].text is None and entries[hidden.pk].hidden and entries[hidden.pk].removal_reason == ""
    assert (
        entries[removed.pk].text is None and entries[removed.pk].removal_reason == "개인정보가 포함되어 삭제했습니다."
    )
    # Their replies are still there; they cannot be answered any more.
    assert all(len(entry.replies) == 1 for entry in entries.values())
    assert [entry.can_reply for entry in (entries[visible.pk], entries[hidden.pk], entries[removed.pk])] == [
        True,
        False,
        False,
    ]


def test_what_the_viewer_may_do_with_each_comment(published, commenter, reader, participant):
    own = comment_post(author=reader, proposal=published, body="내 의견")
    others = comment_post(author=commenter, proposal=published, body="다른 의견")
    reported = comment_post(author=commenter, proposal=published, body="신고한 의견")
    old = comment_post(
        author=reader, proposal=published, body="오래된 내 의견", now=timezone.now() - timedelta(hours=1)
    )
    comment_report(reporter=reader, comment=reported, reason="spam")

    section = comment_section(proposal=published, viewer=reader)
    flags = {entry.pk: (entry.can_edit, entry.can_report, entry.reported_by_viewer) for entry in section.entries}

    assert flags == {
        own.pk: (True, False, False),
        others.pk: (False, True, False),
        reported.pk: (False, False, True),
        old.pk: (False, False, False),
    }
    assert section.can_post and section.form is not None
    assert all(entry.reply_form is not None for entry in section.entries)


def test_who_may_write(published, draft, participant):
    anonymous = comment_section(proposal=published, viewer=AnonymousUser())
    unverified = comment_section(proposal=published, viewer=participant(verified=False))
    on_draft = comment_section(proposal=draft, viewer=participant())

    assert (anonymous.can_post, anonymous.post_refusal, anonymous.signed_in) == (False, None, False)
    assert unverified.post_refusal == "Verify your mobile phone to take part in the discussion."
    assert on_draft.post_refusal == "Comments open once the proposal is published."
    assert anonymous.form is unverified.form is on_draft.form is None


def test_report_counts_are_not_part_of_the_section(published, comment, reader):
    comment_report(reporter=reader, comment=comment, reason="spam")
    entry = comment_section(proposal=published, viewer=AnonymousUser()).entries[0]
    assert not any("report_count" in name for name in vars(entry))


def test_authors_are_named_by_the_proposers_code_never_by_name_or_phone(published, author, commenter):
    from citizens.models import Citizen

    comment_post(author=author, proposal=published, body="제안자 답변")
    comment_post(author=commenter, proposal=published, body="시민 의견")
    Citizen.objects.filter(pk=commenter.pk).update(
        erased_at=timezone.now(), phone_index=None, phone_last4="", is_active=False
    )

    by_commenter, by_author = comment_section(proposal=published, viewer=AnonymousUser()).entries

    assert (by_author.author_code, by_author.by_proposer, by_author.author_erased) == (
        proposer_pseudonym(author.pk),
        True,
        False,
    )
    assert by_commenter.author_erased and not by_commenter.by_proposer
    assert not any(value == "김민수" for value in vars(by_commenter).values())


def _queries(proposal, viewer):
    with CaptureQueriesContext(connection) as captured:
        section = comment_section(proposal=proposal, viewer=viewer)
        [(entry.author_code, [reply.author_erased for reply in entry.replies]) for entry in section.entries]
    return len(captured)


@pytest.mark.parametrize("viewer_kind", ["anonymous", "citizen"])
def test_the_section_costs_the_same_queries_for_2_or_60_comments(published, participant, viewer_kind, category):
    from proposals.services import proposal_create_draft, proposal_publish

    authors = [participant() for _ in range(4)]
    viewer = AnonymousUser() if viewer_kind == "anonymous" else authors[0]
    small = proposal_publish(
        author=authors[0],
        proposal=proposal_create_draft(author=authors[0], title="작은 제안", body="본문", category=category),
    )
    seed(small, authors, 1, replies_each=1)
    seed(published, authors, 30, replies_each=1)
    for comment in Comment.objects.filter(proposal=published)[:10]:
        if comment.author_id != authors[1].pk:
            comment_report(reporter=authors[1], comment=comment, reason="spam")

    assert Comment.objects.filter(proposal=small).count() == 2
    assert Comment.objects.filter(proposal=published).count() == 60
    assert _queries(small, viewer) == _queries(published, viewer) == (3 if viewer_kind == "anonymous" else 4)
