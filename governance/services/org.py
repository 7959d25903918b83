"""Every write of the organisation: units of the tree and officials' assignments to them.

The placement rules (a team sits in a division, a division in a bureau, no cycles) are checked
here, not in the database: a check constraint cannot look at the parent's row. The checks are
public (`org_unit_check_placement`, `org_assignment_check_start`) so that admin forms show the
same message as a form error before the service is called.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from citizens.services import violated_constraint

from ..errors import GovernanceError
from ..models import OrgAssignment, OrgUnit
from .changes import apply_changes

Kind = OrgUnit.Kind

# Which kinds of unit a unit of each kind may sit in; None: at the top of the tree.
ALLOWED_PARENTS = {
    Kind.BUREAU: {None, Kind.BUREAU},
    Kind.DIVISION: {Kind.BUREAU},
    Kind.TEAM: {Kind.DIVISION},
    Kind.AFFILIATE: {None, Kind.BUREAU},  # an affiliate may be placed under the bureau that supervises it
}

UNIT_FIELDS = ("name_ko", "name_en", "mandate_ko", "mandate_en", "phone", "email", "website", "order")


def _describe_allowed(kind):
    labels = [f"'{Kind(parent).label}'" for parent in ALLOWED_PARENTS[kind] if parent]
    return _(" or ").join(sorted(labels))


def org_unit_check_placement(*, kind, parent, unit=None):
    """Raise GovernanceError unless a unit of `kind` (the existing `unit`, if any) may sit under `parent`."""
    if kind not in ALLOWED_PARENTS:
        raise GovernanceError(_("Unknown kind of unit: %(kind)s.") % {"kind": kind})
    allowed = ALLOWED_PARENTS[kind]
    kind_label = Kind(kind).label
    if parent is None:
        if None not in allowed:
            raise GovernanceError(
                _("A unit of kind '%(kind)s' cannot stand at the top of the tree: it sits in a unit of kind "
                  "%(allowed)s.") % {"kind": kind_label, "allowed": _describe_allowed(kind)}
            )
    else:
        if parent.kind not in allowed:
            raise GovernanceError(
                _("A unit of kind '%(kind)s' cannot sit in %(parent)s, a unit of kind '%(parent_kind)s': it sits "
                  "in a unit of kind %(allowed)s.")
                % {"kind": kind_label, "parent_kind": Kind(parent.kind).label, "parent": parent.name,
                   "allowed": _describe_allowed(kind)}
            )
        if not parent.is_active:
            raise GovernanceError(_("%(parent)s is no longer active; choose an active unit.") % {"parent": parent.name})
        if unit is not None and unit.pk is not None:
            _check_no_cycle(unit, parent)
    if unit is not None and unit.pk is not None and kind != unit.kind:
        for child in unit.children.filter(is_active=True):
            if kind not in ALLOWED_PARENTS[child.kind]:
                raise GovernanceError(
                    _("%(unit)s cannot become a unit of kind '%(kind)s': %(child)s (%(child_kind)s) could no "
                      "longer sit in it.")
                    % {"unit": unit.name, "kind": kind_label, "child_kind": Kind(child.kind).label,
                       "child": child.name}
                )


def _check_no_cycle(unit, parent):
    # Walk up from the new parent with one query: the tree is small (hundreds of units).
    parent_of = dict(OrgUnit.objects.values_list("pk", "parent_id"))
    current, seen = parent.pk, set()
    while current is not None and current not in seen:
        if current == unit.pk:
            raise GovernanceError(
                _("%(unit)s cannot be moved into %(parent)s: that unit sits inside it, which would make a cycle.")
                % {"unit": unit.name, "parent": parent.name}
            )
        seen.add(current)
        current = parent_of.get(current)


@transaction.atomic
def org_unit_create(*, actor, code, kind, name_ko, name_en, parent=None, **fields) -> OrgUnit:
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"org_unit_create: unknown fields {sorted(unknown)}")
    if OrgUnit.objects.filter(code=code).exists():
        raise GovernanceError(_("A unit with the code %(code)s already exists.") % {"code": code})
    if parent is not None:
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    org_unit_check_placement(kind=kind, parent=parent)
    unit = OrgUnit(code=code, kind=kind, parent=parent, name_ko=name_ko, name_en=name_en, **fields)
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action="org_unit.create", target=unit,
                 summary={"code": code, "kind": kind, "parent": parent.code if parent else None})
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit, **fields) -> OrgUnit:
    """Change a unit's descriptive fields (names, mandate, public contact, order)."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    # The parent and the active flag change through org_unit_move and org_unit_deactivate.
    changed = apply_changes(unit, fields, allowed=UNIT_FIELDS, service="org_unit_update")
    if not changed:
        return unit
    unit.full_clean()
    unit.save(update_fields=changed)
    audit_record(actor=actor, action="org_unit.update", target=unit, summary={"code": unit.code, "fields": changed})
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit, new_parent) -> OrgUnit:
    """Place a unit under another parent (None: the top of the tree), refusing cycles and wrong kinds."""
    # Lock the whole tree's rows involved: two concurrent moves could otherwise build a cycle together.
    locked = {row.pk: row for row in OrgUnit.objects.select_for_update().filter(
        pk__in=[unit.pk] + ([new_parent.pk] if new_parent else []))}
    unit = locked[unit.pk]
    new_parent = locked[new_parent.pk] if new_parent else None
    if not unit.is_active:
        raise GovernanceError(_("%(unit)s is no longer active and cannot be moved.") % {"unit": unit.name})
    if new_parent is not None and new_parent.pk == unit.pk:
        raise GovernanceError(_("A unit cannot sit inside itself."))
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    org_unit_check_placement(kind=unit.kind, parent=new_parent, unit=unit)
    old_parent_code = unit.parent.code if unit.parent_id else None
    unit.parent = new_parent
    unit.save(update_fields=["parent"])
    audit_record(actor=actor, action="org_unit.move", target=unit,
                 summary={"code": unit.code, "from": old_parent_code, "to": new_parent.code if new_parent else None})
    return unit


@transaction.atomic
def org_unit_deactivate(*, actor, unit, on=None) -> OrgUnit:
    """Close a unit: refused while active units sit in it; its current assignments end that day."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise GovernanceError(_("%(unit)s is already inactive.") % {"unit": unit.name})
    active_children = [child.name for child in unit.children.filter(is_active=True)]
    if active_children:
        raise GovernanceError(
            _("%(unit)s still has active units (%(children)s): move or deactivate them first.")
            % {"unit": unit.name, "children": ", ".join(active_children)}
        )
    on = on or timezone.localdate()
    ended = 0
    for assignment in unit.assignments.select_for_update().filter(ended_on__isnull=True):
        assignment.ended_on = max(on, assignment.started_on)
        assignment.save(update_fields=["ended_on"])
        ended += 1
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit_record(actor=actor, action="org_unit.deactivate", target=unit,
                 summary={"code": unit.code, "assignments_ended": ended})
    return unit


def org_assignment_check_start(*, unit, official, role):
    """Raise GovernanceError unless `official` may start in `unit` with `role` now."""
    if not unit.is_active:
        raise GovernanceError(_("%(unit)s is no longer active.") % {"unit": unit.name})
    if not official.is_staff or not official.is_active:
        raise GovernanceError(_("Only an active staff account can be assigned to a unit."))
    current = OrgAssignment.objects.filter(unit=unit, ended_on__isnull=True)
    if current.filter(official=official).exists():
        raise GovernanceError(
            _("This official already has a current assignment in %(unit)s: end it before starting another.")
            % {"unit": unit.name}
        )
    if role == OrgAssignment.Role.HEAD and current.filter(role=OrgAssignment.Role.HEAD).exists():
        raise GovernanceError(
            _("%(unit)s already has a current head: end that assignment before assigning a new head.")
            % {"unit": unit.name}
        )


def org_assignment_start(*, actor, unit, official, role=OrgAssignment.Role.MEMBER, title_ko="", title_en="",
                         started_on=None) -> OrgAssignment:
    try:
        with transaction.atomic():
            # The unit's row serialises assignments to it: two heads cannot both pass the check.
            unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
            org_assignment_check_start(unit=unit, official=official, role=role)
            assignment = OrgAssignment.objects.create(
                unit=unit, official=official, role=role, title_ko=title_ko, title_en=title_en,
                started_on=started_on or timezone.localdate(),
            )
            audit_record(actor=actor, action="org_assignment.start", target=assignment,
                         summary={"unit": unit.code, "official_id": official.pk, "role": role})
            return assignment
    except IntegrityError as error:
        # The last line of defence (e.g. a concurrent admin save): the constraint's name says which rule.
        constraint = violated_constraint(error)
        if constraint == "orgassignment_one_current_head":
            raise GovernanceError(_("%(unit)s already has a current head.") % {"unit": unit.name}) from error
        if constraint == "orgassignment_one_current_per_unit":
            raise GovernanceError(_("This official already has a current assignment in this unit.")) from error
        raise


@transaction.atomic
def org_assignment_end(*, actor, assignment, ended_on=None) -> OrgAssignment:
    assignment = OrgAssignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    if assignment.ended_on is not None:
        raise GovernanceError(_("This assignment has already ended."))
    ended_on = ended_on or timezone.localdate()
    if ended_on < assignment.started_on:
        raise GovernanceError(_("An assignment cannot end before it started (%(date)s).")
                              % {"date": assignment.started_on.isoformat()})
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit_record(actor=actor, action="org_assignment.end", target=assignment,
                 summary={"unit": assignment.unit.code, "official_id": assignment.official_id})
    return assignment


@transaction.atomic
def org_assignment_retitle(*, actor, assignment, title_ko, title_en="") -> OrgAssignment:
    """Change the public title of a position (the role and the person stay: that is a new assignment)."""
    assignment = OrgAssignment.objects.select_for_update().get(pk=assignment.pk)
    if (assignment.title_ko, assignment.title_en) == (title_ko, title_en):
        return assignment
    assignment.title_ko, assignment.title_en = title_ko, title_en
    assignment.save(update_fields=["title_ko", "title_en"])
    audit_record(actor=actor, action="org_assignment.retitle", target=assignment, summary={"fields": ["title"]})
    return assignment
