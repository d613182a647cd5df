"""Where the embedding model runs (QA_DEVICE): auto, cpu or a CUDA GPU, with a clear error when there is none;
and in which number format (QA_EMBED_DTYPE)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from pydantic import ValidationError

from qa.errors import ConfigError
from qa.settings import Settings
from qa.vectors import (EmbeddingCache, SentenceTransformerEmbedder, embed_with_cache, make_embedder, resolve_device,
                        resolve_dtype)

HAS_CUDA = torch.cuda.is_available()


def test_auto_is_the_gpu_when_torch_sees_one_else_the_cpu():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if HAS_CUDA else "cpu")


@pytest.mark.skipif(HAS_CUDA, reason="this machine has a CUDA GPU")
@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_asking_for_a_gpu_that_is_not_there_says_what_to_set(device):
    with pytest.raises(ConfigError, match=f"QA_DEVICE={device} but torch sees no CUDA GPU.*auto or cpu"):
        resolve_device(device)
    embedder = SentenceTransformerEmbedder("all-MiniLM-L6-v2", device=device)  # nothing loads until first use
    with pytest.raises(ConfigError, match="sees no CUDA GPU"):
        embedder.embed_batch(["Police appeal for witnesses."])


@pytest.mark.parametrize("device", ["gpu", "CUDA", "cuda:x", ""])
def test_a_device_setting_that_names_no_device_is_refused(device):
    with pytest.raises(ValidationError, match="device"):
        Settings(device=device)


def test_each_device_gets_its_own_shared_embedder():
    cpu = make_embedder("all-MiniLM-L6-v2", 32, "cpu")
    assert make_embedder("all-MiniLM-L6-v2", 32, "cpu") is cpu
    assert make_embedder("all-MiniLM-L6-v2", 32, "auto") is not cpu
    assert cpu.device == "cpu"


# -- the number format (QA_EMBED_DTYPE) --------------------------------------------------------------------------
@pytest.mark.parametrize(("caps", "expected"), [
    ({"avx512_bf16": True, "amx_bf16": False}, "bfloat16"),
    ({"avx512_bf16": False, "amx_bf16": True}, "bfloat16"),
    ({"avx512_bf16": False, "amx_bf16": False}, "float32"),
    ({}, "float32"),
])
def test_auto_computes_in_bfloat16_only_where_the_cpu_has_it(caps, expected):
    assert resolve_dtype("auto", "cpu", caps) == expected
    assert resolve_dtype("float32", "cpu", caps) == "float32"
    assert resolve_dtype("bfloat16", "cpu", caps) == "bfloat16"


@pytest.mark.parametrize("dtype", ["fp16", "bf16", "float16", ""])
def test_a_number_format_the_embedder_cannot_use_is_refused(dtype):
    with pytest.raises(ValidationError, match="embed_dtype"):
        Settings(embed_dtype=dtype)


def test_bfloat16_vectors_are_float32_unit_vectors_close_to_the_float32_ones_and_cached_apart(tmp_path):
    texts = ["Police appeal for witnesses after a collision on the A1 in Durham on Tuesday.",
             "The Police and Crime Commissioner has set the budget for 2025, including 40 more officers.",
             "A 34-year-old man was arrested."]
    full = make_embedder("all-MiniLM-L6-v2", 32, "cpu", "float32")
    half = make_embedder("all-MiniLM-L6-v2", 32, "cpu", "bfloat16")
    a, b = full.embed_batch(texts), half.embed_batch(texts)
    assert b.dtype == np.float32 and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert float((a * b).sum(1).min()) > 0.999
    assert not np.array_equal(a, b)  # really computed in bfloat16
    assert full.cache_name == "all-MiniLM-L6-v2" and half.cache_name == "all-MiniLM-L6-v2@bfloat16"
    assert half.name == full.name  # the snapshot's model: an index of either format serves the other

    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    embed_with_cache(full, texts, cache)
    again, embedded = embed_with_cache(half, texts, cache)
    assert embedded == len(texts) and np.array_equal(again, b)
    _, embedded = embed_with_cache(half, texts, cache)
    assert embedded == 0
