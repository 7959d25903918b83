from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(citizen):
    return audit_record(
        actor=None, action="citizen.suspend", target=citizen, summary={"reason": "R3"}, ip="203.0.113.9"
    )


@pytest.fixture
def admin(client, official):
    client.force_login(official)
    return client


def test_the_changelist_lists_filters_and_searches_by_target_id(admin, event, citizen):
    with freeze_time(timezone.now() - timedelta(days=400)):
        old = audit_record(actor=None, action="poll.publish", target=("voting.poll", 987654))
    url = reverse("admin:audit_auditevent_changelist")

    listing = admin.get(url)
    assert listing.status_code == 200
    assert {row.pk for row in listing.context["cl"].result_list} == {event.pk, old.pk}

    by_action = admin.get(url, {"action": "citizen.suspend"})
    assert [row.pk for row in by_action.context["cl"].result_list] == [event.pk]

    # The "today" choice of the date filter, in Seoul time.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = admin.get(url, {"occurred_at__gte": str(midnight), "occurred_at__lt": str(midnight + timedelta(days=1))})
    assert [row.pk for row in today.context["cl"].result_list] == [event.pk]

    by_target = admin.get(url, {"q": "987654"})
    assert [row.pk for row in by_target.context["cl"].result_list] == [old.pk]
    # Exact match only: a fragment of an id finds nothing.
    assert list(admin.get(url, {"q": "9876"}).context["cl"].result_list) == []


def test_the_action_filter_lists_every_action_once(admin, event):
    for action in ["poll.publish", "poll.close", "poll.publish", "citizen.suspend"]:
        audit_record(actor=None, action=action)

    response = admin.get(reverse("admin:audit_auditevent_changelist"))

    (action_filter,) = [
        spec for spec in response.context["cl"].filter_specs if getattr(spec, "parameter_name", None) == "action"
    ]
    assert [value for value, _ in action_filter.lookup_choices] == ["citizen.suspend", "poll.close", "poll.publish"]


def test_the_address_is_not_shown_to_officials(admin, event):
    listing = admin.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    detail = admin.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert "203.0.113.9" not in listing and "203.0.113.9" not in detail


def test_an_event_opens_read_only(admin, event):
    response = admin.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "R3" in html
    assert 'name="_save"' not in html and 'name="action"' not in html


def test_no_add_change_or_delete_even_for_a_superuser(admin, event):
    assert admin.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert admin.post(reverse("admin:audit_auditevent_add"), {"action": "x.y"}).status_code == 403
    assert (
        admin.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "citizen.erase"}).status_code
        == 403
    )
    assert admin.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    assert admin.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    bulk_delete = admin.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk_delete.status_code in {200, 302}
    assert AuditEvent.objects.get(pk=event.pk).action == "citizen.suspend"


def test_the_changelist_offers_no_add_button_and_no_delete_action(admin, event):
    html = admin.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert reverse("admin:audit_auditevent_add") not in html
    assert "delete_selected" not in html
