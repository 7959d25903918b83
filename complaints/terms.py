"""The terms of a complaint's text that the trending issues count: what it is about, not how it
is said.

Korean goes through the `kiwipiepy` morphological analyser (the instance the routing classifier
already loaded: one model per process). Kept:

- nouns: common and proper (NNG, NNP);
- compound nouns: noun morphemes written together, with no space between them, are joined into
  one term ("싱크" + "홀" → 싱크홀, "음식물" + "쓰레기" → 음식물쓰레기, "가스냄새"). The parts
  do NOT count on their own: the compound names the subject (음식물쓰레기 is not news about
  쓰레기 in general), and counting both would put the same complaints twice in the top list.
  Written apart ("가스 냄새") the words are two terms; officials can add the spelling they do
  not want as a stop word;
- English (and other Latin-script) words (SL), lowercased, of 3 letters or more.

Dropped: single-syllable nouns (것, 곳, 집: too vague to trend; a single syllable inside a
compound stays, as 홀 in 싱크홀), terms longer than TermCount.term holds, numbers, emoji, verbs
and adjectives, and the stop words: a built-in list of what every complaint says (민원, 요청,
문의...; the, and, please...), plus `settings.COMPLAINT_TREND_STOP_WORDS`, plus the words officials
keep in the admin (TrendStopWord).

Where kiwipiepy is missing, a crude fallback keeps whitespace words of 2+ Hangul syllables as
written and the same English words; the counts are then spelling-sensitive but still work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from .classifier import _analyser

NOUN_TAGS = frozenset({"NNG", "NNP"})
LATIN_TAG = "SL"
TERM_MAX_LENGTH = 60
LATIN_MIN_LENGTH = 3

BUILT_IN_STOP_WORDS = frozenset({
    # What every Korean complaint says about itself, the city and the asking.
    "민원", "요청", "문의", "부탁", "관련", "서울시", "서울", "처리", "확인", "내용", "사항", "답변", "조치",
    "신고", "해결", "부분", "경우", "문제", "때문", "정도", "생각", "이번", "지금", "오늘", "어제", "현재",
    "상황", "말씀", "감사", "안녕", "안녕하세요", "담당자", "담당", "주민", "시민", "우리", "여기", "거기",
    "하루", "계속", "다음", "이상", "이하", "동안", "시간", "건의", "제기", "접수", "개선", "불편",
    # English function words and politeness.
    "the", "and", "for", "with", "are", "was", "were", "this", "that", "these", "those", "there", "here",
    "please", "have", "has", "had", "from", "not", "but", "you", "your", "our", "can", "could", "will",
    "would", "should", "been", "being", "very", "its", "they", "them", "their", "what", "when", "which",
    "who", "how", "why", "into", "onto", "also", "about", "all", "any", "some", "there's", "it's", "thank",
    "thanks", "hello", "dear", "seoul", "city", "complaint", "request",
})  # fmt: skip

STOP_WORDS_CACHE_KEY = "complaints:trend-stop-words:v1"
STOP_WORDS_CACHE_SECONDS = 300

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]{2,}")


def normalise_word(word: str) -> str:
    """How a stop word and a term are compared: NFKC (full-width letters, decomposed Hangul),
    stripped, Latin lowercased."""
    return unicodedata.normalize("NFKC", word or "").strip().casefold()


def stop_words() -> frozenset[str]:
    """The built-in list, the settings' and the admin's (the last two cached for a few minutes;
    the admin clears the cache when a word is added or removed)."""
    extra = cache.get(STOP_WORDS_CACHE_KEY)
    if extra is None:
        from .models import TrendStopWord

        extra = sorted(
            {normalise_word(word) for word in getattr(settings, "COMPLAINT_TREND_STOP_WORDS", ()) or ()}
            | {normalise_word(word) for word in TrendStopWord.objects.values_list("word", flat=True)}
        )
        cache.set(STOP_WORDS_CACHE_KEY, extra, STOP_WORDS_CACHE_SECONDS)
    return BUILT_IN_STOP_WORDS | frozenset(extra)


def stop_words_changed():
    cache.delete(STOP_WORDS_CACHE_KEY)


def terms_of(text: str, *, stop=None) -> set[str]:
    """The distinct terms of `text` (see the module's docstring)."""
    return terms_of_many([text], stop=stop)[0]


def terms_of_many(texts: Iterable[str], *, stop=None) -> list[set[str]]:
    """terms_of for many texts at once: Kiwi analyses a batch faster than one text at a time."""
    stop = stop_words() if stop is None else stop
    texts = [unicodedata.normalize("NFKC", text or "") for text in texts]
    analyser = _analyser()
    if analyser is None:
        return [_kept(_fallback_terms(text), stop) for text in texts]
    return [_kept(_morpheme_terms(morphemes), stop) for morphemes in analyser.tokenize(texts)]


def _morpheme_terms(morphemes) -> list[str]:
    found = []
    compound, compound_end = [], None
    for morpheme in morphemes:
        tag = morpheme.tag.split("-", 1)[0]
        if tag in NOUN_TAGS:
            if compound and morpheme.start == compound_end:
                compound.append(morpheme.form)
            else:
                if compound:
                    found.append("".join(compound))
                compound = [morpheme.form]
            compound_end = morpheme.start + morpheme.len
            continue
        if compound:
            found.append("".join(compound))
            compound, compound_end = [], None
        if tag == LATIN_TAG:
            found.extend(_latin_words(morpheme.form))
    if compound:
        found.append("".join(compound))
    return found


def _latin_words(text: str) -> list[str]:
    return [word.lower() for word in _LATIN_WORD.findall(text) if len(word) >= LATIN_MIN_LENGTH]


def _fallback_terms(text: str) -> list[str]:
    return _HANGUL_WORD.findall(text) + _latin_words(text)


def _kept(candidates: Iterable[str], stop) -> set[str]:
    kept = set()
    for term in candidates:
        term = normalise_word(term)
        if len(term) < 2 or len(term) > TERM_MAX_LENGTH or term in stop:
            continue
        kept.add(term)
    return kept
