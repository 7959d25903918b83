"""CI's script (.ci/run) installs what the suite and the benchmark need, runs the README's test
command, then the whole portal's benchmark at the small scale, which fails only on what noise
cannot cause (bench/portal.py without --strict)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = ROOT / ".ci" / "run"


def _commands() -> list[str]:
    """The script's lines that run something, comments and blank lines left out."""
    lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_what_a_fresh_machine_lacks_is_installed():
    installed = dict(re.findall(r"command -v (\S+) .*\|\| missing\+=\((\S+)\)", CI_RUN.read_text(encoding="utf-8")))
    # The suite's browser tests and translations, the benchmark's load (wrk) and front end (Chromium).
    assert {"chromium": "chromium", "msgfmt": "gettext", "wrk": "wrk"}.items() <= installed.items()


def test_the_small_benchmark_runs_after_the_suite_and_fails_only_hard():
    commands = _commands()
    assert commands[-2:] == ["make test", "make bench SCALE=small"]
    assert "--strict" not in CI_RUN.read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^bench: install$", makefile, flags=re.MULTILINE)
    assert "bench.portal) --scale $(SCALE) $(BENCH_ARGS)" in makefile


def test_the_static_analysis_runs_before_the_suite():
    commands = _commands()
    assert commands.index("make lint") < commands.index("make test")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint: .*?(?=^\S|\Z)", makefile, flags=re.MULTILINE | re.DOTALL).group(0)
    # bandit at medium and up, semgrep with the repository's rules (their examples checked first),
    # and Django's deployment checklist against the production settings.
    assert "bandit" in lint and "--severity-level medium" in lint
    assert "$(SEMGREP) --test" in lint and "$(SEMGREP) --config .semgrep/portal.yml --error" in lint
    assert re.search(r"^SEMGREP := .*/semgrep scan ", makefile, flags=re.MULTILINE)
    assert "scripts/check_deploy.py" in lint


def test_the_semgrep_rules_name_what_the_issue_forbids():
    rules = (ROOT / ".semgrep" / "portal.yml").read_text(encoding="utf-8")
    for rule in ("raw-sql-built-by-string-formatting", "mark-safe-on-non-literal", "template-marks-a-value-safe",
                 "csrf-exempt-outside-signed-webhooks"):
        assert f"id: {rule}" in rules
        # Each rule has examples it must catch.
        examples = (ROOT / ".semgrep" / "portal.py").read_text(encoding="utf-8") + (
            ROOT / ".semgrep" / "portal.html").read_text(encoding="utf-8")
        assert f"ruleid: {rule}" in examples
