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
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert "rules.permissions.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS
