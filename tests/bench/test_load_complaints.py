"""The complaints intake load's pieces: the prepared web-form posts pass the portal's sign-in and
CSRF checks and file one complaint each, answered by the 303 wrk counts; the prepared Open311 posts
file one each with the app's key; the exactly-once checks pass after correct filings and catch what
they must; a single-variant scenario is judged on errors and checks alone. wrk and gunicorn
themselves run in `make bench CHANNEL=complaints` (bench/load.py), not here."""

import json
import re
import subprocess
from urllib.parse import parse_qs

import pytest
from django.test import Client

from bench import load as bench_load
from bench.report import format_load_table, judge_load
from bench.run import has_load_scenarios
from bench.scenarios import channel_scenarios
from bench.scenarios import complaints as scenarios
from bench.seeding import seed
from complaints.models import Complaint, TrackingCounter

pytestmark = pytest.mark.django_db


def lua_pattern_as_regex(pattern):
    """The few Lua pattern items FILED_PATTERN uses: %d, %- and the anchors."""
    return re.compile(pattern.replace("%d", r"\d").replace("%-", "-"))


@pytest.fixture
def context(db):
    report = seed(channels={"complaints": {"complaints": 60}}, citizens=40, write=lambda line: None, vacuum=False)
    return dict(report.channels["complaints"])


def client_for(cookie):
    client = Client(enforce_csrf_checks=True)
    for part in filter(None, cookie.split("; ")):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    return client


def post(line):
    url, cookie, body = line
    data = {name: values[0] for name, values in parse_qs(body, keep_blank_values=True).items()}
    return client_for(cookie).post(url, data)


def test_complaints_is_in_the_registries():
    module = channel_scenarios("complaints")
    assert {scenario.name for scenario in module.SCENARIOS} == {
        "queue", "queue_channel", "queue_mine", "list", "list_category", "track", "tracked", "open311", "open311_service",
    }  # fmt: skip
    assert [load.name for load in module.LOAD] == ["web_form", "open311_post"]
    assert all(len(load.variants) == 1 and load.min_ratio is None for load in module.LOAD)
    assert all(load.variants[0].settings == "bench.intake_settings" for load in module.LOAD)
    assert has_load_scenarios("complaints")


def test_the_intake_settings_lift_the_per_address_and_per_key_limits_only():
    import bench.intake_settings as intake
    import seoul_portal.settings as portal

    assert intake.COMPLAINTS_FILINGS_PER_HOUR_PER_IP > 10**6 and intake.OPEN311_POSTS_PER_MINUTE > 10**6
    assert intake.MIDDLEWARE == portal.MIDDLEWARE and intake.DATABASES == portal.DATABASES
    assert intake.ROOT_URLCONF == portal.ROOT_URLCONF
    assert getattr(intake, "COMPLAINTS_FILINGS_PER_HOUR_PER_FILER", None) == getattr(
        portal, "COMPLAINTS_FILINGS_PER_HOUR_PER_FILER", None
    )


def test_prepared_web_form_posts_sign_in_pass_csrf_and_file_one_complaint_each(context):
    lines = scenarios._web_form_requests(context, "portal", 4)
    assert len({cookie for _url, cookie, _body in lines}) == 4  # a session (a citizen) per request
    filed_pattern = lua_pattern_as_regex(scenarios.FILED_PATTERN)
    for line in lines:
        response = post(line)
        assert response.status_code == 303, response.content[:500]
        assert filed_pattern.match(response["Location"])
    citizens = context["web_citizens"]
    filed = Complaint.objects.filter(citizen_id__gte=citizens.first_id, citizen_id__lte=citizens.last_id)
    assert filed.count() == 4
    # Half without a location, half with a point in Seoul (its district found).
    assert filed.filter(latitude__isnull=True).count() == 2
    assert not filed.filter(latitude__isnull=False, district__isnull=True).exists()
    assert scenarios._check_web_form(context, {"accepted": 4, "sent": 4}) == []


def test_a_web_form_post_without_its_csrf_token_is_not_a_success(context):
    url, cookie, body = scenarios._web_form_requests(context, "portal", 1)[0]
    tampered = "&".join(part for part in body.split("&") if not part.startswith("csrfmiddlewaretoken="))
    response = post((url, cookie, tampered))
    assert response.status_code == 403
    assert not Complaint.objects.filter(citizen_id=context["web_citizens"].first_id).exists()


def test_prepared_open311_posts_file_one_complaint_each_with_the_key(context):
    lines = scenarios._open311_requests(context, "portal", 3)
    for line in lines:
        response = post(line)
        assert response.status_code == 200, response.content[:500]
        (document,) = json.loads(response.content)
        assert Complaint.objects.filter(tracking_number=document["service_request_id"]).exists()
    filed = Complaint.objects.filter(open311_client=context["open311_app"].app)
    assert filed.count() == 3 and not filed.filter(contact__isnull=True).exists()
    assert scenarios._check_open311(context, {"accepted": 3, "sent": 3}) == []
    # A request in flight when wrk stopped may have filed without its answer being read.
    assert scenarios._check_open311(context, {"accepted": 2, "sent": 3}) == []


def test_the_checks_catch_what_they_must(context):
    for line in scenarios._open311_requests(context, "portal", 2):
        post(line)
    assert scenarios._check_open311(context, {"accepted": 3, "sent": 3})  # an answer without a complaint
    assert scenarios._check_open311(context, {"accepted": 1, "sent": 1})  # a complaint nobody sent
    assert scenarios.tracking_number_problems() == []
    counter = TrackingCounter.objects.get()
    TrackingCounter.objects.filter(pk=counter.pk).update(last=counter.last + 1)  # a number skipped
    problems = scenarios.tracking_number_problems()
    assert problems and f"counter at {counter.last + 1}" in problems[0]
    assert scenarios._check_web_form({}, {"accepted": 0, "sent": 0}) == ["no request was prepared"]


def test_a_single_variant_is_judged_on_errors_and_checks_alone():
    run = {"duration_us": 10_000_000, "sent": 300, "ok": 300, "failed": 0, "connect_errors": 0, "read_errors": 0,
           "write_errors": 0, "timeouts": 0, "exhausted_threads": 0, "latency_us": {"p50": 9_000, "p99": 30_000}}  # fmt: skip
    result = {"min_ratio": None, "problems": [], "variants": {"portal": {"warmup": [], "rounds": [run]}}}
    verdict = judge_load("web_form", result)
    assert verdict.ratio is None and verdict.ratio_ok and verdict.ok
    assert "30.0/s" in format_load_table([verdict]) and "PASS" in format_load_table([verdict])
    failing = judge_load("web_form", {**result, "variants": {"portal": {"warmup": [], "rounds": [{**run, "failed": 1}]}}})
    assert failing.hard_failure and "FAIL (errors)" in format_load_table([failing])


def test_wrk_is_told_the_pattern_and_the_statuses(monkeypatch, tmp_path):
    seen = {}
    output = 'WRK-RESULT {"duration_us": 1, "requests": 1, "sent": 1, "ok": 1, "failed": 0}\n'

    def fake_run(command, **kwargs):
        seen["command"] = command
        return subprocess.CompletedProcess(command, 0, stdout=output, stderr="")

    monkeypatch.setattr(bench_load.subprocess, "run", fake_run)
    common = {"seconds": 1, "connections": 1, "threads": 1, "workdir": tmp_path, "label": "x"}
    bench_load.run_wrk("wrk", "http://127.0.0.1:1", [("/a/", "", "b=1")], **common, ok_pattern="^/x/$", ok_statuses=())
    assert seen["command"][-3:] == ["", "^/x/$", "-"]
    bench_load.run_wrk("wrk", "http://127.0.0.1:1", [("/a/", "", "b=1")], **common, ok_statuses=(200, 201))
    assert seen["command"][-2:] == ["", "200,201"]
    bench_load.run_wrk("wrk", "http://127.0.0.1:1", [("/a/", "", "b=1")], **common, ok_location="/r/")
    assert seen["command"][-1] == "/r/"  # voting's call: as before


def test_the_measured_pages_answer(context):
    module = channel_scenarios("complaints")
    prepared = module.prepare(dict(context), requests=1)
    for scenario in module.SCENARIOS:
        client = Client()
        if scenario.before_each:
            scenario.before_each(client, prepared, 0)
        url = scenario.url(prepared)
        data = scenario.data(prepared) if callable(scenario.data) else scenario.data
        response = client.post(url, data) if scenario.method == "post" else client.get(url)
        assert response.status_code in scenario.expect, scenario.name
