"""The measures every evaluation shares: ranking (hit@k, MRR, nDCG, recall), answer text
(contains-gold, token F1, SQuAD exact match) and latency percentiles. Pure functions.

Two text normalisations:

* :func:`normalize` (the sample questions): lower case, curly quotes made straight,
  thousands separators dropped ("2,000" → "2000"), punctuation to spaces, whitespace
  collapsed. ``contains_gold`` looks for the gold string as whole words.
* :func:`squad_normalize`: the official SQuAD v1.1 script's ``normalize_answer``
  (lower case, punctuation and the articles a/an/the removed, whitespace collapsed).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
                         "–": "-", "—": "-", "\u00a0": " "})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_PUNCT = re.compile(r"[^\w\s]|_")
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return _MARKERS.sub("", text)


def normalize(text: str) -> str:
    text = _THOUSANDS.sub("", text.translate(_QUOTES).lower())
    return " ".join(_PUNCT.sub(" ", text).split())


def contains_gold(answer: str, golds: Iterable[str]) -> bool:
    """Whether any gold string appears, as whole words, in the answer (both normalised)."""
    padded = f" {normalize(strip_markers(answer))} "
    return any(g and f" {g} " in padded for g in (normalize(x) for x in golds))


def _f1(pred: list[str], gold: list[str]) -> float:
    common = Counter(pred) & Counter(gold)
    same = sum(common.values())
    if not pred or not gold:
        return float(pred == gold)
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(gold)
    return 2 * precision * recall / (precision + recall)


def token_f1(answer: str, golds: Iterable[str]) -> float:
    """Best token F1 of the answer against the gold strings, under :func:`normalize`."""
    pred = normalize(strip_markers(answer)).split()
    return max((_f1(pred, normalize(g).split()) for g in golds), default=0.0)


def squad_normalize(text: str) -> str:
    """The official SQuAD v1.1 ``normalize_answer``."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(_ARTICLES.sub(" ", text).split())


def squad_em(prediction: str, golds: Iterable[str]) -> float:
    pred = squad_normalize(prediction)
    return max((float(pred == squad_normalize(g)) for g in golds), default=0.0)


def squad_f1(prediction: str, golds: Iterable[str]) -> float:
    pred = squad_normalize(prediction).split()
    return max((_f1(pred, squad_normalize(g).split()) for g in golds), default=0.0)


def dedupe(ids: Iterable[str]) -> list[str]:
    """Ids in first-seen order: a passage ranking becomes a release (document) ranking."""
    return list(dict.fromkeys(ids))


def hit_at(ranking: Sequence[str], relevant: Iterable[str], k: int) -> float:
    rel = set(relevant)
    return float(any(r in rel for r in ranking[:k]))


def reciprocal_rank(ranking: Sequence[str], relevant: Iterable[str]) -> float:
    rel = set(relevant)
    return next((1.0 / i for i, r in enumerate(ranking, 1) if r in rel), 0.0)


def recall_at(ranking: Sequence[str], relevant: Iterable[str], k: int) -> float:
    rel = set(relevant)
    return len(rel & set(ranking[:k])) / len(rel) if rel else 0.0


def ndcg_at(ranking: Sequence[str], gains: Mapping[str, float] | Iterable[str], k: int) -> float:
    """nDCG@k with linear gains (trec_eval's ``ndcg_cut``, as BEIR reports it)."""
    gains = gains if isinstance(gains, Mapping) else {g: 1.0 for g in gains}
    dcg = sum(gains.get(r, 0.0) / math.log2(i + 1) for i, r in enumerate(ranking[:k], 1))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 1) for i, g in enumerate(ideal, 1))
    return dcg / idcg if idcg else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else math.nan


def ratio(part: int, whole: int) -> float:
    return part / whole if whole else math.nan
