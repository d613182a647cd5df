"""releases → chunks: sentence-aware passages sized in the embedding model's own tokens.

Sentences come from pysbd, line by line (a line of a release body is a paragraph, so no
sentence crosses one). Sentences are packed greedily into a chunk while the embedded
text — ``"{title}\n{chunk}"`` plus the model's two special tokens — stays within
``max_tokens`` word pieces, so nothing is truncated when embedded. With ``overlap=n``,
each chunk after the first of a release starts with up to the last ``n`` sentences of the
chunk before it, as many as fit beside the next sentence (``QA_CHUNK_OVERLAP``; see
qa.settings for the default and why). A title longer than half the budget
is cut to that half in the embedded text, so the body always has room. A sentence longer
than the budget on its own is cut into token windows at word-piece offsets. Chunks never cross a release:
each knows its release and the character span ``body[start:end]`` that it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from qa.releases import Release

TokenCounter = Callable[[Sequence[str]], list[int]]
SPECIAL_TOKENS = 2  # [CLS] and [SEP]
SAFETY = 4  # word pieces kept free: joining sentences can tokenise a little differently


@dataclass(frozen=True)
class Chunk:
    release_id: str
    seq: int
    start: int
    end: int
    text: str
    title: str

    @property
    def embed_text(self) -> str:
        return f"{self.title}\n{self.text}"


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
        for piece in _segmenter().segment(line):
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


class Chunker:
    """Cuts releases into chunks of at most ``max_tokens`` embedded word pieces."""

    def __init__(self, count_tokens: TokenCounter, max_tokens: int = 256,
                 token_offsets: Callable[[str], list[tuple[int, int]]] | None = None, overlap: int = 0) -> None:
        if max_tokens < 32:
            raise ValueError(f"max_tokens must be at least 32, got {max_tokens}")
        if overlap < 0:
            raise ValueError(f"overlap must be 0 or more sentences, got {overlap}")
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.token_offsets = token_offsets
        self.overlap = overlap

    def chunk_batch(self, releases: Sequence[Release]) -> list[list[Chunk]]:
        return [self.chunk(r) for r in releases]

    def chunk(self, release: Release) -> list[Chunk]:
        body = release.body
        spans = sentences(body)
        if not spans:
            return []
        room = self.max_tokens - SPECIAL_TOKENS - SAFETY
        title = self._fit_title(release.title, room // 2)
        budget = room - self.count_tokens([title])[0] - 1
        spans = self._split_long(body, spans, budget)
        lengths = self.count_tokens([body[s.start:s.end] for s in spans])
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
        return [
            Chunk(release.id, seq, spans[a].start, spans[b].end, body[spans[a].start:spans[b].end], title)
            for seq, (a, b) in enumerate(pieces)
        ]

    def _fit_title(self, title: str, limit: int) -> str:
        """The title as embedded: cut to ``limit`` word pieces (half the room), so text always fits."""
        if self.count_tokens([title])[0] <= limit:
            return title
        if self.token_offsets is not None:
            return title[:self.token_offsets(title)[limit][0]].rstrip()
        return " ".join(title.split()[:limit])

    def _split_long(self, body: str, spans: list[Sentence], budget: int) -> list[Sentence]:
        lengths = self.count_tokens([body[s.start:s.end] for s in spans])
        out: list[Sentence] = []
        for span, n in zip(spans, lengths):
            if n <= budget:
                out.append(span)
                continue
            out.extend(self._windows(body, span, budget))
        return out

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
