"""`qa eval` on the sample path, with a fake service: scoring, report files and the CLI wiring."""

import json
from types import SimpleNamespace

import pytest

from qa.answer import Answer, Citation
from qa.evaluate.report import write_sample
from qa.evaluate.sample import Question, SampleEval, cited_releases, load_questions
from qa.errors import QaError


def citation(n, rid):
    return Citation(n=n, release_id=rid, title=rid, source="s", text="t", start=0, end=1, passage_start=0,
                    passage_end=1, score=1.0)


class FakeService:
    """Answers and rankings scripted per question."""

    def __init__(self, script):
        self.script = script
        self.settings = SimpleNamespace(candidates=50)
        self.retriever = SimpleNamespace(search=self.search)
        self.asked = []

    def search(self, question, k):
        assert k == 50
        return [SimpleNamespace(release_id=r) for r in self.script[question]["ranking"]]

    def ask(self, question):
        self.asked.append(question)
        s = self.script[question]
        return Answer(question=question, answer=s["answer"], abstained=s.get("abstained", False),
                      citations=[citation(i + 1, r) for i, r in enumerate(s.get("cited", []))],
                      timings_ms=s.get("timings", {"retrieve": 10.0, "answer": 5.0, "total": 16.0}))


QUESTIONS = [
    Question(id="q1", question="how many arrests?", answers=["2,000"], release_ids=["r1"], kind="number"),
    Question(id="q2", question="who leads?", answers=["Paul Fullwood"], release_ids=["r2"], kind="person"),
    Question(id="q3", question="what is the weather?", answers=[], release_ids=[], kind="unanswerable"),
    Question(id="q4", question="who won the cup?", answers=[], release_ids=[], kind="unanswerable"),
]
SCRIPT = {
    "how many arrests?": {"ranking": ["r1", "r1", "r3"], "answer": "Over 2000 arrests [1].", "cited": ["r1", "r3"],
                          "timings": {"retrieve": 10.0, "answer": 30.0, "total": 41.0}},
    # gold release ranked 2nd; answer cites the wrong release first
    "who leads?": {"ranking": ["r3", "r2"], "answer": "It is Paul Fullwood [2], says [1].", "cited": ["r3", "r1"]},
    "what is the weather?": {"ranking": ["r1"], "answer": "The releases don't say.", "abstained": True},
    "who won the cup?": {"ranking": ["r2"], "answer": "Town won [1].", "cited": ["r2"]},
}


def test_scores_every_measure():
    service = FakeService(SCRIPT)
    report = SampleEval(service).run(QUESTIONS)
    metrics = report.metrics
    assert service.asked == [q.question for q in QUESTIONS]
    assert metrics["hit@1"] == 0.5 and metrics["hit@5"] == 1.0
    assert metrics["mrr"] == pytest.approx(0.75)
    assert metrics["answer_contains_gold"] == 1.0
    # q1 cites r1 (gold) only — its answer marks [1]; q2's first mention is [2] → r1, then r3: none gold
    assert metrics["citation_precision"] == pytest.approx(0.5)
    assert metrics["first_citation_gold"] == pytest.approx(0.5)
    assert metrics["abstention_precision"] == 1.0 and metrics["abstention_recall"] == 0.5
    assert metrics["false_abstention_rate"] == 0.0
    assert report.latency["answer"]["p50"] == 5.0  # answer stage: 30, 5, 5, 5 ms
    assert report.latency["answer"]["p95"] == pytest.approx(26.25)
    assert report.per_kind["unanswerable"]["answer_accuracy"] == 0.5
    failing = {o.question.id: o.failures for o in report.failures}
    assert set(failing) == {"q2", "q4"}
    assert failing["q2"] == ["first citation is not a gold release"]


def test_abstaining_on_answerable_is_a_false_abstention():
    script = {"how many arrests?": {"ranking": ["r1"], "answer": "The releases don't say.", "abstained": True}}
    report = SampleEval(FakeService(script)).run(QUESTIONS[:1])
    assert report.metrics["false_abstention_rate"] == 1.0
    assert report.metrics["answer_contains_gold"] == 0.0
    assert report.metrics["abstention_precision"] == 0.0
    assert report.failures[0].failures == ["abstained"]


def test_cited_releases_follow_the_markers():
    answer = Answer(question="q", answer="A [2]. B [1][3].", abstained=False,
                    citations=[citation(1, "a"), citation(2, "b"), citation(3, "a")])
    assert cited_releases(answer) == ["b", "a"]
    unmarked = Answer(question="q", answer="A.", abstained=False, citations=[citation(2, "y"), citation(1, "x")])
    assert cited_releases(unmarked) == ["x", "y"]


def test_report_files(tmp_path):
    report = SampleEval(FakeService(SCRIPT)).run(QUESTIONS)
    paths = write_sample(report, tmp_path)
    assert {p.name for p in paths} == {"report.json", "report.md", "accuracy_by_kind.png", "latency.png"}
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["metrics"]["hit@5"] == 1.0
    assert [f["id"] for f in data["failures"]] == ["q2", "q4"]
    assert data["failures"][0]["expected_answers"] == ["Paul Fullwood"]
    md = (tmp_path / "report.md").read_text()
    assert "q4" in md and "answered a question the releases don't answer" in md
    assert (tmp_path / "latency.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_questions_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "q1", "question": "ok?"}\n{"id": 2\n')
    with pytest.raises(QaError, match="line 2"):
        load_questions(bad)
    with pytest.raises(QaError, match="does not exist"):
        load_questions(tmp_path / "missing.jsonl")


def test_sample_questions_file_is_well_formed():
    from qa.evaluate.cli import DEFAULT_QUESTIONS

    questions = load_questions(DEFAULT_QUESTIONS)
    assert len({q.id for q in questions}) == len(questions)
    assert sum(q.answerable for q in questions) >= 40
    assert sum(not q.answerable for q in questions) >= 10
    assert all(q.answers for q in questions if q.answerable)


@pytest.fixture
def hash_settings(tmp_path, monkeypatch):
    from qa.settings import PROJECT_ROOT, get_settings

    monkeypatch.setenv("QA_CORPUS_DIR", str(PROJECT_ROOT / "corpus"))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("QA_MODEL", "hash-64")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_qa_eval_command_runs_the_user_path(hash_settings):
    from typer.testing import CliRunner

    from qa.cli import app

    questions = hash_settings / "q.jsonl"
    questions.write_text("\n".join(q.model_dump_json() for q in [
        Question(id="a", question="Who leads Joint Protective Services?", answers=["Fullwood"],
                 release_ids=["herts-jps-year-in-review"], kind="person"),
        Question(id="b", question="What is the capital of Peru?", kind="unanswerable")]))
    out = hash_settings / "out"
    result = CliRunner().invoke(app, ["eval", "--questions", str(questions), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "report.json").read_text())
    assert data["metrics"]["questions"] == 2 and data["metrics"]["answerable"] == 1
    assert {"retrieve", "answer", "total"} <= set(data["latency_ms"])
    assert (out / "accuracy_by_kind.png").exists() and "hit@5" in result.output


def test_qa_eval_reports_a_missing_file_without_a_traceback(hash_settings):
    from typer.testing import CliRunner

    from qa.cli import app

    result = CliRunner().invoke(app, ["eval", "--questions", str(hash_settings / "none.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output
