"""The shipped reader: one weights file of at most 25 MB inside the package, loaded on first use, that
points at answer spans. Its accuracy is measured by `qa eval squad2` and `qa eval squad` (docs/benchmarks.md);
these tests check that the shipped file loads and reads."""

from __future__ import annotations

import pytest

from qa.reader.model import FROZEN, WEIGHTS, TransformerReader, read_meta


def test_the_weights_ship_as_one_file_of_at_most_25_mb_without_the_frozen_embeddings():
    assert WEIGHTS.exists(), "qa/reader/weights.safetensors is missing: run `make train-reader`"
    assert WEIGHTS.stat().st_size <= 25 * 1024 * 1024
    from safetensors import safe_open

    with safe_open(str(WEIGHTS), framework="pt") as f:
        keys = set(f.keys())
        assert not keys & set(FROZEN) and "qa.weight" in keys
        assert all(str(f.get_slice(k).get_dtype()) == "F16" for k in keys)
    meta = read_meta()
    assert meta["base_model"] == "all-MiniLM-L6-v2" and meta["config"]["seed"] == 13


def test_building_a_reader_loads_nothing():
    reader = TransformerReader()
    assert reader._net is None and reader.available()


@pytest.mark.slow
def test_the_reader_points_at_the_answer_span():
    reader = TransformerReader()
    texts = ["Officers carried out more than 12,000 hours of extra patrols. The operation has led to 157 arrests "
             "since it began in May, Chief Inspector Sarah Jones said.",
             "The zebra crossing on the High Street was repainted on Tuesday."]
    questions = ["How many arrests has the operation led to?", "Who said the operation led to arrests?",
                 "When did the operation begin?"]
    readings = reader.read_batch(questions, [texts] * 3)
    best = [max((s for r in rs for s in r.spans), key=lambda s: s.score) for rs in readings]
    assert "157" in best[0].text and best[0].passage == 0
    assert "Sarah Jones" in best[1].text
    assert "May" in best[2].text
    for rs in readings:  # offsets index the passage text
        for r in rs:
            for s in r.spans:
                assert texts[r.passage][s.start:s.end] == s.text


@pytest.mark.slow
def test_a_long_passage_is_read_in_windows():
    reader = TransformerReader(max_length=128, stride=32)
    filler = " ".join(f"Sentence {i} says nothing about it." for i in range(60))
    text = filler + " The new custody suite cost £14.5m to build."
    [[reading]] = reader.read_batch(["How much did the new custody suite cost?"], [[text]])
    assert any("14.5m" in s.text for s in reading.spans)
