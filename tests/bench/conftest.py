"""What the benchmark's tests share: a broker."""

import os

import pytest


@pytest.fixture
def broker_url(tmp_path):
    """REDIS_URL (the test settings' Redis) or, without one, a private redis-server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    from tests.integration.conftest import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
