"""Concurrent reports count exactly, under the comment's row lock (PostgreSQL: SQLite serialises writers anyway)."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from proposals.errors import ProposalError
from proposals.models import Comment, CommentReport
from proposals.services.comments import comment_report

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _report_all(comment, attempts):
    start = threading.Barrier(len(attempts))
    refused, errors = [], []

    def report(citizen):
        try:
            start.wait(timeout=30)
            comment_report(reporter=citizen, comment=comment, reason=CommentReport.Reason.SPAM)
        except ProposalError as error:
            with translation.override("en"):  # a thread does not inherit the test's language
                refused.append((citizen.pk, str(error)))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(citizen,)) for citizen in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return refused, errors


def test_concurrent_reports_and_duplicates_are_counted_exactly(comment, supporters, settings):
    settings.PROPOSALS_COMMENT_HIDE_REPORTS = 1000  # count them all, without hiding
    citizens = supporters(30)
    eager = citizens[0]

    refused, errors = _report_all(comment, citizens + [eager] * 8)

    assert errors == []
    assert len(refused) == 8 and {pk for pk, _ in refused} == {eager.pk}
    assert {message for _, message in refused} == {"You have already reported this comment."}
    comment.refresh_from_db()
    assert comment.report_count == CommentReport.objects.filter(comment=comment).count() == 30
    assert comment.status == Comment.Status.VISIBLE


def test_concurrent_reports_hide_the_comment_at_exactly_the_third(comment, supporters):
    refused, errors = _report_all(comment, supporters(20))

    assert errors == []
    comment.refresh_from_db()
    assert (comment.status, comment.report_count) == (Comment.Status.HIDDEN_PENDING, 3)
    assert CommentReport.objects.filter(comment=comment).count() == 3
    assert len(refused) == 17
    assert {message for _, message in refused} == {"This comment is already hidden and being reviewed."}
