"""Configuration decisions that must hold: the UTF-8 check, a cache that survives Redis being away."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from seoul_portal.checks import ctype_errors, ctype_is_utf8, postgresql_ctype_is_utf8


@pytest.mark.parametrize(
    ("ctype", "ok"), [("C.UTF-8", True), ("ko_KR.utf8", True), ("en_US.UTF-8", True), ("C", False), ("POSIX", False)]
)
def test_ctype_is_utf8(ctype, ok):
    assert ctype_is_utf8(ctype) is ok


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_check_passes_on_a_utf8_database():
    assert postgresql_ctype_is_utf8(databases=["default"]) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_check_refuses_a_database_whose_ctype_is_not_utf8():
    from django.db.backends.postgresql.base import DatabaseWrapper

    name = f"{connection.settings_dict['NAME']}_ctype_c"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE 'C' LC_COLLATE 'C'")
    settings_dict = {**connection.settings_dict, "NAME": name, "OPTIONS": {}}
    probe = DatabaseWrapper(settings_dict, alias="ctype_probe")
    try:
        errors = ctype_errors(probe)
    finally:
        probe.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    assert [error.id for error in errors] == ["seoul_portal.E001"]
    assert "'C'" in errors[0].msg


@pytest.mark.django_db
def test_an_unreachable_redis_is_a_cache_miss_not_an_error(settings, client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    cache = caches["default"]
    cache.set("answer", 42)
    assert cache.get("answer") is None
    # Sessions are read through the cache (cached_db): pages still work.
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("citizens:signin")).status_code == 200


def test_settings_the_design_relies_on(settings):
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_ENGINE == "seoul_portal.sessions"  # Django's cached_db (seoul_portal/sessions.py)
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert "rules.permissions.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS


def _settings_in_a_fresh_process(env, code="print('configured')"):
    import os
    import subprocess
    import sys

    clean = {key: value for key, value in os.environ.items()
             if key not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "seoul_portal.settings", **env},
        capture_output=True, text=True, timeout=60, check=False,
    )


def test_a_public_site_refuses_to_start_without_its_own_keys():
    result = _settings_in_a_fresh_process({"ALLOWED_HOSTS": "participation.seoul.go.kr"})
    assert result.returncode != 0
    assert "SECRET_KEY, FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY" in result.stderr


def test_a_public_site_with_its_keys_starts():
    from cryptography.fernet import Fernet

    result = _settings_in_a_fresh_process({
        "ALLOWED_HOSTS": "participation.seoul.go.kr",
        "SECRET_KEY": "k" * 60,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": "b" * 40,
    })
    assert result.returncode == 0, result.stderr
    assert "configured" in result.stdout


def test_production_cookies_are_secure_and_http_only():
    """Production is the environment that brings its own keys: session and CSRF cookies travel
    over HTTPS only, and scripts never read the session cookie."""
    from cryptography.fernet import Fernet

    show = ("from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")
    result = _settings_in_a_fresh_process({
        "ALLOWED_HOSTS": "participation.seoul.go.kr",
        "SECRET_KEY": "k" * 60,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": "b" * 40,
    }, code=show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["True", "True", "True", "True"]


@pytest.mark.django_db
def test_health_probes_are_not_redirected_to_https(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get(reverse("home")).status_code == 301
