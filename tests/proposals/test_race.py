"""Concurrent supports keep the count exact (PostgreSQL: SQLite serialises writers anyway)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from audit.models import LedgerEntry
from proposals.errors import ProposalError
from proposals.models import Proposal, Support
from proposals.services import proposal_support

from .conftest import PUBLISHED_AT

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_supporters_plus_duplicates_are_counted_exactly(published, supporters):
    citizens = supporters(50)
    eager = citizens[0]
    attempts = citizens + [eager] * 10
    start = threading.Barrier(len(attempts))
    refused, errors = [], []

    def support(citizen):
        try:
            start.wait(timeout=30)
            proposal_support(citizen=citizen, proposal=published, now=PUBLISHED_AT + timedelta(days=1))
        except ProposalError as error:
            refused.append((citizen.pk, str(error)))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=support, args=(citizen,)) for citizen in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(refused) == 10 and {pk for pk, _ in refused} == {eager.pk}
    proposal = Proposal.objects.get(pk=published.pk)
    distinct = Support.objects.filter(proposal=proposal, withdrawn_at__isnull=True).values("citizen").distinct().count()
    assert proposal.support_count == distinct == Support.objects.filter(proposal=proposal).count() == 50
    assert LedgerEntry.objects.filter(scope=proposal.ledger_scope, kind="support").count() == 50
