"""``qa eval``: the sample questions (no subcommand), ``qa eval beir`` and ``qa eval squad``."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from qa.errors import QaError
from qa.settings import EVAL_DIR, PROJECT_ROOT, get_settings

eval_app = typer.Typer(invoke_without_command=True, add_completion=False,
                       help="Measure retrieval, answers, citations, abstention and latency.")
console = Console(stderr=True)
out = Console()

DEFAULT_QUESTIONS = PROJECT_ROOT / "corpus" / "questions.jsonl"
REPORTS = PROJECT_ROOT / "reports"


def _fail(exc: Exception) -> None:
    console.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def progress_bar(label: str, total: int | None):
    with Progress(TextColumn(f"[bold]{label}[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.update(task, advance=n)


@eval_app.callback()
def sample(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Option(help="questions JSONL (id, question, answers, release_ids, kind)")]
    = DEFAULT_QUESTIONS,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for report.json, report.md and charts")]
    = REPORTS / "eval",
    ingest: Annotated[bool, typer.Option(help="build the index first when it is missing or stale")] = True,
    answerer: Annotated[Optional[str], typer.Option(help="reader, extractive or openai (default: QA_ANSWERER)")]
    = None,
) -> None:
    """Run the sample questions through `Service.ask` and report (when no subcommand is given)."""
    if ctx.invoked_subcommand is not None:
        return
    from qa.evaluate.report import print_sample, write_sample
    from qa.evaluate.sample import SampleEval, load_questions
    from qa.service import Service

    settings = get_settings()
    if answerer:
        settings = settings.model_copy(update={"answerer": answerer})
    try:
        items = load_questions(questions)
        if ingest:
            _ingest_if_stale(settings)
        runner = SampleEval(Service(settings))
        with progress_bar("questions", len(items)) as advance:
            report = runner.run(items, advance)
    except QaError as exc:
        _fail(exc)
    paths = write_sample(report, out_dir)
    print_sample(report, out)
    out.print(f"wrote {', '.join(p.name for p in paths)} to {out_dir}", highlight=False)


@eval_app.command()
def followups(
    path: Annotated[Path, typer.Argument(help="two-turn conversations JSONL")] = PROJECT_ROOT / "corpus" / "followups.jsonl",
    as_json: Annotated[bool, typer.Option("--json", help="print the whole report as JSON")] = False,
    part: Annotated[Optional[str], typer.Option(help="only this part: tune or test")] = None,
) -> None:
    """Two-turn conversations: the follow-up answered from the right release, with and without history."""
    from qa.evaluate.followups import load_conversations, run
    from qa.service import Service

    settings = get_settings()
    try:
        items = [c for c in load_conversations(path) if part is None or c.part == part]
        _ingest_if_stale(settings)
        with progress_bar("conversations", len(items)) as advance:
            report = run(Service(settings), items, advance)
    except QaError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for name, m in report["metrics"].items():
        out.print(f"{name:>18} (n={m['n']:>2}): answered from the right release {m['with_history_right_release']:.1%} "
                  f"with history, {m['without_history_right_release']:.1%} without; right release first "
                  f"{m['with_history_top_release_right']:.1%} / {m['without_history_top_release_right']:.1%}; holds the gold "
                  f"{m['with_history_contains']:.1%} / {m['without_history_contains']:.1%}; "
                  f"refused {m['with_history_abstained']:.1%}", highlight=False)
    for r in report["conversations"]:
        if not r["with_history_right_release"]:
            out.print(f"  {r['id']} ({r['part']}): {r['followup']!r} → {r['rewritten']!r}: "
                      f"{'refused' if r['with_history_abstained'] else r['with_history_release']}", highlight=False)


@eval_app.command("gold-shapes")
def gold_shapes(
    path: Annotated[Path, typer.Argument(help="a SQuAD file: training data only, never a report half")]
    = EVAL_DIR / "squad-train" / "train-v1.1.json",
    articles: Annotated[int, typer.Option(help="the first N articles")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object on stdout")] = False,
    examples: Annotated[int, typer.Option(help="rejected gold answers to show")] = 10,
) -> None:
    """How many right answers the answer checks reject: each gold span of the asked-for type, read as the reader
    answerer reads a candidate."""
    from qa.evaluate.gold_shapes import measure

    try:
        result = measure(path, articles)
    except ValueError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result.as_dict(examples), ensure_ascii=False))
        return
    out.print(f"{result.articles} articles, {result.questions} questions of a checked type, {result.typed} gold "
              f"answers of the asked-for type: the checks reject {result.rejected} ({result.rejected_share:.2%}); "
              f"by type {dict(result.by_type.most_common())}", highlight=False)
    for e in result.examples[:examples]:
        out.print(f"  {e['type']}: {e['question']!r} → {e['gold']!r} in “…{e['said']}…”", highlight=False)


@eval_app.command("explain-failures")
def explain_failures(
    questions: Annotated[Path, typer.Option(help="questions JSONL")] = DEFAULT_QUESTIONS,
    out_path: Annotated[Path, typer.Option("--out", help="the markdown report")] = REPORTS / "explain-review.md",
) -> None:
    """The --explain verdict of every sample question the answerer gets wrong, for review by hand."""
    from qa.evaluate.explain_review import markdown, review
    from qa.evaluate.sample import load_questions
    from qa.service import Service

    settings = get_settings()
    try:
        items = load_questions(questions)
        _ingest_if_stale(settings)
        with progress_bar("questions", len(items)) as advance:
            rows = review(Service(settings), items, advance)
    except QaError as exc:
        _fail(exc)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(markdown(rows, len(items)), encoding="utf-8")
    out.print(f"{len(rows)} of {len(items)} wrong; verdicts in {out_path}", highlight=False)


def _ingest_if_stale(settings) -> None:
    from qa.ingest import ingest, is_stale
    from qa.vectors import make_embedder

    if is_stale(settings):
        console.print(f"index in {settings.index_dir} is missing or stale: running `qa ingest` first")
        ingest(settings, make_embedder(settings.model, settings.batch_size))


@eval_app.command()
def beir(
    folder: Annotated[Path, typer.Argument(help="BEIR data folder (corpus.jsonl, queries.jsonl, qrels/)")],
    split: Annotated[str, typer.Option(help="qrels split: tune on train, report on test")] = "test",
    model: Annotated[Optional[str], typer.Option(help="embedding model (default: QA_MODEL)")] = None,
    chunk_tokens: Annotated[Optional[int], typer.Option(help="chunk budget in word pieces (default: "
                                                                 "QA_CHUNK_TOKENS)")] = None,
    docs: Annotated[int, typer.Option(help="0: the whole corpus; N: judged documents + a fixed random "
                                           "sample, N in all")] = 0,
    modes: Annotated[str, typer.Option(help="comma-separated: bm25,dense,hybrid,hybrid+rerank")]
    = "bm25,dense,hybrid,hybrid+rerank",
    speed: Annotated[bool, typer.Option(help="also measure encode speed on 60-word texts")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the JSON and Markdown results")]
    = REPORTS / "beir",
    cache_dir: Annotated[Path, typer.Option(help="folder for the benchmark indexes and their embedding cache")]
    = REPORTS,
) -> None:
    """nDCG@10 and recall@10 of bm25, dense, hybrid and hybrid+rerank on a BEIR split."""
    from qa.evaluate.beir import BeirEval, load_beir, subset
    from qa.evaluate.corpus_index import build_index, encode_speed, index_dir_for, open_cache
    from qa.evaluate.report import beir_markdown, print_beir
    from qa.vectors import make_embedder

    settings = get_settings()
    model = model or settings.model
    tokens = chunk_tokens or settings.chunk_tokens
    wanted = [m.strip() for m in modes.split(",") if m.strip()]
    if split not in ("train", "test", "dev"):
        _fail(QaError(f"--split must be train, test or dev, not {split!r}"))
    started = time.perf_counter()
    try:
        data = load_beir(folder, split)
        if docs:
            data = subset(data, docs)
        embedder = make_embedder(model, settings.batch_size)
        cache = open_cache(cache_dir)
        index_dir = index_dir_for(cache_dir, folder.name, model, tokens, f"docs{docs}-{split}" if docs else "")
        console.print(f"{folder.name} {split}: {len(data.queries)} queries, {len(data.corpus):,} documents "
                      f"({data.note}); model {model}, chunks ≤ {tokens} tokens")
        with progress_bar("embedding chunks", None) as advance:
            build = build_index(data.corpus, index_dir, embedder, tokens, cache, advance,
                                settings.keyword_index)
        console.print(build.describe(), highlight=False)
        speed_value = None
        if speed:
            texts = [" ".join(r.body.split()[:60]) for r in data.corpus[:256 if "MiniLM" in model else 64]]
            speed_value = encode_speed(embedder, texts)
            console.print(f"encode speed: {speed_value:.1f} texts/s of 60 words", highlight=False)
        evaluator = BeirEval(data, embedder, index_dir, cache, settings.candidates, settings.rrf_k)
        results = []
        for mode in wanted:
            with progress_bar(mode, len(data.queries)) as advance:
                results.append(evaluator.run(mode, advance))
    except QaError as exc:
        _fail(exc)
    except ValueError as exc:
        _fail(QaError(str(exc)))
    total = time.perf_counter() - started
    meta = {"data": folder.name, "split": split, "queries": len(data.queries), "documents": len(data.corpus),
            "corpus": data.note, "model": model, "chunk_tokens": tokens, "chunks": build.chunks,
            "index_seconds": round(build.seconds, 1), "embedded": build.embedded, "index_reused": build.reused,
            "encode_per_s": round(speed_value, 1) if speed_value else None, "seconds": round(total, 1)}
    print_beir(results, meta, out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{folder.name}-{split}-{index_dir.name.split('-index-', 1)[1]}"
    (out_dir / f"{stem}.json").write_text(json.dumps(
        {**meta, "results": [{"mode": r.mode, "ndcg10": r.ndcg10, "recall10": r.recall10,
                              "seconds": r.seconds, "queries_per_s": r.qps} for r in results]}, indent=2))
    (out_dir / f"{stem}.md").write_text(beir_markdown(results, meta))
    out.print(f"total {total:.1f} s; wrote {stem}.json and {stem}.md to {out_dir}", highlight=False)


@eval_app.command()
def squad(
    path: Annotated[Path, typer.Argument(help="SQuAD v1.1 JSON (dev-v1.1.json)")],
    model: Annotated[Optional[str], typer.Option(help="embedding model (default: QA_MODEL)")] = None,
    chunk_tokens: Annotated[Optional[int], typer.Option(help="chunk budget (default: QA_CHUNK_TOKENS)")] = None,
    part: Annotated[str, typer.Option(help="heldout (last 24 articles, the report) or tune (first 24)")]
    = "heldout",
    answers: Annotated[int, typer.Option(help="answer this many questions with Service.ask (0: all); "
                                              "retrieval is scored on all of them")] = 500,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the JSON and Markdown results")]
    = REPORTS / "squad",
    cache_dir: Annotated[Path, typer.Option(help="folder for the benchmark indexes and their embedding cache")]
    = REPORTS,
) -> None:
    """SQuAD 1.1: short-answer EM/F1 with the gold paragraph; open corpus: gold paragraph recall@1/5/20 and MRR,
    answer EM/F1 from Service.ask."""
    from qa.evaluate.report import print_squad, squad_markdown
    from qa.evaluate.squad import run_squad

    settings = get_settings()
    if part not in ("heldout", "tune"):
        _fail(QaError(f"--part must be heldout or tune, not {part!r}"))
    try:
        result = run_squad(path, settings, model or settings.model, chunk_tokens or settings.chunk_tokens,
                           part, answers, cache_dir, progress_bar, console)
    except QaError as exc:
        _fail(exc)
    print_squad(result, out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"squad-{part}-{result['model'].replace('/', '-')}-{result['chunk_tokens']}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2))
    (out_dir / f"{stem}.md").write_text(squad_markdown(result))
    out.print(f"wrote {stem}.json and {stem}.md to {out_dir}", highlight=False)


def _answerer_for(settings, name: str):
    from qa.answerers.factory import make_answerer
    from qa.vectors import make_embedder

    if name not in ("reader", "extractive"):
        _fail(QaError(f"--answerer must be reader or extractive, not {name!r}"))
    return make_answerer(settings.model_copy(update={"answerer": name}), make_embedder(settings.model,
                                                                                      settings.batch_size))


@eval_app.command()
def squad2(
    path: Annotated[Path, typer.Argument(help="SQuAD 2.0 JSON (../shared/eval/squad2/dev-v2.0-half.json)")],
    part: Annotated[str, typer.Option(help="report (last 8 articles) or tune (first 8)")] = "report",
    open_corpus: Annotated[bool, typer.Option("--open-corpus", help="also answer from the whole corpus through "
                                                                     "Service.ask (slow: an index of every paragraph)")]
    = False,
    answerer: Annotated[str, typer.Option(help="reader (the default answerer) or extractive (the baseline)")]
    = "reader",
    limit: Annotated[int, typer.Option(help="only the first N questions of the part (0: all)")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object (em, f1, has_ans_f1, no_ans_acc, "
                                                          "…) on stdout")] = False,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the JSON result")] = REPORTS / "squad2",
    cache_dir: Annotated[Path, typer.Option(help="folder for the benchmark index and its embedding cache")]
    = REPORTS,
) -> None:
    """SQuAD 2.0 with the gold paragraph (and optionally the open corpus): EM, F1, HasAns F1, NoAns accuracy,
    abstention precision/recall."""
    from qa.evaluate import squad2 as s2

    settings = get_settings()
    try:
        items, n_articles = s2.load(path)
        chosen = s2.part_of(items, n_articles, part, 8)
        if limit:
            chosen = chosen[:limit]
        answering = _answerer_for(settings, answerer)
        with progress_bar("gold paragraph", len(chosen)) as advance:
            result, details = s2.gold_paragraph(chosen, answering, advance)
        result.update({"part": part, "file": path.name})
        if open_corpus:
            result["open_corpus"] = _open_corpus_squad2(path, settings, answerer, chosen, cache_dir)
    except QaError as exc:
        _fail(exc)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"squad2-{part}-{answerer}"
    (out_dir / f"{stem}.json").write_text(json.dumps({**result, "questions_detail": details}, indent=2))
    if as_json:
        print(json.dumps(result))
        return
    from qa.evaluate.report import print_squad2

    print_squad2(result, out)
    out.print(f"wrote {stem}.json to {out_dir}", highlight=False)


def _open_corpus_squad2(path: Path, settings, answerer: str, chosen, cache_dir: Path) -> dict:
    from qa.evaluate import squad2 as s2
    from qa.evaluate.corpus_index import build_index, index_dir_for, open_cache
    from qa.evaluate.squad import load_squad
    from qa.service import Service
    from qa.vectors import make_embedder

    releases, _, _ = load_squad(path)
    embedder = make_embedder(settings.model, settings.batch_size)
    index_dir = index_dir_for(cache_dir, path.stem, settings.model, settings.chunk_tokens)
    cache = open_cache(cache_dir)
    try:
        with progress_bar("embedding chunks", None) as advance:
            build_index(releases, index_dir, embedder, settings.chunk_tokens, cache, advance,
                        settings.keyword_index)
    finally:
        cache.close()
    service = Service(settings.model_copy(update={"index_dir": index_dir, "answerer": answerer}), embedder)
    with progress_bar("open corpus", len(chosen)) as advance:
        return s2.open_corpus(chosen, service, advance)
