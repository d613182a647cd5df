"""The ``qa`` command: ingest, sources, sync, search, ask, stats, serve, eval, bench."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from qa.bench.cli import bench
from qa.errors import QaError
from qa.evaluate.cli import eval_app
from qa.settings import EVAL_DIR, get_settings


app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
app.add_typer(eval_app, name="eval")
console = Console(stderr=True)
out = Console()


def _fail(exc: Exception) -> None:
    console.print(f"[red]error:[/red] {exc}", highlight=False)
    raise typer.Exit(2)


def _service():
    from qa.service import Service

    return Service(get_settings())


@app.command()
def ingest(
    targets: Annotated[Optional[list[str]], typer.Argument(
        metavar="[PATH|URL]...", help="files or folders (default: the corpus folder), and web pages to crawl: a news "
                                      "listing, a sitemap, an RSS/Atom feed or one release page")] = None,
    if_stale: Annotated[bool, typer.Option("--if-stale", help="do nothing when the index matches the corpus")] = False,
    scope: Annotated[Optional[str], typer.Option(help="crawl only URLs under this prefix (default: the start URL's "
                                                      "host and folder)")] = None,
    prune: Annotated[bool, typer.Option("--prune", help="remove crawled releases the site no longer has")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="index only what this call gives, dropping releases "
                                                            "indexed from elsewhere (for an unreadable index)")] = False,
    ray: Annotated[Optional[str], typer.Option(
        "--ray", metavar="ADDRESS",
        help="embed on a Ray cluster: host:port of a `ray start --head`, ray://host:10001, or auto for the cluster "
             "this machine belongs to (default: QA_RAY_ADDRESS; unset: this machine); needs pip install -e '.[ray]'"
    )] = None,
) -> None:
    """Read releases, chunk, embed and publish a new index snapshot. Exit code 1 if any file or page was skipped."""
    from qa.ingest import ingest as run_ingest, is_stale

    settings = get_settings()
    urls = [t for t in targets or [] if t.lower().startswith(("http://", "https://"))]
    paths = [Path(t).resolve() for t in targets or [] if t not in urls]
    embedder = None
    try:
        if if_stale and not targets and not is_stale(settings):
            console.print(f"index in {settings.index_dir} is up to date with {settings.corpus_dir}")
            return
        embedder = _ingest_embedder(settings, ray)
        with _embedding_bar() as progress:
            if urls:
                from qa.sources import crawl_and_ingest

                result = crawl_and_ingest(settings, embedder, [(u, scope) for u in urls], paths, prune,
                                          progress=_crawl_progress, embed_progress=progress, rebuild=rebuild)
                failed = _print_crawls(result.crawls)
                report = result.ingest
            else:
                failed = False
                report = run_ingest(settings, embedder, paths or None, progress, rebuild)
    except QaError as exc:
        _fail(exc)
    finally:
        if hasattr(embedder, "close"):  # a process pool's processes stop with the ingest
            embedder.close()
    if report is None:
        out.print("nothing crawled, nothing ingested; the index is as it was")
        raise typer.Exit(1)
    _print_ingest(report, settings)
    if getattr(embedder, "workers_seen", None):
        out.print(f"embedded on {len(embedder.workers_seen)} Ray worker(s) of {embedder.address}", highlight=False)
    if getattr(embedder, "started", False):
        out.print(f"embedded with {embedder.processes} model processes of {embedder.threads} torch thread(s) each",
                  highlight=False)
    if report.skipped or failed:
        raise typer.Exit(1)


def _ingest_embedder(settings, ray: str | None):
    """The service's embedder; one that embeds on the Ray cluster of ``--ray`` / QA_RAY_ADDRESS; or, above two
    cores, one that spreads the model over QA_EMBED_PROCESSES processes (qa.pool)."""
    embedder = _service().embedder
    address = ray or settings.ray_address
    if not address:
        from qa.pool import ProcessPoolEmbedder, auto_processes

        processes = auto_processes(settings.embed_processes, settings.device)
        if processes < 2 or embedder.name.startswith("hash"):  # the model-free fakes: nothing to spread
            return embedder
        return ProcessPoolEmbedder(embedder, processes)
    from qa.cluster import RayEmbedder

    return RayEmbedder(embedder, address, settings.ray_workers, settings.ray_batch_size, settings.ray_cpus_per_worker)


@contextmanager
def _embedding_bar():
    """A progress bar for embedding; yields the callback that advances it by n chunks."""
    with Progress(TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("embed", total=None)
        yield lambda n: bar.update(task, advance=n)


def _crawl_progress(url: str) -> None:
    if console.is_terminal:
        console.print(f"[dim]fetching {url}[/dim]", highlight=False, soft_wrap=True)


def _print_crawls(crawls) -> bool:
    """One block per crawl; True when any page failed."""
    failed = False
    for report in crawls:
        out.print(f"crawled {len(report.releases)} release page(s): {len(report.new)} new, {len(report.changed)} "
                  f"changed, {report.unchanged} unchanged; {len(report.not_releases)} other page(s) not kept; "
                  f"{report.requests} requests, {report.downloads} downloaded, {report.not_modified} not modified "
                  f"(304), {report.waited_s:.1f} s waiting for the rate limit", highlight=False, soft_wrap=True)
        for url in report.forbidden:
            out.print(f"  not fetched (robots.txt): {url}", highlight=False, soft_wrap=True)
        for url, reason in report.failed:
            out.print(f"  failed: {url}: {reason}", highlight=False, soft_wrap=True)
        for url in report.gone:
            out.print(f"  gone from the site (kept unless --prune): {url}", highlight=False, soft_wrap=True)
        for url in report.pruned:
            out.print(f"  pruned: {url}", highlight=False, soft_wrap=True)
        if report.truncated:
            out.print(f"  {report.truncated}", highlight=False)
        failed = failed or bool(report.failed)
    return failed


def _print_ingest(report, settings) -> None:
    out.print(f"added {len(report.added)}, updated {len(report.updated)}, removed {len(report.removed)}, "
              f"unchanged {report.unchanged}, skipped {len(report.skipped)} file(s), "
              f"duplicates {len(report.duplicates)}")
    for name, ids in (("added", report.added), ("updated", report.updated), ("removed", report.removed)):
        for rid in ids:
            out.print(f"  {name}: {rid}", highlight=False, soft_wrap=True)
    for file, reason in report.skipped:  # one line per file, however long, for grep and logs
        out.print(f"  skipped: {file}: {reason}", highlight=False, soft_wrap=True)
    for file, kept in report.duplicates:
        out.print(f"  duplicate: {file} (same text as {kept})", highlight=False, soft_wrap=True)
    out.print(f"{report.releases} releases, {report.chunks} chunks ({report.embedded} embedded) "
              f"in {report.seconds:.1f} s → {settings.index_dir}")


sources_app = typer.Typer(no_args_is_help=True, help="Web sources that `qa sync` keeps current.")
app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="a news listing, sitemap, RSS/Atom feed or release page")],
    scope: Annotated[Optional[str], typer.Option(help="crawl only URLs under this prefix")] = None,
) -> None:
    """Remember a source; `qa sync` crawls it (run `qa sync` now to index it)."""
    from qa.sources import Sources

    try:
        sources = Sources.load(get_settings().web_dir)
        source = sources.add(url, scope)
        sources.save()
    except QaError as exc:
        _fail(exc)
    out.print(f"source {source.url} kept in {sources.path}; run `qa sync` to crawl it", highlight=False)


@sources_app.command("remove")
def sources_remove(url: Annotated[str, typer.Argument(help="the source's URL, as `qa sources list` shows it")]) -> None:
    """Forget a source (its releases stay indexed: a release is a public record)."""
    from qa.sources import Sources

    try:
        sources = Sources.load(get_settings().web_dir)
        if not sources.remove(url):
            raise QaError(f"{url} is not a source; `qa sources list` shows them")
        sources.save()
    except QaError as exc:
        _fail(exc)
    out.print(f"removed {url}", highlight=False)


@sources_app.command("list")
def sources_list(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every source, with its last sync."""
    from dataclasses import asdict

    from rich.table import Table

    from qa.sources import Sources

    try:
        sources = Sources.load(get_settings().web_dir)
    except QaError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps([asdict(s) for s in sources.items], indent=2))
        return
    if not sources.items:
        out.print("no sources yet: add one with `qa sources add URL`")
        return
    table = Table("source", "scope", "added", "last sync", "releases", "failed")
    for s in sources.items:
        table.add_row(s.url, s.scope or "", s.added_at, s.last_sync or "never", str(s.releases), str(s.failed))
    out.print(table)


@app.command()
def sync(prune: Annotated[bool, typer.Option("--prune", help="remove crawled releases the site no longer has")]
         = False) -> None:
    """Crawl every source again and publish what changed (for cron or a systemd timer). Exit 1 if a page failed."""
    from qa.sources import sync as run_sync

    settings = get_settings()
    try:
        service = _service()
        with _embedding_bar() as progress:
            result = run_sync(settings, service.embedder, prune, progress=_crawl_progress, embed_progress=progress)
    except QaError as exc:
        _fail(exc)
    failed = _print_crawls(result.crawls)
    if result.ingest is not None:
        _print_ingest(result.ingest, settings)
    if failed or result.ingest is None or result.ingest.skipped:
        raise typer.Exit(1)


@app.command()
def search(
    question: str,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="how many passages")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid, dense or bm25")] = "hybrid",
    since: Annotated[Optional[str], typer.Option(help="published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[Optional[str], typer.Option(help="published on or before (YYYY-MM-DD)")] = None,
    source: Annotated[Optional[str], typer.Option(help="area/force, or part of the source file name")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Find the passages that best match a question, with where each comes from."""
    from qa.store import Filters

    if mode not in ("hybrid", "dense", "bm25"):
        _fail(QaError(f"--mode must be hybrid, dense or bm25, not {mode!r}"))
    timings: dict = {}
    try:
        passages = _service().retriever.search(question, k, Filters(since, until, source), mode, timings=timings)
    except QaError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"question": question, "results": [p.model_dump() for p in passages],
                          "timings_ms": timings}, indent=2, ensure_ascii=False))
        return
    for n, p in enumerate(passages, 1):
        out.print(f"[bold][{n}] {p.title}[/bold]  ({p.published or 'undated'}, {p.source}, "
                  f"chars {p.start}-{p.end}, score {p.score:.4f})", highlight=False)
        out.print(f"    id: {p.release_id}" + (f"  url: {p.url}" if p.url else ""), highlight=False)
        out.print("    " + p.text.replace("\n", " ")[:400], highlight=False)
    if not passages:
        out.print("no passage matches")


@app.command()
def ask(
    question: str,
    k: Annotated[int, typer.Option("-k", min=1, max=20, help="how many passages to read")] = 5,
    since: Annotated[Optional[str], typer.Option(help="published on or after (YYYY-MM-DD)")] = None,
    until: Annotated[Optional[str], typer.Option(help="published on or before (YYYY-MM-DD)")] = None,
    source: Annotated[Optional[str], typer.Option(help="area/force, or part of the source file name")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="show the trace of every stage and its verdict")] = False,
    expect: Annotated[Optional[str], typer.Option(help="the answer you know is right: the trace's verdict "
                                                       "names the stage that lost it (implies --explain)")] = None,
    expect_refusal: Annotated[bool, typer.Option("--expect-refusal", help="you know the releases don't say: the "
                                                    "verdict names what let an answer through (implies --explain)")]
    = False,
    after: Annotated[Optional[list[str]], typer.Option(help="an earlier question of the conversation (repeat for "
                                                             "more, oldest first): QUESTION is its follow-up")] = None,
) -> None:
    """Answer a question from the releases, citing the passage behind every sentence."""
    from qa.conversation import Turn
    from qa.store import Filters

    if expect and expect_refusal:
        _fail(QaError("give --expect TEXT or --expect-refusal, not both"))
    service = _service()
    try:
        history = []
        for earlier in after or []:  # each earlier turn is answered as it would have been, to know its releases
            previous = service.ask(earlier, k, Filters(since, until, source), history=history)
            history.append(Turn.of(previous.rewritten or earlier, previous))
        answer = service.ask(question, k, Filters(since, until, source), explain=explain, expect=expect,
                             expect_refusal=expect_refusal,
                             history=history)
    except QaError as exc:
        _fail(exc)
    if as_json:
        print(answer.model_dump_json(indent=2))
        return
    if answer.rewritten:
        out.print(f"[dim]asked as: {answer.rewritten}[/dim]", highlight=False)
    out.print(answer.answer, highlight=False)
    if answer.reason:
        out.print(f"[dim]refused: {answer.reason}[/dim]", highlight=False)
    if answer.note:
        out.print(f"[dim]note: {answer.note}[/dim]", highlight=False)
    out.print("")
    for c in answer.citations:
        body_quote = c.text[c.start - c.passage_start:c.end - c.passage_start].replace("\n", " ")
        out.print(f"[bold][{c.n}] {c.title}[/bold] ({c.published or 'undated'}; {c.source}, chars {c.start}-{c.end})",
                  highlight=False)
        out.print(f"    “{body_quote}”" + (f"\n    {c.url}" if c.url else ""), highlight=False)
    t = answer.timings_ms
    out.print(f"[dim]{' · '.join(f'{k} {v:.0f} ms' for k, v in t.items())}[/dim]", highlight=False)
    if answer.explain:
        from qa.explain import render_text

        out.print("")
        for line in render_text(answer.explain):
            out.print(line, highlight=False, markup=False, soft_wrap=True)


@app.command()
def calibrate(
    questions: Annotated[Optional[Path], typer.Option(help="labelled questions (default corpus/questions.jsonl)")] = None,
) -> None:
    """Choose the abstention threshold from questions the releases do and don't answer."""
    from qa.answerers.calibrate import choose_threshold, evidence_scores, load_questions

    settings = get_settings()
    try:
        rows = evidence_scores(_service(), load_questions(questions or settings.corpus_dir / "questions.jsonl"))
    except QaError as exc:
        _fail(exc)
    c = choose_threshold(rows)
    out.print(f"QA_ABSTAIN_THRESHOLD={c.threshold:.3f}: balanced accuracy {c.balanced_accuracy:.3f}, "
              f"abstains on {c.abstain_recall:.0%} of unanswerable questions, "
              f"falsely on {c.false_abstention:.0%} of answerable ones "
              f"({len(c.answerable)} answerable, {len(c.unanswerable)} unanswerable)", highlight=False)


@app.command("calibrate-reader")
def calibrate_reader(
    squad2: Annotated[Path, typer.Option(help="SQuAD 2.0 dev half: its calibration articles (kept out of "
                                              "training) are used")] = EVAL_DIR / "squad2" / "dev-v2.0-half.json",
    questions: Annotated[Optional[Path], typer.Option(help="sample questions: their tune part is used "
                                                           "(default corpus/questions.jsonl)")] = None,
    out_path: Annotated[Optional[Path], typer.Option("--out", help="where to write the model "
                                                                   "(default qa/reader/abstain.json)")] = None,
    followups: Annotated[Optional[Path], typer.Option(help="two-turn conversations: their tune part's follow-ups "
                                                           "count in the bound on false refusals (default "
                                                           "corpus/followups.jsonl when it exists)")] = None,
) -> None:
    """Fit the reading answerer's abstention model and threshold on tune data only."""
    from qa.answerers.calibrate import calibrate_reader as calibrate, load_questions
    from qa.answerers.reading import CALIBRATION
    from qa.evaluate.followups import load_conversations

    settings = get_settings()
    talks_path = followups or settings.corpus_dir / "followups.jsonl"
    try:
        talks = load_conversations(talks_path) if followups or talks_path.exists() else []
        report = calibrate(_service(), squad2, load_questions(questions or settings.corpus_dir / "questions.jsonl"),
                           out_path or CALIBRATION, log=lambda line: console.print(line, highlight=False),
                           conversations=talks)
    except QaError as exc:
        _fail(exc)
    out.print(report, highlight=False)


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """How many releases and chunks the index holds, and how it was built."""
    from dataclasses import asdict

    from qa.snapshot import Snapshot

    settings = get_settings()
    try:
        snap = Snapshot.open(settings.index_dir)
    except QaError as exc:
        _fail(exc)
    releases, chunks = snap.store.counts()
    data = {**asdict(snap.manifest), "releases": releases, "chunks": chunks, "index_dir": str(settings.index_dir),
            "snapshot": snap.path.name}
    if as_json:
        print(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            out.print(f"{key:>20}: {value}", highlight=False)


def _cap_malloc_arenas(arenas: int = 2) -> None:
    """Let glibc keep at most ``arenas`` malloc arenas (as MALLOC_ARENA_MAX would), before any thread starts.

    With one arena per request thread, the model's activations (a different size for every
    question) fragment each thread's arena and the server's memory keeps creeping up. Measured
    with the real model, 8 clients, 4 × 150 mixed requests after a warm-up: +214, +92, +17,
    +62 MB with glibc's default; +154, +43, +45, +23 MB with this call (+117, +28, +28, +25 MB
    with MALLOC_ARENA_MAX=2 in the environment). Not glibc (macOS, musl): nothing to do."""
    import ctypes

    if os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        ctypes.CDLL(None).mallopt(-8, arenas)  # M_ARENA_MAX; the process's own symbols include libc's
    except (OSError, AttributeError):
        pass


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    record_refusals: Annotated[Optional[Path], typer.Option(
        "--record-refusals", metavar="FILE", help="count refused questions by day and reason in this JSON file "
                                                  "(default: QA_RECORD_REFUSALS; read it with `qa refusals`)")] = None,
    record_questions: Annotated[bool, typer.Option(
        "--record-questions", help="also keep the text of each refused question in that file: a privacy "
                                   "choice, off by default (QA_RECORD_QUESTIONS)")] = False,
) -> None:
    """Serve the question page and the JSON API (docs at /docs) with uvicorn.

    Requests are served in parallel, but at most QA_MODEL_WORKERS model calls run at once, each
    on cores ÷ workers torch threads (qa.gate): one person's question gets every core, and 32
    at once queue for the model instead of oversubscribing the CPU.
    """
    from qa.gate import model_threads

    os.environ.setdefault("OMP_NUM_THREADS", str(model_threads(get_settings().model_workers)))  # read when torch loads
    _cap_malloc_arenas()
    import uvicorn

    from qa.web.app import create_app

    settings = get_settings()
    if record_refusals or record_questions:
        settings = settings.model_copy(update={
            "record_refusals": record_refusals.resolve() if record_refusals else settings.record_refusals,
            "record_questions": record_questions or settings.record_questions})
    if settings.record_questions and settings.record_refusals is None:
        _fail(QaError("--record-questions needs a file: add --record-refusals FILE (or set QA_RECORD_REFUSALS)"))
    console.print(f"serving {settings.index_dir} on http://{host}:{port} (API docs: /docs)", highlight=False,
                  soft_wrap=True)
    if settings.record_refusals:
        kept = "with the question text" if settings.record_questions else "counts only, no question text"
        console.print(f"recording refusals in {settings.record_refusals} ({kept})", highlight=False, soft_wrap=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def refusals(
    path: Annotated[Optional[Path], typer.Argument(metavar="[FILE]", help="the refusal log "
                                                                         "(default: QA_RECORD_REFUSALS)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Refused questions per day and reason; with kept questions, grouped by their nearest release."""
    from rich.markup import escape

    from qa.refusals import load_log, summarize, summary_tables

    path = path or get_settings().record_refusals
    try:
        if path is None:
            raise QaError("which refusal log? give FILE or set QA_RECORD_REFUSALS")
        summary = summarize(load_log(path))
    except QaError as exc:  # one line, however long the path
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    if as_json:
        print(json.dumps({"file": str(path), **summary}, indent=2, ensure_ascii=False))
        return
    for table in summary_tables(summary):
        out.print(table)
    if not summary["total"]:
        out.print("no refusals recorded yet")


@app.command("train-reader")
def train_reader(
    squad_train: Annotated[Path, typer.Option(help="SQuAD 1.1 train")] = EVAL_DIR / "squad-train" / "train-v1.1.json",
    squad_dev: Annotated[Path, typer.Option(help="SQuAD 1.1 dev (its first 24 articles are trained on)")]
    = EVAL_DIR / "squad" / "dev-v1.1.json",
    squad2_dev: Annotated[Path, typer.Option(help="SQuAD 2.0 dev half (its first 8 articles are trained on)")]
    = EVAL_DIR / "squad2" / "dev-v2.0-half.json",
    out_path: Annotated[Optional[Path], typer.Option("--out", help="weights file (default: the package's)")] = None,
    questions: Annotated[Optional[int], typer.Option(help="SQuAD 1.1 train questions to use (default: "
                                                          "TrainConfig's, qa/reader/train.py)")] = None,
    seed: Annotated[int, typer.Option(help="random seed")] = 13,
    dtype: Annotated[str, typer.Option(help="auto (bfloat16 mixed precision where the CPU has it natively), "
                                            "float32 or bfloat16")] = "auto",
    continue_from: Annotated[Optional[Path], typer.Option(help="a later stage: start from these weights, "
                                                                "without the tune articles")] = None,
    skip_questions: Annotated[int, typer.Option(help="SQuAD train questions an earlier stage used")] = 0,
    learning_rate: Annotated[Optional[float], typer.Option(help="peak learning rate (default: TrainConfig's)")]
    = None,
) -> None:
    """Fine-tune the reader on training data only (see qa/reader/train.py); then `qa calibrate-reader`."""
    from qa.reader.train import TrainConfig, train

    try:
        extra = {} if questions is None else {"squad_train_questions": questions}
        if learning_rate is not None:
            extra["learning_rate"] = learning_rate
        cfg = TrainConfig(squad_train, squad_dev, squad2_dev, seed=seed, dtype=dtype, continue_from=continue_from,
                          skip_questions=skip_questions, **extra)
    except (FileNotFoundError, ValueError) as exc:
        _fail(QaError(str(exc)))
    if out_path:
        cfg.out = out_path
    train(cfg, log=lambda line: console.print(line, highlight=False))


app.command()(bench)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
