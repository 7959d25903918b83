"""Reads of the organisation: the public chart, a unit's page, and the units an official may manage.

The tree is small (hundreds of units) and shallow: it is read whole in one query and assembled in
Python, so that every page built on it issues the same number of queries whatever its size.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from ..models import OrgAssignment, OrgUnit


@dataclass
class OrgNode:
    unit: OrgUnit
    children: list["OrgNode"] = field(default_factory=list)
    depth: int = 0


@dataclass
class OrgUnitPage:
    unit: OrgUnit
    ancestors: list[OrgUnit]
    children: list[OrgUnit]
    committees: list


def with_head_title(queryset: QuerySet) -> QuerySet:
    """Annotate each unit with its current head's public position title (never who holds it)."""
    heads = OrgAssignment.objects.filter(
        unit=OuterRef("pk"), role=OrgAssignment.Role.HEAD, ended_on__isnull=True
    ).order_by("-started_on")
    return queryset.annotate(
        head_title_ko=Subquery(heads.values("title_ko")[:1]),
        head_title_en=Subquery(heads.values("title_en")[:1]),
    )


def _localize_head(units):
    for unit in units:
        unit.head_title = unit.localized("head_title") if unit.head_title_ko or unit.head_title_en else ""
    return units


def org_tree() -> list[OrgNode]:
    """The active units as a forest (one query): bureaus with their divisions and teams, then affiliates.

    A unit whose parent is inactive or absent is shown as a root rather than lost.
    """
    units = _localize_head(list(with_head_title(OrgUnit.objects.filter(is_active=True)).order_by("order", "code")))
    present = {unit.pk for unit in units}
    by_parent = defaultdict(list)
    for unit in units:
        by_parent[unit.parent_id if unit.parent_id in present else None].append(unit)

    def build(unit, depth):
        return OrgNode(unit=unit, children=[build(child, depth + 1) for child in by_parent[unit.pk]], depth=depth)

    roots = [build(unit, 0) for unit in by_parent[None]]
    # Government units first, then affiliated institutions, each in their own order.
    return sorted(roots, key=lambda node: node.unit.kind == OrgUnit.Kind.AFFILIATE)


def org_unit_detail(code) -> OrgUnitPage:
    """A unit's public page (four queries). Raises OrgUnit.DoesNotExist for an unknown or inactive code."""
    unit = _localize_head([with_head_title(OrgUnit.objects.filter(is_active=True)).get(code=code)])[0]
    outline = {row.pk: row for row in OrgUnit.objects.only("pk", "parent_id", "code", "name_ko", "name_en",
                                                           "kind", "is_active")}
    ancestors, current, seen = [], outline.get(unit.parent_id), {unit.pk}
    while current is not None and current.pk not in seen:
        ancestors.append(current)
        seen.add(current.pk)
        current = outline.get(current.parent_id)
    ancestors.reverse()
    children = _localize_head(list(with_head_title(unit.children.filter(is_active=True)).order_by("order", "code")))
    committees = list(unit.committees.filter(is_active=True).order_by("slug"))
    return OrgUnitPage(unit=unit, ancestors=ancestors, children=children, committees=committees)


def affiliate_units() -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(kind=OrgUnit.Kind.AFFILIATE, is_active=True).order_by("order", "code"))


def visible_unit_ids(official) -> frozenset[int]:
    """Ids of the official's current units and of every unit below them (two queries)."""
    if official is None or not getattr(official, "is_authenticated", False) or not official.is_active:
        return frozenset()
    own = set(
        OrgAssignment.objects.filter(official=official, ended_on__isnull=True).values_list("unit_id", flat=True)
    )
    if not own:
        return frozenset()
    children = defaultdict(list)
    for pk, parent_id in OrgUnit.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    visible, stack = set(), list(own)
    while stack:
        pk = stack.pop()
        if pk in visible:
            continue
        visible.add(pk)
        stack.extend(children[pk])
    return frozenset(visible)


def units_visible_to(official) -> QuerySet:
    """The official's current units and their descendants (inactive ones included: their records
    still need managing). Superusers get no special case here; see `scope_to_official`."""
    return OrgUnit.objects.filter(pk__in=visible_unit_ids(official))


def scope_to_official(queryset: QuerySet, official, unit_path: str) -> QuerySet:
    """The records of `queryset` an official manages: all for a superuser, otherwise those whose
    unit (reached by `unit_path`, e.g. "owner_unit" or "affiliates") is visible to them.

    Filters by primary key through a subquery, so a many-to-many path yields no duplicates.
    """
    if getattr(official, "is_superuser", False) and official.is_active:
        return queryset
    ids = visible_unit_ids(official)
    if unit_path in ("", "pk", "self"):
        return queryset.filter(pk__in=ids)
    matching = queryset.model._default_manager.filter(**{f"{unit_path}__in": ids}).values("pk")
    return queryset.filter(pk__in=matching)
