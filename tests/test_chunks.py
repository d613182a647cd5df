"""releases → chunks: properties of sentence-aware chunking, and the real tokenizer's limit."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.chunks import PARALLEL_MIN, SPECIAL_TOKENS, Chunker, sentences, sentences_of, word_counter
from qa.releases import Release, load_corpus

from conftest import REAL_MODEL, SAMPLE_CORPUS

WORDS = ["police", "officers", "arrested", "a", "man", "in", "Stevenage", "on", "Monday", "after", "reports",
         "burglary", "the", "12.5", "£1m", "Mr.", "Dr.", "St.", "Albans", "said", "“we", "are", "grateful”",
         "(PCSOs)", "e.g.", "U.K.", "2019/20", "—", "anti-social", "behaviour", "www.herts.police.uk",
         "investigation", "continuing", "and"]

sentence = st.builds(
    lambda first, rest, end: " ".join([first.capitalize(), *rest]) + end,
    st.sampled_from(WORDS), st.lists(st.sampled_from(WORDS), min_size=0, max_size=40),
    st.sampled_from([".", "?", "!", ".”", "", ":"]))
paragraph = st.lists(sentence, min_size=1, max_size=5).map(" ".join)
body = st.lists(paragraph, min_size=1, max_size=4).map(lambda ps: "\n\n".join(ps))
title = st.lists(st.sampled_from(WORDS), min_size=1, max_size=24).map(" ".join)
budget = st.integers(min_value=32, max_value=96)

PROPS = settings(max_examples=int(os.environ.get("QA_HYPOTHESIS_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def release(text: str, heading: str = "Title") -> Release:
    return Release(id="r", title=heading, body=text, source="r.txt")


def nonspace(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if not text[i].isspace()}


@PROPS
@given(body)
def test_sentences_cover_every_character_once(text):
    spans = sentences(text)
    covered = [i for s in spans for i in range(s.start, s.end) if not text[i].isspace()]
    assert sorted(covered) == sorted(nonspace(text, 0, len(text)))
    assert len(covered) == len(set(covered))
    assert all(text[s.start:s.end] == text[s.start:s.end].strip() and s.end > s.start for s in spans)


@PROPS
@given(body, title, budget)
def test_every_sentence_lands_in_a_chunk(text, heading, max_tokens):
    chunks = Chunker(word_counter, max_tokens).chunk(release(text, heading))
    room = max_tokens - SPECIAL_TOKENS - len(heading.split())
    for s in sentences(text):
        inside = [c for c in chunks if c.start <= s.start and s.end <= c.end]
        if len(text[s.start:s.end].split()) < room // 2:
            assert inside, f"sentence {text[s.start:s.end]!r} is in no chunk"
    covered = set().union(*(nonspace(text, c.start, c.end) for c in chunks))
    assert covered == nonspace(text, 0, len(text))


@PROPS
@given(body, title, budget)
def test_chunk_text_is_its_body_span(text, heading, max_tokens):
    chunks = Chunker(word_counter, max_tokens).chunk(release(text, heading))
    assert chunks
    for seq, c in enumerate(chunks):
        assert c.seq == seq and c.release_id == "r"
        assert c.text == text[c.start:c.end] and c.text.strip() == c.text and c.text
        assert c.embed_text == f"{c.title}\n{c.text[c.own:]}" and c.text[c.own:].strip()


@PROPS
@given(body, title, budget, st.integers(0, 3))
def test_consecutive_chunks_overlap_by_at_most_the_overlap(text, heading, max_tokens, overlap):
    chunks = Chunker(word_counter, max_tokens, overlap=overlap).chunk(release(text, heading))
    spans = sentences(text)
    for a, b in zip(chunks, chunks[1:]):
        assert a.start < b.start and a.end < b.end
        shared = [s for s in spans if b.start <= s.start and s.end <= a.end]
        assert len(shared) <= overlap
        if overlap == 0:
            assert b.start >= a.end
        if b.start < a.end:  # the overlap is a whole sentence (or a piece of an over-long one)
            assert b.start in {s.start for s in spans} or any(s.start < b.start < s.end for s in spans)


@PROPS
@given(body, title, budget, st.integers(0, 3))
def test_every_character_is_embedded_once_whatever_the_overlap(text, heading, max_tokens, overlap):
    chunks = Chunker(word_counter, max_tokens, overlap=overlap).chunk(release(text, heading))
    embedded = [i for c in chunks for i in nonspace(text, c.start + c.own, c.end)]
    assert sorted(embedded) == sorted(nonspace(text, 0, len(text)))
    assert all(c.own == 0 for c in chunks if c.seq == 0)


@PROPS
@given(body, title, budget)
def test_no_embedded_text_exceeds_the_budget(text, heading, max_tokens):
    for c in Chunker(word_counter, max_tokens).chunk(release(text, heading)):
        assert word_counter([c.embed_text])[0] + SPECIAL_TOKENS <= max_tokens


@pytest.mark.parametrize("text", [
    "Dr. Smith met Insp. Jones at 10.30am on Tues. 14 March. They spoke for 2.5 hours.",
    "“We are delighted,” said the PCC. “This is a great day for Cleveland.” He added: thanks.",
    "Call 101 or visit www.durham.police.uk. Arrests rose by 12.5% (from 1,024 to 1,152)... Good.",
    "Operation Sceptre ran from Mon 1 Nov – Sun 7 Nov. i.e. one week. U.K. forces took part.",
])
def test_sentences_are_pysbds_own(text):
    import pysbd

    # the processor's sentences, found in the text here, are the ones Segmenter.segment gives
    expected = [x.strip() for x in pysbd.Segmenter(language="en", clean=False).segment(text) if x.strip()]
    assert [text[s.start:s.end] for s in sentences(text)] == expected


def test_budget_below_minimum_is_refused():
    with pytest.raises(ValueError, match="at least 32, got 8"):
        Chunker(word_counter, 8)


def test_empty_body_gives_no_chunks():
    assert Chunker(word_counter, 64).chunk(release("  \n\n ")) == []


@pytest.mark.parametrize("overlap", [1, 2])
def test_sentence_overlap_on_a_simple_body(overlap):
    text = " ".join(f"Sentence number {n} has exactly seven words." for n in range(10))
    chunks = Chunker(word_counter, 32, overlap=overlap).chunk(release(text, "T"))
    assert len(chunks) > 2
    for a, b in zip(chunks, chunks[1:]):
        shared = ".".join(b.text.split(".")[:overlap]) + "."
        assert a.text.endswith(shared)
        assert not a.text.endswith(".".join(b.text.split(".")[:overlap + 1]) + ".")


def test_no_overlap_cuts_a_simple_body_into_consecutive_chunks():
    text = " ".join(f"Sentence number {n} has exactly seven words." for n in range(10))
    chunks = Chunker(word_counter, 32).chunk(release(text, "T"))
    assert len(chunks) > 2
    assert " ".join(c.text for c in chunks) == text


def test_negative_overlap_is_refused():
    with pytest.raises(ValueError, match="0 or more sentences, got -1"):
        Chunker(word_counter, 64, overlap=-1)


@pytest.mark.slow
def test_no_sample_chunk_exceeds_the_model_limit():
    from qa.vectors import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(REAL_MODEL)
    limit = 256
    assert embedder.max_tokens == limit
    releases = load_corpus([SAMPLE_CORPUS], SAMPLE_CORPUS).releases
    long_title = Release(id="long", title="Police update on the investigation " * 60, source="x.txt",
                         body="Officers said " + "the investigation is continuing " * 300 + ".\n\n"
                              + "A second paragraph follows. " * 50)
    chunker = Chunker(embedder.count_tokens, limit, embedder.token_offsets)
    chunks = [c for r in [*releases, long_title] for c in chunker.chunk(r)]
    assert len(chunks) > len(releases)
    pieces = embedder.tokenizer([c.embed_text for c in chunks], add_special_tokens=True)["input_ids"]
    worst = max(len(p) for p in pieces)
    assert worst <= limit, f"a chunk has {worst} word pieces"
    assert worst > limit * 0.6  # chunks are packed, not tiny


def test_sentences_split_in_worker_processes_are_the_ones_split_here():
    texts = [f"Release {n}. Officers made {n} arrests in Watford on Tuesday. Mr. Smith, 45, was charged.\n"
             f"Call 101 quoting crime reference {n}/2024. The inquiry continues." for n in range(PARALLEL_MIN + 5)]
    here = sentences_of(texts, processes=1)
    assert sentences_of(texts, processes=2) == here
    assert [list(s) for s in here] == [sentences(t) for t in texts]


def test_a_batch_of_releases_chunks_as_each_release_alone():
    releases = [release(" ".join(f"Sentence {n} of release {k} has seven words." for n in range(12)), f"T{k}")
                for k in range(PARALLEL_MIN + 1)]
    chunker = Chunker(word_counter, 32, overlap=1, processes=2)
    assert chunker.chunk_batch(releases) == [chunker.chunk(r) for r in releases]


def test_sentences_are_split_here_when_worker_processes_cannot_start(monkeypatch):
    import multiprocessing

    def no_fork_server(method=None):
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(multiprocessing, "get_context", no_fork_server)
    texts = [f"Release {n}. It has two sentences." for n in range(PARALLEL_MIN)]
    assert sentences_of(texts, processes=2) == sentences_of(texts, processes=1)
