"""M-Voting's key pages and its one heavy write (issue 5).

In-process (bench/measure.py), at 1,000 and at 1,000,000 ballots: the results page of the featured
open poll (counts, breakdowns, turnout), the ranked-choice poll's results (Borda and instant-runoff
rounds from the ranking counts), the CSV export, the poll's ledger page, a receipt check, the poll
page and the list. The results come from the maintained counters, so they must cost the same
queries and nearly the same time at both sizes.

Under load (bench/load.py, on the biggest dataset): ballots cast on the featured poll by citizens
who have not voted, each request a different citizen, through
- portal: the full request — gunicorn, every middleware, the citizen's session (signed in
  beforehand, as by an SMS code), the CSRF token, voting:cast's validation, ballot_cast, and its
  answer: a 303 to the receipt page with the receipt in a signed cookie (Post/Redirect/Get; the
  page itself is the browser's next request, not part of the ballot's) — served with
  production's settings for the ledger (LEDGER_SEAL_ON_COMMIT off: sealing is the periodic
  task's job, outside the request);
- minimal: bench/minimal's view, which executes only the same INSERTs and counter upsert;
the same gunicorn, database and concurrency. The portal must sustain at least half the minimal
view's throughput. Afterwards (the ledger sealed and the ballots mixed, as the periodic tasks
would) every accepted answer (the portal's 303 to the receipt page, the minimal view's 200) must
be exactly one ballot, one participation and one ledger entry, and the
counters must equal a recount of the poll's ballots.
"""

import random
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from . import LoadScenario, LoadVariant, Scenario
from .citizens import fresh_citizens, signed_in_sessions

# The portal served as in production, on plain HTTP on the loopback (TLS ends at the proxy).
SERVER_ENVIRONMENT = {
    "DEBUG": "false",
    "LEDGER_SEAL_ON_COMMIT": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
}
# How the load's citizens vote in the featured poll (its five options).
LOAD_CHOICE_WEIGHTS = (30, 25, 20, 15, 10)


def _page(name, key, query=None):
    def url(context):
        return reverse(f"voting:{name}", args=[context[key]]) + (f"?{urlencode(query)}" if query else "")

    return url


def _index(context):
    return reverse("voting:index")


def _receipt(context):
    return {"receipt": context["sample_receipt"]}


def _sign_in_reader(client, context, number):
    if number == 0:
        client.force_login(context["reader"])


def prepare(context, *, requests):
    """One signed-in reader for the poll page (the vote form): a citizen who has not voted."""
    from citizens.models import Citizen

    context["reader"] = Citizen.objects.get(pk=fresh_citizens(1, seed=11)[0])
    return context


SCENARIOS = [
    Scenario("results", "results of the open poll, live (voting:results)", _page("results", "featured_poll_id")),
    Scenario(
        "results_ranked", "ranked-choice results: Borda, runoff rounds", _page("results", "ranked_poll_id")
    ),
    Scenario("results_csv", "the open poll's results as CSV", _page("results_csv", "featured_poll_id")),
    Scenario("ledger", "the poll's ledger, first page (voting:ledger)", _page("ledger", "featured_poll_id")),
    Scenario(
        "verify", "a receipt checked (POST voting:verify)", _page("verify", "featured_poll_id"), method="post",
        data=_receipt,
    ),  # fmt: skip
    Scenario("detail", "the open poll's page, anonymous (voting:detail)", _page("detail", "featured_poll_id")),
    Scenario(
        "detail_signed_in", "the poll's page with the vote form", _page("detail", "featured_poll_id"),
        before_each=_sign_in_reader,
    ),  # fmt: skip
    Scenario("index", "the list of open polls (voting:index)", _index),
]


# --- Under load -------------------------------------------------------------------------------


class _LoadCitizens:
    """The load's voters: fresh citizens, each handed out once, with their ballot snapshot."""

    def __init__(self):
        self.available = []  # (id, age band, district code, gender, citizen's phone index)
        self.first_id = None
        self.last_id = None
        self.rng = random.Random(2027)
        self.batches = 0

    def take(self, count):
        from citizens.models import Citizen
        from voting.models import age_band

        while len(self.available) < count:
            self.batches += 1
            ids = fresh_citizens(max(count - len(self.available), 2_000), seed=1000 + self.batches)
            today = timezone.localdate()
            citizens = Citizen.objects.filter(pk__in=ids).order_by("pk")
            for citizen in citizens.only("birth_date", "district", "gender", "residence_basis", "phone_index"):
                # ballot_cast's snapshot: the district of residents only.
                resident = citizen.residence_basis in ("", "lives")
                district = (citizen.district_id or "") if resident else ""
                self.available.append(
                    (citizen.pk, age_band(citizen.age_on(today)), district, citizen.gender or "", citizen.phone_index)
                )
            self.first_id = ids[0] if self.first_id is None else self.first_id
            self.last_id = ids[-1]
        taken, self.available = self.available[:count], self.available[count:]
        return taken

    def choice(self):
        return self.rng.choices(range(1, len(LOAD_CHOICE_WEIGHTS) + 1), weights=LOAD_CHOICE_WEIGHTS)[0]


def _load_state(context):
    if "load" not in context:
        context["load"] = _LoadCitizens()
        context["load_before"] = _poll_counts(context["featured_poll_id"])
    return context["load"]


def _cast_url(poll_id):
    try:
        return reverse("voting:cast", args=[poll_id])
    except NoReverseMatch:
        from bench.load import LoadError

        raise LoadError("The portal has no voting:cast view (POST /votes/<pk>/vote/) yet.") from None


def _accepted_redirect(context, variant):
    """The portal answers a ballot with a 303 to the poll's receipt page; the minimal view with 200."""
    if variant != "portal":
        return ""
    try:
        return reverse("voting:receipt_page", args=[context["featured_poll_id"]])
    except NoReverseMatch:
        return ""


def _ballot_requests(context, variant, count):
    state = _load_state(context)
    poll_id = context["featured_poll_id"]
    voters = state.take(count)
    if variant == "portal":
        url = _cast_url(poll_id)
        sessions = signed_in_sessions([voter[0] for voter in voters])
        lines = []
        for citizen_id, *_details in voters:
            cookie, token = sessions[citizen_id]
            lines.append((url, cookie, urlencode({"csrfmiddlewaretoken": token, "choices": state.choice()})))
        return lines
    from voting.services.ballots import voter_key

    name = "minimal_cast_together" if variant == "minimal_together" else "minimal_cast"
    url = reverse(name, urlconf="bench.minimal.urls", args=[poll_id])
    lines = []
    for citizen_id, band, district, gender, phone_index in voters:
        body = {
            "citizen": citizen_id,
            "voter_key": voter_key(poll_id, _PhoneIndex(phone_index)) or "",
            "choices": state.choice(),
            "age_band": band,
            "district": district,
            "gender": gender,
            "question_type": "single",
        }
        lines.append((url, "", urlencode(body)))
    return lines


class _PhoneIndex:
    """What voter_key() reads of a citizen."""

    def __init__(self, phone_index):
        self.phone_index = phone_index


def _poll_counts(poll_id) -> dict:
    from audit.models import LedgerEntry
    from voting.models import Ballot, Participation

    return {
        "ballots": Ballot.objects.filter(poll_id=poll_id).count(),
        "participations": Participation.objects.filter(poll_id=poll_id).count(),
        "ledger_entries": LedgerEntry.objects.filter(scope=f"voting.poll:{poll_id}").count(),
    }


_RECOUNT = """
WITH picks AS (
    SELECT age_band, district_code, gender, 0 AS position FROM voting_ballot WHERE poll_id = %(poll)s
    UNION ALL
    SELECT b.age_band, b.district_code, b.gender, pick.value::int
    FROM voting_ballot b
    CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN %(ranked)s THEN jsonb_build_array(b.choices -> 0) ELSE b.choices END
    ) AS pick
    WHERE b.poll_id = %(poll)s
)
SELECT position, '', '', count(*) FROM picks GROUP BY position
UNION ALL SELECT position, 'age', age_band, count(*) FROM picks GROUP BY position, age_band
UNION ALL SELECT position, 'district', district_code, count(*) FROM picks GROUP BY position, district_code
UNION ALL SELECT position, 'gender', gender, count(*) FROM picks GROUP BY position, gender
"""


def counter_problems(poll_id) -> list[str]:
    """The poll's counters against a recount of its ballots, in SQL (a million ballots in seconds);
    voting.recount does the same in Python for verify_ledger."""
    from django.db import connection

    from voting.models import Poll
    from voting.tallies import tally_sums

    poll = Poll.objects.only("question_type").get(pk=poll_id)
    with connection.cursor() as cursor:
        cursor.execute(_RECOUNT, {"poll": poll_id, "ranked": poll.is_ranked})
        recounted = {(position, dimension, value): count for position, dimension, value, count in cursor.fetchall()}
    counted = {key: count for key, count in tally_sums(poll_id).items() if count}
    problems = []
    for key in sorted(set(recounted) | set(counted)):
        if recounted.get(key, 0) != counted.get(key, 0):
            position, dimension, value = key
            problems.append(
                f"counter (option {position}, {dimension or 'total'}={value or '-'}) shows {counted.get(key, 0):,}, "
                f"the ballots count {recounted.get(key, 0):,}"
            )
    return problems[:10]


def load_problems(*, poll_id, before, after, accepted, sent, citizen_range) -> list[str]:
    """Exactly once: every accepted answer one ballot, one participation of a distinct citizen, one ledger entry;
    a request without a response (in flight when wrk stopped) at most one."""
    from django.db.models import Count

    from voting.models import Participation

    problems = []
    new = {key: after[key] - before[key] for key in before}
    if not accepted <= new["ballots"] <= sent:
        problems.append(
            f"{accepted:,} ballots were accepted (200, or 303 to the receipt) and {sent:,} requests sent, but {new['ballots']:,} were written"
        )
    if new["participations"] != new["ballots"]:
        problems.append(f"{new['participations']:,} participations for {new['ballots']:,} new ballots")
    if new["ledger_entries"] != new["ballots"]:
        problems.append(f"{new['ledger_entries']:,} ledger entries for {new['ballots']:,} new ballots")
    if citizen_range:
        voters = Participation.objects.filter(
            poll_id=poll_id, citizen_id__gte=citizen_range[0], citizen_id__lte=citizen_range[1]
        ).aggregate(
            rows=Count("id"), citizens=Count("citizen_id", distinct=True)
        )
        if voters["rows"] != voters["citizens"] or voters["rows"] != new["participations"]:
            problems.append(
                f"the load's citizens: {voters['rows']:,} participations by {voters['citizens']:,} citizens, "
                f"{new['participations']:,} new participations"
            )
    return problems + counter_problems(poll_id)


def _check_ballots(context, totals):
    from audit.models import LedgerEntry
    from audit.services import ledger_seal
    from voting.services.mixing import ballots_mix

    poll_id = context["featured_poll_id"]
    state = _load_state(context)
    # What the periodic tasks do in production: seal the load's ledger entries into blocks, and
    # rewrite its ballots in random order (the checks below then also hold after the mixer).
    ledger_seal()
    ballots_mix()
    problems = load_problems(
        poll_id=poll_id,
        before=context["load_before"],
        after=_poll_counts(poll_id),
        accepted=totals["accepted"],
        sent=totals["sent"],
        citizen_range=(state.first_id, state.last_id) if state.first_id else None,
    )
    pending = LedgerEntry.objects.pending().filter(scope=f"voting.poll:{poll_id}").count()
    if pending:
        problems.append(f"{pending:,} ledger entries of the poll are still pending after sealing")
    return problems


LOAD = [
    LoadScenario(
        "cast",
        "ballots on the featured poll, each by another signed-in citizen (POST voting:cast)",
        variants=(
            LoadVariant(
                "portal",
                "the portal: middleware, session, CSRF, validation, ballot_cast, 303 to the receipt page",
                settings="seoul_portal.settings",
                ready_path="/healthz",
                environment=SERVER_ENVIRONMENT,
            ),
            LoadVariant(
                "minimal_together",
                "bench/minimal with its statements sent together (one round trip): not the yardstick, shown beside it",
                settings="bench.minimal.settings",
                ready_path="/ready/",
                environment=SERVER_ENVIRONMENT,
            ),
            LoadVariant(
                "minimal",
                "bench/minimal (the yardstick): the same INSERTs and counter upsert, nothing else",
                settings="bench.minimal.settings",
                ready_path="/ready/",
                environment=SERVER_ENVIRONMENT,
            ),
        ),
        requests=_ballot_requests,
        check=_check_ballots,
        min_ratio=0.5,
        ok_location=_accepted_redirect,
    )
]
