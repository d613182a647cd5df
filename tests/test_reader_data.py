"""The reader's training data (qa/reader/data.py): report articles are never trained on, and every made
negative is one its paragraph cannot answer."""

from __future__ import annotations

import json
import random

from qa.reader import data

PARA = ("The Normans were a people who in the 10th and 11th centuries gave their name to Normandy. "
        "They were descended from Norse raiders led by Rollo. The first Duke of Normandy was Rollo in 911. "
        "Their largest castle was built in Caen.")
ARTICLES = [{"title": f"Article{a}", "paragraphs": [{"context": PARA, "qas": [
    {"question": "In what country is Normandy located?", "answers": [{"text": "France", "answer_start": 0}]},
    {"question": "Who led the Norse raiders in 911?", "answers": [{"text": "Rollo", "answer_start": PARA.index("Rollo")}]},
    {"question": "Where was their largest castle built?", "answers": [{"text": "Caen", "answer_start": PARA.index("Caen")}]},
]}, {"context": "Another paragraph about trade and ships in the north.", "qas": []}]} for a in range(3)]


def test_report_articles_and_calibration_articles_are_not_trained_on(tmp_path):
    titles = ["Warsaw", "Normans", "Harvard_University", "Packet_switching", "Teacher"] + [f"A{i}" for i in range(43)]
    squad1 = {"data": [{"title": t, "paragraphs": []} for t in titles]}
    squad2 = {"data": [{"title": t, "paragraphs": []} for t in ["Normans", "Harvard_University", "Packet_switching",
                                                                "1973_oil_crisis", "B1", "B2", "B3", "B4", "C9"]]}
    (tmp_path / "s1.json").write_text(json.dumps(squad1))
    (tmp_path / "s2.json").write_text(json.dumps(squad2))
    chosen = {a["title"] for a in data.tune_articles(tmp_path / "s1.json", tmp_path / "s2.json")}
    assert not chosen & (data.EXCLUDED_ARTICLES | data.CALIBRATION_ARTICLES)
    assert {"Normans", "Teacher", "B4"} <= chosen and "C9" not in chosen  # SQuAD 2.0: its first 8 articles only


def test_made_negatives_cannot_be_answered_from_their_paragraph():
    made = data.synthesize_negatives(ARTICLES, random.Random(0), {"swap": 3, "antonym": 3, "removed": 3,
                                                                 "other": 3})
    kinds = {e.kind for e in made}
    assert {"swap", "antonym", "removed", "other"} <= kinds
    for e in made:
        assert e.answer_start is None and e.answer_text is None
        if e.kind == "removed":
            assert "Rollo" not in e.context or "Caen" not in e.context
        if e.kind == "antonym":
            assert "smallest" in e.question or "last" in e.question
        if e.kind == "swap":
            assert e.question not in {q["question"] for q in ARTICLES[0]["paragraphs"][0]["qas"]}
