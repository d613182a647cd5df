"""``qa bench``: the command. Light to import; the benchmark loads only when it runs."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Optional

import typer

from qa.errors import QaError


def bench(
    out: Annotated[Optional[Path], typer.Option(help="folder for report.md, report.json and the plots "
                                                     "(default: reports/bench in the project)")] = None,
    sizes: Annotated[Optional[str], typer.Option(help="index sizes in chunks, e.g. 10000,100000 (default; "
                                                      "--quick: 10000)")] = None,
    with_1m: Annotated[bool, typer.Option("--with-1m", help="also measure 1,000,000 chunks (adds ~20 min, "
                                                             "~6 GB of RAM)")] = False,
    quick: Annotated[bool, typer.Option("--quick", help="small samples of everything: minutes, not half an "
                                                        "hour; for development, not for figures")] = False,
    scifact_docs: Annotated[Optional[int], typer.Option(help="SciFact abstracts to ingest and index with txtai "
                                                             "(default 2,500, --quick 400; 0: all 5,183)")] = None,
    eval_dir: Annotated[Optional[Path], typer.Option(help="the public data (SciFact, SQuAD); default "
                                                          "../shared/eval")] = None,
) -> None:
    """Measure ingest, search, ask, the HTTP API and a peer (txtai); write a Markdown + JSON report with plots.

    The default plan takes under 30 minutes on two quiet cores. Timings depend on what else
    the machine is doing: run it on a quiet machine.
    """
    from rich.console import Console

    from qa.bench.config import parse_sizes, plan
    from qa.bench.runner import BenchRunner
    from qa.settings import PROJECT_ROOT, get_settings

    console = Console(stderr=True)

    def stop(signum, frame):  # SIGTERM ends the run like Ctrl-C: scratch files removed, server stopped
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        settings = get_settings()
        config = plan((out or PROJECT_ROOT / "reports" / "bench").resolve(), settings.model, settings.exact_index_max, parse_sizes(sizes), with_1m, quick,
                      eval_dir.resolve() if eval_dir else None, scifact_docs)
        results = BenchRunner(config, settings, log=lambda msg: console.print(msg, markup=False, highlight=False, soft_wrap=True)).run()
    except QaError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2)
    console.print(f"report: {config.out / 'report.md'} (and report.json, {', '.join(results['plots']) or 'no plots'})",
                  highlight=False)
    missed = [t for t in results["targets"] if t["met"] is False]
    for t in missed:
        console.print(f"  target missed: {t['target']} ({t['where']}): {t['miss']}", highlight=False)
    for e in results["errors"]:
        console.print(f"[red]section {e['section']} failed:[/red] {e['error']}", highlight=False)
    if results["errors"]:
        raise typer.Exit(1)
