"""Integrated civil complaints' key pages and its intake (issue 7): "the officials' queue for one
unit, the public list, the tracking page and GET /open311/v2/requests.json must keep the same
query count as at 1,000 complaints and a median latency within 1.5x of it"; "intake through the
web form and Open311 POST: report sustained requests per second with zero errors".

In-process (bench/measure.py), at 1,000 and at 1,000,000 complaints (seed_scale --channel
complaints):
- queue: the back office's list of complaints (admin changelist) as an official of the unit with
  the most complaints, signed in with a password as the back office requires;
- list, list_category: the public list, first page, unfiltered and filtered by the busiest category;
- track: the tracking form posted with a real complaint's number and its phone's last four digits
  (a 303 to the complaint's page); tracked: that page, status and timeline, for the session the
  tracking opened it to;
- open311, open311_service: GET /open311/v2/requests.json with the default parameters (public
  requests of the last 90 days, 200 a page) and with a service_code filter (the busiest category,
  20 a page: a full page at 1,000 complaints too, so that a page is compared with a page).

Under load (bench/load.py, on the biggest dataset), the portal alone (there is no smaller view to
compare with: the figure is the sustained rate), each request a new complaint:
- web_form: complaints:new posted by signed-in citizens (each a new citizen with a session and a
  CSRF token, as after an SMS sign-in), half under a category without a location, half under one
  that needs it with a point in Seoul; accepted: the 303 to the complaint's confirmation page;
- open311_post: POST /open311/v2/requests.json with an app's API key, the same two categories, a
  reporter's phone; accepted: the 200 with the new request's id.
Each filing's "received" notification is written to the outbox in the request, and delivered in it
too (tasks run eagerly in the benchmark, with in-memory SMS and email backends: no worker, no
broker to leave messages in), which a worker does in production: the rates are on the safe side.
Afterwards every accepted request must be exactly one complaint (no more than were sent), with
one "received" event, its filer following it, and tracking numbers that stay unique and gapless
(each year's counter = its complaints = its highest number).

The servers run bench/intake_settings.py: production's settings without the per-IP and per-key
rate limits, which one address and one key sending everything would otherwise hit at once.
"""

import random
import secrets
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

from . import LoadScenario, LoadVariant, Scenario
from .citizens import fresh_citizens, signed_in_sessions

# The portal served as in production, on plain HTTP on the loopback (TLS ends at the proxy).
SERVER_ENVIRONMENT = {
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    # A line per request (and per notification task) would cost the servers more than it tells.
    "LOG_LEVEL": "WARNING",
}
INTAKE_SETTINGS = "bench.intake_settings"
# The confirmation page a filed complaint's form redirects to (a Lua pattern for wrk).
FILED_PATTERN = "^/complaints/%d%d%d%d%-%d+/filed/$"
OPEN311_PAGE_SIZE_FILTERED = 20
# The channel the fewest complaints come by (bench/seeding/complaints.py CHANNELS: 4 %).
RARE_CHANNEL = "email"
# Reporters' phones of the Open311 load: 010-0040-0000 …, a range no carrier issues (nor the seed uses).
LOAD_PHONE_FIRST = 40 * 10_000
LOAD_PHONES = 100_000
# Points in Seoul for the located category (City Hall, Gangnam station, Jamsil, Nowon, Mapo-gu office).
POINTS = ((37.566535, 126.977969), (37.497942, 127.027621), (37.513262, 127.100159), (37.654358, 127.056473),
          (37.566324, 126.901636))  # fmt: skip
DESCRIPTIONS = (
    "가로등이 며칠째 꺼져 있어 밤길이 어둡습니다. 확인 부탁드립니다.",
    "민원실 운영 시간과 주차 가능 여부를 알고 싶습니다.",
    "보행로 조명이 깜빡거려 불편합니다. 점검을 요청합니다.",
)


def _reverse(name, *args, **kwargs):
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        from bench.load import LoadError

        raise LoadError(f"The portal has no {name} view yet.") from None


# --- In-process ----------------------------------------------------------------------------------


def prepare(context, *, requests):
    """The queue's official (seeded, staff of the busiest unit)."""
    from citizens.models import Citizen

    context["official"] = Citizen.objects.get(pk=context["queue_official_id"])
    return context


def _sign_in_official(client, context, number):
    from citizens.backends import PASSWORD_BACKEND

    if number == 0:
        client.force_login(context["official"], backend=PASSWORD_BACKEND)


def _track_form(context):
    return {"number": context["track_number"], "last4": context["track_last4"]}


def _track_first(client, context, number):
    """The tracking form, once: the session may then see the complaint's page."""
    if number == 0:
        response = client.post(reverse("complaints:track"), _track_form(context))
        if response.status_code != 303:
            raise RuntimeError(f"Tracking {context['track_number']} answered {response.status_code}, not 303.")


def _queue(context):
    return reverse("admin:complaints_complaint_changelist")


def _queue_channel(context):
    return _queue(context) + "?" + urlencode({"channel__exact": RARE_CHANNEL})


def _queue_mine(context):
    return _queue(context) + "?" + urlencode({"assigned": "me"})


def _list(context):
    return reverse("complaints:list")


def _list_category(context):
    return reverse("complaints:list") + "?" + urlencode({"category": context["service_code"]})


def _track(context):
    return reverse("complaints:track")


def _tracked(context):
    return reverse("complaints:detail", args=[context["track_number"]])


def _open311(context):
    return reverse("open311:requests", kwargs={"format": "json"})


def _open311_service(context):
    query = {"service_code": context["service_code"], "page_size": OPEN311_PAGE_SIZE_FILTERED}
    return _open311(context) + "?" + urlencode(query)


SCENARIOS = [
    Scenario(
        "queue", "the officials' queue of the busiest unit (admin complaint changelist)", _queue,
        before_each=_sign_in_official,
    ),  # fmt: skip
    Scenario(
        "queue_channel", f"... filtered by the rarest channel (channel={RARE_CHANNEL})", _queue_channel,
        before_each=_sign_in_official,
    ),  # fmt: skip
    Scenario("queue_mine", "... the official's own assignments (assigned=me)", _queue_mine, before_each=_sign_in_official),
    Scenario("list", "the public list, first page (complaints:list)", _list),
    Scenario("list_category", "the public list filtered by the busiest category", _list_category),
    Scenario(
        "track", "the tracking form: number + last 4 digits (POST complaints:track, 303)", _track, method="post",
        data=_track_form, expect=(303,),
    ),  # fmt: skip
    Scenario(
        "tracked", "the tracked complaint's status and timeline (complaints:detail)", _tracked,
        before_each=_track_first,
    ),  # fmt: skip
    Scenario("open311", "GET /open311/v2/requests.json (last 90 days, 200 a page)", _open311),
    Scenario(
        "open311_service", f"... ?service_code=<busiest>&page_size={OPEN311_PAGE_SIZE_FILTERED}", _open311_service
    ),
]


# --- Under load ------------------------------------------------------------------------------------


class _IntakeCitizens:
    """The web form's filers: new citizens, each handed out once."""

    def __init__(self):
        self.available = []
        self.first_id = None
        self.last_id = None
        self.batches = 0

    def take(self, count):
        while len(self.available) < count:
            self.batches += 1
            ids = fresh_citizens(max(count - len(self.available), 2_000), seed=3000 + self.batches)
            self.available.extend(ids)
            self.first_id = ids[0] if self.first_id is None else self.first_id
            self.last_id = ids[-1]
        taken, self.available = self.available[:count], self.available[count:]
        return taken


class _Open311App:
    """The Open311 load's app: a key of its own (created once, shown to nobody) and its reporters' phones."""

    def __init__(self):
        from complaints.models import Open311Key
        from complaints.models.open311 import hash_key, new_key

        self.key = new_key()
        self.app = Open311Key.objects.create(
            name=f"bench-load-{secrets.token_hex(4)}", prefix=self.key[:8], key_hash=hash_key(self.key)
        )
        self.phones = 0

    def phone(self):
        number = LOAD_PHONE_FIRST + self.phones % LOAD_PHONES
        self.phones += 1
        return f"+8210{number:08d}"


def _load_state(context):
    if "load_rng" not in context:
        context["load_rng"] = random.Random(2028)
    return context["load_rng"]


def _what(context, rng, number):
    """A complaint's fields, alternately without a location and with a point in Seoul."""
    fields = {"description": rng.choice(DESCRIPTIONS)}
    if number % 2:
        latitude, longitude = rng.choice(POINTS)
        fields.update(category=context["intake_located_category"], latitude=f"{latitude:.6f}",
                      longitude=f"{longitude:.6f}")  # fmt: skip
    else:
        fields["category"] = context["intake_category"]
    return fields


def _web_form_requests(context, variant, count):
    rng = _load_state(context)
    citizens = context.setdefault("web_citizens", _IntakeCitizens())
    url = _reverse("complaints:new")
    ids = citizens.take(count)
    sessions = signed_in_sessions(ids)
    lines = []
    for number, citizen_id in enumerate(ids):
        cookie, token = sessions[citizen_id]
        fields = _what(context, rng, number)
        body = {
            "csrfmiddlewaretoken": token,
            "category": fields["category"],
            "title": "벤치마크 민원",
            "description": fields["description"],
            "address": "",
            "latitude": fields.get("latitude", ""),
            "longitude": fields.get("longitude", ""),
            "visibility": "public" if number % 3 == 0 else "private",
            "contact_preference": "sms",
        }
        lines.append((url, cookie, urlencode(body)))
    return lines


def _open311_requests(context, variant, count):
    rng = _load_state(context)
    app = context.setdefault("open311_app", _Open311App())
    url = _reverse("open311:requests", format="json")
    lines = []
    for number in range(count):
        fields = _what(context, rng, number)
        body = {"api_key": app.key, "service_code": fields["category"], "description": fields["description"],
                "phone": app.phone(), "first_name": "벤치"}  # fmt: skip
        if "latitude" in fields:
            body.update(lat=fields["latitude"], long=fields["longitude"])
        lines.append((url, "", urlencode(body)))
    return lines


def tracking_number_problems() -> list[str]:
    """Each year's counter equals its complaints and its highest number: every number given once,
    none skipped, none twice (the unique index forbids twice; this sees a counter that ran ahead)."""
    from django.db.models import Count, Max
    from django.db.models.functions import Left

    from complaints.models import Complaint, TrackingCounter

    problems = []
    counters = dict(TrackingCounter.objects.values_list("year", "last"))
    per_year = (
        Complaint.objects.annotate(year=Left("tracking_number", 4))
        .values("year")
        .annotate(count=Count("id"), highest=Max("tracking_number"))
        .order_by()
    )
    for row in per_year:
        year, highest = int(row["year"]), int(row["highest"].split("-")[1])
        if not counters.get(year) == row["count"] == highest:
            problems.append(
                f"{year}: counter at {counters.get(year)}, {row['count']:,} complaints, highest number {highest:,}"
            )
    return problems


def filing_problems(complaints, *, accepted, sent, filers) -> list[str]:
    """`complaints`: those the load filed. Exactly once: accepted <= filed <= sent, one complaint
    per filer (`filers`: the field naming who filed, or None), one "received" event each, the
    filer following."""
    from django.db.models import Count, Q

    counts = complaints.aggregate(
        rows=Count("id"),
        numbers=Count("tracking_number", distinct=True),
        people=Count(filers, distinct=True) if filers else Count("id"),
    )
    problems = []
    if not accepted <= counts["rows"] <= sent:
        problems.append(f"{accepted:,} filings were accepted and {sent:,} sent, but {counts['rows']:,} complaints written")
    if counts["numbers"] != counts["rows"]:
        problems.append(f"{counts['rows']:,} complaints share {counts['numbers']:,} tracking numbers")
    if counts["people"] != counts["rows"]:
        problems.append(f"{counts['rows']:,} complaints from {counts['people']:,} filers (each filed once)")
    odd = complaints.annotate(
        received=Count("events", filter=Q(events__kind="received"), distinct=True),
        following=Count("followers", distinct=True),
    ).exclude(received=1, following=1)
    if odd.exists():
        problems.append(f"{odd.count():,} complaints without exactly one 'received' event and one follower")
    return problems + tracking_number_problems()


def _check_web_form(context, totals):
    from complaints.models import Complaint

    citizens = context.get("web_citizens")
    if citizens is None or citizens.first_id is None:
        return ["no request was prepared"]
    filed = Complaint.objects.filter(citizen_id__gte=citizens.first_id, citizen_id__lte=citizens.last_id)
    return filing_problems(filed, accepted=totals["accepted"], sent=totals["sent"], filers="citizen_id")


def _check_open311(context, totals):
    from complaints.models import Complaint

    app = context.get("open311_app")
    if app is None:
        return ["no request was prepared"]
    filed = Complaint.objects.filter(open311_client=app.app)
    problems = filing_problems(filed, accepted=totals["accepted"], sent=totals["sent"], filers=None)
    if filed.filter(contact__isnull=True).exists():
        problems.append("an Open311 complaint lost its reporter's phone")
    return problems


CHECKS = (
    "every accepted request one complaint (accepted <= complaints <= sent), one filer each, one 'received' "
    "event and one follower each; tracking numbers unique and gapless (counter = complaints = highest number)"
)

LOAD = [
    LoadScenario(
        "web_form",
        "complaints filed through the web form by signed-in citizens, each a new one (POST complaints:new)",
        variants=(
            LoadVariant(
                "portal",
                "the portal: middleware, session, CSRF, the form, complaint_file, 303 to the confirmation",
                settings=INTAKE_SETTINGS,
                ready_path="/healthz",
                environment=SERVER_ENVIRONMENT,
                publishes_tasks=True,
            ),
        ),
        requests=_web_form_requests,
        check=_check_web_form,
        min_ratio=None,
        ok_pattern=FILED_PATTERN,
        ok_statuses=(),
        checks=CHECKS,
    ),
    LoadScenario(
        "open311_post",
        "service requests posted by an Open311 app with its API key (POST /open311/v2/requests.json)",
        variants=(
            LoadVariant(
                "portal",
                "the portal: the key, the parameters, open311_request_file, the JSON answer",
                settings=INTAKE_SETTINGS,
                ready_path="/healthz",
                environment=SERVER_ENVIRONMENT,
                publishes_tasks=True,
            ),
        ),
        requests=_open311_requests,
        check=_check_open311,
        min_ratio=None,
        checks=CHECKS,
    ),
]
