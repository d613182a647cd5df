"""The generative answerer: any OpenAI-compatible chat endpoint (llama.cpp server, Ollama, vLLM, a hosted API).

Prompts are Jinja templates in ``prompts/`` (``system.j2``, ``answer.j2``), rendered in a
sandboxed environment that fails on a missing variable; passages go in numbered, as
quoted data. The reply is checked here, never trusted:

* a marker ``[n]`` that names no passage is dropped;
* a sentence loses a citation whose passage does not support it: fewer than
  ``min_support`` of the sentence's content words occur in that passage;
* a sentence must be about the question: it, or the passage sentence supporting it,
  shares a content word with the question (so a word copied from an injected
  instruction, "HACKED [3]", is not an answer);
* a sentence left with no citation is dropped; an answer left with no sentence, or one
  that says the releases don't say, becomes an abstention.

Passage text goes into the prompt with ``<``, ``>`` and ``&`` escaped, so no release can
forge or close a ``<passage>`` tag.

When the endpoint is down, slower than ``QA_LLM_TIMEOUT_S``, or replies with garbage,
the extractive answer is returned instead, with ``note`` saying why.
"""

from __future__ import annotations

import re
import time

import httpx
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from qa.answer import Answer, Citation
from qa.answerers import spans
from qa.answerers.extractive import abstention, citation, content_words
from qa.chunks import sentences
from qa.errors import AnswererUnavailable
from qa.passages import Passage
from qa.settings import Settings

MARKER = re.compile(r"\[(\d{1,3})\]")
ABSTAIN = re.compile(r"releases (don'?t|do not) say|passages (don'?t|do not) (say|contain|mention)|no information", re.I)
MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,3}\])+)")
MARKER_GROUP = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})+)\s*\]")  # "[1, 2]" → "[1][2]"


class GenerativeAnswerer:
    name = "openai"

    def __init__(self, settings: Settings, fallback, min_support: float = 0.5,
                 client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.fallback = fallback
        self.min_support = min_support
        self.client = client or httpx.Client(timeout=settings.llm_timeout_s)
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.system = env.from_string((settings.prompts_dir / "system.j2").read_text())
        self.template = env.from_string((settings.prompts_dir / "answer.j2").read_text())

    def messages(self, question: str, passages: list[Passage]) -> list[dict]:
        return [{"role": "system", "content": self.system.render()},
                {"role": "user", "content": self.template.render(question=question, passages=passages)}]

    def complete(self, messages: list[dict]) -> str:
        url = self.settings.llm_base_url.rstrip("/") + "/chat/completions"
        headers = {"Authorization": f"Bearer {self.settings.llm_api_key}"} if self.settings.llm_api_key else {}
        body = {"model": self.settings.llm_model, "messages": messages, "temperature": 0, "max_tokens": 200}
        try:
            reply = self.client.post(url, json=body, headers=headers)
            reply.raise_for_status()
            content = reply.json()["choices"][0]["message"]["content"]
        except httpx.TimeoutException:
            raise AnswererUnavailable(f"the LLM endpoint did not answer within {self.settings.llm_timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise AnswererUnavailable(f"the LLM endpoint failed ({type(exc).__name__}: {exc})") from None
        except (ValueError, KeyError, IndexError, TypeError):
            raise AnswererUnavailable("the LLM endpoint replied with something that is not a chat completion") from None
        if not isinstance(content, str) or not content.strip():
            raise AnswererUnavailable("the LLM endpoint replied with an empty answer")
        return content

    def answer(self, question: str, passages: list[Passage]) -> Answer:
        t0 = time.perf_counter()
        if not passages:
            return abstention(question, passages, answerer=self.name)
        try:
            reply = self.complete(self.messages(question, passages))
        except AnswererUnavailable as exc:
            answer = self.fallback.answer(question, passages)
            answer.note = "; ".join(filter(None, [f"{exc}; this is the {answer.answerer} answer instead", answer.note]))
            return answer
        answer = self.check(question, reply, passages)
        answer.timings_ms["answer"] = (time.perf_counter() - t0) * 1000
        return answer

    def check(self, question: str, reply: str, passages: list[Passage]) -> Answer:
        """Keep only the sentences of ``reply`` whose citations the passages support."""
        reply = MARKER_GROUP.sub(lambda m: "".join(f"[{n}]" for n in re.split(r"\s*[,;]\s*", m.group(1))), reply)
        if ABSTAIN.search(reply) and not MARKER.search(reply):
            return abstention(question, passages, answerer=self.name)
        reply = MARKER_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), reply)  # "arrests. [1]" → "arrests [1]."
        qstems = {spans.stem(w) for w in content_words(question)}
        kept: list[str] = []
        citations: dict[int, Citation] = {}
        renumber: dict[int, int] = {}
        dropped = 0
        reply = reply.strip().replace("\n", " ")
        for s in sentences(reply):
            text = reply[s.start:s.end]
            claim = re.sub(r"\s+([,;:.!?])", r"\1", re.sub(r"\s+", " ", MARKER.sub("", text))).strip()
            cited = [int(m) for m in MARKER.findall(text)]
            good = []
            for n in dict.fromkeys(cited):
                if 1 <= n <= len(passages):
                    where = self.support(claim, passages[n - 1])
                    if where is not None and self.on_topic(claim, passages[n - 1].text[where[0]:where[1]], qstems):
                        good.append((n, where))
            if not good or not claim.strip(" ."):
                dropped += 1
                continue
            markers = ""
            for n, (a, b) in good:
                if n not in renumber:
                    renumber[n] = len(renumber) + 1
                    citations[renumber[n]] = citation(renumber[n], passages[n - 1], a, b)
                markers += f"[{renumber[n]}]"
            kept.append(f"{claim.rstrip(' .')} {markers}.")
        if not kept:
            return abstention(question, passages, note="the LLM's answer had no sentence its passages support",
                              answerer=self.name)
        note = f"{dropped} unsupported sentence(s) removed from the LLM's answer" if dropped else None
        return Answer(question=question, answer=" ".join(kept), abstained=False,
                      citations=[citations[k] for k in sorted(citations)], answerer=self.name, note=note)

    @staticmethod
    def on_topic(claim: str, evidence: str, question_stems: set[str]) -> bool:
        words = {spans.stem(w) for w in content_words(f"{claim} {evidence}")}
        return not question_stems or bool(words & question_stems)

    def support(self, claim: str, passage: Passage) -> tuple[int, int] | None:
        """The span (in the passage) of the sentence best supporting ``claim``, or None if too little overlaps."""
        words = {spans.stem(w) for w in content_words(claim)}
        if not words:
            return None
        best, best_share = None, 0.0
        passage_words = {spans.stem(w) for w in content_words(passage.text)}
        if len(words & passage_words) / len(words) < self.min_support:
            return None
        for s in sentences(passage.text):
            share = len(words & {spans.stem(w) for w in content_words(passage.text[s.start:s.end])}) / len(words)
            if share > best_share:
                best, best_share = (s.start, s.end), share
        return best
