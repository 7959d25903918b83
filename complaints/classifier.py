"""The routing classifier: a complaint's text → (unit id, confidence).

A multinomial naive Bayes over the words that carry a complaint's subject. Korean is not split on
spaces (particles and endings stick to the words: "도로에", "도로가", "도로를" are one word, three
spellings), so the text goes through the `kiwipiepy` morphological analyser and only the
morphemes that name things are kept: common and proper nouns (NNG, NNP), verb and adjective
stems (VV, VA, their irregular forms VV-I, VA-I, and adjective roots XR such as 깨끗 of
깨끗하다), and foreign words (SL: "CCTV", or English, lowercased). Where kiwipiepy is not
installed the fallback tokeniser takes Hangul syllable bigrams and whitespace words; a model
records which tokeniser it was trained with and is only used with the same one.

Each token counts once per complaint (binarised counts: a title repeating the description says
nothing new), probabilities are Laplace-smoothed, and tokens seen in fewer than `min_count`
complaints are pruned, which keeps the stored parameters small (they live in
RouterModel.parameters as JSON). The confidence is the posterior probability of the top unit.

Pure Python: no Django, no numpy.
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
KIWI = "kiwi"
BIGRAMS = "bigrams"
# Morpheme tags kept as features (Sejong tag set as kiwipiepy uses it; "-I" marks irregular forms).
KEPT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SL"})

_kiwi = None
_kiwi_lock = threading.Lock()
_WORD = re.compile(r"[0-9A-Za-z\uac00-\ud7a3]+")
_HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")


def _analyser():
    """The shared Kiwi instance (loading its model takes a few seconds: once per process), or
    None where kiwipiepy is not installed."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                try:
                    from kiwipiepy import Kiwi

                    # One worker thread, and without the typo and multi-word dictionaries: about
                    # 200 MB less per process (the text queue's worker; web workers never load
                    # it), and the same tokens for routing's purpose.
                    _kiwi = Kiwi(num_workers=1, load_typo_dict=False, load_multi_dict=False)
                except ImportError:
                    _kiwi = False
                except Exception:  # a broken install (model files missing): route by default units
                    logger.exception("kiwipiepy is installed but could not load its model")
                    _kiwi = False
    return _kiwi or None


def available_tokenizer() -> str:
    return KIWI if _analyser() is not None else BIGRAMS


def tokens(text: str, tokenizer: str | None = None) -> list[str]:
    """The features of `text` under `tokenizer` (the best available one by default)."""
    tokenizer = tokenizer or available_tokenizer()
    text = text or ""
    if tokenizer == KIWI:
        analyser = _analyser()
        if analyser is None:
            raise LookupError("kiwipiepy is not installed")
        return _kiwi_tokens(analyser.tokenize(text))
    if tokenizer == BIGRAMS:
        return _bigram_tokens(text)
    raise LookupError(f"unknown tokenizer {tokenizer!r}")


def _kiwi_tokens(morphemes) -> list[str]:
    kept = []
    for morpheme in morphemes:
        tag = morpheme.tag.split("-", 1)[0]
        if tag not in KEPT_TAGS:
            continue
        form = morpheme.form.lower() if tag == "SL" else morpheme.form
        if tag == "SL" and len(form) < 2:
            continue
        kept.append(form)
    return kept


def _bigram_tokens(text: str) -> list[str]:
    """The fallback: every whitespace word (lowercased, punctuation dropped) and every pair of
    adjacent Hangul syllables inside a word ("보도블록이" → 보도, 도블, 블록, 록이)."""
    found = []
    for word in _WORD.findall(text.lower()):
        if len(word) >= 2:
            found.append(word)
        for run in _HANGUL_RUN.findall(word):
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
    return found


def _documents(texts: Iterable[str], tokenizer: str) -> list[set[str]]:
    if tokenizer == KIWI:
        analyser = _analyser()
        # Kiwi takes a batch at once (and is faster that way); empty texts give no tokens.
        texts = [text or "" for text in texts]
        return [set(_kiwi_tokens(result)) for result in analyser.tokenize(texts)]
    return [set(tokens(text, tokenizer)) for text in texts]


def train(
    samples: Iterable[tuple[str, int]],
    *,
    alpha: float = 1.0,
    min_count: int = 2,
    max_tokens: int = 20_000,
    tokenizer: str | None = None,
) -> dict:
    """Parameters (JSON-serialisable) of a naive Bayes trained on (text, unit id) pairs.

    `alpha`: Laplace smoothing. Tokens in fewer than `min_count` complaints are dropped, and at
    most `max_tokens` of the most common are kept."""
    tokenizer = tokenizer or available_tokenizer()
    samples = list(samples)
    if not samples:
        raise ValueError("nothing to train on")
    labels = [int(unit_id) for _text, unit_id in samples]
    documents = _documents((text for text, _unit in samples), tokenizer)
    units = sorted(set(labels))
    index = {unit: position for position, unit in enumerate(units)}

    document_frequency = Counter(token for document in documents for token in document)
    vocabulary = [token for token, count in document_frequency.most_common() if count >= min_count][:max_tokens]
    kept = set(vocabulary)
    per_unit = defaultdict(lambda: [0] * len(units))
    totals = [0] * len(units)
    for document, unit in zip(documents, labels, strict=True):
        position = index[unit]
        for token in document & kept:
            per_unit[token][position] += 1
            totals[position] += 1

    unit_counts = Counter(labels)
    size = len(vocabulary)
    log_priors = [math.log(unit_counts[unit] / len(labels)) for unit in units]
    log_likelihoods = {
        token: [
            round(math.log((per_unit[token][position] + alpha) / (totals[position] + alpha * size)), 5)
            for position in range(len(units))
        ]
        for token in sorted(vocabulary)
    }
    return {
        "format": FORMAT_VERSION,
        "kind": "multinomial_naive_bayes",
        "tokenizer": tokenizer,
        "alpha": alpha,
        "min_count": min_count,
        "units": units,
        "log_priors": [round(value, 5) for value in log_priors],
        "tokens": log_likelihoods,
    }


def _scores(parameters: dict, document: set[str]) -> list[float] | None:
    table = parameters["tokens"]
    known = [table[token] for token in document if token in table]
    if not known:
        return None
    scores = list(parameters["log_priors"])
    for row in known:
        for position, value in enumerate(row):
            scores[position] += value
    return scores


def _posterior_top(scores: list[float]) -> tuple[int, float]:
    top = max(range(len(scores)), key=lambda position: scores[position])
    # Softmax with the maximum subtracted, so that long texts do not underflow to zero.
    peak = scores[top]
    total = sum(math.exp(score - peak) for score in scores)
    return top, 1.0 / total


def predict(parameters: dict, text: str):
    """(unit id, probability) of the most likely unit, or None when the model knows nothing of
    the text (no token it was trained on) or was trained with a tokeniser not available here."""
    if not parameters or parameters.get("format") != FORMAT_VERSION:
        return None
    try:
        document = set(tokens(text, parameters["tokenizer"]))
    except LookupError:
        logger.warning("Routing model trained with %r, which is not available", parameters.get("tokenizer"))
        return None
    scores = _scores(parameters, document)
    if scores is None:
        return None
    top, confidence = _posterior_top(scores)
    return parameters["units"][top], confidence


@dataclass(frozen=True)
class Evaluation:
    correct: int
    total: int
    # The share of the most common unit among the evaluated complaints: what always answering
    # that unit would score. A classifier worth using beats it.
    baseline_accuracy: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def evaluate(parameters: dict, samples: Sequence[tuple[str, int]]) -> Evaluation:
    """How often the model names the right unit for held-out (text, unit id) pairs. A text the
    model knows nothing of counts as wrong (routing would fall back to the default unit)."""
    samples = list(samples)
    labels = [int(unit_id) for _text, unit_id in samples]
    if not samples:
        return Evaluation(correct=0, total=0, baseline_accuracy=0.0)
    documents = _documents((text for text, _unit in samples), parameters["tokenizer"])
    correct = 0
    for document, unit in zip(documents, labels, strict=True):
        scores = _scores(parameters, document)
        if scores is not None and parameters["units"][_posterior_top(scores)[0]] == unit:
            correct += 1
    majority = Counter(labels).most_common(1)[0][1]
    return Evaluation(correct=correct, total=len(samples), baseline_accuracy=majority / len(samples))


def split(samples: Sequence[tuple[str, int]], *, holdout: float, seed) -> tuple[list, list]:
    """(training, held out): `holdout` of each unit's complaints, drawn at random with `seed`, so
    that every unit is represented on both sides in proportion (a unit with a single complaint
    stays in training)."""
    if not 0 < holdout < 1:
        raise ValueError("holdout is a fraction between 0 and 1")
    by_unit = defaultdict(list)
    for sample in samples:
        by_unit[int(sample[1])].append(sample)
    generator = random.Random(seed)  # noqa: S311 -- a reproducible draw, not a secret
    training, held_out = [], []
    for unit in sorted(by_unit):
        group = list(by_unit[unit])
        generator.shuffle(group)
        count = min(len(group) - 1, round(len(group) * holdout)) if len(group) > 1 else 0
        held_out.extend(group[:count])
        training.extend(group[count:])
    return training, held_out
