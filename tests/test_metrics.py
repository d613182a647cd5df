"""The evaluation measures, on hand-computed cases."""

import math

import pytest

from qa.evaluate import metrics as m


@pytest.mark.parametrize("answer, golds, expected", [
    ("Officers made over 2000 arrests [1].", ["2,000"], True),
    ("Officers made over 2,000 arrests [1].", ["2000"], True),
    ("It was “Operation Hotspot” [2].", ['"Operation Hotspot"'], True),
    ("THE DETECTIVE SUPERINTENDENT, PAUL FULLWOOD.", ["Paul Fullwood"], True),
    ("Officers made 20000 arrests.", ["2000"], False),  # whole words only
    ("The releases don't say.", ["Fullwood"], False),
    ("Over 3,600 years [1][2].", ["over 3600 years"], True),
    ("Anything", [], False),
])
def test_contains_gold(answer, golds, expected):
    assert m.contains_gold(answer, golds) is expected


def test_normalize_quotes_numbers_and_punctuation():
    assert m.normalize("Don’t — 1,234,567 people!") == "don t 1234567 people"
    assert m.normalize("1,5") == "1 5"  # a decimal comma is not a thousands separator


def test_token_f1_best_over_golds_and_ignores_markers():
    assert m.token_f1("Paul Fullwood [1]", ["Fullwood", "Paul Fullwood"]) == 1.0
    # pred: paul fullwood leads (3), gold: fullwood (1): p=1/3, r=1 → f1 = 0.5
    assert m.token_f1("Paul Fullwood leads", ["Fullwood"]) == pytest.approx(0.5)
    assert m.token_f1("nothing here", ["Fullwood"]) == 0.0


def test_squad_normalisation_and_scores():
    assert m.squad_normalize("The  Denver Broncos!") == "denver broncos"
    assert m.squad_em("the Denver Broncos", ["Denver Broncos", "Broncos"]) == 1.0
    assert m.squad_em("Denver", ["Denver Broncos"]) == 0.0
    # pred tokens [denver], gold [denver broncos]: p=1, r=.5 → 2/3
    assert m.squad_f1("Denver", ["Denver Broncos", "Carolina"]) == pytest.approx(2 / 3)


def test_ranking_measures():
    ranking = ["a", "b", "c", "d"]
    assert m.hit_at(ranking, {"c"}, 2) == 0.0 and m.hit_at(ranking, {"c"}, 3) == 1.0
    assert m.reciprocal_rank(ranking, {"c", "d"}) == pytest.approx(1 / 3)
    assert m.reciprocal_rank(ranking, {"z"}) == 0.0
    assert m.recall_at(ranking, {"a", "d", "z"}, 2) == pytest.approx(1 / 3)
    assert m.recall_at(ranking, set(), 2) == 0.0


def test_ndcg_binary_and_graded():
    assert m.ndcg_at(["a", "b"], {"a"}, 10) == 1.0
    # relevant at rank 2: 1/log2(3)
    assert m.ndcg_at(["x", "a"], {"a"}, 10) == pytest.approx(1 / math.log2(3))
    # two relevant, one found at rank 1: 1 / (1 + 1/log2 3)
    assert m.ndcg_at(["a", "x"], {"a", "b"}, 10) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    graded = {"a": 1.0, "b": 2.0}
    assert m.ndcg_at(["b", "a"], graded, 10) == pytest.approx(1.0)
    assert m.ndcg_at(["a", "b"], graded, 10) < 1.0
    assert m.ndcg_at(["x"] * 10 + ["a"], {"a"}, 10) == 0.0  # beyond the cut-off


def test_dedupe_keeps_first_rank():
    assert m.dedupe(["r2", "r1", "r2", "r3", "r1"]) == ["r2", "r1", "r3"]


def test_percentile_and_mean():
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([5], 95) == 5
    assert m.percentile(list(range(101)), 95) == 95
    assert math.isnan(m.percentile([], 50))
    assert math.isnan(m.mean([])) and m.mean([1, 2]) == 1.5
    assert math.isnan(m.ratio(1, 0))
