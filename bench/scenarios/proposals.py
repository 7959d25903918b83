"""Democratic Seoul's key pages and actions (issue 4): the list (plain, sorted, searched), the
detail page of the proposal with 1,000 comments, and supporting it.

The featured proposal is the one seed_scale designates (open for support, with 1,000 comments).
Supports come from fresh citizens created for the run, each signed in before its request (not
timed): every request is a first support, as in real traffic.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import Scenario

# A two-letter word (most Korean words are): no whole trigram in the pattern, no index.
SHORT_SEARCH_WORD = "버스"
# A stage whose proposals are months old (a debate closed): newest first, the list's page of it
# lies behind every newer proposal of the other stages.
STAGE = "debate_closed"


def _search_word(context):
    """The three-letter word of the featured proposal's topic that the seed reports ("자전거"):
    pg_trgm can serve `ILIKE '%자전거%'` with the title and body indexes, and it matches at every scale."""
    return context["search_word"]


def _index(query=None):
    """The list's URL; a value of `query` may be a function of the context."""

    def url(context):
        if not query:
            return reverse("proposals:index")
        values = {name: value(context) if callable(value) else value for name, value in query.items()}
        return reverse("proposals:index") + f"?{urlencode(values)}"

    return url


def _detail(query=None):
    def url(context):
        return reverse("proposals:detail", args=[context["featured_proposal_id"]]) + (
            f"?{urlencode(query)}" if query else ""
        )

    return url


def _support_url(context):
    return reverse("proposals:support", args=[context["featured_proposal_id"]])


def _sign_in_fresh_citizen(client, context, number):
    client.force_login(context["fresh_citizens"][number])


def _sign_in_reader(client, context, number):
    if number == 0:
        client.force_login(context["reader"])


def _supports_missing(context, requests):
    """Every support request must have added one support by a fresh citizen, and the count must
    have followed."""
    from proposals.models import Proposal, Support

    citizens = context["fresh_citizens"][:requests]
    counted = Support.objects.filter(
        proposal_id=context["featured_proposal_id"], citizen__in=citizens, withdrawn_at__isnull=True
    ).count()
    proposal = Proposal.objects.get(pk=context["featured_proposal_id"])
    drift = abs(proposal.support_count - (context["support_count_before"] + counted))
    return (requests - counted) + drift


def prepare(context, *, requests):
    """Fresh citizens (verified phone, consents, profile), one per support request, and one
    signed-in reader; written like the seed's, through the bulk loader."""
    import random

    from bench.seeding.bulk import BulkLoader, reset_sequences
    from bench.seeding.citizens import seed_citizens
    from bench.seeding.korean import KoreanText
    from citizens.models import Citizen, Consent, District
    from proposals.models import Proposal

    rng = random.Random(7)
    loader = BulkLoader()
    with transaction.atomic():
        block = seed_citizens(
            loader,
            count=requests + 1,
            rng=rng,
            text=KoreanText(rng, ["강남구"]),
            now=timezone.now(),
            district_codes=list(District.objects.values_list("code", flat=True)),
        )
        loader.flush()
        reset_sequences(Citizen, Consent)
    citizens = list(Citizen.objects.filter(pk__in=block.ids).order_by("pk"))
    context["reader"] = citizens.pop()
    context["fresh_citizens"] = citizens
    context["support_count_before"] = Proposal.objects.get(pk=context["featured_proposal_id"]).support_count
    return context


def _home(context):
    return reverse("home")


SCENARIOS = [
    # The portal's front page: what each channel shows first (proposals, polls, budget, complaints).
    Scenario("home", "the portal's home page (home)", _home),
    Scenario("list", "list page, newest first (proposals:index)", _index()),
    Scenario("list_supported", "list sorted by most supported", _index({"sort": "supported"})),
    Scenario("list_closing", "list sorted by closing soon", _index({"sort": "closing"})),
    Scenario("list_stage", f"list of one stage, newest first (status={STAGE})", _index({"status": STAGE})),
    Scenario("list_search", "list searched for a 3-letter word (q=자전거)", _index({"q": _search_word})),
    Scenario(
        "list_search_sorted",
        "list searched for 자전거, most supported",
        _index({"q": _search_word, "sort": "supported"}),
    ),
    Scenario(
        "list_search_short", f"list searched for {SHORT_SEARCH_WORD!r} (2 letters)", _index({"q": SHORT_SEARCH_WORD})
    ),
    Scenario("detail", "detail, 1,000 comments, first page (proposals:detail)", _detail()),
    Scenario("detail_comments_p10", "detail, comments page 10", _detail({"comments_page": 10})),
    Scenario("detail_signed_in", "detail, signed-in citizen", _detail(), before_each=_sign_in_reader),
    Scenario(
        "support",
        "support by a fresh citizen (POST proposals:support)",
        _support_url,
        method="post",
        before_each=_sign_in_fresh_citizen,
        expect=(302,),
        failures_after=_supports_missing,
    ),
]
