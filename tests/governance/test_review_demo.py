"""The demo deliberations: built on the committees demo, through the services, idempotent."""

import pytest

from governance.demo import reviews as demo
from governance.models import AgendaItem, Membership, Review

from .test_review_support import make_committee, make_membership

pytestmark = pytest.mark.django_db


def test_without_the_committees_it_does_nothing():
    demo.seed()
    assert not AgendaItem.objects.exists()


def test_seed_twice_gives_the_same_records():
    smart_city = make_committee(demo.SMART_CITY)
    pb = make_committee(demo.PB)
    make_membership(smart_city, role=Membership.Role.SECRETARY)
    for committee in (smart_city, pb):
        for _ in range(4):
            make_membership(committee)

    demo.seed()
    counts = (AgendaItem.objects.count(), Review.objects.count(),
              AgendaItem.objects.filter(status="closed").count())
    demo.seed()

    items, reviews, closed = counts
    assert (items, closed) == (3, 1) and reviews > 0
    assert (AgendaItem.objects.count(), Review.objects.count(),
            AgendaItem.objects.filter(status="closed").count()) == counts
    scored = AgendaItem.objects.get(committee=pb)
    assert scored.asks_score and all(review.score is not None for review in scored.reviews.all())
