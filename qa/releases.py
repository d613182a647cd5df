"""corpus → releases: read every file of a corpus into clean ``Release`` records.

Each file's format is recognised from its content (and name):

* Markdown or text with a YAML front-matter block, either ``---`` delimited
  (python-frontmatter) or a fenced `````yaml`` block at the top (PyYAML);
* HTML pages: main text and metadata through trafilatura;
* JSON / JSONL exports: one record per object with ``title``, ``date``/``published``,
  ``url``, ``body``/``text``/``content`` and optional ``area``;
* plain text pages, which may hold many releases one after another
  (see :mod:`qa.pages` for how titles and site chrome are recognised).

Release ids are readable and stable across re-ingests: the slug of the file name, plus
the slug of the release title when the file holds more than one release. Two releases
with the same body text are one release (the first by file path is kept).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import frontmatter
import yaml
from markdown_it import MarkdownIt

from qa import pages
from qa.dates import find_date, iso_date
from qa.errors import SkipFile

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".html", ".htm", ".json", ".jsonl", ""}
# The corpus folder's own files that are not releases: its README and the evaluation sets kept beside it.
NOT_RELEASES = frozenset({"README.md", "questions.jsonl", "followups.jsonl"})
MAX_FILE_BYTES = 50 * 1024 * 1024
# The longest text one release (or one non-JSON file) may have: half a million characters,
# about 80,000 words, where a long press release has 1,000. Sentence splitting (pysbd) reads
# some 90 kB/s here, so a 20 MB "release" would hold an ingest up for minutes; it is skipped
# with this reason instead. JSON exports may be larger: the limit applies to each record.
MAX_RELEASE_CHARS = 500_000
_FENCED_YAML = re.compile(r"\A\s*```ya?ml[ \t]*\r?\n(.*?)\r?\n```[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass(frozen=True)
class Release:
    id: str
    title: str
    body: str
    source: str  # path relative to the corpus folder
    published: str | None = None  # ISO date, when known
    url: str | None = None
    area: str | None = None
    # how ``published`` was found: metadata, sitemap or feed (a crawl's lastmod or entry date, see
    # qa.crawler), dateline or weekday (qa.dates)
    date_source: str | None = None

    @cached_property
    def body_hash(self) -> str:
        """Of the body with its whitespace collapsed; computed once a release (de-duplication, the ingest's
        comparison with the last snapshot and the store each read it)."""
        return hashlib.sha1(" ".join(self.body.split()).encode()).hexdigest()


@dataclass
class LoadReport:
    releases: list[Release] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, kept id)


@dataclass
class _Draft:
    """A release as a reader sees it, before ids and de-duplication."""

    title: str | None
    body: str
    published: str | None = None
    url: str | None = None
    area: str | None = None
    date_source: str | None = None  # when the file says how its date was found (a crawled release)


DATE_SOURCES = frozenset({"metadata", "sitemap", "feed", "dateline", "weekday"})


def slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].strip("-") or "release"


def decode(raw: bytes) -> str:
    """UTF-8 when valid, else Windows-1252, else Latin-1 (which always decodes).

    A file that is mostly UTF-8 with a few damaged bytes (more valid non-ASCII characters
    than bad bytes) stays UTF-8, the bad bytes becoming U+FFFD, rather than turning every
    curly quote into mojibake under Windows-1252.
    """
    if b"\x00" in raw[:8192]:
        raise SkipFile("binary file (contains NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lenient = raw.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd")
    if sum(1 for ch in lenient if ord(ch) > 127) - bad > bad:
        return lenient
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def corpus_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every regular file under ``paths``, sorted, symlink loops and hidden files skipped."""
    seen: set[Path] = set()
    for root in paths:
        if root.is_file():
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            real = Path(dirpath).resolve()
            if real in seen:  # a symlink loop, or the same folder reached twice
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if not name.startswith(".") and name not in NOT_RELEASES:
                    yield Path(dirpath) / name


def read_file(path: Path) -> list[_Draft]:
    """The releases one file holds; raises SkipFile with the reason when it holds none."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise SkipFile(f"not a supported format ({path.suffix}); expected .txt, .md, .html, .json or .jsonl")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SkipFile(f"file is {size // 1_000_000} MB, over the {MAX_FILE_BYTES // 1_000_000} MB limit")
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise SkipFile("empty file")
    text = decode(raw).replace("\r\n", "\n").replace("\r", "\n")
    head = text.lstrip()[:200].lower()
    is_json = path.suffix.lower() in {".json", ".jsonl"} or head.startswith(("{", "["))
    if not is_json and len(text) > MAX_RELEASE_CHARS:
        raise SkipFile(too_long(len(text)))
    if is_json:
        drafts = _read_json(text)
    elif path.suffix.lower() in {".html", ".htm"} or head.startswith(("<!doctype", "<html")):
        drafts = _read_html(text)
    elif _FENCED_YAML.match(text) or text.startswith("---\n"):
        drafts = [_read_front_matter(text)]
    elif path.suffix.lower() in {".md", ".markdown"} and _H1.search(text):
        drafts = _read_markdown(text)
    else:
        header, sections = pages.split_page(text)
        header_area = pages.guess_area(header)
        drafts = [_Draft(title=t, body=b, area=header_area or pages.guess_area(b)) for t, b in sections]
    drafts = [d for d in drafts if d.body.strip()]
    if not drafts:
        raise SkipFile("no release text left after cleaning")
    return drafts


def too_long(chars: int) -> str:
    return (f"{chars:,} characters of text, over the {MAX_RELEASE_CHARS:,}-character limit for one release "
            f"(qa.releases.MAX_RELEASE_CHARS); split it into smaller files")


def _read_front_matter(text: str) -> _Draft:
    fenced = _FENCED_YAML.match(text)
    try:
        if fenced:
            meta, content = yaml.safe_load(fenced.group(1)) or {}, text[fenced.end():]
        else:
            meta, content = frontmatter.parse(text)
    except yaml.YAMLError as exc:
        raise SkipFile(f"malformed YAML front matter ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise SkipFile("front matter is not a mapping of fields")
    publish = meta.get("publish")
    date = meta.get("date") or meta.get("published") or (publish.get("date") if isinstance(publish, dict) else None)
    body = pages.clean_text(markdown_to_text(content))
    return _Draft(
        title=_str(meta.get("title")),
        body=body,
        published=iso_date(date),
        url=_str(meta.get("url")),
        area=_str(meta.get("area")) or pages.guess_area(body),
        date_source=how if (how := _str(meta.get("date_source"))) in DATE_SOURCES else None,
    )


_H1 = re.compile(r"^# \S", re.MULTILINE)


def _read_markdown(text: str) -> list[_Draft]:
    """A Markdown file without front matter: each level-1 heading starts a release and is its title (a
    release's own "# Title", or a news page's list of them); text before the first heading is the page's
    header, which only helps to guess the area. Without this the heading's "#" stayed in the title."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _H1.match(line)]
    header = "\n".join(lines[: starts[0]])
    header_area = pages.guess_area(header)
    drafts = []
    for n, at in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = markdown_to_text(lines[at][2:]).strip() or None
        body = pages.clean_text(markdown_to_text("\n".join(lines[at + 1:end])))
        drafts.append(_Draft(title=title, body=body, area=header_area or pages.guess_area(body)))
    return drafts


def markdown_to_text(markdown: str) -> str:
    """Plain text of Markdown: one paragraph per block, inline markup removed."""
    blocks = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in {"text", "code_inline"}:
                    parts.append(child.content)
                elif child.type in {"softbreak", "hardbreak"}:
                    parts.append(" ")
            line = "".join(parts).strip()
            if line:
                blocks.append(line)
    return "\n\n".join(blocks)


def _read_html(text: str) -> list[_Draft]:
    import trafilatura

    doc = trafilatura.bare_extraction(pages.definition_lists_as_lines(text), with_metadata=True, include_comments=False,
                                      favor_precision=True)
    if doc is None:
        raise SkipFile("HTML page has no main text")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = pages.clean_text(data.get("text") or "")
    return [_Draft(title=_str(data.get("title")), body=body, published=iso_date(data.get("date")),
                   url=_str(data.get("url")), area=_site_area(text, data.get("sitename")) or pages.guess_area(body))]


_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _site_area(html: str, sitename: str | None) -> str | None:
    """The force area of the site a page comes from: its site name, or the last part of its <title> ("Brothers
    jailed … - Essex Police"). It outranks the places the text names ("of Stratford in east London")."""
    title = _TITLE_TAG.search(html)
    parts = re.split(r"\s[|\-–—]\s", title.group(1).strip()) if title else []
    for said in (sitename, parts[-1] if len(parts) > 1 else None):
        if said and (area := pages.guess_area(said)):
            return area
    return None


def _read_json(text: str) -> list[_Draft]:
    try:
        data = json.loads(text)
        records = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise SkipFile(f"invalid JSON (line {exc.lineno}: {exc.msg})") from None
    drafts = []
    for record in records:
        if not isinstance(record, dict):
            continue
        body = pages.clean_text(_str(record.get("body") or record.get("text") or record.get("content")) or "")
        drafts.append(_Draft(
            title=_str(record.get("title")),
            body=body,
            published=iso_date(record.get("published") or record.get("date")),
            url=_str(record.get("url")),
            area=_str(record.get("area")) or pages.guess_area(body),
        ))
    if not drafts:
        raise SkipFile("JSON holds no objects with title/body fields")
    return drafts


def _str(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def load_corpus(paths: Iterable[Path], corpus_root: Path, web_dir: Path | None = None) -> LoadReport:
    """Read every file under ``paths`` into memory; bad files are skipped with their reason (see
    :func:`read_corpus`, which hands the releases over one at a time instead)."""
    report = LoadReport()
    report.releases.extend(read_corpus(paths, corpus_root, report, web_dir))
    return report


def read_corpus(paths: Iterable[Path], corpus_root: Path, report: LoadReport,
                web_dir: Path | None = None) -> Iterator[Release]:
    """Every release under ``paths``, one at a time, in the files' order; bad files are skipped with
    their reason and a release whose body another already had is a duplicate, both written into
    ``report`` (its ``releases`` are left alone). What is held between releases is their ids and body
    hashes, never their text, so an ingest of any size can stream them.

    A file under ``web_dir`` (a crawl's mirror, :mod:`qa.crawler`) takes its id from its page's URL path
    (``news-2024-05-man-charged-after-burglary``), not from wherever that folder happens to lie."""
    ids: set[str] = set()
    bodies: dict[str, str] = {}
    for path in corpus_files(paths):
        rel = _relative(path, corpus_root)
        try:
            drafts = read_file(path)
        except SkipFile as exc:
            report.skipped.append((rel, str(exc)))
            continue
        except Exception as exc:  # a reader bug must not stop the other files
            report.skipped.append((rel, f"could not be parsed ({type(exc).__name__}: {exc})"))
            continue
        crawled = web_dir is not None and _inside(path, web_dir)
        named = path.stem if crawled else rel  # a crawled page's file is named by its URL path
        stem = _web_id(named) if crawled else _id_stem(named, 60)
        for draft in drafts:
            if len(draft.body) > MAX_RELEASE_CHARS:  # a JSON record (other files are checked whole)
                report.skipped.append((rel, f"release {draft.title or '(untitled)'!r}: {too_long(len(draft.body))}"))
                continue
            title = draft.title or pages.derive_title(draft.body)
            rid = stem if len(drafts) == 1 else f"{_id_stem(named, 40)}-{slug(title, 40)}"
            base, n = rid, 2
            while rid in ids:
                rid, n = f"{base}-{n}", n + 1
            published, how = draft.published, (draft.date_source or "metadata") if draft.published else None
            if published is None and (found := find_date(draft.body)):
                published, how = found.iso, found.source
            release = Release(id=rid, title=title, body=draft.body, source=rel, published=published,
                              url=draft.url, area=draft.area, date_source=how)
            if release.body_hash in bodies:
                report.duplicates.append((rel, bodies[release.body_hash]))
                continue
            ids.add(rid)
            bodies[release.body_hash] = rid
            yield release


MAX_NAME_ID = 120  # a file name longer than this is cut at its end


def _id_stem(rel: str, limit: int) -> str:
    """The slug of a file's path without its suffix; a long one keeps its end (the file name),
    so files outside the corpus folder, known by their absolute path, keep distinct ids. A file
    name longer than ``limit`` on its own is kept whole (to :data:`MAX_NAME_ID`), never cut at
    its start: "belfast-international-airport-…" is not "ast-international-airport-…"."""
    full = slug(Path(rel).with_suffix("").as_posix(), limit=len(rel) + 1)
    name = slug(Path(rel).stem, limit=MAX_NAME_ID)
    if len(full) > limit and len(name) > limit:
        return name
    return full[-limit:].strip("-") or "release"


def real_path(path: Path) -> Path:
    """``path`` with symlinks resolved; a symlink loop (which cannot be) is named as it stands."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.parent.resolve() / path.name


def _web_id(name: str, limit: int = 60) -> str:
    """The id of a crawled release: its URL path's slug, cut at a word boundary."""
    name = slug(name, limit=len(name) + 1)
    if len(name) > limit:
        name = name[:limit].rsplit("-", 1)[0]
    return name or "release"


def _inside(path: Path, root: Path) -> bool:
    return real_path(path).is_relative_to(root.resolve())


def _relative(path: Path, root: Path) -> str:
    try:
        return real_path(path).relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
