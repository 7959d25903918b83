"""`manage.py open311_key create|list|revoke`: the key printed once, only its hash stored, a revoked
key refused by the API at once, every change audited."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from audit.models import AuditEvent
from complaints.models import Open311Key
from complaints.models.open311 import hash_key

from .conftest import BASE

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_key_once_and_stores_its_hash(open311_post, park_suggestion):
    output = run("create", "Seoul Pothole App", "--email", "dev@example.org")
    key = re.search(r"^Key: (\S+)$", output, re.M).group(1)
    prefix = re.search(r"^Prefix: (\S+)$", output, re.M).group(1)
    row = Open311Key.objects.get(name="Seoul Pothole App")
    assert row.key_hash == hash_key(key) and row.prefix == prefix == key[: len(prefix)]
    assert row.contact_email == "dev@example.org"
    assert key not in str(Open311Key.objects.filter(pk=row.pk).values().get())
    assert AuditEvent.objects.filter(action="complaints.open311_key_create", target_id=str(row.pk)).exists()
    # The printed key works.
    assert open311_post("json", service_code="park-idea", description="제안", key=key).status_code == 200
    # And is never printed again.
    assert key not in run("list")


def test_list_shows_prefix_and_status_never_the_key(db):
    assert "No Open311 API keys" in run("list")
    first = run("create", "A app")
    run("create", "B app")
    run("revoke", "A app")
    lines = run("list").splitlines()
    assert lines[0].split("\t") == ["name", "prefix", "created", "last used", "status"]
    a_line, b_line = lines[1].split("\t"), lines[2].split("\t")
    assert a_line[0] == "A app" and a_line[4].startswith("revoked ")
    assert b_line[0] == "B app" and b_line[4] == "active"
    assert re.search(r"^Key: (\S+)$", first, re.M).group(1) not in "\n".join(lines)


def test_revoke_stops_the_key_at_once(open311_post, park_suggestion):
    key = re.search(r"^Key: (\S+)$", run("create", "Short-lived"), re.M).group(1)
    assert open311_post("json", service_code="park-idea", description="하나", key=key).status_code == 200
    output = run("revoke", "Short-lived")
    assert "Revoked" in output and "Short-lived" in output
    assert Open311Key.objects.get(name="Short-lived").revoked_at is not None
    assert AuditEvent.objects.filter(action="complaints.open311_key_revoke").exists()
    assert open311_post("json", service_code="park-idea", description="둘", key=key).status_code == 403


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("revoke", "Nobody"), "No Open311 app"),
        (("create", "  "), "name"),
        (("create", "Mail app", "--email", "nope"), "email"),
    ],
)
def test_command_errors(db, args, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        run(*args)
    assert not Open311Key.objects.exists()


def test_a_name_taken_or_a_key_revoked_twice_is_an_error(db):
    run("create", "Twice")
    with translation.override("en"), pytest.raises(CommandError, match="already has a key"):
        run("create", "Twice")
    run("revoke", "Twice")
    with translation.override("en"), pytest.raises(CommandError, match="already revoked"):
        run("revoke", "Twice")
    assert Open311Key.objects.count() == 1


def test_the_api_marks_when_a_key_was_last_used(open311_post, park_suggestion, api_key_row, client):
    assert api_key_row.last_used_at is None
    client.get(f"{BASE}services.json")  # reading needs no key and marks nothing
    api_key_row.refresh_from_db()
    assert api_key_row.last_used_at is None
    open311_post("json", service_code="park-idea", description="제안")
    api_key_row.refresh_from_db()
    assert api_key_row.last_used_at is not None
    assert run("list").splitlines()[1].split("\t")[3] != "-"
