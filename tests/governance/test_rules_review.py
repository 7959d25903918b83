"""The review workspace's permissions as a grid: roles × item states → what each may do."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse

from governance.models import Membership

from .test_review_support import add_conflict, add_review, make_committee, make_item, make_membership, make_person

pytestmark = pytest.mark.django_db

PERMS = ["view_item", "review_item", "declare_conflict", "view_reviews", "close_item"]
STATES = ["open_before", "open_after", "closed"]
NOTHING = ((), (), ())

# role: (allowed when open before the deadline, open after the deadline, closed)
GRID = {
    "anonymous": NOTHING,
    "citizen": NOTHING,
    "other_committee_member": NOTHING,
    "ended_member": NOTHING,
    "member": (
        ("view_item", "review_item", "declare_conflict"),
        ("view_item", "view_reviews"),
        ("view_item", "view_reviews"),
    ),
    "member_who_reviewed": (
        ("view_item", "review_item", "declare_conflict", "view_reviews"),
        ("view_item", "view_reviews"),
        ("view_item", "view_reviews"),
    ),
    "member_with_conflict": (("view_item",), ("view_item",), ("view_item",)),
    "secretary": (
        ("view_item", "review_item", "declare_conflict", "close_item"),
        ("view_item", "view_reviews", "close_item"),
        ("view_item", "view_reviews"),
    ),
    "secretary_with_conflict": (("view_item",), ("view_item",), ("view_item",)),
    "official": (("close_item",), ("close_item",), ()),
}

# Serving on any committee opens the workspace (showing that committee's items only).
WORKSPACE = {
    "other_committee_member", "member", "member_who_reviewed", "member_with_conflict", "secretary",
    "secretary_with_conflict",
}


def _user(role, item):
    committee = item.committee
    if role == "anonymous":
        return AnonymousUser()
    if role == "citizen":
        return make_person()
    if role == "other_committee_member":
        return make_membership(make_committee("participatory-budget-committee")).person
    if role == "ended_member":
        return make_membership(committee, ended=True).person
    if role == "official":
        official = make_person(staff=True)
        official.user_permissions.add(Permission.objects.get(codename="change_agendaitem"))
        return type(official).objects.get(pk=official.pk)  # a fresh instance: no cached permissions
    membership = make_membership(
        committee, role=Membership.Role.SECRETARY if role.startswith("secretary") else Membership.Role.MEMBER
    )
    if role == "member_who_reviewed":
        add_review(item, membership)
    if role.endswith("with_conflict"):
        add_conflict(item, membership)
    return membership.person


@pytest.mark.parametrize("state_index", range(len(STATES)), ids=STATES)
@pytest.mark.parametrize("role", list(GRID))
def test_permission_grid(role, state_index):
    item = make_item(make_committee(), state=STATES[state_index])
    user = _user(role, item)
    allowed = {perm for perm in PERMS if rules.has_perm(f"governance.{perm}", user, item)}
    assert allowed == set(GRID[role][state_index])


@pytest.mark.parametrize("role", list(GRID))
def test_who_enters_the_workspace(role):
    item = make_item(make_committee())
    user = _user(role, item)
    assert rules.has_perm("governance.access_workspace", user) is (role in WORKSPACE)


# Over HTTP: anonymous → sign-in, signed in but not on the committee → 404 (as for an id that does not
# exist, so ids cannot be probed), members → the page.
HTTP = {
    "anonymous": 302, "citizen": 404, "other_committee_member": 404, "ended_member": 404, "official": 404,
    "member": 200, "member_with_conflict": 200, "secretary": 200,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("role", "status"), list(HTTP.items()))
def test_item_page_by_role(client, role, status, state):
    item = make_item(make_committee(), state=state)
    user = _user(role, item)
    if role != "anonymous":
        client.force_login(user)
    response = client.get(reverse("review:item", args=[item.pk]))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("citizens:signin"))


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("citizen", 403), ("ended_member", 403),
                                              ("other_committee_member", 200), ("member", 200)])
def test_workspace_list_by_role(client, role, status):
    item = make_item(make_committee())
    user = _user(role, item)
    if role != "anonymous":
        client.force_login(user)
    assert client.get(reverse("review:index")).status_code == status


@pytest.mark.parametrize("state", STATES)
# A member of the committee who may not close: 403; someone not on it: 404.
@pytest.mark.parametrize(("role", "status"), [("member", 403), ("citizen", 404), ("other_committee_member", 404),
                                              ("secretary", None)])
def test_close_page_by_role(client, role, status, state):
    item = make_item(make_committee(), state=state)
    client.force_login(_user(role, item))
    response = client.get(reverse("review:close", args=[item.pk]))
    if role == "secretary":
        # Open: the form. Closed: back to the item, which says it is closed.
        assert response.status_code == (302 if state == "closed" else 200)
    else:
        assert response.status_code == status
