"""The ballot-cast load scenario's pieces: the minimal view executes exactly ballot_cast's writes,
the prepared sessions pass the portal's sign-in and CSRF checks, the exactly-once checks catch
what they must, and the throughput verdicts and table. wrk and gunicorn themselves run in
`make bench CHANNEL=voting` (bench/load.py), not here."""

import re
from collections import Counter
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.load import LoadError, parse_wrk_output, wanted_requests, write_requests
from bench.minimal.views import ballot_insert, ballot_insert_together
from bench.report import Throughput, format_load_table, judge_load
from bench.run import datasets, has_load_scenarios, parse_scale
from bench.scenarios import channel_scenarios
from bench.scenarios import voting as voting_scenarios
from bench.seeding import seed
from bench.sizes import scaled, size_label
from citizens.models import Citizen
from voting.models import Ballot, Participation, Poll, TallyCount, age_band
from voting.recount import poll_count_problems
from voting.services.ballots import ballot_cast, voter_key

WRITE = re.compile(r'^(INSERT INTO|UPDATE)\s+"?(\w+)"?\s*(?:\(([^)]*)\))?', re.IGNORECASE)


def writes(queries):
    """(statement, table, columns) of each INSERT/UPDATE, in order."""
    found = []
    for query in queries:
        match = WRITE.match(query["sql"].strip())
        if match:
            columns = tuple(column.strip().strip('"') for column in (match.group(3) or "").split(","))
            found.append((match.group(1).upper(), match.group(2), columns))
    return found


@pytest.fixture
def featured(db):
    """A tiny voting seed: the featured open single-choice poll, and citizens who have not voted."""
    report = seed(
        channels={"voting": {"ballots": 5, "ranked_ballots": 5, "polls": 2, "other_ballots": 5, "ledger": True}},
        citizens=40,
        write=lambda line: None,
        vacuum=False,
    )
    poll = Poll.objects.get(pk=report.channels["voting"]["featured_poll_id"])
    voted = Participation.objects.filter(poll=poll).values_list("citizen_id", flat=True)
    fresh = list(Citizen.objects.filter(is_staff=False).exclude(pk__in=voted).order_by("pk")[:3])
    return {"poll": poll, "fresh": fresh, "context": dict(report.channels["voting"])}


def resident_district(citizen):
    return (citizen.district_id or "") if citizen.residence_basis in ("", "lives") else ""


def minimal_post(poll, citizen, choices=(2,), view=ballot_insert):
    today = timezone.localdate()
    data = {
        "citizen": citizen.pk,
        "voter_key": voter_key(poll.pk, citizen),
        "choices": list(choices),
        "age_band": age_band(citizen.age_on(today)),
        "district": resident_district(citizen),
        "gender": citizen.gender,
        "question_type": poll.question_type,
    }
    request = RequestFactory().post(f"/cast/{poll.pk}/", data)
    return view(request, poll.pk)


# --- The minimal view ---------------------------------------------------------------------------


@pytest.mark.parametrize("view", [ballot_insert, ballot_insert_together], ids=["yardstick", "sent_together"])
def test_the_minimal_view_executes_exactly_ballot_casts_writes(featured, view):
    poll, (first, second, _third) = featured["poll"], featured["fresh"]
    with CaptureQueriesContext(connection) as cast:
        ballot_cast(citizen=first, poll=poll, choices=["2"])
    with CaptureQueriesContext(connection) as minimal:
        response = minimal_post(poll, second, view=view)
    assert response.status_code == 200
    expected = writes(cast.captured_queries)
    assert [table for _statement, table, _columns in expected] == [
        "voting_participation", "voting_ballot", "voting_tallycount", "audit_ledgerentry",
    ]  # fmt: skip
    assert writes(minimal.captured_queries) == expected
    # ... and nothing else: no read, no session, no poll, no eligibility.
    others = [
        query["sql"] for query in minimal.captured_queries
        if not WRITE.match(query["sql"].strip()) and not re.match(r"^(SAVEPOINT|RELEASE|BEGIN|COMMIT)", query["sql"])
    ]  # fmt: skip
    assert others == []


def test_the_minimal_view_keeps_the_counts_and_the_snapshot_right(featured):
    poll, (first, second, third) = featured["poll"], featured["fresh"]
    before = Ballot.objects.filter(poll=poll).count()
    for citizen, choice in ((first, 1), (second, 3), (third, 3)):
        assert minimal_post(poll, citizen, (choice,)).status_code == 200
    assert Ballot.objects.filter(poll=poll).count() == before + 3
    assert poll_count_problems(poll.ledger_scope) == []
    today = timezone.localdate()
    snapshot = (age_band(third.age_on(today)), resident_district(third), third.gender)
    assert Participation.objects.get(poll=poll, citizen=third).voter_key == voter_key(poll.pk, third)
    assert Ballot.objects.filter(poll=poll, choices=[3]).values_list("age_band", "district_code", "gender").filter(
        age_band=snapshot[0], district_code=snapshot[1], gender=snapshot[2]
    ).exists()


def test_a_second_ballot_through_the_minimal_view_is_refused_and_writes_nothing(featured):
    poll, citizen = featured["poll"], featured["fresh"][0]
    assert minimal_post(poll, citizen).status_code == 200
    counts = (Ballot.objects.count(), Participation.objects.count(), TallyCount.objects.count())
    response = minimal_post(poll, citizen)
    assert response.status_code == 409
    assert (Ballot.objects.count(), Participation.objects.count(), TallyCount.objects.count()) == counts
    assert poll_count_problems(poll.ledger_scope) == []


def test_the_minimal_view_refuses_a_malformed_request():
    request = RequestFactory().post("/cast/1/", {"choices": "x"})
    assert ballot_insert(request, 1).status_code == 400
    assert ballot_insert(RequestFactory().get("/cast/1/"), 1).status_code == 405


def test_the_minimal_settings_have_no_middleware_and_only_the_ballot_routes():
    import bench.minimal.settings as minimal_settings
    from bench.minimal import urls

    assert minimal_settings.MIDDLEWARE == []
    assert minimal_settings.ROOT_URLCONF == "bench.minimal.urls"
    assert minimal_settings.DATABASES == __import__("seoul_portal.settings").settings.DATABASES
    assert {pattern.name for pattern in urls.urlpatterns} == {"minimal_cast", "minimal_cast_together", "minimal_ready"}


# --- The portal's requests ------------------------------------------------------------------------


def test_prepared_sessions_sign_the_citizen_in_and_pass_the_csrf_check(featured):
    poll = featured["poll"]
    context = featured["context"]
    lines = voting_scenarios._ballot_requests(context, "portal", 2)
    assert len(lines) == 2 and len({line[1] for line in lines}) == 2  # a session per citizen
    url, cookie, body = lines[0]
    assert url == reverse("voting:cast", args=[poll.pk])
    client = Client(enforce_csrf_checks=True)
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    data = {name: values[0] for name, values in parse_qs(body).items()}
    assert set(data) == {"csrfmiddlewaretoken", "choices"}
    response = client.post(url, data)
    # Accepted: Post/Redirect/Get, the 303 to the receipt page that wrk counts as a success.
    assert response.status_code == 303
    assert response["Location"] == reverse("voting:receipt_page", args=[poll.pk])
    assert response["Location"] == voting_scenarios.LOAD[0].ok_location(context, "portal")
    assert voting_scenarios.LOAD[0].ok_location(context, "minimal") == ""
    voter = context["load"].first_id
    assert Participation.objects.filter(poll=poll, citizen_id=voter).count() == 1


def test_the_wrk_script_counts_a_303_to_the_given_location_only():
    """form_posts.lua: ok is a 200, or a 303 whose Location is the fourth argument (when given)."""
    from bench.load import WRK_SCRIPT

    script = WRK_SCRIPT.read_text(encoding="utf-8")
    assert 'ok_location = args[4] or ""' in script
    assert 'string.gmatch(args[6] or "200", "%d+")' in script  # without more arguments: a 200 succeeds
    assert 'by_status or (status == 303 and ok_location ~= "" and location == ok_location)' in script


def test_minimal_requests_carry_the_voters_snapshot(featured):
    context = featured["context"]
    lines = voting_scenarios._ballot_requests(context, "minimal", 3)
    citizens = [int(parse_qs(body)["citizen"][0]) for _url, _cookie, body in lines]
    assert len(set(citizens)) == 3
    today = timezone.localdate()
    for (url, cookie, body), citizen_id in zip(lines, citizens, strict=True):
        citizen = Citizen.objects.get(pk=citizen_id)
        data = parse_qs(body, keep_blank_values=True)
        assert url == f"/cast/{featured['poll'].pk}/" and cookie == ""
        assert data["age_band"] == [age_band(citizen.age_on(today))]
        assert data["district"] == [resident_district(citizen)]
        assert data["voter_key"] == [voter_key(featured["poll"].pk, citizen)]
        assert not Participation.objects.filter(citizen_id=citizen_id, poll=featured["poll"]).exists()


# --- The exactly-once checks ------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_checks_pass_after_correct_ballots_and_catch_a_miscount(featured):
    poll, state = featured["poll"], voting_scenarios._LoadCitizens()
    fresh = Citizen.objects.filter(pk__in=[voter[0] for voter in state.take(3)])
    before = voting_scenarios._poll_counts(poll.pk)
    for citizen in fresh:
        minimal_post(poll, citizen)
    after = voting_scenarios._poll_counts(poll.pk)
    span = (state.first_id, state.last_id)
    check = {"poll_id": poll.pk, "before": before, "after": after, "citizen_range": span}
    assert voting_scenarios.load_problems(**check, accepted=3, sent=3) == []
    # A request in flight when wrk stopped may have voted without its 200 being read.
    assert voting_scenarios.load_problems(**check, accepted=2, sent=3) == []
    assert voting_scenarios.load_problems(**check, accepted=4, sent=4)  # a 200 without a ballot
    assert voting_scenarios.load_problems(**check, accepted=1, sent=2)  # a ballot nobody sent
    counter = TallyCount.objects.filter(poll=poll, option_position=0, dimension="").first()
    TallyCount.objects.filter(pk=counter.pk).update(count=counter.count + 1)
    problems = voting_scenarios.counter_problems(poll.pk)
    assert problems and "option 0, total" in problems[0]


# --- The registry, the runner's datasets and the verdicts -----------------------------------------


def test_voting_is_in_the_registries():
    module = channel_scenarios("voting")
    assert {scenario.name for scenario in module.SCENARIOS} >= {"results", "results_ranked", "ledger", "verify"}
    assert [load.name for load in module.LOAD] == ["cast"]
    assert [variant.name for variant in module.LOAD[0].variants] == ["portal", "minimal_together", "minimal"]
    assert has_load_scenarios("voting") and not has_load_scenarios("proposals")


def test_voting_compares_a_million_ballots_with_a_thousand():
    sets = datasets(1.0, 1_000, "voting")
    assert [dataset["roles"] for dataset in sets] == [["baseline", "small"], ["big"]]
    assert [scaled("voting", dataset["factor"])["ballots"] for dataset in sets] == [1_000, 1_000_000]
    assert [dataset["database"] for dataset in sets] == ["seoul_portal_bench_voting_baseline", "seoul_portal_bench_voting_big"]
    small = datasets(parse_scale("small"), 1_000, "voting")
    assert [scaled("voting", dataset["factor"])["ballots"] for dataset in small] == [1_000, 10_000]
    assert [size_label(count) for count in (1_000, 10_000, 1_000_000, 2_500)] == ["1k", "10k", "1M", "2500"]


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8001
  10 connections
WRK-RESULT {"duration_us": 10000000, "requests": 1000, "sent": 1008, "ok": 998, "failed": 2, "exhausted_threads": 0, "connect_errors": 0, "read_errors": 0, "write_errors": 0, "status_errors": 2, "timeouts": 0, "latency_us": {"p50": 9000, "p90": 15000, "p99": 30000, "max": 41000, "mean": 9800.0}, "failed_statuses": "409 409 "}
"""


def run_result(ok, seconds, *, failed=0, p50=10_000, exhausted=0):
    return {
        "duration_us": seconds * 1_000_000, "sent": ok + failed, "ok": ok, "failed": failed, "connect_errors": 0,
        "read_errors": 0, "write_errors": 0, "timeouts": 0, "exhausted_threads": exhausted,
        "latency_us": {"p50": p50, "p99": p50 * 3},
    }  # fmt: skip


def test_wrk_output_is_parsed():
    result = parse_wrk_output(WRK_OUTPUT)
    assert (result["ok"], result["failed"], result["sent"]) == (998, 2, 1008)
    assert result["failed_statuses"].split() == ["409", "409"]
    with pytest.raises(LoadError):
        parse_wrk_output("Running 10s test\nno result\n")


def test_prepared_requests_are_one_per_line(tmp_path):
    path = tmp_path / "requests.tsv"
    write_requests(path, [("/votes/1/vote/", "sessionid=a; csrftoken=b", "choices=1"), ("/cast/1/", "", "citizen=2")])
    assert path.read_text().splitlines() == ["/votes/1/vote/\tsessionid=a; csrftoken=b\tchoices=1", "/cast/1/\t\tcitizen=2"]
    with pytest.raises(LoadError):
        write_requests(path, [("/x/", "", "a\tb")])


def test_rounds_get_enough_requests():
    assert wanted_requests(100.0, 15, 10) == 3_000 + 40
    assert wanted_requests(1.0, 15, 10) == 40 * 15 + 40  # a slow warm-up does not starve a round


def test_throughput_ratio_and_verdicts():
    result = {
        "min_ratio": 0.5,
        "problems": [],
        "variants": {
            "portal": {"warmup": [run_result(50, 3)], "rounds": [run_result(600, 10), run_result(400, 10)]},
            "minimal": {"warmup": [run_result(300, 3, failed=1)], "rounds": [run_result(1_000, 10, p50=4_000)] * 2},
        },
    }
    verdict = judge_load("cast", result)
    portal, minimal = verdict.variants
    assert (portal.requests, portal.seconds, portal.per_second) == (1_000, 20.0, 50.0)
    assert minimal.per_second == 100.0 and minimal.errors == 1 and minimal.p50_ms == 4.0
    assert verdict.ratio == 0.5 and verdict.ratio_ok
    assert verdict.hard_failure and not verdict.ok  # the warm-up's failed request counts
    table = format_load_table([verdict])
    assert "ratio 0.50 (min 0.5)" in table and "FAIL (errors)" in table and "50.0/s" in table


def test_a_low_ratio_fails_but_not_hard_and_a_miscount_fails_hard():
    rounds = {"warmup": [], "rounds": [run_result(100, 10)]}
    slow = judge_load("cast", {"variants": {"portal": rounds, "minimal": {"warmup": [], "rounds": [run_result(1_000, 10)]}}})
    assert slow.ratio == pytest.approx(0.1) and not slow.ratio_ok and not slow.hard_failure
    miscounted = judge_load("cast", {"problems": ["1 ballot twice"], "variants": {"portal": rounds, "minimal": rounds}})
    assert miscounted.hard_failure and "exactly-once" in format_load_table([miscounted])
    ran_out = Throughput.from_runs("portal", warmup=None, rounds=[run_result(10, 10, exhausted=1)])
    assert ran_out.ran_out == 1


def test_the_load_citizens_are_handed_out_once(featured):
    state = voting_scenarios._LoadCitizens()
    first, second = state.take(5), state.take(5)
    ids = [voter[0] for voter in first + second]
    assert len(set(ids)) == 10
    assert Counter(state.choice() for _ in range(200)).keys() <= {1, 2, 3, 4, 5}


def test_ratios_are_printed_round_by_round():
    from bench.run import round_ratios

    result = {
        "variants": {
            "portal": {"rounds": [run_result(100, 10), run_result(90, 10)]},
            "minimal": {"rounds": [run_result(400, 10), run_result(450, 10)]},
        }
    }
    assert round_ratios(result) == pytest.approx([0.25, 0.2])
