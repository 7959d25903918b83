"""Volunteering, the committee_draw command (output, exit code, reproducibility) and the public draw pages."""

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand

from audit.models import AuditEvent
from citizens.models import Citizen
from governance.errors import GovernanceError
from governance.models import DrawRecord, Volunteer
from governance.services import committees as services

from .test_committee_support import make_committee, make_districts, make_person, path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("messages_in_english")]


AGES = {"10-29": date(2000, 1, 1), "30-49": date(1985, 1, 1), "50+": date(1960, 1, 1)}


@pytest.fixture
def pb():
    return make_committee("participatory-budget-committee", kind="budget", name_ko="시민참여예산위원회",
                          name_en="Participatory Budget Committee", max_members=30, max_ex_officio=0,
                          accepts_volunteers=True)


def volunteer(committee, district, band, sex, vulnerable=False):
    person = make_person(birth_date=AGES[band], district=district, gender=sex)
    return services.volunteer_register(actor=person, committee=committee, vulnerable=vulnerable)


@pytest.fixture
def pool(pb):
    districts = make_districts()
    volunteers = []
    for number in range(48):
        band = ("10-29", "30-49", "50+")[number % 3]
        sex = ("female", "male")[(number // 3) % 2]
        volunteers.append(volunteer(pb, districts[number % len(districts)], band, sex, vulnerable=number % 5 == 0))
    return volunteers


def run(*args):
    out = StringIO()
    call_command("committee_draw", *args, stdout=out)
    return out.getvalue()


def selected_ids(output):
    return [int(line.split("\t")[0]) for line in output.splitlines() if re.match(r"^  \d+\t", line)]


# --- Volunteering ----------------------------------------------------------------------------


def test_a_volunteer_carries_the_strata_of_their_profile(pb):
    (district, *_rest) = make_districts()
    person = make_person(birth_date=date(1990, 5, 17), district=district, gender="female")
    entry = services.volunteer_register(actor=person, committee=pb, vulnerable=True)
    assert (entry.district_code, entry.age_band, entry.sex, entry.vulnerable) == (district.code, "30-49", "female",
                                                                                  True)
    assert AuditEvent.objects.get(action="volunteer.register").target_id == str(entry.pk)


@pytest.mark.parametrize(
    ("profile", "words"),
    [
        ({"birth_date": None, "gender": "male"}, "birth date"),
        ({"district": None, "gender": "male"}, "district"),
        ({"gender": ""}, "gender"),
        ({"gender": "other"}, "women and men"),
        ({"birth_date": date(2015, 1, 1), "gender": "male"}, "at least 14"),
    ],
    ids=["no birth date", "no district", "no gender", "gender other", "under 14"],
)
def test_volunteering_is_refused_with_the_missing_profile_item_named(pb, profile, words):
    (district, *_rest) = make_districts()
    fields = {"birth_date": date(1990, 1, 1), "district": district, **profile}
    person = make_person(**fields)
    with pytest.raises(GovernanceError) as refused:
        services.volunteer_register(actor=person, committee=pb)
    assert words in refused.value.message
    assert not Volunteer.objects.exists()


def test_volunteering_twice_or_for_a_committee_without_draws_is_refused(pb):
    (district, *_rest) = make_districts()
    person = make_person(birth_date=date(1990, 1, 1), district=district, gender="male")
    services.volunteer_register(actor=person, committee=pb)
    with pytest.raises(GovernanceError, match="already volunteered"):
        services.volunteer_register(actor=person, committee=pb)
    with pytest.raises(GovernanceError, match="does not take volunteers"):
        services.volunteer_register(actor=person, committee=make_committee())


def test_the_volunteer_button_signs_in_first_then_registers(client, pb):
    (district, *_rest) = make_districts()
    url = path("committee_volunteer", pb.slug)
    response = client.post(url)
    assert response.status_code == 302 and "next=" in response["Location"]
    person = make_person(birth_date=date(1990, 1, 1), district=district, gender="female")
    client.force_login(person)
    response = client.post(url, {"vulnerable": "on"})
    assert response.status_code == 302
    assert Volunteer.objects.get(person=person).vulnerable is True
    page = client.get(path("committee_detail", pb.slug)).content.decode()
    assert 'name="vulnerable"' not in page  # the form gives way to "you are in the pool"


# --- The command -----------------------------------------------------------------------------


def test_the_command_prints_and_stores_the_seed_quotas_and_selection(pb, pool):
    output = run(pb.slug, "--seats", "12", "--vulnerable", "2")
    record = DrawRecord.objects.get()
    seed = re.search(r"^Seed: ([0-9a-f]{64})$", output, re.M).group(1)
    assert record.seed == seed
    assert selected_ids(output) == record.selected and len(record.selected) == 12
    assert record.quotas["max_per_district"] == 6 and record.quotas["min_vulnerable"] == 2
    assert {entry["id"] for entry in record.pool} == {entry.pk for entry in pool}
    assert f"Draw {record.pk} published." in output
    assert AuditEvent.objects.filter(action="committee.draw", target_id=str(record.pk)).exists()


def test_the_same_seed_reproduces_the_draw(pb, pool):
    published = run(pb.slug, "--seats", "12", "--seed", "public-seed-2026")
    again = run(pb.slug, "--seats", "12", "--seed", "public-seed-2026", "--dry-run")
    assert selected_ids(again) == selected_ids(published)
    assert "nothing was stored" in again
    record = DrawRecord.objects.get()
    replay = run(pb.slug, "--replay", str(record.pk))
    assert "the same selection as published" in replay
    other = run(pb.slug, "--seats", "12", "--seed", "another-seed", "--dry-run")
    assert selected_ids(other) != selected_ids(published)


def test_a_published_seed_is_not_drawn_twice(pb, pool):
    run(pb.slug, "--seats", "6", "--seed", "once")
    with pytest.raises(CommandError, match="already published"):
        run(pb.slug, "--seats", "6", "--seed", "once")
    assert DrawRecord.objects.count() == 1


def test_a_shortfall_names_the_quota_stores_nothing_and_exits_non_zero(pb, pool, capsys):
    Volunteer.objects.filter(sex="male", age_band="50+").delete()
    with pytest.raises(CommandError) as failed:
        run(pb.slug, "--seats", "12")
    message = str(failed.value)
    assert "men aged 50 and over [cell:male/50+]: 2 needed, 0 available, short by 2" in message
    assert "nothing was stored" in message
    assert not DrawRecord.objects.exists() and not AuditEvent.objects.filter(action="committee.draw").exists()

    # As an operator runs it: an error on stderr and exit status 1.
    with pytest.raises(SystemExit) as exited:
        BaseCommand.run_from_argv(
            __import__("governance.management.commands.committee_draw", fromlist=["Command"]).Command(),
            ["manage.py", "committee_draw", pb.slug, "--seats", "12"],
        )
    assert exited.value.code == 1
    assert "short by 2" in capsys.readouterr().err


def test_the_command_refuses_unknown_committees_and_missing_seats(pb):
    with pytest.raises(CommandError, match="No committee"):
        run("no-such-committee", "--seats", "3")
    with pytest.raises(CommandError, match="--seats"):
        run(pb.slug)


# --- Public pages ----------------------------------------------------------------------------


def test_the_draws_page_publishes_seed_quotas_and_anonymous_ids(client, pb, pool):
    run(pb.slug, "--seats", "12", "--seed", "visible-seed")
    record = DrawRecord.objects.get()
    page = client.get(path("committee_draws", pb.slug)).content.decode()
    assert "visible-seed" in page
    assert ", ".join(str(pk) for pk in record.selected) in page
    for citizen in Citizen.objects.filter(committee_volunteering__isnull=False):
        assert citizen.name not in page

    data = json.loads(client.get(path("draw_data", pb.slug, record.pk)).content)
    assert data["seed"] == "visible-seed" and data["selected"] == record.selected
    assert set(data["pool"][0]) == {"id", "district", "age_band", "sex"}  # vulnerable groups: a count only

    # Anyone can re-run the draw from the published data alone.
    from governance import lottery

    quotas = lottery.Quotas(seats=data["seats"], max_per_district=data["quotas"]["max_per_district"],
                            min_vulnerable=data["quotas"]["min_vulnerable"])
    rerun = lottery.draw([lottery.Candidate(**row) for row in data["pool"]], quotas, data["seed"])
    assert [candidate.id for candidate in rerun] == data["selected"]


def test_unknown_draws_are_404(client, pb):
    assert client.get(path("committee_draws", "nope")).status_code == 404
    assert client.get(path("draw_data", pb.slug, 999)).status_code == 404


def test_personal_data_export_and_erase(pb, pool):
    person = Volunteer.objects.get(pk=pool[0].pk).person
    exported = services.personal_data_export(person)
    assert exported["volunteering"][0]["volunteer_id"] == pool[0].pk and exported["memberships"] == []
    run(pb.slug, "--seats", "6", "--seed", "before-erasure")
    services.personal_data_erase(person)
    assert not Volunteer.objects.filter(person=person).exists()
    assert pool[0].pk in {entry["id"] for entry in DrawRecord.objects.get().pool}  # the published draw stands
