"""The subject registry: how channels plug their records into the committees' deliberation."""

import pytest

from governance import registry
from governance.models import AgendaItem
from governance.registry import (
    SubjectKind,
    UnknownSubjectKind,
    describe_subject,
    get_subject_kind,
    register_subject_kind,
    subject_kind_choices,
    unregister_subject_kind,
)

RECORDS = {"7": "어르신 디지털 배움터"}


@pytest.fixture
def kind():
    registered = register_subject_kind(SubjectKind(
        kind="testing.project", label="Test project",
        describe=lambda subject_id: (RECORDS[subject_id], f"/p/{subject_id}/") if subject_id in RECORDS else None,
    ))
    yield registered
    unregister_subject_kind("testing.project")


def test_register_get_and_unregister(kind):
    assert get_subject_kind("testing.project") is kind
    assert ("testing.project", "Test project") in subject_kind_choices()
    unregister_subject_kind("testing.project")
    with pytest.raises(UnknownSubjectKind):
        get_subject_kind("testing.project")
    unregister_subject_kind("testing.project")  # twice is harmless


@pytest.mark.parametrize("key", ["project", "Budgeting.Project", "budgeting.project.extra", "", "a." + "x" * 40])
def test_a_kind_is_app_dot_name(key):
    with pytest.raises(ValueError):
        SubjectKind(kind=key, label="x", describe=lambda subject_id: None)


def test_describe_subject(kind):
    linked = AgendaItem(subject_kind="testing.project", subject_id="7")
    assert describe_subject(linked) == registry.SubjectLink(title="어르신 디지털 배움터", url="/p/7/")
    # No subject, a record that is gone, a kind whose app is not installed: nothing to link.
    assert describe_subject(AgendaItem()) is None
    assert describe_subject(AgendaItem(subject_kind="testing.project", subject_id="8")) is None
    assert describe_subject(AgendaItem(subject_kind="elsewhere.thing", subject_id="7")) is None


def test_governance_registers_the_review_reminder_kind():
    from notifications.kinds import get_kind

    registry.register_governance_kinds()
    assert get_kind("review_reminder").channels == ("sms", "email")
