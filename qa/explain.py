"""passages → answer, explained: a trace of every stage for one question, ending in a verdict.

``qa ask --explain`` and ``"explain": true`` in ``/api/ask`` add a :class:`Trace` to the
answer. Nothing here runs unless it is asked for: the plain path computes no trace.

The trace holds

* the question analysis: the expected answer type, the focus noun, the constraints;
* retrieval: the top candidates of the dense and the BM25 retrievers, each with its
  score and rank, and the fused ranking (RRF) with each chunk's rank in both;
* the question's content words: which retrieved passages hold each, and in how many
  chunks of the whole index it occurs (0: nowhere in the releases);
* the answerer: its candidate spans (the reader) or sentences (the sentence picker) with
  their scores, every check each one passed or failed, the calibrated probability, the
  threshold and the margin by which the chosen candidate cleared or missed it;
* a one-line verdict naming the stage to look at.

With ``expect`` (the answer the user knows is right: ``qa ask --explain --expect
"157"``), the verdict follows that text through the stages and names the first one that
lost it: ``corpus`` (no release says it), ``retrieval`` (a release says it but its passage
is not among those read: "retrieval: 'custody visitor' is in release X at rank 14, only
the top 5 are read"), ``reader`` (read, but no candidate span holds it, or another
outscored it), ``checks`` (a candidate holds it but failed a check, or the answerer refused before
reading), ``threshold`` (chosen, but its probability was below the threshold) or
``answered``. Without it, the verdict names the stage that decided: what refused, or for
an answer the weakest point it rests on (question words found nowhere in the releases:
``checks``; a probability within ``CLOSE`` of the threshold: ``threshold``; a passage
below the first: ``reader``).
"""

from __future__ import annotations

import re

from qa.answer import Answer
from qa.answerers import checks, spans
from qa.answerers.extractive import ExtractiveAnswerer, content_words
from qa.pages import area_mentions
from qa.passages import Passage, RetrievalRecord
from qa.questions import Analysis, analyze
from qa.store import STOPWORDS, squash
from qa.trace import (AnswererTrace, CandidateTrace, Check, ConstraintTrace, FusedHit, Hit, QuestionTrace,
                      RetrievalTrace, Trace, Verdict, WordTrace)

SHOWN = 10  # candidates shown per retriever and for the answerer
CLOSE = 0.05  # an answer whose probability clears the threshold by less than this is "a near thing"
# Words that frame a question rather than name its fact ("what is the name of …", "according to …"): their
# absence from the releases says nothing.
FRAME_WORDS = frozenset("""name names named called according percentage percent number amount total kind type sort
many much way ways""".split())


# -- the stages ---------------------------------------------------------------------------------------------
def question_trace(analysis: Analysis) -> QuestionTrace:
    return QuestionTrace(expected=analysis.expected, focus=analysis.focus,
                         constraints=[ConstraintTrace(kind=c.kind, text=c.text, strict=c.strict)
                                      for c in analysis.constraints])


def retrieval_trace(record: RetrievalRecord, store, passages: list[Passage], depth: int) -> RetrievalTrace:
    read = {p.chunk_id for p in passages}
    dense_rank = {cid: r for r, (cid, _) in enumerate(record.dense, 1)}
    bm25_rank = {cid: r for r, (cid, _) in enumerate(record.bm25, 1)}
    ids = {cid for cid, _ in record.dense[:SHOWN]} | {cid for cid, _ in record.bm25[:SHOWN]}
    ids |= {cid for cid, _ in record.fused[:SHOWN]} | read
    rows = store.chunks(sorted(ids))

    def hit(cid: int, rank: int, score: float) -> Hit:
        row = rows.get(cid)
        return Hit(rank=rank, chunk_id=cid, release_id=row["release_id"] if row else "?",
                   title=row["title"] if row else "?", score=score)

    fused = [FusedHit(**hit(cid, r, s["rrf"]).model_dump(), dense_rank=dense_rank.get(cid),
                      bm25_rank=bm25_rank.get(cid), read=cid in read)
             for r, (cid, s) in enumerate(record.fused, 1) if r <= SHOWN or cid in read]
    return RetrievalTrace(dense=[hit(c, r, s) for r, (c, s) in enumerate(record.dense[:SHOWN], 1)],
                          bm25=[hit(c, r, s) for r, (c, s) in enumerate(record.bm25[:SHOWN], 1)],
                          fused=fused, depth=depth, read=len(passages))


def word_traces(question: str, passages: list[Passage], store, filters=None) -> list[WordTrace]:
    words = list(dict.fromkeys(re.sub(r"['’]s$", "", w.lower()) for w in content_words(question)))
    counts = store.term_counts(words, filters)
    out = []
    for w in words:
        stem = spans.stem(w)
        held = [n for n, p in enumerate(passages, 1)
                if re.search(rf"\b{re.escape(stem)}", f"{p.title}\n{p.text}", re.IGNORECASE)]
        out.append(WordTrace(word=w, passages=held, chunks_in_index=counts.get(w, 0)))
    return out


def reader_trace(answerer, decision, passages: list[Passage]) -> AnswererTrace:
    """The reading answerer's candidates, each with the checks it passed or failed."""
    a = decision.analysis
    chosen = decision.chosen
    out = []
    passage_n = {p.chunk_id: n for n, p in enumerate(passages, 1)}
    for c in decision.candidates:  # all of them (the verdict looks through all); the trace keeps SHOWN
        text = c.span.text
        kind = checks.read_as(a, text)
        shape = checks.type_ok(kind, text)
        listed = [Check(name="type", passed=shape, detail=f"expected {kind}"),
                  Check(name="not_a_restatement", passed=not checks.restates(text, a.question, a.constraints)),
                  Check(name="compact", passed=checks.compact(a.expected, text),
                        detail="a figure is a short phrase, not a clause")]
        sentence = c.passage.text[c.sentence[0]:c.sentence[1]]
        listed += [Check(name="near_answer", passed=False, detail=_unsupported(m, sentence)) for m in c.strict_missing]
        listed += [Check(name="in_release", passed=False, detail=f"its release never mentions “{m.text}”")
                   for m in c.topic_missing]
        listed += [Check(name="near_answer", passed=True, detail=f"“{m.text}”: its release was published then")
                   for m in c.by_date]
        if not c.strict_missing and a.strict:
            listed.append(Check(name="near_answer", passed=True, detail=", ".join(m.text for m in a.strict)))
        if not c.topic_missing and a.topic:
            listed.append(Check(name="in_release", passed=True, detail=", ".join(m.text for m in a.topic)))
        out.append(CandidateTrace(text=text, passage=passage_n.get(c.passage.chunk_id, 0), release_id=c.passage.release_id,
                                  score=round(c.span.score, 3), checks=listed, passed=c.passes,
                                  chosen=c is chosen and decision.reason in (None, "below_threshold")))
    p = decision.probability
    threshold = answerer.threshold if answerer.model else None
    return AnswererTrace(name=answerer.name, candidates=out, probability=p, threshold=threshold,
                         margin=None if p is None or threshold is None else round(p - threshold, 4),
                         reason=decision.reason, note=decision.note)


def sentence_trace(answerer: ExtractiveAnswerer, question: str, passages: list[Passage], answer: Answer) -> AnswererTrace:
    """The sentence picker's best sentences and its threshold."""
    scored = answerer.score_sentences(question, passages)
    out = [CandidateTrace(text=s.text, passage=s.passage + 1, release_id=passages[s.passage].release_id,
                          score=round(s.score, 3), passed=s.score >= answerer.threshold, chosen=i == 0 and not answer.abstained,
                          checks=[Check(name="threshold", passed=s.score >= answerer.threshold,
                                        detail=f"score {s.score:.3f} against {answerer.threshold:.3f}"),
                                  Check(name="typed", passed=s.typed, detail="holds the asked-for kind of span")])
           for i, s in enumerate(scored[:SHOWN])]
    best = scored[0].score if scored else None
    return AnswererTrace(name=answerer.name, candidates=out, probability=best, threshold=answerer.threshold,
                         margin=None if best is None else round(best - answerer.threshold, 4),
                         reason=answer.reason, note=answer.note)


# -- the verdict --------------------------------------------------------------------------------------------
def verdict(answer: Answer, retrieval: RetrievalTrace, words: list[WordTrace], trace: AnswererTrace,
            store, filters=None) -> Verdict:
    """The stage that decided, without knowing the right answer."""
    absent = [w.word for w in words if w.chunks_in_index == 0 and w.word not in FRAME_WORDS]
    unread = [w.word for w in words if w.chunks_in_index and not w.passages and w.word not in FRAME_WORDS]
    chosen = next((c for c in trace.candidates if c.chosen), None)
    if answer.abstained:
        if answer.reason != "no_evidence" and not trace.candidates:
            return Verdict(stage="reader", text=f"reader: no answer span in the {retrieval.read} passages read"
                                                + (f"; {_quote(unread)} {_are(unread)} in the index but in none of "
                                                   f"them" if unread else ""))
        if answer.reason == "no_evidence" or not trace.candidates:
            joined = _joined_name(trace.note, words)
            if joined and (by_area := _area_verdict(joined)):
                return by_area
            if joined:
                return Verdict(stage="question", text=f"question: the analysis took “{joined}” as one name; no release "
                                                      f"says it so, but each of its words is in the passages read")
            if absent:
                scope = "the releases the filters allow" if filters else "the releases"
                return Verdict(stage="corpus", text=f"corpus: {_quote(absent)} {_verb(absent, 'appears', 'appear')} "
                                                    f"nowhere in {scope}; "
                                                    f"the refusal is right unless they use other words for it")
            if unread:
                where = _first_release_with(store, unread[0], filters)
                return Verdict(stage="retrieval", text=f"retrieval: {_quote(unread)} {_are(unread)} in the index{where} but in "
                                                       f"none of the {retrieval.read} passages read")
            return Verdict(stage="checks", text=f"checks: {trace.note or 'no passage names what the question asks about'}")
        if answer.reason == "wrong_type":
            best = trace.candidates[0]
            return Verdict(stage="reader", text=f"reader: no candidate span is of the expected type ({trace.note}); "
                                                f"its best was “{_short(best.text)}” in [{best.passage}]")
        if answer.reason == "constraint_missing":
            shaped = ("type", "not_a_restatement", "compact")
            typed = next((c for c in trace.candidates if all(ch.passed for ch in c.checks if ch.name in shaped)),
                         trace.candidates[0])
            failed = [f"{ch.name} ({ch.detail})" if ch.detail else ch.name for ch in typed.checks if not ch.passed]
            return Verdict(stage="checks", text=f"checks: the best candidate of the right type, “{_short(typed.text)}” "
                                                f"in [{typed.passage}], failed: {'; '.join(failed)}")
        if answer.reason == "below_threshold" and chosen is not None and trace.margin is not None:
            return Verdict(stage="threshold", text=f"threshold: “{_short(chosen.text)}” passed every check but scored "
                                                   f"{trace.probability:.3f}, {-trace.margin:.3f} below the threshold "
                                                   f"{trace.threshold:.3f}")
        return Verdict(stage="threshold", text=f"threshold: {trace.note or 'the best evidence was below the threshold'}")
    head = f"answered from [{chosen.passage}] {chosen.release_id}" if chosen else "answered"
    if trace.margin is not None:
        head += f", {trace.margin:+.3f} against the threshold"
    if absent:
        return Verdict(stage="checks", text=f"checks: {_quote(absent)} {_verb(absent, 'appears', 'appear')} nowhere in "
                                            f"the releases, yet the checks let it through ({head}): the asked-for fact "
                                            f"may not be there")
    if trace.margin is not None and 0 <= trace.margin < CLOSE:
        return Verdict(stage="threshold", text=f"threshold: {head}, a near thing: if it is wrong, a slightly higher "
                                               f"threshold would have refused it")
    if chosen and chosen.passage > 1:
        return Verdict(stage="reader", text=f"reader: {head}, not from the best-ranked passage: if it is wrong, look at "
                                            f"the reader's candidates")
    return Verdict(stage="answered", text=f"answered: {head}, every check passed; if it is wrong, the checks and "
                                          f"the threshold let it through (pass --expect to follow the right answer)")


def expect_verdict(expect: str, answer: Answer, record: RetrievalRecord, depth: int, trace: AnswererTrace, store,
                   passages: list[Passage], words: list[WordTrace]) -> Verdict:
    """Follow the expected answer through the stages; name the first that lost it."""
    want = squash(expect)
    said = answer.short_answer.text if answer.short_answer else answer.answer
    if not answer.abstained and _holds(want, said):
        return Verdict(stage="answered", text=f"answered: the answer holds “{expect}”")
    if answer.reason == "no_evidence":
        joined = _joined_name(trace.note, words)
        if joined and (by_area := _area_verdict(joined)):
            return by_area
        if joined:
            return Verdict(stage="question", text=f"question: the analysis took “{joined}” as one name and refused "
                                                  f"before reading; no release says it so, but each of its words is "
                                                  f"in the passages read")
        why = trace.note or "no passage names the question's things"
        return Verdict(stage="checks", text=f"checks: refused before reading, as {why}")
    holding = store.releases_containing(expect, filters=record.filters)
    if not holding:
        scope = "no release the filters allow" if record.filters else "no release"
        return Verdict(stage="corpus", text=f"corpus: {scope} says “{expect}” (in these words)")
    read = [n for n, p in enumerate(passages, 1) if _holds(want, p.text)]
    if not read:
        rows = store.chunks([cid for cid, _ in record.fused])
        ranked = next(((r, rows[cid]["release_id"]) for r, (cid, _) in enumerate(record.fused, 1)
                       if cid in rows and rows[cid]["release_id"] in holding and _holds(want, rows[cid]["text"])), None)
        where = (f"release {ranked[1]} at rank {ranked[0]}" if ranked
                 else f"release {holding[0]}, outside the top {depth} of both retrievers")
        return Verdict(stage="retrieval", text=f"retrieval: “{expect}” is in {where}; only the top {len(passages)} "
                                               f"passages are read")
    held = [c for c in trace.candidates if _holds(want, c.text)]
    if not held:
        best = trace.candidates[0].text if trace.candidates else "none"
        return Verdict(stage="reader", text=f"reader: “{expect}” is in passage [{read[0]}] but no candidate holds it "
                                            f"(its best: “{_short(best)}”)")
    c = held[0]
    failed_checks = [ch.name for ch in c.checks if not ch.passed]
    if failed_checks == ["compact"]:
        return Verdict(stage="reader", text=f"reader: the candidate “{_short(c.text)}” in [{c.passage}] holds "
                                            f"“{expect}” but its span runs on past it, so the compact check rightly "
                                            f"refused it as a clause: the span's boundary is at fault")
    if not c.passed:
        failed = "; ".join(f"{ch.name} ({ch.detail})" if ch.detail else ch.name for ch in c.checks if not ch.passed)
        return Verdict(stage="checks", text=f"checks: the candidate “{_short(c.text)}” in [{c.passage}] failed {failed}")
    if not c.chosen:
        top = next((x for x in trace.candidates if x.chosen), None)
        if top is not None:
            return Verdict(stage="reader", text=f"reader: “{_short(c.text)}” passed the checks but scored {c.score} "
                                                f"below the chosen “{_short(top.text)}” ({top.score})")
    if c.chosen and not answer.abstained:
        return Verdict(stage="answered", text=f"answered: “{_short(c.text)}” holds “{expect}”; the short answer is "
                                              f"“{_short(said)}”")
    if answer.abstained and trace.margin is not None and trace.margin < 0:
        return Verdict(stage="threshold", text=f"threshold: “{_short(c.text)}” passed every check but scored "
                                               f"{trace.probability:.3f}, {-trace.margin:.3f} below the threshold")
    return Verdict(stage="reader", text=f"reader: “{_short(c.text)}” held it but the answer did not use it "
                                        f"({answer.reason or 'answered otherwise'})")


def refusal_verdict(answer: Answer, words: list[WordTrace], trace: AnswererTrace) -> Verdict:
    """The user knows the releases don't say: if it answered anyway, what let the answer through."""
    if answer.abstained:
        return Verdict(stage="answered", text=f"answered: refused, as expected ({answer.reason or 'no reason given'})")
    absent = [w.word for w in words if w.chunks_in_index == 0 and w.word not in FRAME_WORDS]
    chosen = next((c for c in trace.candidates if c.chosen), None)
    what = f"“{_short(chosen.text)}” in [{chosen.passage}]" if chosen else "its answer"
    if absent:
        return Verdict(stage="checks", text=f"checks: {_quote(absent)} {_verb(absent, 'appears', 'appear')} nowhere in "
                                            f"the releases, yet every check passed {what}: none asks that the "
                                            f"question's own words be found near the answer")
    if trace.margin is not None and trace.margin < CLOSE:
        return Verdict(stage="threshold", text=f"threshold: {what} cleared the threshold by only {trace.margin:+.3f}")
    passed = ", ".join(f"{ch.name} ({ch.detail})" if ch.detail else ch.name
                       for ch in (chosen.checks if chosen else []) if ch.passed)
    margin = f", {trace.margin:+.3f} against the threshold" if trace.margin is not None else ""
    return Verdict(stage="checks", text=f"checks: {what} passed every check ({passed or 'none failed'}){margin}: "
                                        f"the checks did not see that the releases don't say it")


# -- the whole trace ----------------------------------------------------------------------------------------
def explain(question: str, answer: Answer, passages: list[Passage], record: RetrievalRecord, store, answerer,
            depth: int, decision=None, expect: str | None = None, expect_refusal: bool = False,
            timeframe=None) -> Trace:
    analysis = decision.analysis if decision is not None else analyze(question)
    retrieval = retrieval_trace(record, store, passages, depth)
    words = word_traces(question, passages, store, record.filters)
    if decision is not None:
        trace = reader_trace(answerer, decision, passages)
    elif isinstance(answerer, ExtractiveAnswerer):
        trace = sentence_trace(answerer, question, passages, answer)
    else:
        trace = AnswererTrace(name=answer.answerer, reason=answer.reason, note=answer.note or
                              "this answerer shows no candidates")
    if expect:
        v = expect_verdict(expect, answer, record, depth, trace, store, passages, words)
    elif expect_refusal:
        v = refusal_verdict(answer, words, trace)
    else:
        v = verdict(answer, retrieval, words, trace, store, record.filters)
    trace.candidates = trace.candidates[:SHOWN]
    return Trace(question=question_trace(analysis), time=timeframe, retrieval=retrieval, words=words, answerer=trace,
                 expect=expect, expect_refusal=expect_refusal, verdict=v)


def _joined_name(note: str | None, words: list[WordTrace]) -> str | None:
    """The missing name of a no-evidence note ("no release found mentions X") when every word of it is in a
    passage read: the question analysis joined two names, or the releases word it differently."""
    m = re.match(r"no release found mentions (.+)$", note or "")
    if not m:
        return None
    held = {w.word for w in words if w.passages}
    for name in m.group(1).split(", "):
        parts = [re.sub(r"['’]s$", "", x.lower()) for x in re.findall(r"[\w'’\-]+", name)]
        if len(parts) > 1 and all(x in held or x in STOPWORDS for x in parts):
            return name
    return None


def _area_verdict(name: str) -> Verdict | None:
    """For a name that is a force area before a name of its own ("Hertfordshire Special Constabulary"), the checks'
    verdict: the question names the thing as a resident would, and a release about that area calls it by the rest
    ("Special Constabulary"); what refused is the name check's wish for the whole phrase, not the analysis."""
    found = area_mentions(name)
    rest = name[found[0].end():].strip() if found and found[0].start() == 0 else ""
    if not rest:
        return None
    return Verdict(stage="checks", text=f"checks: refused before reading, as no release says “{name}” in these words; "
                                        f"the name check wants the whole phrase, while the passages read say "
                                        f"“{found[0].group(0)}” and the words of “{rest}” apart")


def _holds(want: str, text: str) -> bool:
    """Whether ``text`` holds the squashed ``want`` as whole words ("15" is not in "150 arrests")."""
    return bool(want) and re.search(rf"(?<!\w){re.escape(want)}(?!\w)", squash(text)) is not None


def _first_release_with(store, word: str, filters=None) -> str:
    rid = next(iter(store.releases_containing(word, filters=filters)), None)
    return f" (e.g. release {rid})" if rid else ""


def _verb(words: list[str], one: str, many: str) -> str:
    return one if len(words) == 1 else many


def _are(words: list[str]) -> str:
    return _verb(words, "is", "are")


def _quote(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in words[:4])


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _time_line(frame) -> str:
    """What the question's time words did: "“in 2016” → published 2016-01-01 … 2016-12-31 (narrowed retrieval)"."""
    said = ", ".join(f"“{p}”" for p in frame.phrases)
    parts = []
    if frame.since or frame.until:
        how = "narrowed retrieval" if frame.filtered else (frame.note or "not applied")
        parts.append(f"published {frame.since or '…'} … {frame.until or '…'} ({how})")
    if frame.recent:
        parts.append("the latest releases ranked first and the latest answer preferred")
    return f"{said} → " + "; ".join(parts)


def render_text(t: Trace) -> list[str]:
    """The trace as plain lines, for ``qa ask --explain``."""
    q = t.question
    lines = ["why this answer", f"  question: expects {q.expected}" + (f", about “{q.focus}”" if q.focus else "")]
    lines += [f"    {'strict' if c.strict else 'topic '} {c.kind}: {c.text}" for c in q.constraints]
    if t.time:
        lines.append("  time: " + _time_line(t.time))
    r = t.retrieval
    lines.append(f"  retrieval (each ranks {r.depth} deep; the answerer reads {r.read}):")
    for name, hits in (("dense", r.dense), ("bm25", r.bm25)):
        lines.append(f"    {name}: " + "; ".join(f"{h.rank}. {h.release_id} ({h.score:.3f})" for h in hits[:5]))
    lines.append("    fused (rank: release, rrf, dense rank, bm25 rank):")
    lines += [f"    {'*' if h.read else ' '} {h.rank:>2}. {h.release_id}  rrf {h.score:.4f}  dense {h.dense_rank or '-'}"
              f"  bm25 {h.bm25_rank or '-'}" for h in r.fused]
    lines.append("  question words (passages holding each; chunks in the index):")
    lines += [f"    {w.word}: " + (", ".join(f"[{n}]" for n in w.passages) or "no passage read") +
              f"; {w.chunks_in_index or 'nowhere in the releases'}" for w in t.words]
    a = t.answerer
    lines.append(f"  answerer ({a.name}): " + (f"reason {a.reason}" if a.reason else "answered")
                 + (f"; probability {a.probability:.3f}, threshold {a.threshold:.3f}, margin {a.margin:+.3f}"
                    if a.probability is not None and a.threshold is not None and a.margin is not None else ""))
    if a.note:
        lines.append(f"    note: {a.note}")
    for c in a.candidates:
        failed = [ch for ch in c.checks if not ch.passed]
        mark = "→" if c.chosen else ("✓" if c.passed else "✗")
        lines.append(f"    {mark} “{_short(c.text, 60)}” [{c.passage}] score {c.score}"
                     + (" — failed " + "; ".join(f"{ch.name} ({ch.detail})" if ch.detail else ch.name
                                                 for ch in failed) if failed else ""))
    lines.append(f"  verdict: {t.verdict.text}")
    return lines


def _unsupported(m, sentence: str) -> str:
    """Why a constraint failed near a candidate, as the explain trace says it."""
    if m.kind == "predicate":
        return f"“{m.text}” is not in its own sentence"
    if m.kind == "year" and m.text in sentence:  # :func:`qa.answerers.checks.year_of_other`
        return f"its sentence gives “{m.text}” to another figure"
    return f"“{m.text}” is not in its sentence or the next ones" + ("" if m.strict else ", nor in its release's "
                                                                      "title or lead")
