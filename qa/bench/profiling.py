"""Where the time goes: a pyinstrument profile of one call, reduced to its hot spots.

pyinstrument samples the Python stack every millisecond; time spent inside a C
extension (a torch matrix product, an SQLite query, FAISS) is charged to the Python
function that called it, so a hot spot reads "``forward`` in torch's linear layer" or
"``execute`` in qa/store.py". The full tree is saved as text beside the report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

TOP = 8


def available() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


def profile(name: str, out_dir: Path | None, fn, *args, **kwargs) -> tuple[object, dict | None]:
    """Run ``fn`` under pyinstrument; (its result, the hot spots), or (result, None) without pyinstrument."""
    if not available():
        return fn(*args, **kwargs), None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        result = fn(*args, **kwargs)
    finally:
        profiler.stop()
    spots = hot_spots(profiler.last_session.root_frame())
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{re.sub(r'[^A-Za-z0-9.-]+', '-', name)}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        spots["file"] = path.name
    return result, spots


def hot_spots(root) -> dict:
    """Top functions by self time and top packages by total self time, with their shares.

    Built-in and standard-library functions (``Connection.execute``, ``re._parse``) are
    named with the nearest caller in qa or an installed package, and charged to its package:
    "``Connection.execute`` via qa/store.py:170" says which query is hot.
    """
    by_function: dict[tuple[str, str], float] = defaultdict(float)
    by_package: dict[str, float] = defaultdict(float)
    total = root.time if root is not None else 0.0
    stack = [(root, None)] if root is not None else []
    while stack:
        frame, owner = stack.pop()
        if not frame.is_synthetic and _package(frame.file_path) not in ("python", "?"):
            owner = frame
        stack.extend((child, owner) for child in frame.children)
        if frame.is_synthetic:
            continue
        own = frame.total_self_time
        if own <= 0:
            continue
        where = _where(frame.file_path, frame.line_no)
        if owner is not None and owner is not frame:
            where = f"via {owner.function}, {_where(owner.file_path, owner.line_no)}"
        by_function[(frame.function, where)] += own
        by_package[_package((owner or frame).file_path)] += own
    top = sorted(by_function.items(), key=lambda kv: -kv[1])[:TOP]
    packages = sorted(by_package.items(), key=lambda kv: -kv[1])[:5]
    share = (lambda s: s / total if total else 0.0)
    return {
        "seconds": total,
        "functions": [{"function": f, "where": w, "self_s": s, "share": share(s)} for (f, w), s in top],
        "packages": [{"package": p, "self_s": s, "share": share(s)} for p, s in packages],
    }


def describe(spots: dict | None, n: int = 3) -> str:
    """One line naming the hottest functions and packages."""
    if not spots or not spots.get("functions"):
        return "no profile (pyinstrument is not installed: pip install '.[bench]')"
    funcs = ", ".join(f"`{f['function']}` ({f['where']}, {f['share']:.0%})" for f in spots["functions"][:n])
    packs = ", ".join(f"{p['package']} {p['share']:.0%}" for p in spots["packages"][:n])
    return f"{funcs}; by package: {packs}"


def _package(path: str | None) -> str:
    if not path or path.startswith("<"):
        return "python"
    path = path.replace("\\", "/")
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    match = re.search(r"/qa/([^/]+)", path)
    if match and "/lib/python" not in path:
        return f"qa.{match.group(1).removesuffix('.py')}"
    return "python" if "/lib/python" in path else Path(path).name


def _where(path: str | None, line: int | None) -> str:
    if not path:
        return "?"
    path = path.replace("\\", "/")
    short = path.split("site-packages/", 1)[1] if "site-packages/" in path else (
        "qa/" + path.split("/qa/", 1)[1] if "/qa/" in path else Path(path).name)
    return f"{short}:{line}" if line else short
