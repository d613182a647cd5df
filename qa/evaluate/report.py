"""Turning evaluation results into a terminal table, JSON, Markdown and PNG charts."""

from __future__ import annotations

import json
import math
from pathlib import Path

from rich.console import Console
from rich.table import Table

from qa.evaluate.beir import PUBLISHED, ModeResult
from qa.evaluate.sample import SampleReport

# The targets of the evaluation issue; a metric missing its target is shown in red.
TARGETS = {"hit@5": 1.0, "answer_contains_gold": 0.90, "first_citation_gold": 0.95,
           "abstention_precision": 0.90, "abstention_recall": 0.90}
LOWER_IS_BETTER = {"false_abstention_rate"}


def fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def pct(value) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:.1f}%"


# --- BEIR -----------------------------------------------------------------------------

def _published(mode: str, meta: dict) -> tuple[str, str]:
    if meta["split"] != "test" or meta["documents"] < 5000 or mode not in PUBLISHED:
        return "", ""
    name, ndcg, recall = PUBLISHED[mode]
    if mode == "dense" and "MiniLM" not in meta["model"]:
        return "", ""
    return f"{ndcg:.3f}" + (f" / {recall:.3f}" if recall else ""), name


def print_beir(results: list[ModeResult], meta: dict, console: Console) -> None:
    table = Table(title=f"{meta['data']} {meta['split']}: {meta['queries']} queries, {meta['documents']:,} documents "
                        f"({meta['corpus']}), {meta['model']}, chunks ≤ {meta['chunk_tokens']} tokens")
    for col in ("system", "nDCG@10", "recall@10", "queries/s", "published nDCG@10 / recall@10"):
        table.add_column(col, justify="left" if col in ("system",) else "right")
    for r in results:
        figure, source = _published(r.mode, meta)
        table.add_row(r.mode, f"{r.ndcg10:.3f}", f"{r.recall10:.3f}", f"{r.qps:.1f}",
                      f"{figure} ({source})" if figure else "")
    console.print(table)
    speed = f", encode {meta['encode_per_s']} texts/s of 60 words" if meta.get("encode_per_s") else ""
    built = ("index reused" if meta["index_reused"] else
             f"index {meta['index_seconds']} s for {meta['embedded']:,} new chunk embeddings")
    console.print(f"{meta['chunks']:,} chunks; {built}{speed}", highlight=False)


def beir_markdown(results: list[ModeResult], meta: dict) -> str:
    lines = [f"{meta['data']} {meta['split']} — {meta['queries']} queries, {meta['documents']:,} documents "
             f"({meta['corpus']}), model {meta['model']}, chunks ≤ {meta['chunk_tokens']} tokens "
             f"({meta['chunks']:,} chunks)", "",
             "| system | nDCG@10 | recall@10 | queries/s | published nDCG@10 / recall@10 |", "|---|---|---|---|---|"]
    for r in results:
        figure, source = _published(r.mode, meta)
        lines.append(f"| {r.mode} | {r.ndcg10:.3f} | {r.recall10:.3f} | {r.qps:.1f} | "
                     f"{figure + ' (' + source + ')' if figure else ''} |")
    return "\n".join(lines) + "\n"


def clean(value):
    """NaN → None, recursively, so the JSON is standard."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(clean(data), indent=2, ensure_ascii=False, default=str))
    return path


# --- sample questions -----------------------------------------------------------------

COUNTS = ("questions", "answerable", "unanswerable")


def _target(name: str) -> str:
    return f"≥ {TARGETS[name]:.0%}" if name in TARGETS else ""


def _missed(name: str, value) -> bool:
    return name in TARGETS and value is not None and not math.isnan(value) and value < TARGETS[name]


PART_METRICS = ("questions", "answerable", "unanswerable", "hit@5", "answer_contains_gold", "first_citation_gold",
                "abstention_precision", "abstention_recall", "false_abstention_rate")


def print_sample(report: SampleReport, console: Console) -> None:
    table = Table(title="sample questions")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for name, value in report.metrics.items():
        shown = str(value) if name in COUNTS else pct(value)
        table.add_row(name, f"[red]{shown}[/red]" if _missed(name, value) else shown, _target(name))
    console.print(table)
    if report.per_part:
        parts = Table(title="by part (test: never tuned on)")
        parts.add_column("metric")
        for part in report.per_part:
            parts.add_column(part, justify="right")
        for name in PART_METRICS:
            parts.add_row(name, *[str(m[name]) if name in COUNTS else pct(m[name]) for m in report.per_part.values()])
        console.print(parts)
    kinds = Table(title="by kind")
    for col in ("kind", "n", "answer accuracy", "hit@5"):
        kinds.add_column(col, justify="left" if col == "kind" else "right")
    for kind, row in report.per_kind.items():
        kinds.add_row(kind, str(row["n"]), pct(row["answer_accuracy"]), pct(row["hit@5"]))
    console.print(kinds)
    lat = Table(title="latency (ms)")
    for col in ("stage", "p50", "p95", "n"):
        lat.add_column(col, justify="left" if col == "stage" else "right")
    for stage, row in report.latency.items():
        lat.add_row(stage, fmt(row["p50"], 1), fmt(row["p95"], 1), str(row["n"]))
    console.print(lat)
    if report.failures:
        fails = Table(title=f"failing questions ({len(report.failures)})", show_lines=True)
        for col in ("id", "why", "expected", "got"):
            fails.add_column(col, overflow="fold")
        for o in report.failures:
            q = o.question
            expected = " | ".join(q.answers) + f"\n{', '.join(q.release_ids) or '(abstain)'}"
            got = o.answer.answer[:200] + f"\n{', '.join(o.releases[:3])}"
            fails.add_row(q.id, "; ".join(o.failures), expected, got)
        console.print(fails)


def sample_markdown(report: SampleReport) -> str:
    lines = ["# qa eval: sample questions", "", "| metric | value | target |", "|---|---|---|"]
    for name, value in report.metrics.items():
        shown = str(value) if name in COUNTS else pct(value)
        lines.append(f"| {name} | {shown}{' (missed)' if _missed(name, value) else ''} | {_target(name)} |")
    if report.per_part:
        names = list(report.per_part)
        lines += ["", "## By part (test: never tuned on)", "", f"| metric | {' | '.join(names)} |",
                  "|---|" + "---|" * len(names)]
        lines += [f"| {m} | " + " | ".join(str(report.per_part[n][m]) if m in COUNTS else pct(report.per_part[n][m])
                                          for n in names) + " |" for m in PART_METRICS]
    lines += ["", "## By kind", "", "| kind | n | answer accuracy | hit@5 |", "|---|---|---|---|"]
    lines += [f"| {k} | {r['n']} | {pct(r['answer_accuracy'])} | {pct(r['hit@5'])} |"
              for k, r in report.per_kind.items()]
    lines += ["", "## Latency (ms)", "", "| stage | p50 | p95 | n |", "|---|---|---|---|"]
    lines += [f"| {s} | {fmt(r['p50'], 1)} | {fmt(r['p95'], 1)} | {r['n']} |" for s, r in report.latency.items()]
    lines += ["", f"## Failing questions ({len(report.failures)})", ""]
    for o in report.failures:
        q = o.question
        lines += [f"- **{q.id}** ({q.kind}) {q.question}", f"  - why: {'; '.join(o.failures)}",
                  f"  - expected: {' | '.join(q.answers) or '(abstain)'} — releases {', '.join(q.release_ids) or '–'}",
                  f"  - got: {o.answer.answer.strip()[:300]} — top releases {', '.join(o.releases[:3]) or '–'}"]
    return "\n".join(lines) + "\n"


def write_sample(report: SampleReport, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [write_json(out_dir / "report.json", report.to_dict())]
    (out_dir / "report.md").write_text(sample_markdown(report))
    paths.append(out_dir / "report.md")
    paths += charts(report, out_dir)
    return paths


def charts(report: SampleReport, out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(report.per_kind)
    fig, ax = plt.subplots(figsize=(8, 4))
    xs = range(len(kinds))
    ax.bar([x - 0.2 for x in xs], [report.per_kind[k]["answer_accuracy"] for k in kinds], 0.4, label="answer accuracy")
    hits = [report.per_kind[k]["hit@5"] for k in kinds]
    ax.bar([x + 0.2 for x in xs], [0 if math.isnan(h) else h for h in hits], 0.4, label="hit@5 (answerable)")
    ax.set_xticks(list(xs), [f"{k}\n(n={report.per_kind[k]['n']})" for k in kinds], fontsize=8)
    ax.set_ylim(0, 1.18)
    ax.set_title("Accuracy by question kind (unanswerable: abstained)")
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    fig.tight_layout()
    accuracy = out_dir / "accuracy_by_kind.png"
    fig.savefig(accuracy, dpi=110)
    plt.close(fig)

    stages = list(report.latency)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    xs = range(len(stages))
    ax.bar([x - 0.2 for x in xs], [report.latency[s]["p50"] for s in stages], 0.4, label="p50")
    ax.bar([x + 0.2 for x in xs], [report.latency[s]["p95"] for s in stages], 0.4, label="p95")
    ax.set_xticks(list(xs), stages)
    ax.set_ylabel("ms")
    ax.set_title("Latency per stage")
    ax.legend(fontsize=8)
    fig.tight_layout()
    lat = out_dir / "latency.png"
    fig.savefig(lat, dpi=110)
    plt.close(fig)
    return [accuracy, lat]


# --- SQuAD ----------------------------------------------------------------------------

def _squad_rows(r: dict) -> list[tuple[str, str]]:
    return [
        ("questions (retrieval)", f"{r['retrieval_questions']:,}"),
        ("gold paragraph recall@1", fmt(r["recall@1"])), ("recall@5", fmt(r["recall@5"])),
        ("recall@20", fmt(r["recall@20"])), ("MRR", fmt(r["mrr"])),
        (f"gold paragraph, {r['answerer']} answerer: EM / F1 as answered",
         f"{fmt(r['gold_em'], 1)} / {fmt(r['gold_f1'], 1)} ({pct(r['gold_abstained'])} abstained)"),
        ("gold paragraph: EM / F1 had it never abstained", f"{fmt(r['gold_span_em'], 1)} / {fmt(r['gold_span_f1'], 1)}"),
        ("questions (answers)", f"{r['answered_questions']:,} ({r['answered_sample']})"),
        ("exact match (answer text)", fmt(r["em"], 1)), ("F1 (answer text)", fmt(r["f1"], 1)),
        ("exact match (lead span)", fmt(r["lead_em"], 1)), ("F1 (lead span)", fmt(r["lead_f1"], 1)),
        ("abstained", pct(r["abstained"])),
        ("retrieval throughput", f"{r['retrieval_per_s']} questions/s ({r['retrieval_seconds']} s)"),
        ("answer throughput", f"{r['answers_per_s']} questions/s ({r['answer_seconds']} s)"),
        ("index", "reused" if r["index_reused"] else f"{r['index_seconds']} s, {r['embedded']:,} chunks embedded"),
        ("total time", f"{r['seconds']} s"),
    ]


def print_squad(r: dict, console: Console) -> None:
    table = Table(title=f"SQuAD v1.1 dev, {r['part']} articles — {r['paragraphs']:,} paragraphs ({r['chunks']:,} "
                        f"chunks), {r['model']}, chunks ≤ {r['chunk_tokens']} tokens, reranker {r['reranker']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in _squad_rows(r):
        table.add_row(name, value)
    console.print(table)


def squad_markdown(r: dict) -> str:
    lines = [f"SQuAD v1.1 dev, {r['part']} articles — {r['paragraphs']:,} paragraphs as one corpus "
             f"({r['chunks']:,} chunks), model {r['model']}, chunks ≤ {r['chunk_tokens']} tokens, "
             f"reranker {r['reranker']}", "", "| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in _squad_rows(r)]
    return "\n".join(lines) + "\n"


def _squad2_rows(r: dict) -> list[tuple[str, str]]:
    rows = [("questions (unanswerable)", f"{r['questions']:,} ({r['unanswerable']:,})"),
            ("EM / F1", f"{r['em']:.1f} / {r['f1']:.1f}"), ("HasAns F1", f"{r['has_ans_f1']:.1f}"),
            ("NoAns accuracy", f"{r['no_ans_acc']:.1f}"),
            ("abstention precision / recall", f"{r['abstention_precision']:.1f} / {r['abstention_recall']:.1f}"),
            ("abstained", f"{r['abstained']:.1f}%"), ("seconds", f"{r['seconds']}")]
    oc = r.get("open_corpus")
    if oc:
        rows += [("open corpus EM / F1", f"{oc['em']:.1f} / {oc['f1']:.1f}"),
                 ("open corpus HasAns F1 / NoAns accuracy", f"{oc['has_ans_f1']:.1f} / {oc['no_ans_acc']:.1f}")]
    return rows


def print_squad2(r: dict, console: Console) -> None:
    table = Table(title=f"{r['file']}, {r['part']} part, gold paragraph, answerer {r['answerer']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in _squad2_rows(r):
        table.add_row(name, value)
    console.print(table)
