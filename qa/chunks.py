"""releases → chunks: sentence-aware passages sized in the embedding model's own tokens.

Sentences come from pysbd, line by line (a line of a release body is a paragraph, so no
sentence crosses one): its processor's sentences (``Segmenter.processor(line).process()``),
which this module finds in the text itself. ``Segmenter.segment`` would search for each
sentence with a regular expression compiled for it alone, which also pushes pysbd's own
patterns out of ``re``'s cache: the same sentences (checked on 7,256 texts of SciFact, SQuAD
and the sample corpus, and by a test) in two thirds of the time.

Sentences are packed greedily into a chunk while the embedded
text — ``"{title}\n{chunk}"`` plus the model's two special tokens — stays within
``max_tokens`` word pieces, so nothing is truncated when embedded. With ``overlap=n``,
each chunk after the first of a release starts with up to the last ``n`` sentences of the
chunk before it, as many as fit beside the next sentence (``QA_CHUNK_OVERLAP``; see
qa.settings for the default and why). The overlap is context: the chunk's text (what the
reader reads, BM25 indexes and a citation shows) holds it, but the embedded text does
not (``Chunk.own``, ``Chunk.embed_text``): every sentence is embedded once, in the chunk
it is new in. On SciFact train that keeps the hybrid nDCG@10 of embedding the overlap
(0.732 against 0.733; 0.729 with no overlap at all) and embeds no sentence twice.

A title longer than half the budget is cut to that half in the embedded text, so the body
always has room. A sentence longer than the budget on its own is cut into token windows at
word-piece offsets. Chunks never cross a release: each knows its release and the character
span ``body[start:end]`` that it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.releases import Release

TokenCounter = Callable[[Sequence[str]], list[int]]
SPECIAL_TOKENS = 2  # [CLS] and [SEP]
# Changes when the same settings cut or embed chunks differently, so indexes built before are rebuilt
# (it is part of the ingest fingerprint). 2: the overlap is no longer embedded.
VERSION = 2
SAFETY = 4  # word pieces kept free: joining sentences can tokenise a little differently


@dataclass(frozen=True)
class Chunk:
    release_id: str
    seq: int
    start: int
    end: int
    text: str
    title: str
    own: int = 0  # where, in ``text``, the sentences not shared with the chunk before begin

    @property
    def embed_text(self) -> str:
        """What the embedding model reads: the title and the chunk's own sentences (not the overlap)."""
        return f"{self.title}\n{self.text[self.own:]}"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentences(text: str) -> list[Sentence]:
    """Sentence spans of ``text``: every non-space character lies in exactly one."""
    return list(_sentences(text))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[Sentence, ...]:
    # Memoised: pysbd reads only some 30-90 kB/s, and a process (tests, the server's
    # sentence reranker, repeated ingests) meets the same unchanged texts again and again.
    spans: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        cursor = line_start
        for piece in _segmenter().processor(line).process():
            piece = piece.strip()
            if not piece:
                continue
            at = text.find(piece, cursor, line_start + len(line))
            if at < 0:  # pysbd changed the text; fall back to the rest of the line
                break
            if at > cursor and text[cursor:at].strip() and spans and spans[-1].start >= line_start:
                spans[-1] = Sentence(spans[-1].start, at)  # stray characters join the sentence before
            spans.append(Sentence(at, at + len(piece)))
            cursor = at + len(piece)
        rest = text[cursor:line_start + len(line)]
        if rest.strip():
            lead = len(rest) - len(rest.lstrip())
            spans.append(Sentence(cursor + lead, line_start + len(line.rstrip())))
    return tuple(spans)


def chunking_key(model: str, max_tokens: int, overlap: int) -> str:
    """What decides how a release is chunked and embedded, for an index's fingerprint: an index built under
    another key must be rebuilt."""
    return f"{model}\0{max_tokens}\0{overlap}\0{VERSION}"


# Below this many releases the sentences are split in this process: starting workers costs more than it saves.
PARALLEL_MIN = 256


def sentences_of(texts: Sequence[str], processes: int = 1) -> list[tuple[Sentence, ...]]:
    """:func:`sentences` of each text, split over ``processes`` worker processes when there are enough texts
    to pay for starting them (pysbd is pure Python, the ingest's slowest step outside the model). The workers
    are started by a fork server, so they inherit no threads or model (a script that calls this needs the
    usual ``if __name__ == "__main__":`` guard); if they cannot start, the texts are split here."""
    if processes < 2 or len(texts) < PARALLEL_MIN:
        return [_sentences(t) for t in texts]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("forkserver")) as pool:
            return list(pool.map(_sentences, texts, chunksize=max(1, len(texts) // (processes * 8))))
    except (OSError, ValueError, BrokenProcessPool):  # ValueError: no fork server on this platform
        return [_sentences(t) for t in texts]


class Chunker:
    """Cuts releases into chunks of at most ``max_tokens`` embedded word pieces."""

    def __init__(self, count_tokens: TokenCounter, max_tokens: int = 256,
                 token_offsets: Callable[[str], list[tuple[int, int]]] | None = None, overlap: int = 0,
                 processes: int = 1) -> None:
        if max_tokens < 32:
            raise ValueError(f"max_tokens must be at least 32, got {max_tokens}")
        if overlap < 0:
            raise ValueError(f"overlap must be 0 or more sentences, got {overlap}")
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.token_offsets = token_offsets
        self.overlap = overlap
        self.processes = processes  # for splitting a batch of releases into sentences (sentences_of)

    @classmethod
    def for_embedder(cls, embedder, max_tokens: int, overlap: int, processes: int = 1) -> Chunker:
        """A chunker that counts (and, where it can, cuts) word pieces with ``embedder``'s own tokenizer."""
        return cls(embedder.count_tokens, max_tokens, getattr(embedder, "token_offsets", None), overlap, processes)

    def chunk_batch(self, releases: Sequence[Release]) -> list[list[Chunk]]:
        split = sentences_of([r.body for r in releases], self.processes)
        return [self.chunk(r, spans) for r, spans in zip(releases, split)]

    def chunk(self, release: Release, spans: Sequence[Sentence] | None = None) -> list[Chunk]:
        """The release's chunks; ``spans``: its body's sentences, when already split."""
        body = release.body
        spans = list(sentences(body) if spans is None else spans)
        if not spans:
            return []
        room = self.max_tokens - SPECIAL_TOKENS - SAFETY
        title = self._fit_title(release.title, room // 2)
        budget = room - self.count_tokens([title])[0] - 1
        spans, lengths = self._split_long(body, spans, budget)
        pieces: list[tuple[int, int]] = []  # (first sentence, last sentence) per chunk
        first, used = 0, 0
        for i, n in enumerate(lengths):
            if i > first and used + n > budget:
                pieces.append((first, i - 1))
                first = i
                # share the chunk's last sentences while they fit beside sentence i; never its first
                while (i - first < self.overlap and first - 1 > pieces[-1][0]
                       and sum(lengths[first - 1:i]) + n <= budget):
                    first -= 1
                used = sum(lengths[first:i])
            used += n
        pieces.append((first, len(spans) - 1))
        owns = [a if seq == 0 else max(a, pieces[seq - 1][1] + 1) for seq, (a, b) in enumerate(pieces)]
        return [
            Chunk(release.id, seq, spans[a].start, spans[b].end, body[spans[a].start:spans[b].end], title,
                  spans[o].start - spans[a].start)
            for seq, ((a, b), o) in enumerate(zip(pieces, owns))
        ]

    def _fit_title(self, title: str, limit: int) -> str:
        """The title as embedded: cut to ``limit`` word pieces (half the room), so text always fits."""
        if self.count_tokens([title])[0] <= limit:
            return title
        if self.token_offsets is not None:
            return title[:self.token_offsets(title)[limit][0]].rstrip()
        return " ".join(title.split()[:limit])

    def _split_long(self, body: str, spans: list[Sentence], budget: int) -> tuple[list[Sentence], list[int]]:
        """The sentences with any longer than ``budget`` cut into windows, and each one's word pieces (the
        sentences are tokenised once; only windows are counted again)."""
        lengths = self.count_tokens([body[s.start:s.end] for s in spans])
        out: list[Sentence] = []
        counts: list[int] = []
        for span, n in zip(spans, lengths):
            if n <= budget:
                out.append(span)
                counts.append(n)
                continue
            windows = self._windows(body, span, budget)
            out.extend(windows)
            counts.extend(self.count_tokens([body[w.start:w.end] for w in windows]))
        return out, counts

    def _windows(self, body: str, span: Sentence, budget: int) -> list[Sentence]:
        text = body[span.start:span.end]
        if self.token_offsets is not None:
            offsets = self.token_offsets(text)
            cuts = [offsets[i][0] for i in range(budget, len(offsets), budget)]
        else:  # word windows, for token counters without offsets
            words, cuts, pos = text.split(" "), [], 0
            for i, w in enumerate(words):
                if i and i % budget == 0:
                    cuts.append(pos)
                pos += len(w) + 1
        bounds = [0, *cuts, len(text)]
        windows = []
        for a, b in zip(bounds, bounds[1:]):
            piece = text[a:b]
            if piece.strip():  # a window neither starts nor ends with a space
                a, b = a + len(piece) - len(piece.lstrip()), b - (len(piece) - len(piece.rstrip()))
                windows.append(Sentence(span.start + a, span.start + b))
        return windows


def word_counter(texts: Sequence[str]) -> list[int]:
    """A token counter that counts words: for tests and for models without a tokenizer."""
    return [len(t.split()) for t in texts]
