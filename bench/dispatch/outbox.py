"""The benchmark's outbox: a mass notification written as the service writes it, published as
the service publishes it, and the outbox sweep run as Celery beat runs it.

Runs inside Django (DATABASE_URL: the benchmark database, REDIS_URL: its broker), started by
bench.dispatch in processes of their own:

    python -m bench.dispatch.outbox seed --messages 100000 --queue Q --out seed.json
    python -m bench.dispatch.outbox sweep --queue Q --every 60

The message is the budget vote's "results published" SMS, sent to every citizen who voted
(budgeting.notifications.notify_voters_of_results): the mass send of the portal. `seed` writes
that many citizens (bench.seeding, as seed_scale does), then their outbox rows through the bulk
loader instead of `notify` row by row, each built the way `notify` builds it (the citizen's
target and channels, the kind's text in the citizen's language, the row's key, the model's
defaults for the rest), commits, and publishes their delivery with
`notifications.dispatch.enqueue_deliveries`, as the transaction's on-commit hook does: a task per
NOTIFICATION_DELIVERY_BATCH rows.
"""

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

KIND = "budget_results_published"
# The cycle the results belong to; notify_voters_of_results's context for it.
CYCLE = {"cycle_id": 2026, "year": 2026, "cycle_title_ko": "2026년 서울시 시민참여예산 시민투표",
         "cycle_title_en": "Seoul participatory budget 2026: the citizens' vote"}  # fmt: skip
# The Notification fields the bulk loader writes: every concrete field but the id (the sequence's).
SKIPPED_FIELDS = {"id"}


def voter_key(citizen_id: int) -> str:
    # notify_voters_of_results's key for this cycle and citizen.
    return f"budgeting:results-voter:{CYCLE['cycle_id']}:{citizen_id}"


def outbox_rows(citizens):
    """The Notification instances `notify` would write for `citizens` (unsaved): one per channel
    each citizen takes that the kind has; the text rendered once per language."""
    from notifications.kinds import get_kind
    from notifications.models import Notification
    from notifications.recipients import target_for_citizen

    spec = get_kind(KIND)
    rendered = {}
    for citizen in citizens:
        target = target_for_citizen(citizen)
        for channel in (channel for channel in target.channels if channel in spec.channels):
            text = rendered.get((channel, target.language))
            if text is None:
                text = rendered[channel, target.language] = spec.render(channel, CYCLE, language=target.language)
            subject, body = text
            yield Notification(
                key=voter_key(citizen.pk), kind=KIND, channel=channel, citizen=target.citizen,
                contact=target.contact, language=target.language, subject=subject, body=body, valid_until=None,
            )  # fmt: skip


def body_digest(body: str) -> str:
    """The fake provider's digest of a message text (bench.dispatch.provider.Ledger.accept)."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def write_outbox(citizen_ids, *, batch_size=5_000) -> dict:
    """Write the rows for these citizens through the bulk loader (the caller's transaction).
    Returns {channel: rows written} and the digests of the texts written."""
    from bench.seeding.bulk import BulkLoader
    from citizens.models import Citizen
    from notifications.models import Notification

    fields = [field.name for field in Notification._meta.concrete_fields if field.name not in SKIPPED_FIELDS]
    attnames = [Notification._meta.get_field(name).attname for name in fields]
    loader = BulkLoader(batch_size=batch_size)
    table = loader.table(Notification, fields)
    citizens = (
        Citizen.objects.filter(pk__in=citizen_ids)
        .only("id", "language", "notify_by", "phone_index", "email_index")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    channels, digests = {}, set()
    for row in outbox_rows(citizens):
        table.add(tuple(getattr(row, attname) for attname in attnames))
        channels[row.channel] = channels.get(row.channel, 0) + 1
        digests.add(body_digest(row.body))
    loader.flush()
    return {"channels": channels, "digests": sorted(digests)}


def use_queue(queue: str):
    """Publish to the benchmark's own queue (the workers consume it with -Q)."""
    from seoul_portal.celery import app

    app.conf.task_default_queue = queue


def seed(*, messages: int, queue: str, publish=True, write=print) -> dict:
    from django.db import transaction

    from bench.seeding import seed as seed_citizens
    from bench.seeding.bulk import vacuum_analyze
    from notifications.dispatch import enqueue_deliveries
    from notifications.models import Notification

    started = time.monotonic()
    report = seed_citizens(channels={}, citizens=messages, write=write, vacuum=False)
    write(f"Writing the outbox: {KIND} to {messages:,} citizens ...")
    outbox_started = time.monotonic()
    with transaction.atomic():
        from citizens.models import Citizen

        ids = list(Citizen.objects.order_by("pk").values_list("pk", flat=True))
        written = write_outbox(ids)
    vacuum_analyze(Notification)
    outbox_seconds = time.monotonic() - outbox_started
    pending = list(Notification.objects.filter(kind=KIND, status="pending").order_by("pk").values_list("pk", flat=True))
    result = {
        "citizens": report.rows.get("citizens.Citizen", 0),
        "notifications": len(pending),
        "channels": written["channels"],
        "digests": written["digests"],
        "first_id": pending[0] if pending else None,
        "last_id": pending[-1] if pending else None,
        "seed_seconds": round(outbox_started - started, 1),
        "outbox_seconds": round(outbox_seconds, 1),
        "published": 0,
        "unpublished": 0,
    }
    if publish:
        use_queue(queue)
        write(f"Publishing the delivery of {len(pending):,} notifications to the queue {queue} ...")
        publish_started = time.monotonic()
        result["published"] = enqueue_deliveries(pending)
        result["unpublished"] = len(pending) - result["published"]
        result["publish_seconds"] = round(time.monotonic() - publish_started, 1)
    return result


def sweep_forever(*, queue: str, every: float, write=print):
    """What Celery beat and a worker do with `sweep-outbox`: sweep_outbox() every `every` seconds."""
    from django.db import close_old_connections

    from notifications.sweep import sweep_outbox

    use_queue(queue)
    while True:
        time.sleep(every)
        close_old_connections()
        write(f"Outbox sweep: {sweep_outbox()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="The dispatch benchmark's outbox (inside Django).")
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser("seed", help="Write citizens and their outbox rows, publish the rows.")
    seeding.add_argument("--messages", type=int, required=True)
    seeding.add_argument("--queue", required=True)
    seeding.add_argument("--out", type=Path, required=True)
    seeding.add_argument("--no-publish", action="store_true")
    sweeping = commands.add_parser("sweep", help="Run the outbox sweep every --every seconds, until killed.")
    sweeping.add_argument("--queue", required=True)
    sweeping.add_argument("--every", type=float, default=60.0)
    args = parser.parse_args(argv)

    import django

    django.setup()

    def write(line):
        print(line, flush=True)

    if args.command == "seed":
        result = seed(messages=args.messages, queue=args.queue, publish=not args.no_publish, write=write)
        args.out.write_text(json.dumps(result), encoding="utf-8")
    else:
        sweep_forever(queue=args.queue, every=args.every, write=write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
