"""`qa train-reader` (qa/reader/train.py): the settings are checked before anything loads, and a tiny run in
either number format writes one fp16 weights file that the reader loads and reads with."""

from __future__ import annotations

import json

import pytest

from qa.reader.model import TransformerReader, read_meta
from qa.reader.train import TrainConfig, train

PARA = ("Operation Hotspot began in May. Officers made 157 arrests in Watford and carried out 12,000 hours of "
        "patrols. Chief Inspector Sarah Jones led it.")
QAS = [("How many arrests were made?", "157"), ("When did Operation Hotspot begin?", "May"),
       ("Who led the operation?", "Sarah Jones")]


def _squad(tmp_path, name: str, titles: list[str]):
    def paragraphs(title: str) -> list[dict]:
        return [{"context": PARA, "qas": [{"id": f"{title}{i}", "question": q,
                                           "answers": [{"text": a, "answer_start": PARA.index(a)}]}
                                          for i, (q, a) in enumerate(QAS)]}]

    path = tmp_path / name
    path.write_text(json.dumps({"data": [{"title": t, "paragraphs": paragraphs(t)} for t in titles]}))
    return path


def _config(tmp_path, **kw) -> TrainConfig:
    kw.setdefault("squad_train_questions", 8)
    return TrainConfig(_squad(tmp_path, "train.json", [f"T{i}" for i in range(4)]),
                       _squad(tmp_path, "dev.json", ["D0", "D1"]), _squad(tmp_path, "dev2.json", ["E0"]),
                       out=tmp_path / "w.safetensors",
                       negatives={"removed": 2, "other": 0, "swap": 0, "antonym": 0}, batch_size=4, **kw)


def test_bad_settings_are_refused_before_anything_loads(tmp_path):
    with pytest.raises(ValueError, match="dtype must be"):
        _config(tmp_path, dtype="float16")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        TrainConfig(tmp_path / "missing.json", tmp_path / "a.json", tmp_path / "b.json")
    with pytest.raises(FileNotFoundError, match="to continue from"):
        _config(tmp_path, continue_from=tmp_path / "none.safetensors")
    with pytest.raises(ValueError, match="must not be negative"):
        _config(tmp_path, skip_questions=-1)


def test_a_later_stage_takes_the_next_questions_and_no_tune_articles(tmp_path):
    from qa.reader.train import build_examples

    first = build_examples(_config(tmp_path, squad_train_questions=4))
    (tmp_path / "w.safetensors").write_bytes(b"")  # only its existence is checked here
    later = build_examples(_config(tmp_path, squad_train_questions=4, skip_questions=4,
                                   continue_from=tmp_path / "w.safetensors"))
    assert {e.article for e in first} >= {"D0", "E0"}
    assert not {e.article for e in later} & {"D0", "D1", "E0"}
    asked = lambda examples: {(e.article, e.question) for e in examples if e.kind == "squad1"}  # noqa: E731
    assert len(asked(later)) == 4 and not asked(first) & asked(later)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_a_tiny_run_writes_weights_the_reader_loads(tmp_path, dtype):
    cfg = _config(tmp_path, dtype=dtype)
    meta = train(cfg, log=lambda line: None)
    assert meta["dtype"] == dtype and meta["steps"] >= 1
    assert read_meta(cfg.out)["dtype"] == dtype
    reader = TransformerReader(weights=cfg.out)
    [[reading]] = reader.read_batch(["How many arrests were made?"], [[PARA]])
    assert reading.spans and all(PARA[s.start:s.end] == s.text for s in reading.spans)


@pytest.mark.slow
def test_a_later_stage_starts_from_the_earlier_weights(tmp_path):
    first = _config(tmp_path, dtype="bfloat16")
    train(first, log=lambda line: None)
    later = _config(tmp_path, dtype="bfloat16", continue_from=first.out, skip_questions=8, squad_train_questions=4,
                    learning_rate=5e-5)
    later.out = tmp_path / "later.safetensors"
    meta = train(later, log=lambda line: None)
    assert meta["previous_stage"]["config"]["skip_questions"] == 0
    assert meta["config"]["skip_questions"] == 8 and "squad2" not in meta["examples"]
    [[reading]] = TransformerReader(weights=later.out).read_batch(["Who led the operation?"], [[PARA]])
    assert reading.spans


@pytest.mark.slow
def test_the_same_settings_train_the_same_weights(tmp_path):
    """Reproducible in bfloat16 mixed precision too: two runs with one seed write the same tensors."""
    from safetensors.torch import load_file

    outs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        cfg = _config(tmp_path / name, dtype="bfloat16")
        train(cfg, log=lambda line: None)
        outs.append(cfg.out)
    a, b = load_file(str(outs[0])), load_file(str(outs[1]))
    assert a.keys() == b.keys() and all(bool((a[k] == b[k]).all()) for k in a)
