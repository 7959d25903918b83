"""A comment's open-report counter is kept by the database (report_count + 1 under the comment's
row lock), exact after each report and under concurrent writers of the counter."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from proposals import personal_data
from proposals.errors import ProposalError
from proposals.models import Comment, CommentReport
from proposals.services.comments import comment_moderate, comment_report
from tests import race_support

from .conftest import report_by

Status = Comment.Status
Reason = CommentReport.Reason

# The increment as the database runs it: the new value is computed from the column, not sent.
INCREMENT = re.compile(r'SET "report_count" = \("proposals_comment"\."report_count" \+ ')


def stored(comment):
    return Comment.objects.values_list("report_count", "status").get(pk=comment.pk)


@pytest.mark.django_db
def test_two_reports_count_two_even_from_a_stale_copy(comment, participant):
    first, second = participant(), participant()
    stale = Comment.objects.get(pk=comment.pk)  # read before any report: report_count 0

    comment_report(reporter=first, comment=stale, reason=Reason.SPAM)
    comment_report(reporter=second, comment=stale, reason=Reason.ABUSE)

    assert stored(comment) == (2, Status.VISIBLE)
    assert CommentReport.objects.filter(comment=comment).count() == 2


@pytest.mark.django_db
def test_the_report_is_counted_by_an_increment_in_the_database(comment, reader):
    with CaptureQueriesContext(connection) as queries:
        comment_report(reporter=reader, comment=comment, reason=Reason.SPAM)

    updates = [query["sql"] for query in queries if query["sql"].startswith('UPDATE "proposals_comment"')]
    assert len(updates) == 1 and INCREMENT.search(updates[0]), updates
    assert stored(comment) == (1, Status.VISIBLE)


@pytest.mark.django_db
def test_the_threshold_reads_the_incremented_count(comment, participant, settings):
    settings.PROPOSALS_COMMENT_HIDE_REPORTS = 2
    report_by(comment, [participant()])
    assert stored(comment) == (1, Status.VISIBLE)

    report_by(comment, [participant()])

    assert stored(comment) == (2, Status.HIDDEN_PENDING)


@pytest.mark.django_db
def test_removing_a_comment_keeps_its_count_and_restoring_resets_it(comment, participant, moderator):
    report_by(comment, [participant() for _ in range(2)])

    with CaptureQueriesContext(connection) as queries:
        comment_moderate(actor=moderator, comment=comment, decision="remove", reason="광고")

    assert stored(comment) == (2, Status.REMOVED)
    [update] = [query["sql"] for query in queries if query["sql"].startswith('UPDATE "proposals_comment"')]
    assert '"report_count"' not in update  # a removal does not write back the count it read

    other = Comment.objects.create(proposal=comment.proposal, author=comment.author, body="다른 의견")
    report_by(other, [participant()])
    comment_moderate(actor=moderator, comment=other, decision="restore")
    assert stored(other) == (0, Status.VISIBLE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_and_erasures_of_reporters_keep_the_count_exact(comment, supporters, settings):
    """Two writers of the counter at once: new reports (+1) and reporters erasing their account's
    data (personal_data.erase takes their open report off: -1)."""
    settings.PROPOSALS_COMMENT_HIDE_REPORTS = 1000  # count them all, without hiding
    earlier = supporters(8)
    report_by(comment, earlier)
    newcomers = supporters(16)

    def report(citizen):
        return lambda: comment_report(reporter=citizen, comment=comment, reason=Reason.SPAM)

    def erase(citizen):
        def run():
            with transaction.atomic():
                personal_data.erase(citizen)

        return run

    calls = [report(citizen) for citizen in newcomers] + [erase(citizen) for citizen in earlier]
    with race_support.widened_pool():
        results, errors = race_support.run_at_once(calls, refusals=ProposalError)

    assert errors == []
    assert not any(isinstance(result, ProposalError) for result in results)
    reports = CommentReport.objects.filter(comment=comment)
    assert set(reports.values_list("reporter_id", flat=True)) == {citizen.pk for citizen in newcomers}
    assert stored(comment) == (reports.count(), Status.VISIBLE) == (16, Status.VISIBLE)
