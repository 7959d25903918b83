"""A run's own queues on the Redis broker (kombu's Redis transport): how many tasks wait in them,
and deleting them afterwards. Every queue a run publishes to is named after the run, so the rest of
the Redis database, which may be a developer's, is never touched."""

# kombu keeps a queue's prioritised messages in lists of their own ("<queue>\x06\x16<step>"), where
# the mass send's batches wait (notifications.dispatch.MASS_SEND_PRIORITY); step 0 is the queue itself.
PRIORITY_STEPS = (0, 3, 6, 9)


def priority_lists(queue: str) -> list[str]:
    return [queue if step == 0 else f"{queue}\x06\x16{step}" for step in PRIORITY_STEPS]


def queue_keys(queue: str) -> list[str]:
    """The broker's keys of a queue: its lists, and kombu's binding of it (named one way or the
    other by kombu's versions)."""
    return [*priority_lists(queue), f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]


def _client(redis_url: str):
    import redis

    return redis.Redis.from_url(redis_url)


def queue_length(redis_url: str, queue: str) -> int:
    """Tasks waiting in the queue, at every priority."""
    client = _client(redis_url)
    try:
        return sum(client.llen(key) for key in priority_lists(queue))
    finally:
        client.close()


def delete_queue(redis_url: str, queue: str):
    client = _client(redis_url)
    try:
        client.delete(*queue_keys(queue))
    finally:
        client.close()
