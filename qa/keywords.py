"""chunks → keyword index: BM25 over each chunk's title and text, behind a ``KeywordIndex`` protocol.

The keyword side of hybrid retrieval, next to the vector index (:mod:`qa.index`). Chunk
ids are the FAISS row ids; a higher score is better. Two backends, chosen by
``QA_KEYWORD_INDEX`` when a snapshot is built and recorded in its manifest (a snapshot is
always searched with the index it holds; one built before the setting existed is ``fts5``):

* ``tantivy`` (the default): a tantivy index (Rust, segment files on disk, block-max WAND
  top-k) in the snapshot's ``keywords/`` folder, written by one writer thread so that
  the same chunks always give the same segments and the same ties.
* ``fts5``: the SQLite FTS5 table in ``qa.sqlite`` (``Store.bm25``), which every snapshot
  holds anyway: the ``--explain`` trace counts words with it.

Both read the question the same way (``qa.store.query_words``: the content words,
stopwords dropped, OR-ed; no query syntax from a user gets through) and read text the same
way: FTS5's ``porter unicode61`` tokenizer, which tantivy gets in Python (``PorterWords``)
because its own English stemmer, Snowball's, keeps the plural of an acronym ("PCSOs" does
not find "PCSO", "RXRs" not "RXR"). Both score BM25 with k1 = 1.2, b = 0.75 over the
chunk's title and text together, normalised by the whole chunk's length. What differs:
FTS5 counts a title match as half a text match (``bm25(chunks_fts, 0.5, 1.0)``, inside one
BM25F-like sum); tantivy weighs whole fields, not matches inside one, so its chunks are one
field, title then text, and a title match counts as one (per-field scores, title × 0.5 plus
text, each with its own length, measured worse: BM25-only nDCG@10 on SciFact train 0.670
against 0.685). tantivy also keeps each chunk's length in one byte (exact to 40 words, then
in steps), its IDF is Lucene's (never negative), and it breaks ties by chunk id. So
near-equal chunks can swap: ``tests/test_keywords.py`` checks that both backends find the
same top chunks on the sample questions.

Filters (``qa.store.Filters``) reach both as the chunk ids the store allows
(``Store.allowed_ids``), with exactly the results of ranking only those chunks. FTS5 tests
each match (``+rowid IN json_each(ids)``); tantivy first filters a wider unfiltered top
(enough when the filter allows a fair share), else intersects the query with a term-set
query on the ``id`` field, scored 0 (``TantivyKeywords.search_batch``).

Why tantivy: at a million chunks FTS5 scores every chunk that holds any query word before
it can sort, so a question holding a very common word ("police") takes seconds (p50/p95
686/1,906 ms on a synthetic million); tantivy skips blocks that cannot reach the top k
(6.5/15.4 ms; bm25s, measured and not chosen, 13/124 ms). The numbers, the corpora and
the SciFact figures are in ``docs/keyword-index.md``.

An open tantivy index holds one file-watcher thread of tantivy's own (released with the
index, within a second of ``close``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ConfigError, IndexIncompatible
from qa.store import Store, query_words

KINDS = ("tantivy", "fts5")
FOLDER = "keywords"  # the tantivy index inside a snapshot folder
TOKENIZER = "qa_words"  # tantivy's side: the words PorterWords made, split at spaces
MAX_TERM_BYTES = 255  # longer tokens (garbage such as base64) are left out of the tantivy index and of queries
WRITER_HEAP = 256_000_000  # bytes the one writer thread buffers before it writes a segment


class KeywordIndex(Protocol):
    kind: str

    def search_batch(self, questions: Sequence[str], k: int,
                     allowed: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """For each question, (chunk id, score) of its ``k`` best chunks, best first; among ``allowed`` ids only
        when given (an empty array allows nothing)."""
        ...

    def search(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]: ...

    def close(self) -> None: ...


def check_kind(kind: str) -> str:
    """``kind`` when it names a backend, else a ConfigError naming the setting and the bad value."""
    if kind not in KINDS:
        raise ConfigError(f"QA_KEYWORD_INDEX={kind!r} is not one of: {', '.join(KINDS)}")
    if kind == "tantivy":
        _tantivy()
        PorterWords()._stemmer()  # PyStemmer is there
    return kind


def build(kind: str, folder: Path, chunks: Iterable[tuple[int, str, str]]) -> None:
    """Write the keyword index of ``kind`` into the snapshot being built in ``folder``, from the chunks'
    (id, title, text). ``fts5`` is the table ``Store.add`` already filled, so it writes nothing."""
    if check_kind(kind) == "tantivy":
        TantivyKeywords.build(folder / FOLDER, chunks)


def open_index(kind: str, folder: Path, store: Store, chunks: int | None = None) -> KeywordIndex:
    """The keyword index of the snapshot in ``folder`` (its manifest says which ``kind``); ``chunks``: how many
    documents it must hold."""
    if kind == "fts5":
        return Fts5Keywords(store)
    if kind == "tantivy":
        return TantivyKeywords.open(folder / FOLDER, chunks)
    raise IndexIncompatible(f"the snapshot in {folder} has a keyword index of kind {kind!r}, which this qa cannot "
                            f"read: run `qa ingest` to rebuild it")


class Fts5Keywords:
    """BM25 from the snapshot's SQLite FTS5 table (``Store.bm25``); the store belongs to the snapshot."""

    kind = "fts5"

    def __init__(self, store: Store) -> None:
        self.store = store

    def search_batch(self, questions: Sequence[str], k: int,
                     allowed: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        _check_k(k)
        return [self.store.bm25(q, k, allowed) for q in questions]

    def search(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        return self.search_batch([question], k, allowed)[0]

    def close(self) -> None:
        pass  # the snapshot closes its store


class PorterWords:
    """FTS5's ``porter unicode61`` tokenizer, in Python: runs of letters and digits, case folded, Latin accents
    removed, and the original Porter stemmer (PyStemmer's) on words of 3 to 64 characters, as FTS5 stems them.
    FTS5's Porter has two later departures of Porter's own ("-logi" → "-log", "-bli" → "-ble"), so "technology"
    and "technological" meet there and not here; measured on SciFact, the exact FTS5 tokens score the same
    (``docs/keyword-index.md``). Each word is stemmed once (a bounded memo). Safe to share between threads."""

    WORD = re.compile(r"[^\W_]+")
    ACCENT = re.compile(r"[\u0300-\u036f]")  # combining diacritical marks, once NFD has split them off
    ASCII_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
    MEMO = 200_000  # distinct words remembered before the memo starts again

    def __init__(self) -> None:
        self._local = threading.local()
        self._memo: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        text = text.casefold()  # as unicode61 folds case: the micro sign is a Greek mu
        if text.isascii():  # the common case, without a regular expression: a third of the time
            words = text.translate(self.ASCII_SEPARATORS).split()
        else:
            words = self.WORD.findall(self.ACCENT.sub("", unicodedata.normalize("NFD", text)))
        memo = self._memo
        return [memo.get(w) or self._stem(w) for w in words]

    def _stem(self, word: str) -> str:
        if len(self._memo) >= self.MEMO:
            self._memo.clear()
        stem = self._memo[word] = self._stemmer().stemWord(word) if 3 <= len(word) <= 64 else word
        return stem

    def _stemmer(self):
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:  # PyStemmer's stemmers are not thread-safe: one per thread
            try:
                import Stemmer
            except ImportError:
                raise ConfigError("QA_KEYWORD_INDEX=tantivy needs the PyStemmer package: install it (pip install "
                                  "PyStemmer), or set QA_KEYWORD_INDEX=fts5 and run `qa ingest`") from None
            stemmer = self._local.stemmer = Stemmer.Stemmer("porter", 0)  # no cache of its own: the memo is ours
        return stemmer


class TantivyKeywords:
    """A tantivy index of the chunks: ``id`` (indexed, fast) and ``body``, the chunk's title and text as
    ``PorterWords`` reads them (not stored)."""

    kind = "tantivy"
    POST_FILTER_DEPTH = 10_000  # the widest unfiltered search a filtered one tries first

    def __init__(self, index, path: Path) -> None:
        tantivy = _tantivy()
        self.path = path
        self.index = index
        self.schema = index.schema
        self.words = PorterWords()
        self.tokens = _analyzer(tantivy)
        self.index.config_reader(reload_policy="manual")  # a snapshot never changes: nothing to watch for
        self.searcher = index.searcher()

    @classmethod
    def build(cls, path: Path, chunks: Iterable[tuple[int, str, str]], heap: int = WRITER_HEAP) -> None:
        tantivy = _tantivy()
        path.mkdir()
        index = tantivy.Index(_schema(tantivy), path=str(path), reuse=False)
        index.register_tokenizer(TOKENIZER, _analyzer(tantivy))
        writer = index.writer(heap_size=heap, num_threads=1)  # one thread: the same segments on every build
        words = PorterWords()
        for cid, title, text in chunks:
            writer.add_document(tantivy.Document(id=int(cid), body=" ".join(words(f"{title}\n{text}"))))
        writer.commit()
        writer.wait_merging_threads()

    @classmethod
    def open(cls, path: Path, chunks: int | None = None) -> TantivyKeywords:
        tantivy = _tantivy()
        rebuild = "run `qa ingest` to rebuild it"
        if not (path / "meta.json").is_file():
            raise IndexIncompatible(f"the snapshot's keyword index {path} is missing: {rebuild}")
        try:
            index = tantivy.Index.open(str(path))
            index.register_tokenizer(TOKENIZER, _analyzer(tantivy))
            opened = cls(index, path)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # a damaged segment file is a Rust panic (pyo3's PanicException)
            raise IndexIncompatible(f"the snapshot's keyword index {path} is damaged ({str(exc)[:200]}): "
                                    f"{rebuild}") from None
        if chunks is not None and opened.searcher.num_docs != chunks:
            raise IndexIncompatible(f"the snapshot's keyword index {path} holds {opened.searcher.num_docs:,} chunks "
                                    f"but the snapshot has {chunks:,}: {rebuild}")
        return opened

    def query(self, question: str):
        """OR over each content word's stem in the chunk's title and text (a phrase where a word stems to several
        tokens)."""
        tantivy = _tantivy()
        clauses = []
        for word in query_words(question):
            tokens = self.tokens.analyze(" ".join(self.words(word)))
            if tokens:
                q = (tantivy.Query.term_query(self.schema, "body", tokens[0]) if len(tokens) == 1
                     else tantivy.Query.phrase_query(self.schema, "body", tokens))
                clauses.append((tantivy.Occur.Should, q))
        return tantivy.Query.boolean_query(clauses) if clauses else None

    def search_batch(self, questions: Sequence[str], k: int,
                     allowed: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """With ``allowed``, each question first takes the unfiltered top ``k / share · 3`` (``share``: the allowed
        part of the index; at most ``POST_FILTER_DEPTH``) and keeps the allowed ones in order: exact once ``k`` are
        kept or every match was seen, since tantivy ranks by score, then by document. Otherwise (a narrow filter, or
        allowed chunks that rank low) the query is intersected with a term-set query on ``id``, built once for
        the batch: exact, but it scores every allowed match."""
        _check_k(k)
        if allowed is not None and not len(allowed):
            return [[] for _ in questions]
        n = self.searcher.num_docs
        keep = depth = None
        if allowed is not None:
            keep = np.zeros(n, dtype=bool)
            keep[allowed[(allowed >= 0) & (allowed < n)]] = True
            depth = min(n, max(k, int(np.ceil(3 * k * n / max(1, int(keep.sum()))))))
        only = None
        out = []
        for question in questions:
            query = self.query(question)
            if query is None:
                out.append([])
                continue
            if keep is None:
                out.append(self._top(query, k))
                continue
            if depth <= self.POST_FILTER_DEPTH:
                wide = self._top(query, depth)
                hits = [(cid, score) for cid, score in wide if keep[cid]][:k]
                if len(hits) == k or len(wide) < depth:
                    out.append(hits)
                    continue
            tantivy = _tantivy()
            if only is None:
                ids = tantivy.Query.term_set_query(self.schema, "id", np.flatnonzero(keep).tolist())
                only = tantivy.Query.const_score_query(ids, 0.0)  # scores stay the query's own
            out.append(self._top(tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                                              (tantivy.Occur.Must, only)]), k))
        return out

    def _top(self, query, k: int) -> list[tuple[int, float]]:
        hits = self.searcher.search(query, k, count=False).hits
        ids = self.searcher.fast_field_values("id", [address for _, address in hits])
        return [(int(cid), float(score)) for (score, _), cid in zip(hits, ids)]

    def search(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        return self.search_batch([question], k, allowed)[0]

    def close(self) -> None:
        self.searcher = self.index = None  # tantivy unmaps the files when the last reference goes


def _check_k(k: int) -> None:
    if k <= 0:
        raise ValueError(f"k must be greater than 0, got {k}")


def _schema(tantivy):
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_text_field("body", tokenizer_name=TOKENIZER)
    return builder.build()


def _analyzer(tantivy):
    """tantivy's side of the analysis: split at spaces, leave out over-long tokens."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.remove_long(MAX_TERM_BYTES)).build())


def _tantivy():
    try:
        import tantivy
    except ImportError:
        raise ConfigError("QA_KEYWORD_INDEX=tantivy needs the tantivy package: install it (pip install tantivy), "
                          "or set QA_KEYWORD_INDEX=fts5 and run `qa ingest`") from None
    return tantivy
