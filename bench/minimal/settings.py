"""Bench-only settings: the portal's own (the same database, its pool, the installed apps whose
models name the tables), without any middleware, routed to the minimal ballot view only."""

from seoul_portal.settings import *  # noqa: F403 -- the same database and apps, nothing else changes

MIDDLEWARE = []
ROOT_URLCONF = "bench.minimal.urls"
