"""Builders shared by the review workspace tests (test_review*.py, test_rules*.py); no tests here."""

import itertools
from datetime import timedelta

from django.utils import timezone

from citizens.consents import purposes
from citizens.models import Citizen
from citizens.services import consent_record
from governance.models import AgendaItem, Committee, ConflictDeclaration, Membership, Review

_numbers = itertools.count(1000)


def make_person(*, language="ko", staff=False):
    """A citizen who signed in by phone, consented and completed their profile: ready to take part."""
    citizen = Citizen.objects.create_user(phone=f"+82105550{next(_numbers):04d}", language=language, is_staff=staff)
    consent_record(citizen=citizen, answers={item.key: True for item in purposes()})
    Citizen.objects.filter(pk=citizen.pk).update(profile_completed_at=timezone.now())
    citizen.refresh_from_db()
    return citizen


def make_committee(slug="smart-city-committee", *, max_members=22):
    return Committee.objects.create(
        slug=slug, kind=Committee.Kind.SMART_CITY, name_ko=f"{slug} 위원회", name_en=f"{slug} committee",
        max_members=max_members,
    )


def make_membership(committee, person=None, *, role=Membership.Role.MEMBER, ended=False, name=None):
    today = timezone.localdate()
    person = person or make_person()
    return Membership.objects.create(
        committee=committee, person=person, public_name=name or f"위원 {person.pk}", role=role,
        kind=Membership.Kind.COMMISSIONED, term_start=today - timedelta(days=365),
        term_end=today + timedelta(days=365),
        status=Membership.Status.ENDED if ended else Membership.Status.ACTIVE,
        ended_on=today - timedelta(days=10) if ended else None,
    )


def make_item(committee, *, state="open_before", title="스마트도시 기본계획 초안", **fields):
    """An agenda item in one of the grid's states: open_before / open_after (the deadline) / closed."""
    now = timezone.now()
    values = {"review_deadline": now + timedelta(days=3)}
    if state == "open_after":
        values["review_deadline"] = now - timedelta(hours=1)
    elif state == "closed":
        values.update(status=AgendaItem.Status.CLOSED, outcome=AgendaItem.Outcome.APPROVED, closed_at=now,
                      resolution_ko="원안 의결")
    values.update(fields)
    return AgendaItem.objects.create(committee=committee, title_ko=title, **values)


def add_review(item, membership, *, recommendation=Review.Recommendation.APPROVE, score=None, opinion="동의합니다."):
    now = timezone.now()
    return Review.objects.create(item=item, membership=membership, recommendation=recommendation, score=score,
                                 opinion=opinion, submitted_at=now, updated_at=now)


def add_conflict(item, membership, reason="제안자와 같은 기관에 근무합니다."):
    return ConflictDeclaration.objects.create(item=item, membership=membership, reason=reason,
                                              declared_at=timezone.now())
