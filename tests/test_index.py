"""vectors → index: exact vs IVF FAISS indexes, filtered search, save and load."""

from __future__ import annotations

import numpy as np
import pytest

from qa.index import FaissIndex, ivf_params

DIM = 64


def clustered(n: int, rng: np.random.Generator, centres: np.ndarray, spread: float = 0.35) -> np.ndarray:
    """Normalised vectors around random centres: shaped like real embeddings, not uniform noise."""
    which = rng.integers(0, len(centres), n)
    vectors = centres[which] + spread * rng.standard_normal((n, centres.shape[1])) / np.sqrt(centres.shape[1])
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((300, DIM))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return clustered(30_000, rng, centres), clustered(300, rng, centres)


@pytest.fixture(scope="module")
def flat(data):
    return FaissIndex.build(data[0])


@pytest.fixture(scope="module")
def ivf(data):
    return FaissIndex.build(data[0], exact_max=2_000)


def recall_at(k: int, approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(e)) / k for a, e in zip(approx[:, :k], exact[:, :k])]))


def test_kind_follows_the_size_formula(flat, ivf, data):
    assert flat.kind == "flat" and flat.nprobe is None
    assert ivf.kind == "ivf"
    nlist, nprobe = ivf_params(len(data[0]))
    assert ivf.index.nlist == nlist == int(4 * np.sqrt(30_000)) and ivf.nprobe == nprobe
    assert 16 <= nprobe < nlist
    assert ivf_params(10) == (16, 16) and ivf_params(10**12)[0] == 65_536
    assert flat.ntotal == ivf.ntotal == 30_000 and flat.dim == ivf.dim == DIM


def test_flat_index_is_exact(flat, data):
    vectors, queries = data
    scores, ids = flat.search(queries, 10)
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    assert recall_at(10, ids, truth) > 0.99
    assert np.all(np.diff(scores, axis=1) <= 1e-6)


def test_ivf_recall_at_10_against_exact(flat, ivf, data):
    queries = data[1]
    _, exact = flat.search(queries, 10)
    _, approx = ivf.search(queries, 10)
    recall = recall_at(10, approx, exact)
    assert recall >= 0.95, f"IVF recall@10 is {recall:.3f}"


@pytest.mark.parametrize("which", ["flat", "ivf"])
def test_search_among_allowed_ids_only(which, flat, ivf, data):
    index = {"flat": flat, "ivf": ivf}[which]
    vectors, queries = data
    allowed = np.random.default_rng(1).choice(len(vectors), 500, replace=False)
    scores, ids = index.search(queries[:50], 10, allowed)
    assert set(ids.ravel()) <= set(allowed.tolist())
    sims = queries[:50] @ vectors[allowed].T
    truth = allowed[np.argsort(-sims, axis=1)[:, :10]]
    assert recall_at(10, ids, truth) >= 0.99  # a filtered IVF search looks in every list


def test_fewer_allowed_than_k_pads_with_minus_one(flat, data):
    allowed = np.array([3, 5, 8])
    _, ids = flat.search(data[1][:2], 10, allowed)
    assert sorted(ids[0][:3].tolist()) == [3, 5, 8] and ids[0][3:].tolist() == [-1] * 7


def test_empty_index_searches_to_nothing():
    index = FaissIndex.build(np.zeros((0, DIM), np.float32))
    scores, ids = index.search(np.ones((2, DIM), np.float32), 5)
    assert (ids == -1).all() and index.ntotal == 0


@pytest.mark.parametrize("which", ["flat", "ivf"])
def test_save_and_load_round_trip(which, flat, ivf, data, tmp_path):
    index = {"flat": flat, "ivf": ivf}[which]
    index.save(tmp_path / "v.faiss")
    loaded = FaissIndex.load(tmp_path / "v.faiss")
    assert (loaded.kind, loaded.nprobe, loaded.ntotal, loaded.dim) == (index.kind, index.nprobe, index.ntotal, DIM)
    a_scores, a_ids = index.search(data[1][:20], 10)
    b_scores, b_ids = loaded.search(data[1][:20], 10)
    assert (a_ids == b_ids).all() and np.allclose(a_scores, b_scores)


# -- IVF-PQ: compressed codes in RAM, exact vectors on disk for re-ranking --------------------------------------

def on_topics(n: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors in 200 clusters, like embeddings of releases on a few hundred topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((200, dim)).astype(np.float32)
    x = centres[rng.integers(0, 200, n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_pq_params_follow_the_documented_formula():
    from qa.index import pq_params

    p = pq_params(10_000_000, 384)
    assert (p.nlist, p.m, p.nprobe, p.train) == (4096, 48, 256, 163_840) and p.factory == "OPQ48,IVF4096,PQ48"
    assert pq_params(1_000, 64).nlist == 256 and pq_params(10**12, 384).nlist == 65_536
    assert pq_params(5_000_000, 100).m == 10  # a divisor of the dimension


def test_an_ivfpq_index_reranks_by_exact_vectors_and_survives_a_round_trip(tmp_path):
    from qa.index import exact_path

    vectors = on_topics(12_000, 32, seed=1)
    queries = on_topics(50, 32, seed=2)
    index = FaissIndex.build(vectors, exact_max=1_000, pq_min=10_000)
    assert index.kind == "ivfpq" and index.ntotal == 12_000
    exact = FaissIndex.build(vectors, exact_max=10**9)
    _, truth = exact.search(queries, 10)
    scores, ids = index.search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth)])
    assert recall >= 0.9, recall
    # the scores are the exact inner products (of float16 vectors), best first
    assert np.allclose(scores[0], vectors[ids[0]] @ queries[0], atol=2e-3) and np.all(np.diff(scores, axis=1) <= 1e-6)

    index.save(tmp_path / "vectors.faiss")
    assert exact_path(tmp_path / "vectors.faiss").is_file()
    loaded = FaissIndex.load(tmp_path / "vectors.faiss")
    assert loaded.kind == "ivfpq" and isinstance(loaded.exact, np.memmap) and loaded.nprobe == index.nprobe
    assert np.array_equal(loaded.search(queries, 10)[1], ids)

    allowed = np.arange(0, 12_000, 7)
    _, some = loaded.search(queries[:5], 10, allowed=allowed)
    assert set(some[some >= 0].tolist()) <= set(allowed.tolist()) and (some >= 0).sum() == 50


def test_ivfpq_exact_vectors_missing_or_of_another_index_are_refused(tmp_path):
    from qa.errors import IndexIncompatible
    from qa.index import exact_path

    index = FaissIndex.build(on_topics(11_000, 16, seed=3), exact_max=1_000, pq_min=10_000)
    index.save(tmp_path / "vectors.faiss")
    np.save(exact_path(tmp_path / "vectors.faiss"), np.zeros((10, 16), np.float16))
    with pytest.raises(IndexIncompatible, match="hold 10 vectors but the index has 11,000: run `qa ingest`"):
        FaissIndex.load(tmp_path / "vectors.faiss")
    exact_path(tmp_path / "vectors.faiss").unlink()
    with pytest.raises(IndexIncompatible, match="missing or damaged: run `qa ingest`"):
        FaissIndex.load(tmp_path / "vectors.faiss")


@pytest.mark.parametrize("pq_min", [10_000, None])
def test_an_index_built_from_a_vector_file_is_the_one_built_in_memory(tmp_path, pq_min):
    """What ingest does (vectors appended to a file, an IVF-PQ index reading it in slices) gives the same index
    as the vectors in memory: the same hits, and the same exact vectors, which go straight to their file."""
    from qa.index import exact_path

    vectors = on_topics(12_000, 32, seed=1)
    queries = on_topics(50, 32, seed=2)
    vectors.astype(np.float32).tofile(tmp_path / "vectors.f32")
    target = exact_path(tmp_path / "vectors.faiss")
    from_file = FaissIndex.build_from_file(tmp_path / "vectors.f32", 12_000, 32, exact_max=1_000, pq_min=pq_min,
                                           exact_path=target, step=5_000)
    in_memory = FaissIndex.build(vectors, exact_max=1_000, pq_min=pq_min)
    assert from_file.kind == in_memory.kind == ("ivfpq" if pq_min else "ivf")
    assert np.array_equal(from_file.search(queries, 10)[1], in_memory.search(queries, 10)[1])
    if pq_min:
        assert isinstance(from_file.exact, np.memmap) and target.is_file()
        assert np.array_equal(np.load(target), in_memory.exact)
    else:
        assert not target.exists()
    with pytest.raises(ValueError, match="not 11,999 vectors of 32 floats"):
        FaissIndex.build_from_file(tmp_path / "vectors.f32", 11_999, 32)
