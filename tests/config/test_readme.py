"""The README stays true: every environment variable the settings read is in its table, and the
operators' commands it lists exist."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "seoul_portal" / "settings.py").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r'env(?:_int|_bool|_list)?\("([A-Z0-9_]+)"', settings_source))
    assert names, "the settings read no variables? the pattern is out of date"
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


def test_the_operators_commands_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`manage\.py ([a-z0-9_]+)", readme))
    assert {"seed_demo", "sweep_outbox", "verify_ledger", "createsuperuser"} <= listed
    assert sorted(listed - set(get_commands())) == []
