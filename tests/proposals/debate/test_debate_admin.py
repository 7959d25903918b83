"""The officials read the debates in the back office; nobody adds, changes or deletes a stance there."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens.backends import PASSWORD_BACKEND
from proposals.models import DebateStance
from proposals.services.debate import debate_take_stance

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:proposals_debatestance_changelist")


@pytest.fixture
def reader(client, make_citizen):
    official = make_citizen(is_staff=True)
    official.user_permissions.add(Permission.objects.get(codename="view_debatestance"))
    client.force_login(official, backend=PASSWORD_BACKEND)
    return official


def test_the_list_shows_the_arguments_but_not_who_wrote_them(client, reader, debate, make_citizen):
    writer = make_citizen(name="최논객")
    stance = debate_take_stance(citizen=writer, proposal=debate, stance="against", argument="주차 공간이 줄어듭니다.")
    response = client.get(CHANGELIST, {"stance__exact": "against"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [stance]
    html = response.content.decode()
    assert "주차 공간이 줄어듭니다." in html and "최논객" not in html and writer.phone_last4 not in html

    page = client.get(reverse("admin:proposals_debatestance_change", args=[stance.pk]))
    assert page.status_code == 200 and "최논객" not in page.content.decode()


def test_nothing_is_added_changed_or_deleted(client, reader, debate, make_citizen):
    stance = debate_take_stance(citizen=make_citizen(), proposal=debate, stance="for", argument="찬성")
    assert client.get(reverse("admin:proposals_debatestance_add")).status_code == 403
    assert (
        client.post(reverse("admin:proposals_debatestance_delete", args=[stance.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:proposals_debatestance_change", args=[stance.pk]), {"stance": "against"})
    assert DebateStance.objects.get(pk=stance.pk).stance == "for"


def test_the_list_costs_the_same_at_any_size(client, reader, make_proposal, make_citizen):
    proposal = make_proposal("in_debate")
    counts = []
    for size in (2, 20):
        while DebateStance.objects.count() < size:
            debate_take_stance(citizen=make_citizen(), proposal=proposal, stance="for", argument="논거")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(CHANGELIST).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
