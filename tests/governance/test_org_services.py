"""The organisation's services refuse illegal moves with a clear message; selectors scope and build the tree."""

from datetime import date

import pytest

from audit.models import AuditEvent
from governance.errors import GovernanceError
from governance.models import Document, OrgAssignment, OrgUnit
from governance.selectors.org import org_tree, scope_to_official, units_visible_to
from governance.services import org as services

from .test_org_support import assign, make_document, make_official, make_tree, make_unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]
Kind = OrgUnit.Kind


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def actor():
    return make_official(superuser=True)


def test_a_unit_is_created_where_its_kind_belongs_and_audited(tree, actor):
    team = services.org_unit_create(actor=actor, code="blockchain", kind=Kind.TEAM, parent=tree["policy"],
                                    name_ko="블록체인팀", name_en="Blockchain Team")
    assert team.parent == tree["policy"]
    event = AuditEvent.objects.get(action="org_unit.create")
    assert (event.actor_id, event.target_id, event.summary["parent"]) == (actor.pk, str(team.pk), "policy")


@pytest.mark.parametrize(
    ("kind", "parent_name", "message"),
    [
        (Kind.TEAM, "bureau", "'Team' cannot sit in Smart City Policy Bureau, a unit of kind 'Bureau': it sits in a unit of kind 'Division'"),
        (Kind.TEAM, None, "'Team' cannot stand at the top of the tree: it sits in a unit of kind 'Division'"),
        (Kind.DIVISION, "policy", "'Division' cannot sit in Smart City Policy Division, a unit of kind 'Division'"),
        (Kind.DIVISION, None, "'Division' cannot stand at the top of the tree: it sits in a unit of kind 'Bureau'"),
        (Kind.DIVISION, "institute", "a unit of kind 'Affiliated institution'"),
        (Kind.AFFILIATE, "iot", "'Affiliated institution' cannot sit in IoT Team, a unit of kind 'Team'"),
    ],
)
def test_a_unit_of_the_wrong_kind_is_refused(tree, actor, kind, parent_name, message):
    parent = tree[parent_name] if parent_name else None
    with pytest.raises(GovernanceError, match=message):
        services.org_unit_create(actor=actor, code="new", kind=kind, parent=parent, name_ko="새 부서", name_en="New")
    assert not OrgUnit.objects.filter(code="new").exists()
    assert not AuditEvent.objects.filter(action="org_unit.create").exists()


def test_a_duplicate_code_is_refused(tree, actor):
    with pytest.raises(GovernanceError, match="already exists"):
        services.org_unit_create(actor=actor, code="iot", kind=Kind.TEAM, parent=tree["data"], name_ko="x",
                                 name_en="x")


def test_a_team_moves_to_another_division(tree, actor):
    services.org_unit_move(actor=actor, unit=tree["iot"], new_parent=tree["data"])
    tree["iot"].refresh_from_db()
    assert tree["iot"].parent == tree["data"]
    event = AuditEvent.objects.get(action="org_unit.move")
    assert (event.summary["from"], event.summary["to"]) == ("policy", "data")


def test_a_move_that_makes_a_cycle_is_refused(tree, actor):
    # Bureaus may nest (an office above a bureau); moving the upper one into the lower one is a cycle.
    office = make_unit("office", Kind.BUREAU, name_ko="디지털도시국")
    services.org_unit_move(actor=actor, unit=tree["bureau"], new_parent=office)
    with pytest.raises(GovernanceError, match="cycle"):
        services.org_unit_move(actor=actor, unit=office, new_parent=tree["bureau"])
    office.refresh_from_db()
    assert office.parent is None


def test_a_unit_cannot_sit_in_itself(tree, actor):
    with pytest.raises(GovernanceError, match="inside itself"):
        services.org_unit_move(actor=actor, unit=tree["bureau"], new_parent=tree["bureau"])


@pytest.mark.parametrize(("unit", "parent", "message"), [
    ("iot", "bureau", "cannot sit in Smart City Policy Bureau, a unit of kind 'Bureau'"),
    ("policy", "data", "cannot sit in Data Policy Division, a unit of kind 'Division'"),
    ("policy", None, "cannot stand at the top of the tree"),
])
def test_a_move_to_the_wrong_kind_of_parent_is_refused(tree, actor, unit, parent, message):
    with pytest.raises(GovernanceError, match=message):
        services.org_unit_move(actor=actor, unit=tree[unit], new_parent=tree[parent] if parent else None)


def test_a_move_into_an_inactive_unit_is_refused(tree, actor):
    services.org_unit_deactivate(actor=actor, unit=tree["ai"])
    services.org_unit_deactivate(actor=actor, unit=tree["data"])
    with pytest.raises(GovernanceError, match="no longer active"):
        services.org_unit_move(actor=actor, unit=tree["iot"], new_parent=tree["data"])


def test_deactivation_waits_for_the_units_below_and_ends_assignments(tree, actor):
    with pytest.raises(GovernanceError, match="still has active units"):
        services.org_unit_deactivate(actor=actor, unit=tree["policy"])
    member = assign(tree["iot"], make_official())
    services.org_unit_deactivate(actor=actor, unit=tree["iot"], on=date(2025, 6, 30))
    member.refresh_from_db()
    assert member.ended_on == date(2025, 6, 30)
    services.org_unit_deactivate(actor=actor, unit=tree["policy"])
    with pytest.raises(GovernanceError, match="already inactive"):
        services.org_unit_deactivate(actor=actor, unit=tree["policy"])


def test_a_second_current_head_is_refused(tree, actor):
    first, second = make_official(), make_official()
    services.org_assignment_start(actor=actor, unit=tree["policy"], official=first, role="head",
                                  title_ko="Smart City Policy Division장")
    with pytest.raises(GovernanceError, match="already has a current head"):
        services.org_assignment_start(actor=actor, unit=tree["policy"], official=second, role="head")
    # A second member is fine; the head changes once the first head's assignment ends.
    services.org_assignment_start(actor=actor, unit=tree["policy"], official=second)
    head = OrgAssignment.objects.get(unit=tree["policy"], role="head")
    services.org_assignment_end(actor=actor, assignment=head)
    services.org_assignment_start(actor=actor, unit=tree["ai"], official=first, role="head")
    assert AuditEvent.objects.filter(action="org_assignment.start").count() == 3


def test_the_database_constraint_backs_the_head_rule(tree, actor, monkeypatch):
    """Two admins saving at once could both pass the check: the constraint's name turns into the same error."""
    services.org_assignment_start(actor=actor, unit=tree["policy"], official=make_official(), role="head")
    monkeypatch.setattr(services, "org_assignment_check_start", lambda **kwargs: None)
    with pytest.raises(GovernanceError, match="already has a current head"):
        services.org_assignment_start(actor=actor, unit=tree["policy"], official=make_official(), role="head")


def test_assignment_rules(tree, actor):
    official = make_official()
    assignment = services.org_assignment_start(actor=actor, unit=tree["iot"], official=official,
                                               started_on=date(2025, 3, 1))
    with pytest.raises(GovernanceError, match="already has a current assignment"):
        services.org_assignment_start(actor=actor, unit=tree["iot"], official=official)
    with pytest.raises(GovernanceError, match="cannot end before it started"):
        services.org_assignment_end(actor=actor, assignment=assignment, ended_on=date(2025, 2, 1))
    services.org_assignment_end(actor=actor, assignment=assignment, ended_on=date(2025, 3, 1))
    with pytest.raises(GovernanceError, match="already ended"):
        services.org_assignment_end(actor=actor, assignment=assignment)
    citizen = make_official()
    citizen.is_staff = False
    citizen.save()
    with pytest.raises(GovernanceError, match="staff account"):
        services.org_assignment_start(actor=actor, unit=tree["iot"], official=citizen)


def test_units_visible_to_an_official_are_their_units_and_below(tree, actor):
    official = make_official()
    assign(tree["policy"], official)
    assign(tree["ai"], official, ended_on=date(2024, 6, 30))  # ended: no longer theirs
    services.org_unit_deactivate(actor=actor, unit=tree["iot"])  # inactive units below still count
    assert set(units_visible_to(official)) == {tree["policy"], tree["iot"]}
    assert not units_visible_to(make_official()).exists()


def test_scope_to_official_filters_records_by_owner_unit(tree, actor):
    official = make_official()
    assign(tree["policy"], official)
    own = make_document("own", tree["iot"])
    make_document("other", tree["data"])
    assert list(scope_to_official(Document.objects.all(), official, "owner_unit")) == [own]
    assert scope_to_official(Document.objects.all(), actor, "owner_unit").count() == 2


def test_org_tree_is_one_query_and_nested(tree, django_assert_num_queries):
    assign(tree["bureau"], make_official(), role="head", title_ko="스마트도시정책관", title_en="Director General")
    services.org_unit_deactivate(actor=None, unit=tree["ai"])
    with django_assert_num_queries(1):
        roots = org_tree()
    assert [node.unit.code for node in roots] == ["bureau", "institute"]  # government first, then affiliates
    bureau = roots[0]
    assert bureau.unit.head_title == "Director General"
    assert [child.unit.code for child in bureau.children] == ["data", "policy"]
    assert [team.unit.code for team in bureau.children[0].children] == []  # the inactive team is left out
    assert [team.unit.code for team in bureau.children[1].children] == ["iot"]
