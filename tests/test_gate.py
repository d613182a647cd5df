"""The model gate (issue 13, item 5): at most QA_MODEL_WORKERS model calls at once, whatever the request count."""

from __future__ import annotations

import threading
import time

import pytest

from qa.gate import Gate, GatedEmbedder, GatedReader, model_threads


class SlowModel:
    """Records how many of its calls overlap."""

    name, dim = "slow", 3

    def __init__(self) -> None:
        self.running = self.most = 0
        self.lock = threading.Lock()

    def embed_batch(self, texts):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self.lock:
            self.running -= 1
        return texts

    read_batch = embed_batch

    def count_tokens(self, texts):
        return [len(t) for t in texts]


@pytest.mark.parametrize("workers", [1, 2])
def test_no_more_than_workers_model_calls_run_at_once(workers):
    model, gate = SlowModel(), Gate(workers)
    embedder, reader = GatedEmbedder(model, gate), GatedReader(model, gate)
    calls = [threading.Thread(target=(embedder.embed_batch if i % 2 else reader.read_batch), args=(["q"],))
             for i in range(12)]
    for t in calls:
        t.start()
    for t in calls:
        t.join()
    assert model.most == workers
    assert embedder.count_tokens(["abc"]) == [3] and embedder.name == "slow"


def test_threads_per_call_share_the_cores(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert [model_threads(w) for w in (1, 2, 3, 8, 16)] == [8, 4, 2, 1, 1]
    with pytest.raises(ValueError):
        Gate(0)


def test_the_service_gates_its_embedder_and_reader(built_index):
    service = built_index.service
    assert isinstance(service.embedder, GatedEmbedder)
    assert isinstance(service.answerer.reader, GatedReader)
    answer = service.ask("How many organisations make up the county's anti-slavery partnership?")
    assert answer.citations
