"""Complaint analysis at scale (issue 8): ten million complaints, about four years of Seoul's
~7,000 a day, generated inside PostgreSQL for the dashboards' rollups to count.

Ten million rows built in Python and sent by COPY would take hours and the Python objects a lot
of memory; here Python only plans (how many complaints each Seoul day receives, their tracking
numbers' offsets, the deadlines of each day) and PostgreSQL generates the rows itself, one chunk
of days per statement (`INSERT … SELECT … FROM generate_series(…)` with random() draws), each
chunk committed on its own. The seeding process's memory stays flat (the plan is a few thousand
numbers) whatever the size.

Resumable: the plan (sizes, the moment taken as "now", the dropped indexes' definitions) is
stored in the database with the chunks done (tables `bench_analysis_plan` and
`bench_analysis_chunk`, outside Django's models: a benchmark database's bookkeeping). A rerun of
`manage.py seed_scale --channel analysis` after an interruption continues with the first chunk
not done, with the same plan, then restores the indexes (each in its own transaction, those
already restored skipped) and analyses the tables. A chunk's random draws start from a seed of
its own (setseed), so a resumed run writes what an uninterrupted one would have.

What a row looks like (what the rollups, the map cells and the public pages read):
- received by Seoul day (weekdays busier than weekends and public holidays) and hour (office
  hours busier than nights), over HISTORY_DAYS up to now, whatever the size (a smaller dataset
  is the same four years, thinner);
- channel by Seoul's shares; category by weight (the complaints bench's 36 leaf categories of
  every legal type, their default units); SMS and email complaints wait up to 12 hours for
  triage without a category, type, deadline or unit;
- a district and a point inside Seoul for place-bound categories and a fifth of the others:
  points drawn inside the district's boundary (as complaints.geography sees it), with ~150 m of
  jitter (which may cross a boundary by a few metres);
- `due_at`: for periods counted in days, exactly as complaints.deadlines computes it (working
  days, holidays included: it depends only on the day of receipt); for the 24-working-hour
  on-site type, an approximation: the receipt time plus what the rule gives from noon that day;
- its life up to now: an answer after a lognormal share of the allowed time (~8 % late, 1 %
  stuck far past the deadline; a quarter of phone calls answered on the line within minutes),
  3 % rejected (reason and remedy), 3 % merged as duplicates of the previous complaint of their
  category in the chunk; what has not happened by now has not happened, so recent complaints are
  open (received, assigned, in progress, transferred) and old ones almost all finished;
  `finished_at`, `answered_at` and answer text, `closed_at` (55 % closed 3–14 days after the
  answer), the overdue flag and the 30-day progress notice where escalation would set them;
- ~20 % of the answered rated 1–5 (a `Satisfaction` row for the first answer); half of those
  rated 1 or 2 ask for an additional answer (`answer_round = 2`, a new deadline, answered again
  or still open as reopened);
- tracking numbers `YYYY-NNNNNNN` per year in order of receipt (TrackingCounter left at the last
  one), `token` from gen_random_uuid(), about a third public, `updated_at` at its last change,
  `terms_counted_at` null (the text analysis has not run on them).

Not written, because nothing of the analysis reads them: filers (citizens, contacts: every
complaint is anonymous, contact preference "none"), events, followers, transfers, answers to the
categories' questions, audit rows and notifications. The pages of issue 7 are benchmarked on
their own dataset (--channel complaints).
"""

import json
import random
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.utils import timezone

from citizens.models import District
from complaints.calendar import work_calendar
from complaints.deadlines import SEOUL, due_at
from complaints.models import TYPE_PERIODS, Complaint, ComplaintType, Satisfaction, TrackingCounter

from .. import sizes as bench_sizes
from .bulk import peak_memory_mb, reset_sequences
from .complaints import CHANNELS, HOURS, Reference, district_points, spread_over_days
from .korean import KoreanText

# ~10,000,000 complaints at Seoul's ~7,000 a day: the history every dataset spans.
HISTORY_DAYS = 1_429
CHUNK_DAYS = 7
# Draws of a weighted choice (category, district, channel, hour) index arrays of this many slots.
SLOTS = 1_000
POINTS_PER_DISTRICT = 200
# Jitter around a drawn point, in degrees (~150 m either way).
JITTER = 0.0015
PLAN_TABLE = "bench_analysis_plan"
CHUNK_TABLE = "bench_analysis_chunk"
ANSWER_TEXT = "안녕하십니까. 문의하신 {}에 대해 담당 부서에서 현장을 확인하고 조치하였습니다. 감사합니다."
REJECTION_REASON = "다른 기관의 소관 사항으로 서울시에서 처리할 수 없는 민원입니다."
REJECTION_REMEDY = "처분에 이의가 있으면 90일 이내에 행정심판을 청구할 수 있습니다."


class AnalysisSeedError(ValueError):
    """The database cannot be seeded (or resumed) as asked."""


def _slots(weights, count=SLOTS) -> list[int]:
    """1-based indexes repeated in proportion to their weights: a uniform draw of a slot is a
    weighted draw of an index, in SQL, without a search."""
    total = sum(weights)
    exact = [count * weight / total for weight in weights]
    counts = [int(value) for value in exact]
    for index in sorted(range(len(weights)), key=lambda index: counts[index] - exact[index])[: count - sum(counts)]:
        counts[index] += 1
    return [index + 1 for index, repeat in enumerate(counts) for _ in range(repeat)]


# --- The plan ---------------------------------------------------------------------------------


def _bookkeeping_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [PLAN_TABLE])
        return cursor.fetchone()[0]


def load_plan() -> dict | None:
    """The stored plan (None before the first run), with `done`: the numbers of the chunks written."""
    if not _bookkeeping_exists():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT plan FROM {PLAN_TABLE} WHERE id = 1")  # noqa: S608 -- a constant name
        row = cursor.fetchone()
        if row is None:
            return None
        plan = row[0] if isinstance(row[0], dict) else json.loads(row[0])
        cursor.execute(f"SELECT number, seconds FROM {CHUNK_TABLE}")  # noqa: S608
        plan["done"] = dict(cursor.fetchall())
    return plan


def _save_plan(plan):
    stored = {key: value for key, value in plan.items() if key != "done"}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PLAN_TABLE} (id, plan) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET plan = EXCLUDED.plan",  # noqa: S608
            [json.dumps(stored)],
        )


def make_plan(*, total, now, history_days, chunk_days, random_seed) -> dict:
    """How many complaints each Seoul day receives, in chunks of days, with the offsets that give
    every complaint its id and tracking number: all a chunk needs to be written on its own."""
    calendar = work_calendar()
    rng = random.Random(random_seed)
    start = now - timedelta(days=history_days)
    days = [(day, count) for day, count, _opens, _closes in spread_over_days(rng, total, start, now, calendar)]
    counters = dict(TrackingCounter.objects.values_list("year", "last"))
    top = Complaint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ordinal, per_year, planned = 0, dict(counters), []
    for day, count in days:
        planned.append(
            {
                "day": day.isoformat(),
                "count": count,
                "ordinal_before": ordinal,
                "year_before": per_year.get(day.year, 0),
                # Periods in days depend only on the day of receipt: the law's deadline, exactly.
                "due_7": due_at(_noon(day), TYPE_PERIODS[ComplaintType.INQUIRY], calendar).isoformat(),
                "due_14": due_at(_noon(day), TYPE_PERIODS[ComplaintType.SUGGESTION], calendar).isoformat(),
                # The on-site type's 24 working hours, from noon that day (an approximation for the hour).
                "onsite_seconds": (
                    due_at(_noon(day), TYPE_PERIODS[ComplaintType.ON_SITE], calendar) - _noon(day)
                ).total_seconds(),
            }
        )
        ordinal += count
        per_year[day.year] = per_year.get(day.year, 0) + count
    chunks = [planned[index : index + chunk_days] for index in range(0, len(planned), chunk_days)]
    return {
        "total": total,
        "now": now.isoformat(),
        "history_days": history_days,
        "random_seed": random_seed,
        "id_base": top,
        "chunks": chunks,
        "counters": {str(year): last for year, last in per_year.items()},
        "dropped": [],
        "finished": False,
    }


def _noon(day):
    return datetime.combine(day, clock(12), tzinfo=SEOUL)


# --- Indexes ----------------------------------------------------------------------------------

_SECONDARY = """
SELECT index_class.relname, pg_get_indexdef(ix.indexrelid), owner.conname, pg_get_constraintdef(owner.oid)
FROM pg_index ix
JOIN pg_class index_class ON index_class.oid = ix.indexrelid
LEFT JOIN pg_constraint owner ON owner.conindid = ix.indexrelid AND owner.conrelid = ix.indrelid
WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint ref WHERE ref.contype = 'f' AND ref.conindid = ix.indexrelid)
"""
_FOREIGN_KEYS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'"
)
TABLES = (Complaint._meta.db_table, Satisfaction._meta.db_table)


def drop_secondary_indexes() -> list[dict]:
    """PostgreSQL's advice for a bulk load: drop the indexes, unique constraints and foreign keys
    of the tables loaded, and recreate them once at the end (validating every row at once).
    Returns their definitions, which the plan keeps for a resumed run."""
    quote = connection.ops.quote_name
    dropped = []
    with connection.cursor() as cursor:
        # Deferred foreign key checks still queued (rows written earlier in this transaction)
        # would forbid the ALTER TABLE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in TABLES:
            cursor.execute(_FOREIGN_KEYS, [table])
            for name, definition in cursor.fetchall():
                dropped.append({"table": table, "kind": "foreign key", "name": name, "definition": definition})
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            cursor.execute(_SECONDARY, [table])
            for index, index_definition, constraint, constraint_definition in cursor.fetchall():
                if constraint:
                    dropped.append({"table": table, "kind": "constraint", "name": constraint,
                                    "definition": constraint_definition})  # fmt: skip
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
                else:
                    dropped.append({"table": table, "kind": "index", "name": index, "definition": index_definition})
                    cursor.execute(f"DROP INDEX {quote(index)}")
    # Indexes and unique constraints first, foreign keys last (they lean on the unique indexes).
    return sorted(dropped, key=lambda entry: entry["kind"] == "foreign key")


def restore_indexes(dropped, *, write):
    """Recreate what drop_secondary_indexes dropped, each in its own transaction; those already
    there (restored by an interrupted run) are skipped."""
    quote = connection.ops.quote_name
    for entry in dropped:
        with transaction.atomic(), connection.cursor() as cursor:
            if entry["kind"] == "index":
                cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [entry["name"]])
            else:
                cursor.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass)",
                    [entry["name"], entry["table"]],
                )
            if cursor.fetchone()[0]:
                continue
            started = time.monotonic()
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            if entry["kind"] == "index":
                cursor.execute(entry["definition"])
            else:
                cursor.execute(
                    f"ALTER TABLE {quote(entry['table'])} ADD CONSTRAINT {quote(entry['name'])} {entry['definition']}"
                )
            took = time.monotonic() - started
            if took >= 1:  # the big ones only: forty lines of 0.0 s tell nothing
                write(f"  restored {entry['kind']} {entry['name']} in {took:.1f} s")


# --- One chunk in SQL -------------------------------------------------------------------------

# Every draw of a complaint is a column of `drawn`; the later steps derive its life from them.
# random() never returns 1, so 1 - random() is safe under ln().
CHUNK_SQL = """
WITH day_plan AS (
  SELECT * FROM unnest(%(days)s::date[], %(counts)s::int[], %(ordinal_before)s::bigint[],
                       %(year_before)s::int[], %(due_7)s::timestamptz[], %(due_14)s::timestamptz[],
                       %(onsite_seconds)s::float8[])
    AS d(day, n, ordinal_before, year_before, due_7, due_14, onsite_seconds)
),
drawn AS (
  SELECT d.*,
    (%(category_slots)s::int[])[1 + floor(random() * %(slots)s)::int] AS c,
    (%(district_slots)s::int[])[1 + floor(random() * %(slots)s)::int] AS di,
    (%(channel_slots)s::int[])[1 + floor(random() * %(slots)s)::int] AS ch,
    (%(hour_slots)s::int[])[1 + floor(random() * %(slots)s)::int] - 1 AS hour,
    random() AS u_time, random() AS u_tie, random() AS u_triage, random() AS u_outcome, random() AS u_quick,
    random() AS u_located, random() AS u_point, random() AS u_jitter_lat, random() AS u_jitter_lon,
    random() AS u_public, 1 - random() AS u_speed_1, random() AS u_speed_2, random() AS u_stuck,
    random() AS u_rated, random() AS u_rated_after, random() AS u_stars, random() AS u_reopen,
    random() AS u_reopen_after, random() AS u_second, random() AS u_close, random() AS u_close_after,
    random() AS u_state, random() AS u_flag
  FROM day_plan d CROSS JOIN LATERAL generate_series(1, d.n) AS g(i)
),
timed AS (
  SELECT drawn.*,
    CASE WHEN at_hour > %(now)s
      THEN (drawn.day::timestamp AT TIME ZONE 'Asia/Seoul')
           + u_time * (%(now)s::timestamptz - (drawn.day::timestamp AT TIME ZONE 'Asia/Seoul'))
      ELSE at_hour END AS received
  FROM (SELECT drawn.*, (drawn.day + make_interval(hours => drawn.hour) + u_time * interval '1 hour')
          AT TIME ZONE 'Asia/Seoul' AS at_hour FROM drawn) drawn
),
shaped AS (
  SELECT t.*,
    t.ordinal_before + row_number() OVER (PARTITION BY t.day ORDER BY t.received, t.u_tie) AS ordinal,
    t.year_before + row_number() OVER (PARTITION BY t.day ORDER BY t.received, t.u_tie) AS number,
    (%(channel_names)s::text[])[t.ch] AS channel,
    NOT ((%(channel_names)s::text[])[t.ch] IN ('sms', 'email')
         AND %(now)s::timestamptz - t.received < t.u_triage * interval '12 hours') AS categorised,
    (%(category_periods)s::int[])[t.c] AS period,
    (%(category_located)s::bool[])[t.c] AS located,
    -- A lognormal share of the time allowed (about 8 %% over it), some stuck far past it.
    exp(-0.6 + 0.45 * sqrt(-2 * ln(t.u_speed_1)) * cos(2 * pi() * t.u_speed_2))
      * CASE WHEN t.u_stuck < 0.01 THEN 8 ELSE 1 END AS share
  FROM timed t
),
routed AS (
  SELECT s.*,
    %(id_base)s::bigint + s.ordinal AS id,
    CASE WHEN s.categorised THEN (%(category_ids)s::int[])[s.c] END AS category_id,
    CASE WHEN s.categorised THEN (%(category_units)s::int[])[s.c] END AS unit_id,
    CASE WHEN s.categorised THEN (%(category_officials)s::int[])[s.c] END AS official_id,
    CASE WHEN NOT s.categorised THEN NULL
         WHEN s.period = 7 THEN s.due_7 WHEN s.period = 14 THEN s.due_14
         ELSE s.received + s.onsite_seconds * interval '1 second' END AS due_1,
    CASE WHEN NOT s.categorised THEN 'open'
         WHEN s.channel = 'phone' AND s.u_outcome < 0.25 THEN 'on_the_line'
         WHEN s.u_outcome < CASE WHEN s.channel = 'phone' THEN 0.28 ELSE 0.05 END THEN 'rejected'
         WHEN s.u_outcome < CASE WHEN s.channel = 'phone' THEN 0.31 ELSE 0.08 END THEN 'duplicate'
         ELSE 'answered' END AS outcome
  FROM shaped s
),
linked AS (
  SELECT r.*,
    CASE WHEN r.categorised
      THEN lag(r.id) OVER (PARTITION BY r.category_id ORDER BY r.received, r.u_tie) END AS earlier_id
  FROM routed r
),
first_round AS (
  SELECT l.*,
    CASE l.kind
      WHEN 'on_the_line' THEN l.received + (3 + 37 * l.u_quick) * interval '1 minute'
      WHEN 'answered' THEN l.received + greatest((l.due_1 - l.received) * l.share, interval '30 minutes')
      WHEN 'open' THEN NULL
      ELSE l.received + (1 + 47 * l.u_quick) * interval '1 hour' END AS moved_1
  FROM (
    -- The first complaint of its category in the chunk has nothing to duplicate: answered instead.
    SELECT linked.*,
      CASE WHEN outcome = 'duplicate' AND earlier_id IS NULL THEN 'answered' ELSE outcome END AS kind
    FROM linked
  ) l
),
rated AS (
  SELECT f.*,
    f.kind IN ('on_the_line', 'answered') AND f.moved_1 <= %(now)s AS answered_1,
    f.kind IN ('rejected', 'duplicate') AND f.moved_1 <= %(now)s AS ended_1,
    f.moved_1 + (0.1 + 4.9 * f.u_rated_after) * interval '1 day' AS rated_at,
    CASE WHEN f.u_stars < 0.08 THEN 1 WHEN f.u_stars < 0.18 THEN 2 WHEN f.u_stars < 0.35 THEN 3
         WHEN f.u_stars < 0.65 THEN 4 ELSE 5 END AS stars
  FROM first_round f
),
second_round AS (
  SELECT r.*,
    r.answered_1 AND r.u_rated < 0.2 AND r.rated_at <= %(now)s AS is_rated,
    r.answered_1 AND r.u_rated < 0.2 AND r.rated_at <= %(now)s AND r.stars <= 2 AND r.u_reopen < 0.5
      AND r.rated_at + (0.1 + 1.9 * r.u_reopen_after) * interval '1 day' <= %(now)s AS reopened,
    r.rated_at + (0.1 + 1.9 * r.u_reopen_after) * interval '1 day' AS reopened_at
  FROM rated r
),
lives AS (
  SELECT s.*,
    CASE WHEN s.reopened THEN s.reopened_at + (s.due_1 - s.received) END AS due_2,
    CASE WHEN s.reopened
      THEN s.reopened_at + greatest((s.due_1 - s.received) * s.share * (0.5 + s.u_second), interval '1 hour') END
      AS moved_2
  FROM second_round s
),
ends AS (
  SELECT l.*,
    CASE WHEN l.reopened THEN l.moved_2 <= %(now)s ELSE l.answered_1 END AS answered,
    CASE WHEN l.reopened THEN l.moved_2 ELSE l.moved_1 END AS answered_last,
    CASE WHEN l.reopened THEN l.due_2 ELSE l.due_1 END AS due
  FROM lives l
),
finished AS (
  SELECT e.*,
    CASE WHEN e.answered AND e.u_close < 0.55
              AND e.answered_last + (3 + 11 * e.u_close_after) * interval '1 day' <= %(now)s
         THEN e.answered_last + (3 + 11 * e.u_close_after) * interval '1 day' END AS closed_at,
    CASE WHEN e.answered THEN e.answered_last WHEN e.ended_1 THEN e.moved_1 END AS finished_at
  FROM ends e
),
complaints AS (
  SELECT f.*,
    CASE
      WHEN f.closed_at IS NOT NULL THEN 'closed'
      WHEN f.answered THEN 'answered'
      WHEN f.ended_1 THEN f.kind
      WHEN f.reopened THEN CASE WHEN f.u_state < 0.5 THEN 'reopened' ELSE 'in_progress' END
      WHEN NOT f.categorised OR %(now)s::timestamptz - f.received < interval '2 hours' THEN 'received'
      WHEN f.u_state < 0.3 THEN 'assigned'
      WHEN f.u_state < 0.9 THEN 'in_progress'
      ELSE 'transferred' END AS status,
    CASE WHEN f.due IS NOT NULL
              AND f.due + (1 + 59 * f.u_flag) * interval '1 minute' <= least(f.finished_at, %(now)s)
         THEN f.due + (1 + 59 * f.u_flag) * interval '1 minute' END AS overdue_at,
    CASE WHEN f.categorised AND NOT f.reopened
              AND f.received + interval '30 days' + (1 + 59 * f.u_flag) * interval '1 minute'
                  <= least(f.finished_at, %(now)s)
         THEN f.received + interval '30 days' + (1 + 59 * f.u_flag) * interval '1 minute' END AS progress_notice_at,
    f.categorised AND (f.located OR f.u_located < 0.2) AS placed
  FROM finished f
),
written AS (
  INSERT INTO complaints_complaint (
    id, tracking_number, token, channel, category_id, complaint_type, title, description, address,
    latitude, longitude, district_id, is_public, answers, citizen_id, contact_id, contact_name,
    contact_preference, language, tracking_last4, filed_by_id, open311_client_id, status, unit_id,
    assignee_id, suggested_unit_id, suggestion_confidence, received_at, due_at, answered_at, closed_at,
    finished_at, terms_counted_at, answer, answered_by_id, rejection_reason, rejection_remedy,
    duplicate_of_id, answer_round, overdue_at, progress_notice_at, updated_at
  )
  SELECT
    c.id,
    extract(year FROM c.day)::int || '-' || lpad(c.number::text, 7, '0'),
    gen_random_uuid(),
    c.channel,
    c.category_id,
    CASE WHEN c.categorised THEN (%(category_types)s::text[])[c.c] ELSE '' END,
    CASE WHEN c.categorised THEN (%(category_names)s::text[])[c.c] || ' 민원' ELSE '' END,
    (%(category_names)s::text[])[c.c] || ' 관련하여 확인과 조치를 요청합니다.',
    '',
    CASE WHEN c.placed THEN round(((%(point_lats)s::float8[])[(c.di - 1) * %(points)s + 1 + floor(c.u_point * %(points)s)::int]
                                   + (c.u_jitter_lat - 0.5) * 2 * %(jitter)s)::numeric, 6) END,
    CASE WHEN c.placed THEN round(((%(point_lons)s::float8[])[(c.di - 1) * %(points)s + 1 + floor(c.u_point * %(points)s)::int]
                                   + (c.u_jitter_lon - 0.5) * 2 * %(jitter)s)::numeric, 6) END,
    CASE WHEN c.placed THEN (%(district_codes)s::text[])[c.di] END,
    c.categorised AND c.u_public < CASE WHEN c.located THEN 0.45 ELSE 0.2 END,
    '{}'::jsonb, NULL, NULL, '', 'none', 'ko', '',
    CASE WHEN c.channel = 'phone' THEN %(intake_official)s::int END,
    CASE WHEN c.channel = 'open311' THEN %(open311_app)s::int END,
    c.status,
    c.unit_id,
    CASE WHEN c.status NOT IN ('received', 'transferred') AND c.categorised THEN c.official_id END,
    NULL, NULL,
    c.received,
    c.due,
    CASE WHEN c.answered THEN c.answered_last WHEN c.reopened THEN c.moved_1 END,
    c.closed_at,
    c.finished_at,
    NULL,
    CASE WHEN c.answered OR c.reopened THEN replace(%(answer_text)s, '{}', (%(category_names)s::text[])[c.c]) ELSE '' END,
    CASE WHEN c.answered OR c.reopened
         THEN CASE WHEN c.kind = 'on_the_line' THEN %(intake_official)s::int ELSE c.official_id END END,
    CASE WHEN c.status = 'rejected' THEN %(rejection_reason)s ELSE '' END,
    CASE WHEN c.status = 'rejected' THEN %(rejection_remedy)s ELSE '' END,
    CASE WHEN c.status = 'duplicate' THEN c.earlier_id END,
    CASE WHEN c.reopened THEN 2 ELSE 1 END,
    c.overdue_at,
    c.progress_notice_at,
    least(%(now)s::timestamptz, greatest(c.received, c.finished_at, c.closed_at, c.overdue_at, c.progress_notice_at,
          CASE WHEN c.is_rated THEN c.rated_at END, CASE WHEN c.reopened THEN c.reopened_at END))
  FROM complaints c
  ORDER BY c.id
  RETURNING 1
)
INSERT INTO complaints_satisfaction (complaint_id, answer_round, rating, comment, rated_at)
SELECT c.id, 1, c.stars, '', c.rated_at FROM complaints c WHERE c.is_rated
"""


class ReferenceArrays:
    """The reference data as the arrays CHUNK_SQL indexes (1-based, as SQL arrays are)."""

    def __init__(self, random_seed):
        # Officials' names draw from their own generator: on a resumed run they exist already and
        # draw nothing, and the points and weights below must come out as on the first run.
        text = KoreanText(random.Random(random_seed), District.objects.values_list("name_ko", flat=True))
        reference = Reference(text)
        rng = random.Random(random_seed + 1)
        leaves = reference.categories  # (id, code, type, unit id, located, weight, questions, name)
        periods = {kind: (period.days or 0) for kind, period in TYPE_PERIODS.items()}
        self.categories = leaves
        points = district_points(rng, POINTS_PER_DISTRICT)
        self.district_codes = sorted(points)
        # Districts weighted like the complaints bench's (some busier than others), reproducibly.
        district_weights = [rng.uniform(0.6, 1.6) for _ in self.district_codes]
        lats, lons = [], []
        for code in self.district_codes:
            chosen = [points[code][index % len(points[code])] for index in range(POINTS_PER_DISTRICT)]
            lats += [float(lat) for lat, _lon in chosen]
            lons += [float(lon) for _lat, lon in chosen]
        category_weights = [leaf[5] for leaf in leaves]
        self.params = {
            "slots": SLOTS,
            "points": POINTS_PER_DISTRICT,
            "jitter": JITTER,
            "category_slots": _slots(category_weights),
            "category_ids": [leaf[0] for leaf in leaves],
            "category_types": [str(leaf[2]) for leaf in leaves],
            "category_periods": [periods[ComplaintType(leaf[2])] for leaf in leaves],
            "category_units": [leaf[3] for leaf in leaves],
            "category_officials": [reference.officials[leaf[3]][0] for leaf in leaves],
            "category_located": [bool(leaf[4]) for leaf in leaves],
            "category_names": [leaf[7] for leaf in leaves],
            "district_slots": _slots(district_weights),
            "district_codes": self.district_codes,
            "point_lats": lats,
            "point_lons": lons,
            "channel_names": list(CHANNELS),
            "channel_slots": _slots(list(CHANNELS.values())),
            "hour_slots": _slots(list(HOURS)),
            "intake_official": reference.intake[0],
            "open311_app": reference.open311_app,
            "answer_text": ANSWER_TEXT,
            "rejection_reason": REJECTION_REASON,
            "rejection_remedy": REJECTION_REMEDY,
        }
        self.busiest_category = leaves[max(range(len(leaves)), key=lambda index: category_weights[index])][1]
        self.busiest_district = self.district_codes[max(range(len(district_weights)), key=district_weights.__getitem__)]
        self.located_category = next(leaf[1] for leaf in sorted(leaves, key=lambda leaf: -leaf[5]) if leaf[4])


def write_chunk(number, chunk, plan, params):
    """One chunk of days, in one statement and one transaction, recorded as done in the same one."""
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the window functions sort a chunk in memory
        # Each chunk draws from its own seed: a resumed run writes what an uninterrupted one would.
        cursor.execute("SELECT setseed(%s)", [((plan["random_seed"] * 7919 + number) % 20_000) / 10_000 - 1])
        cursor.execute(
            CHUNK_SQL,
            {
                **params,
                "now": plan["now"],
                "id_base": plan["id_base"],
                "days": [entry["day"] for entry in chunk],
                "counts": [entry["count"] for entry in chunk],
                "ordinal_before": [entry["ordinal_before"] for entry in chunk],
                "year_before": [entry["year_before"] for entry in chunk],
                "due_7": [entry["due_7"] for entry in chunk],
                "due_14": [entry["due_14"] for entry in chunk],
                "onsite_seconds": [entry["onsite_seconds"] for entry in chunk],
            },
        )
        seconds = time.monotonic() - started
        cursor.execute(
            f"INSERT INTO {CHUNK_TABLE} (number, complaints, seconds, done_at) VALUES (%s, %s, %s, now())",  # noqa: S608
            [number, sum(entry["count"] for entry in chunk), seconds],
        )
    return seconds


# --- The run ----------------------------------------------------------------------------------


def _create_bookkeeping():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PLAN_TABLE} (id int PRIMARY KEY CHECK (id = 1), plan jsonb NOT NULL)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {CHUNK_TABLE} (number int PRIMARY KEY, complaints int NOT NULL, "
            "seconds float8 NOT NULL, done_at timestamptz NOT NULL)"
        )


def database_size_mb() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0] / (1024 * 1024)


def seed_analysis(*, total, random_seed=2026, write=print, vacuum=True, history_days=HISTORY_DAYS,
                  chunk_days=CHUNK_DAYS, progress_every=10.0, now=None, stop_after=None) -> dict:  # fmt: skip
    """Seed `total` complaints (or resume an interrupted seeding of the same total); the
    channel's report. `stop_after` chunks: stop there, as an interruption would (tests)."""
    if connection.vendor != "postgresql":
        raise AnalysisSeedError("The analysis channel is generated inside PostgreSQL: it needs DATABASE_URL.")
    started = time.monotonic()
    plan = load_plan()
    if plan is None:
        if Complaint.objects.exists():
            raise AnalysisSeedError(
                "The database already holds complaints not seeded by this channel: seed_scale --channel analysis "
                "fills an empty database (a benchmark needs known sizes)."
            )
        with transaction.atomic():
            _create_bookkeeping()
            plan = make_plan(total=total, now=now or timezone.now(), history_days=history_days,
                             chunk_days=chunk_days, random_seed=random_seed)  # fmt: skip
            plan["dropped"] = drop_secondary_indexes()
            _save_plan(plan)
        plan["done"] = {}
        write(f"Planned {total:,} complaints over {history_days:,} days in {len(plan['chunks'])} chunks; "
              f"dropped {len(plan['dropped'])} indexes and constraints for the load.")  # fmt: skip
    else:
        if plan["total"] != total:
            raise AnalysisSeedError(
                f"The database holds (part of) a seeding of {plan['total']:,} complaints, not {total:,}: resume "
                "it with the same size, or seed an empty database."
            )
        if plan["finished"]:
            raise AnalysisSeedError(
                f"The database already holds the {plan['total']:,} complaints of a finished seeding "
                "(a benchmark needs known sizes)."
            )
        write(f"Resuming: {len(plan['done'])} of {len(plan['chunks'])} chunks were written by an earlier run.")
    reference = ReferenceArrays(random_seed)
    chunks = plan["chunks"]
    todo = [number for number in range(len(chunks)) if number not in plan["done"]]
    total_rows = sum(entry["count"] for chunk in chunks for entry in chunk)
    rows_before = sum(entry["count"] for number in plan["done"] for entry in chunks[number])
    loop_started = last_line = time.monotonic()
    written_now = 0
    for position, number in enumerate(todo, start=1):
        if stop_after is not None and position > stop_after:
            return {"interrupted": True, "chunks_done": len(plan["done"]) + stop_after}
        write_chunk(number, chunks[number], plan, reference.params)
        written_now += sum(entry["count"] for entry in chunks[number])
        now_ = time.monotonic()
        if now_ - last_line >= progress_every or position == len(todo):
            last_line = now_
            rate = written_now / max(now_ - loop_started, 1e-6)
            left = total_rows - rows_before - written_now
            write(
                f"  chunk {len(chunks) - len(todo) + position:,}/{len(chunks):,}: "
                f"{rows_before + written_now:,} of {total_rows:,} complaints, {rate:,.0f} rows/s, "
                f"ETA {left / rate if rate else 0:,.0f} s, peak memory {peak_memory_mb():.0f} MB"
            )
            sys.stdout.flush()  # progress, also when the output goes to a file or a pipe
    load_seconds = time.monotonic() - loop_started
    write(f"Restoring {len(plan['dropped'])} indexes and constraints ...")
    restore_started = time.monotonic()
    restore_indexes(plan["dropped"], write=write)
    restore_seconds = time.monotonic() - restore_started
    with transaction.atomic():
        for year, last in plan["counters"].items():
            TrackingCounter.objects.update_or_create(year=int(year), defaults={"last": last})
        reset_sequences(Complaint, Satisfaction)
        plan["finished"] = True
        _save_plan(plan)
    if vacuum:
        write("Analysing the tables for the planner ...")
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(sum(seconds), 0) FROM {CHUNK_TABLE}")  # noqa: S608
        chunk_seconds = cursor.fetchone()[0]
    ratings = Satisfaction.objects.count()
    return {
        "complaints": total_rows,
        "ratings": ratings,
        "chunks": len(chunks),
        "chunks_resumed": len(chunks) - len(todo),
        "history_days": plan["history_days"],
        "now": plan["now"],
        "first_complaint_id": plan["id_base"] + 1,
        "last_complaint_id": plan["id_base"] + total_rows,
        "load_seconds": round(load_seconds, 1),
        "rows_per_second": round(written_now / load_seconds) if load_seconds and written_now else None,
        "chunk_seconds_all_runs": round(chunk_seconds, 1),
        "restore_seconds": round(restore_seconds, 1),
        "seconds_this_run": round(time.monotonic() - started, 1),
        "database_mb": round(database_size_mb()),
        "service_code": reference.busiest_category,
        "located_service_code": reference.located_category,
        "district_code": reference.busiest_district,
        "channel": "phone",
    }


# --- The channel's entry in the seeding registry -----------------------------------------------

SEOUL_SIZES = bench_sizes.SEOUL["analysis"]


class AnalysisSeeder:
    """Seeds alone, in its own transactions (one per chunk: resumable), not in seed()'s one."""

    name = "analysis"
    help = (
        "Complaint analysis: complaints generated inside PostgreSQL over ~4 years (resumable; --complaints "
        f"sets how many, default {SEOUL_SIZES['complaints']:,})"
    )
    models = (Complaint, Satisfaction)
    seeds_alone = True

    def add_arguments(self, parser):
        """--complaints is the complaints channel's option, read by both."""

    def sizes(self, options, scale=1.0) -> dict:
        chosen = bench_sizes.scaled(self.name, scale)
        if options.get("complaints") is not None:
            chosen["complaints"] = options["complaints"]
        return chosen

    def citizens_needed(self, sizes) -> int:
        return 0

    def has_data(self) -> bool:
        plan = load_plan()
        return plan["finished"] if plan else Complaint.objects.exists()

    def seed_alone(self, *, sizes, random_seed, write, vacuum, progress_every=10.0) -> dict:
        # `history_days` (not a command option): tests seed a few months instead of four years.
        return seed_analysis(total=sizes["complaints"], random_seed=random_seed, write=write, vacuum=vacuum,
                             progress_every=progress_every,
                             history_days=sizes.get("history_days", HISTORY_DAYS))  # fmt: skip
