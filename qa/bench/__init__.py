"""``qa bench``: how fast qa is, against the model's own limit and a peer, from 10k to 1M chunks.

One run measures four things and writes ``report.md``, ``report.json`` and PNG plots:

1. ingest (``ingest_bench``): releases/s and chunks/s of ``qa.ingest.ingest`` on real files,
   beside raw ``SentenceTransformer.encode`` of the same chunk texts;
2. queries (``scale``, ``query_worker``): warm search and ask latency at growing index sizes,
   recall@10 of the approximate index against exact search, memory and disk;
3. concurrency (``load``): requests/s and p95 of the HTTP API under concurrent clients;
4. a peer (``peer``): txtai on SciFact, side by side with qa.

``runner`` runs them in order and ``report`` checks the results against the targets.
"""
