"""The front-end benchmark (bench/frontend.py): its verdicts on synthetic measurements (weight
budget, paints, static files' fingerprints and caching, web fonts), and one real, unthrottled load
of the home page in Chromium against the live test server."""

import pytest
from django.db import connection

from bench import frontend
from bench.frontend import (
    calibrated_slowdown,
    font_face_rules,
    font_problems,
    format_table,
    judge_page,
    measure_pages,
    median_or_none,
    static_file_problems,
    summarise_weight,
)

YEAR = 365 * 24 * 3600
IMMUTABLE = f"max-age={10 * YEAR}, public, immutable"
BASE = "http://127.0.0.1:8000"


def resource(path, *, size=1000, kind="Stylesheet", status=200, cache_control=IMMUTABLE):
    return {"url": BASE + path, "type": kind, "bytes": size, "status": status, "cache_control": cache_control}


def good_page(**changes):
    """A measurement that meets every target; `changes` spoil one part of it."""
    resources = [
        resource("/", size=14_000, kind="Document", cache_control=""),
        resource("/static/css/site.e01323095422.css", size=5_500),
        resource("/static/vendor/krds/css/component/output.a1cdffaec954.css", size=49_000),
        resource(
            "/static/vendor/pretendard-gov/woff2-dynamic-subset/PretendardGOVVariable.subset.119.6f711b5bcb44.woff2",
            size=43_000,
            kind="Font",
        ),  # fmt: skip
    ]
    page = {
        "path": "/",
        "status": 200,
        **summarise_weight(resources),
        "resources": resources,
        "fcp_ms": 1500.0,
        "lcp_ms": 1800.0,
        "fcp_runs": [1500.0],
        "lcp_runs": [1800.0],
        "document_ms": 700.0,
        "font_faces": 120,
        "font_families": ["Pretendard GOV Variable"],
        "font_weights": ["45 920"],
        "dynamic_subset": True,
        "static_files": 3,
        "static_problems": static_file_problems(resources),
        "font_problems": [],
        "conditions": {"network": "Slow 4G", "cpu_slowdown": [1.0], "benchmark_index": [300]},
    }
    page.update(changes)
    return page


# --- Budgets and paints -----------------------------------------------------------------------


def test_a_page_within_every_target_passes():
    assert judge_page(good_page()) == []


def test_weight_counts_compressed_bytes_and_keeps_fonts_apart():
    page = good_page()
    assert page["bytes_without_fonts"] == 14_000 + 5_500 + 49_000
    assert page["font_bytes"] == 43_000
    assert page["total_bytes"] == page["bytes_without_fonts"] + page["font_bytes"]
    assert page["requests"] == 4
    assert page["font_slices"] == ["PretendardGOVVariable.subset.119.6f711b5bcb44.woff2"]


def test_over_budget_is_a_failure_but_fonts_do_not_count():
    assert any("weight 300.1 kB" in problem for problem in judge_page(good_page(bytes_without_fonts=300_100)))
    assert judge_page(good_page(bytes_without_fonts=299_900, font_bytes=900_000)) == []


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("fcp_ms", 2000.0, "median FCP 2000 ms"),
    ("lcp_ms", 2500.0, "median LCP 2500 ms"),
    ("fcp_ms", None, "no FCP recorded"),
])  # fmt: skip
def test_slow_or_missing_paints_are_failures(field, value, expected):
    problems = judge_page(good_page(**{field: value}))
    assert any(expected in problem for problem in problems), problems


def test_a_run_without_a_paint_counts_as_the_worst():
    assert median_or_none([1500.0, 1700.0, None]) == 1700.0
    assert median_or_none([1500.0, None, None]) is None
    assert median_or_none([1500.0, 1900.0, 1600.0]) == 1600.0


def test_an_error_page_and_failed_requests_are_failures():
    broken = resource("/static/css/gone.0123456789ab.css", status=404)
    problems = judge_page(good_page(status=500, resources=[*good_page()["resources"], broken]))
    assert "the page answered HTTP 500" in problems
    assert any("gone.0123456789ab.css" in problem for problem in problems)


# --- Static files -------------------------------------------------------------------------------


def test_fingerprinted_files_cached_for_a_year_pass():
    assert (
        static_file_problems(
            [resource("/static/css/site.e01323095422.css", cache_control=f"max-age={YEAR}, immutable")]
        )
        == []
    )


def test_an_unfingerprinted_static_file_is_reported():
    problems = static_file_problems([resource("/static/vendor/krds/css/token/krds_tokens.css")])
    assert problems == ["vendor/krds/css/token/krds_tokens.css: no fingerprint in the name"]
    assert judge_page(good_page(static_problems=problems)) == problems


@pytest.mark.parametrize("cache_control", ["max-age=60, public", f"max-age={YEAR}, public", "", "no-cache"])
def test_short_or_mutable_caching_is_reported(cache_control):
    problems = static_file_problems([resource("/static/css/site.e01323095422.css", cache_control=cache_control)])
    assert len(problems) == 1 and "Cache-Control" in problems[0]


def test_files_outside_static_are_not_judged_as_static():
    assert static_file_problems([resource("/proposals/1/image/", kind="Image", cache_control="private")]) == []


# --- Web fonts ----------------------------------------------------------------------------------

FONT_CSS = """
@font-face { font-family: 'Pretendard GOV Variable'; font-style: normal; font-display: swap;
  font-weight: 45 920; src: url(./a.0123456789ab.woff2) format('woff2-variations');
  unicode-range: U+f9ca-fa0b, U+ff03-ff05; }
@font-face { font-family: "Other"; font-weight: 700; src: url(b.woff2); }
"""


def test_font_face_rules_are_read_from_css():
    rules = font_face_rules(FONT_CSS)
    assert [(rule["family"], rule["weight"], rule["display"]) for rule in rules] == [
        ("Pretendard GOV Variable", "45 920", "swap"),
        ("Other", "700", "auto"),
    ]
    assert rules[0]["unicode_range"].startswith("U+f9ca")


def test_a_face_without_swap_is_reported():
    problems, _ = font_problems(faces=font_face_rules(FONT_CSS), loaded=[])
    assert problems == ["@font-face without font-display: swap: Other 700 (auto)"]


def test_a_variable_dynamic_subset_is_one_weight():
    slices = [{"family": "Pretendard GOV Variable", "weight": "45 920", "unicodeRange": f"U+{n:x}00-{n:x}ff"}
              for n in range(10, 14)]  # fmt: skip
    problems, found = font_problems(faces=font_face_rules(FONT_CSS)[:1], loaded=slices)
    assert problems == []
    assert found["font_weights"] == ["45 920"] and found["dynamic_subset"] is True


def test_three_weights_and_a_whole_font_are_reported():
    loaded = [
        {"family": "Pretendard GOV", "weight": weight, "unicodeRange": "U+AC00-D7A3"} for weight in ("400", "600")
    ] + [{"family": "Pretendard GOV", "weight": "700", "unicodeRange": "U+0-10FFFF"}]
    problems, found = font_problems(faces=[], loaded=loaded)
    assert "3 font weights loaded (400, 600, 700), at most 2" in problems
    assert "whole fonts loaded, not a unicode-range subset: Pretendard GOV 700" in problems
    assert found["dynamic_subset"] is False


# --- CPU calibration, the table, the command ----------------------------------------------------


@pytest.mark.parametrize(("index", "rate"), [(100, 1.0), (375, 1.0), (750, 2.0), (1500, 4.0), (3000, 4.0)])
def test_the_cpu_slowdown_brings_the_machine_to_a_mid_tier_phone(index, rate):
    assert calibrated_slowdown(index) == rate


def test_the_table_shows_each_page_and_its_failures():
    failing = good_page(path="/proposals/7/", fcp_ms=2300.0)
    failing["problems"] = judge_page(failing)
    failing["ok"] = False
    passing = good_page()
    passing["problems"], passing["ok"] = [], True
    table = format_table([passing, failing])
    assert "/proposals/7/" in table and "2300" in table
    assert "FAIL median FCP 2300 ms, target < 2000 ms" in table
    assert table.splitlines()[2].split()[-1] == "ok"


def test_the_exit_status_says_whether_every_page_passed(monkeypatch, capsys):
    pages = {"/": good_page(problems=[], ok=True), "/slow/": good_page(path="/slow/", problems=["x"], ok=False)}
    monkeypatch.setattr(frontend, "measure_pages", lambda base_url, paths, **options: [pages[p] for p in paths])
    assert frontend.main(["--base-url", BASE, "--paths", "/"]) == 0
    assert frontend.main(["--base-url", BASE, "--paths", "/", "/slow/"]) == 1
    assert "FAIL x" in capsys.readouterr().out


def test_only_this_machine_is_measured():
    with pytest.raises(ValueError, match="on this machine only"):
        measure_pages("http://example.org", ["/"])


# --- One real load --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_load_of_the_home_page(live_server, settings, monkeypatch):
    # The test server serves static files by their source names without caching headers (no
    # collectstatic, no WhiteNoise): exactly what the static-file check must catch.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    try:
        [page] = measure_pages(live_server.url, ["/"], runs=1, throttle=False)
    finally:
        # The live server's thread returned its connections to the pool, which keeps them open.
        connection.close()
        if connection.settings_dict.get("OPTIONS", {}).get("pool"):
            connection.close_pool()

    assert page["status"] == 200
    assert page["requests"] >= 5
    assert 0 < page["bytes_without_fonts"] < page["total_bytes"]
    assert page["fcp_ms"] is not None and page["lcp_ms"] is not None
    # Pretendard GOV: every @font-face swaps; the Korean page loads a few slices, one variable weight.
    assert page["font_faces"] >= 100 and page["font_problems"] == []
    assert page["font_slices"] and len(page["font_slices"]) < page["font_faces"]
    assert page["font_weights"] == ["45 920"] and page["dynamic_subset"]
    assert any(problem.startswith("css/site.css: no fingerprint") for problem in page["static_problems"])
    assert not page["ok"]
