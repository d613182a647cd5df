"""Where the embedding model runs (QA_DEVICE): auto, cpu or a CUDA GPU, with a clear error when there is none."""

from __future__ import annotations

import pytest
import torch
from pydantic import ValidationError

from qa.errors import ConfigError
from qa.settings import Settings
from qa.vectors import SentenceTransformerEmbedder, make_embedder, resolve_device

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
