"""One settings object for the whole tool, read from the environment (prefix ``QA_``).

Relative paths are resolved against the project root, so every command works from any
working directory: ``QA_INDEX_DIR=embeddings`` means ``<project>/embeddings`` wherever
``qa`` is run from. Absolute paths are used as given.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The public benchmarks (../shared/eval, never copied in): the one place its path is spelled out.
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=None, extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("embeddings")
    prompts_dir: Path = Path("prompts")

    # Embedding model: a packaged name (see qa.vectors.PACKAGED_MODELS) or a local path.
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = Field(32, gt=0)
    # Where the embedding model runs: auto (a CUDA GPU when torch sees one, else the CPU), cpu, cuda or cuda:N.
    device: str = Field("auto", pattern=r"^(auto|cpu|cuda(:\d+)?)$")
    # The number format the embedding model computes in: auto (the default: bfloat16 where the hardware has it
    # natively, else float32), float32 (bit-for-bit the same vectors whatever the batching) or bfloat16 (3x the
    # texts/s on this project's AMX CPU, vectors within cosine 0.9999, the same sample-question figures).
    # See qa.vectors.resolve_dtype and the README.
    embed_dtype: str = Field("auto", pattern=r"^(auto|float32|bfloat16)$")
    # Chunk budget in the model's word pieces, title and special tokens included. 128 measured
    # better than the model's full 256 on SciFact train and on the sample questions (README, "Chunk size").
    chunk_tokens: int = Field(128, ge=32)
    # Sentences each chunk repeats from the one before it (qa.chunks). One: without it the sample tune questions
    # lost 3 of 54 answers (a sentence that leans on the one before); SciFact train barely needs it (README).
    chunk_overlap: int = Field(1, ge=0, le=3)
    # Above this many chunks the vector index is approximate (IVF); below, exact.
    exact_index_max: int = Field(100_000, gt=0)
    # From this many chunks the vector index is compressed (IVF-PQ, exact vectors on disk for re-ranking).
    pq_index_min: int = Field(2_000_000, gt=0)
    # Releases an ingest chunks, stores and embeds together (qa.ingest.fill_snapshot): what bounds its memory
    # to one batch's chunks and vectors. 10,000 releases is about 50,000 chunks, 75 MB of vectors at 384 dimensions.
    ingest_batch: int = Field(10_000, gt=0)

    # Retrieval
    top_k: int = Field(5, gt=0, le=100)
    candidates: int = Field(50, gt=0)
    rrf_k: int = Field(60, gt=0)
    reranker: str = "none"
    # The keyword (BM25) index a new snapshot gets: tantivy or fts5 (qa.keywords; docs/keyword-index.md).
    # A snapshot is searched with the one it was built with.
    keyword_index: str = "tantivy"

    # Answering
    answerer: str = "reader"
    # The reading answerer refuses below this calibrated probability (None: the threshold that
    # `qa calibrate-reader` stored beside the weights, qa/reader/abstain.json).
    reader_threshold: float | None = Field(None, ge=0, le=1)
    # The reader's weights (None: the file shipped in the package, qa/reader/weights.safetensors).
    reader_weights: Path | None = None
    # Calibrated with `qa calibrate` on corpus/questions.jsonl (see README, "Abstention").
    abstain_threshold: float = 0.333
    llm_base_url: str = "http://127.0.0.1:8080/v1"
    llm_model: str = "local"
    llm_api_key: str = ""
    llm_timeout_s: float = Field(30.0, gt=0)

    # Model processes for `qa ingest` on this machine (qa.pool): 0 = auto (cores // 2 on a CPU with more than
    # two cores, else one), 1 = one process, N = N processes of cores // N torch threads each.
    embed_processes: int = Field(0, ge=0)
    # Processes that split a large ingest's releases into sentences before any model runs (qa.chunks.sentences_of):
    # 0 = one per core, 1 = this process only. Fewer than 256 releases are always split here.
    split_processes: int = Field(0, ge=0)

    @property
    def splitters(self) -> int:
        """``split_processes`` with 0 (auto) resolved to the number of cores."""
        return self.split_processes or (os.cpu_count() or 1)

    # Embedding on a Ray cluster (`qa ingest --ray ADDRESS`; qa.cluster). None: embed on this machine.
    ray_address: str | None = None
    ray_workers: int = Field(2, ge=1)
    ray_batch_size: int = Field(256, gt=0)
    ray_cpus_per_worker: float = Field(1.0, gt=0)

    # Serving
    api_key: str = ""
    protect_pages: bool = False
    max_body_bytes: int = Field(64_000, gt=0)
    # Model calls that may run at once (qa.gate); `qa serve` gives each cores // model_workers torch threads.
    model_workers: int = Field(1, ge=1)
    # Requests served at once in the server's threads (FastAPI's sync routes; anyio's default is 40). The rest
    # wait in the event loop, holding no memory: see qa.web.app.create_app.
    serve_threads: int = Field(8, ge=1)
    # Count refusals by reason and day in this file (`qa serve --record-refusals FILE`); None: record nothing.
    record_refusals: Path | None = None
    # Also keep each refused question's text (a privacy choice: off unless set on purpose).
    record_questions: bool = False

    # Crawling (`qa ingest URL`, `qa sources`, `qa sync`; see qa.crawler and qa.fetch)
    # Where crawled release pages are kept (one Markdown file per release, with the crawl state
    # beside them); None: <index_dir>/web.
    crawl_dir: Path | None = None
    # At most this many requests per second to one host (robots.txt's Crawl-delay can only slow it).
    crawl_rate: float = Field(1.0, gt=0)
    # Named in the user agent so that a site's webmaster can reach whoever runs the crawl.
    crawl_contact: str = ""
    crawl_timeout_s: float = Field(20.0, gt=0)
    crawl_max_bytes: int = Field(5_000_000, gt=0)
    crawl_max_pages: int = Field(5_000, gt=0)
    crawl_max_redirects: int = Field(5, ge=0)
    crawl_retries: int = Field(2, ge=0)
    crawl_backoff_s: float = Field(2.0, ge=0)

    @field_validator("corpus_dir", "index_dir", "prompts_dir", "crawl_dir")
    @classmethod
    def _from_project_root(cls, value: Path | None) -> Path | None:
        return value if value is None or value.is_absolute() else PROJECT_ROOT / value

    @property
    def web_dir(self) -> Path:
        return self.crawl_dir or self.index_dir / "web"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
