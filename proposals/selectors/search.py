"""Searching proposals in Korean: the list's full-text search and the "similar proposals" hint.

Korean runs words together ("심야버스노선") and is spaced loosely ("야간 개관", "야간개관"), so a
word is searched as a substring of the text with its spaces removed, never as a whole token. On
PostgreSQL the test is `replace(col, ' ', '') ILIKE`, which the trigram GIN indexes of migration
0004 serve (Django's `icontains` is `UPPER(x) LIKE UPPER(y)` there, which no index serves);
trigram similarity then ranks the matches. A two-letter word holds no trigram: the index of its
character pairs (migration 0006) finds the proposals that hold its pair, and the ILIKE decides.
SQLite has no such index: plain substring matching, ranked by how many words the title holds.
"""

import re

from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Lookup, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Replace
from django.db.models.lookups import IContains

from ..models import TITLE_MAX_LENGTH

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 6
SIMILAR_LIMIT = 5
SIMILAR_MIN_LENGTH = 2


class ILike(Lookup):
    """`lhs ILIKE rhs`, used as an expression (never registered as a lookup)."""

    lookup_name = "ilike"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


class WithoutSpaces(Func):
    """`replace(col, ' ', '')`, written with literals so that PostgreSQL matches it to the
    expression indexes of migration 0004."""

    template = "replace(%(expressions)s, ' ', '')"
    output_field = TextField()


def _holds_pair(pair: str):
    """The proposal's text holds the character pair: the stored column of migration 0006 (its
    distinct pairs, spaces removed and lower-cased), which its GIN index serves."""
    return RawSQL('"proposals_proposal"."search_pairs" @> ARRAY[%s]::text[]', (pair,), output_field=BooleanField())


# Words the pair index may answer for: Hangul, Latin letters and digits, whose lower case Python
# and PostgreSQL agree on (a word the index cannot vouch for is matched by the ILIKE alone).
PAIRABLE = re.compile(r"[0-9a-z\uac00-\ud7a3\u3131-\u318e]{2}")


def uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def search_words(text, *, min_length=1) -> list[str]:
    """The words of a query (at most SEARCH_MAX_WORDS, longest query SEARCH_MAX_LENGTH characters)."""
    words = (text or "")[:SEARCH_MAX_LENGTH].split()
    return [word for word in words if len(word) >= min_length][:SEARCH_MAX_WORDS]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(field: str, word: str):
    """The field holds the word, ignoring spaces in either (the words have none: they are split on them)."""
    if uses_trigrams():
        return ILike(WithoutSpaces(F(field)), Value(_like_pattern(word), output_field=TextField()))
    return IContains(Replace(F(field), Value(" "), Value(""), output_field=TextField()), word)


def _words_in_title(words):
    """How many of the words the title holds (a title match ranks above a body match)."""
    total = Value(0.0, output_field=FloatField())
    for word in words:
        total = total + Case(
            When(_contains("title", word), then=Value(1.0)), default=Value(0.0), output_field=FloatField()
        )
    return total


def proposal_search(proposals: QuerySet, text, *, pair_index=True) -> QuerySet:
    """Proposals holding every word of `text` in their title or body, annotated with `search_rank`
    (higher is better). An empty query leaves the queryset as it is (without `search_rank`).

    `pair_index=False` leaves out the pair index's test, for a list read in another index's order
    that stops after a page: there PostgreSQL may test the pairs of every proposal it walks past,
    reading each one's stored pairs, where the ILIKE alone is cheaper."""
    words = search_words(text)
    if not words:
        return proposals
    for word in words:
        if pair_index and uses_trigrams() and PAIRABLE.fullmatch(word.lower()):
            proposals = proposals.filter(_holds_pair(word.lower()))
        proposals = proposals.filter(Q(_contains("title", word)) | Q(_contains("body", word)))
    rank = _words_in_title(words)
    if uses_trigrams():
        rank = rank + TrigramWordSimilarity(" ".join(words), "title")
    return proposals.annotate(search_rank=rank)


def similar_proposals(proposals: QuerySet, title, *, limit=SIMILAR_LIMIT) -> list:
    """Up to `limit` proposals (of `proposals`) whose title is like `title`, the likest first."""
    title = " ".join((title or "").split())[:TITLE_MAX_LENGTH]
    if len(title) < SIMILAR_MIN_LENGTH:
        return []
    words = search_words(title, min_length=2)
    proposals = proposals.only("pk", "title", "status", "support_count")
    if uses_trigrams():
        # `%` (similarity) and `%>` (the title holds something like the typed text): both served
        # by the trigram index; a word inside a compound ("버스" in "심야버스") by ILIKE.
        match = Q(TrigramSimilar(F("title"), title)) | Q(TrigramWordSimilar(F("title"), title))
        for word in words:
            match |= Q(_contains("title", word))
        likeness = Greatest(TrigramSimilarity("title", title), TrigramWordSimilarity(title, "title"))
        ranked = proposals.filter(match).annotate(likeness=likeness + _words_in_title(words))
    else:
        if not words:
            return []
        match = Q()
        for word in words:
            match |= Q(_contains("title", word))
        ranked = proposals.filter(match).annotate(likeness=_words_in_title(words))
    return list(ranked.order_by("-likeness", "-support_count", "-pk")[:limit])
