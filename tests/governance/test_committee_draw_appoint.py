"""Officials appoint the citizens a draw selected: listed anonymously, through the service."""

import pytest
from django.urls import reverse
from django.utils import timezone

from citizens.models import Citizen
from governance.models import Membership
from governance.services import committees as services

from .test_lottery_command import pb, pool  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draw(pb, pool):  # noqa: F811
    return services.committee_draw(actor=None, committee=pb, seats=6, seed="a-published-seed")


def test_the_selected_citizens_are_appointed_under_anonymous_names(draw):
    appointed = services.draw_appoint_selected(actor=None, draw=draw, term_start=timezone.localdate())
    assert [member.public_name for member in appointed] == [f"시민위원 {n}" for n in range(1, 7)]  # appointment order
    people = {member.person_id for member in appointed}
    assert {member.kind for member in appointed} == {Membership.Kind.DRAWN}
    from governance.models import Volunteer

    expected = list(Volunteer.objects.filter(pk__in=draw.selected).values_list("person_id", flat=True))
    assert people == set(expected)
    # Running it again appoints nobody twice.
    assert services.draw_appoint_selected(actor=None, draw=draw, term_start=timezone.localdate()) == []


def test_the_admin_action_appoints_and_reports(client, draw):
    official = Citizen.objects.create_superuser(email="secretariat@seoul.example", password="a-long-enough-passphrase")
    client.force_login(official)
    response = client.post(
        reverse("admin:governance_drawrecord_changelist"),
        {"action": "appoint_selected", "_selected_action": [draw.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Membership.objects.filter(committee=draw.committee, kind=Membership.Kind.DRAWN).count() == 6
    assert "6" in " ".join(str(message) for message in response.context["messages"])


def test_a_full_committee_refuses_the_whole_batch(pb, pool):  # noqa: F811
    pb.max_members = 3
    pb.save()
    record = services.committee_draw(actor=None, committee=pb, seats=6, seed="another-seed")
    from governance.errors import GovernanceError

    with pytest.raises(GovernanceError):
        services.draw_appoint_selected(actor=None, draw=record, term_start=timezone.localdate())
    assert not Membership.objects.filter(committee=pb).exists()
