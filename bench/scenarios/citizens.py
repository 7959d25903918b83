"""Citizens for the scenarios that need someone new each time (a ballot, a complaint): written as
the seed writes them, and signed in as a browser that has just confirmed an SMS code would be."""

import random

from django.db import transaction
from django.utils import timezone


def fresh_citizens(count, *, seed):
    """`count` new citizens (who have never voted nor filed), written like the seed's (bulk COPY); their ids."""
    from bench.seeding.bulk import BulkLoader, reset_sequences
    from bench.seeding.citizens import seed_citizens
    from bench.seeding.korean import KoreanText
    from citizens.models import Citizen, Consent, District

    rng = random.Random(seed)
    loader = BulkLoader()
    with transaction.atomic():
        block = seed_citizens(
            loader,
            count=count,
            rng=rng,
            text=KoreanText(rng, ["강남구"]),
            now=timezone.now(),
            district_codes=list(District.objects.values_list("code", flat=True)),
        )
        loader.flush()
        reset_sequences(Citizen, Consent)
    return block.ids


def signed_in_sessions(citizen_ids):
    """A session per citizen as sign-in leaves it (login() through the phone-code backend), and a
    CSRF cookie with its form token: what the citizen's browser holds when a form (a vote, a complaint) is shown.

    Written in bulk as the cached_db engine's save() writes one: the row with the encoded data,
    and the same data in the cache (where a real sign-in a moment earlier would have left it)."""
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.cache import caches
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.utils.crypto import get_random_string

    from citizens.backends import PHONE_CODE_BACKEND
    from citizens.models import Citizen

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    model = store_class.get_model_class()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    in_cache = hasattr(store_class, "cache_key_prefix")  # cached_db (the portal's) or cache
    citizens = Citizen.objects.in_bulk(citizen_ids)
    rows, cached, sessions = [], {}, {}
    for citizen_id in citizen_ids:
        citizen = citizens[citizen_id]
        data = {
            SESSION_KEY: str(citizen.pk),
            BACKEND_SESSION_KEY: PHONE_CODE_BACKEND,
            HASH_SESSION_KEY: citizen.get_session_auth_hash(),
        }
        store = store_class(session_key=get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789"))
        rows.append(model(session_key=store.session_key, session_data=store.encode(data), expire_date=expires))
        if in_cache:
            cached[store.cache_key] = data
        page = HttpRequest()
        token = get_token(page)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={page.META['CSRF_COOKIE']}"
        )
        sessions[citizen_id] = (cookie, token)
    model.objects.bulk_create(rows, batch_size=1_000)
    if cached:
        caches[settings.SESSION_CACHE_ALIAS].set_many(cached, settings.SESSION_COOKIE_AGE)
    return sessions
