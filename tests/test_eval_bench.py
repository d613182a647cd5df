"""`qa eval beir` and `qa eval squad` on tiny data sets written here, with the hash-64 fake model."""

import json

import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.evaluate.beir import load_beir, subset
from qa.evaluate.squad import lead_span, load_squad

DOCS = {
    "d1": ("Aspirin and heart attacks", "Daily aspirin lowers the risk of a first heart attack in older adults."),
    "d2": ("Vitamin D and bones", "Vitamin D supplements increase bone density in postmenopausal women."),
    "d3": ("Coffee and sleep", "Drinking coffee late in the evening delays sleep onset by forty minutes."),
    "d4": ("Exercise and mood", "Regular aerobic exercise reduces symptoms of mild depression."),
}
QUERIES = {"q1": "aspirin lowers heart attack risk", "q2": "vitamin D increases bone density",
           "q3": "coffee in the evening delays sleep", "q4": "exercise reduces depression"}


@pytest.fixture
def beir_folder(tmp_path):
    folder = tmp_path / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(
        json.dumps({"_id": k, "title": t, "text": x, "metadata": {}}) for k, (t, x) in DOCS.items()))
    (folder / "queries.jsonl").write_text("\n".join(json.dumps({"_id": k, "text": v}) for k, v in QUERIES.items()))
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\n")
    (folder / "qrels" / "train.tsv").write_text("query-id\tcorpus-id\tscore\nq4\td4\t1\n")
    return folder


def test_load_beir_keeps_the_split_s_judged_queries(beir_folder):
    data = load_beir(beir_folder, "test")
    assert set(data.queries) == {"q1", "q2", "q3"} and data.qrels["q2"] == {"d2": 1.0}
    assert [r.id for r in data.corpus] == ["d1", "d2", "d3", "d4"] and data.corpus[0].title.startswith("Aspirin")
    small = subset(load_beir(beir_folder, "train"), 2)
    assert "d4" in {r.id for r in small.corpus} and len(small.corpus) == 2
    assert [r.id for r in subset(load_beir(beir_folder, "train"), 2).corpus] == [r.id for r in small.corpus]


def test_beir_command_scores_four_systems(beir_folder, tmp_path):
    out = tmp_path / "out"
    args = ["eval", "beir", str(beir_folder), "--split", "test", "--model", "hash-64", "--out", str(out),
            "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(next(out.glob("*.json")).read_text())
    assert [r["mode"] for r in data["results"]] == ["bm25", "dense", "hybrid", "hybrid+rerank"]
    bm25 = data["results"][0]
    assert bm25["ndcg10"] == pytest.approx(1.0) and bm25["recall10"] == 1.0  # the words match exactly
    assert data["documents"] == 4 and not data["index_reused"]
    again = CliRunner().invoke(app, args)
    assert json.loads(next(out.glob("*.json")).read_text())["index_reused"], again.output


def test_beir_command_refuses_a_folder_without_qrels(tmp_path):
    result = CliRunner().invoke(app, ["eval", "beir", str(tmp_path), "--model", "hash-64"])
    assert result.exit_code == 2 and "does not exist" in " ".join(result.output.split())


@pytest.fixture
def squad_file(tmp_path):
    def article(title, contexts):
        return {"title": title, "paragraphs": [
            {"context": c, "qas": [{"id": f"{title}-{i}", "question": q,
                                    "answers": [{"text": a, "answer_start": c.find(a)} for a in answers]}]}
            for i, (c, q, answers) in enumerate(contexts)]}

    data = {"version": "1.1", "data": [
        article("Denver_Broncos", [("The Denver Broncos won Super Bowl 50 in 2016.", "Who won Super Bowl 50?",
                                    ["Denver Broncos", "the Broncos"])]),
        article("Nile", [("The Nile is a river in Africa, about 6,650 km long.", "How long is the Nile?",
                          ["6,650 km", "about 6,650 km"])]),
    ]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data))
    return path


def test_load_squad_makes_a_release_per_paragraph(squad_file):
    releases, questions, articles = load_squad(squad_file)
    assert articles == 2 and [r.title for r in releases] == ["Denver Broncos", "Nile"]
    assert questions[1].paragraph == releases[1].id and questions[1].answers == ("6,650 km", "about 6,650 km")
    assert lead_span("6,650 km [1]. The Nile is long [1].") == "6,650 km"


def test_squad_command_reports_retrieval_and_answers(squad_file, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["eval", "squad", str(squad_file), "--model", "hash-64", "--out", str(out),
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    data = json.loads(next(out.glob("*.json")).read_text())
    assert data["retrieval_questions"] == 1 and data["answered_questions"] == 1  # held-out: the last article
    assert data["recall@1"] == 1.0 and data["mrr"] == 1.0
    assert 0 <= data["f1"] <= 100
