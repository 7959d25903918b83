"""What a published draw gives away: the strata needed to re-run it, but neither which drawn member
is in a vulnerable group nor which public "Citizen member N" was which volunteer; strata are taken
on the draw date."""

import json
from datetime import date

import pytest
from django.utils import timezone
from freezegun import freeze_time

from governance import lottery
from governance.models import DrawRecord, Membership, Volunteer
from governance.services import committees as services

from .test_committee_support import make_districts, make_person, path
from .test_lottery_command import pb, pool, run  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]


def test_the_public_data_gives_vulnerable_groups_as_a_count_only(client, pb, pool):  # noqa: F811
    record = services.committee_draw(actor=None, committee=pb, seats=6, seed="a-seed", min_vulnerable=2)
    raw = client.get(path("draw_data", pb.slug, record.pk)).content
    data = json.loads(raw)
    assert b"vulnerable\": true" not in raw and b"vulnerable\": false" not in raw
    assert all(set(row) == {"id", "district", "age_band", "sex"} for row in data["pool"])
    assert data["vulnerable_in_pool"] == sum(volunteer.vulnerable for volunteer in pool) == 10
    page = client.get(path("committee_draws", pb.slug, language="en")).content.decode()
    assert "Of whom in a vulnerable group" in page and "taken on the day of the draw" in page
    # The stored record keeps the flags, and the command's replay reproduces the draw from it.
    assert all("vulnerable" in row for row in DrawRecord.objects.get().pool)
    assert "the same selection as published" in run(pb.slug, "--replay", str(record.pk))


def test_a_draw_without_vulnerable_seats_re_runs_from_the_public_data(client, pb, pool):  # noqa: F811
    record = services.committee_draw(actor=None, committee=pb, seats=12, seed="public-seed")
    data = json.loads(client.get(path("draw_data", pb.slug, record.pk)).content)
    quotas = lottery.Quotas(seats=data["seats"], max_per_district=data["quotas"]["max_per_district"],
                            min_vulnerable=data["quotas"]["min_vulnerable"])
    rerun = lottery.draw([lottery.Candidate(**row) for row in data["pool"]], quotas, data["seed"])
    assert [candidate.id for candidate in rerun] == data["selected"]


class _Reversed:
    """Stands for the random order of appointment: the reverse of the draw."""

    def shuffle(self, items):
        items.reverse()


def test_public_names_do_not_follow_the_draw_order(pb, pool, monkeypatch):  # noqa: F811
    record = services.committee_draw(actor=None, committee=pb, seats=6, seed="a-seed")
    monkeypatch.setattr(services.secrets, "SystemRandom", _Reversed)
    appointed = services.draw_appoint_selected(actor=None, draw=record, term_start=timezone.localdate())
    person_of = dict(Volunteer.objects.filter(pk__in=record.selected).values_list("pk", "person_id"))
    name_of = {member.person_id: member.public_name for member in appointed}
    in_draw_order = [name_of[person_of[volunteer_id]] for volunteer_id in record.selected]
    assert in_draw_order != [f"시민위원 {n}" for n in range(1, 7)]
    assert sorted(name_of.values()) == sorted(f"시민위원 {n}" for n in range(1, 7))


def test_numbers_continue_across_draws(pb, pool):  # noqa: F811
    first = services.committee_draw(actor=None, committee=pb, seats=6, seed="first")
    services.draw_appoint_selected(actor=None, draw=first, term_start=timezone.localdate())
    Volunteer.objects.filter(pk__in=first.selected).delete()
    second = services.committee_draw(actor=None, committee=pb, seats=6, seed="second")
    appointed = services.draw_appoint_selected(actor=None, draw=second, term_start=timezone.localdate())
    assert sorted(member.public_name for member in appointed) == sorted(f"시민위원 {n}" for n in range(7, 13))
    assert Membership.objects.filter(committee=pb).values("public_name").distinct().count() == 12


def test_the_age_band_is_taken_on_the_draw_date(pb):  # noqa: F811
    district = make_districts()[0]
    with freeze_time("2024-03-01"):
        turning_30 = make_person(birth_date=date(1994, 6, 1), district=district, gender="female")
        young = make_person(birth_date=date(2000, 1, 1), district=district, gender="female")
        first = services.volunteer_register(actor=turning_30, committee=pb)
        second = services.volunteer_register(actor=young, committee=pb)
    assert (first.age_band, second.age_band) == ("10-29", "10-29")
    assert services.draw_candidates(pb, on=date(2024, 5, 31))[0].age_band == "10-29"
    with freeze_time("2024-07-01 12:00:00+09:00"):
        # One seat: women aged 10-29. On the draw date the first volunteer is 30 and cannot take it.
        record = services.committee_draw(actor=None, committee=pb, seats=1, seed="s")
    bands = {row["id"]: row["age_band"] for row in record.pool}
    assert bands == {first.pk: "30-49", second.pk: "10-29"}
    assert record.selected == [second.pk]
    Volunteer.objects.filter(pk=first.pk).update(age_band="50+")  # a replay reads the pool as it was drawn
    assert "the same selection as published" in run(pb.slug, "--replay", str(record.pk))
