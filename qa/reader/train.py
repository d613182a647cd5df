"""``qa train-reader`` (``make train-reader``): fine-tune the reader on training data only.

One seeded run on the CPU: the examples of :mod:`qa.reader.data` (SQuAD 1.1 train, the
tune articles of SQuAD 1.1 / 2.0 dev, and the made negatives), windows of ``max_length``
word pieces, batches of similar length padded to their longest, AdamW with linear warm-up
and decay, one pass. The word-piece embeddings stay frozen. The result is written to
``qa/reader/weights.safetensors`` with the settings and data counts in its metadata.
Reproducible: the same settings and data give the same examples in the same order, and
torch's CPU kernels give the same results run to run with a fixed thread count (checked by
repeating runs: the losses agree to the last bit). ``torch.use_deterministic_algorithms`` is
not set: it adds nothing on the CPU and cost about 20% of the training speed here.

Number format (``dtype``, as ``QA_EMBED_DTYPE``, :func:`qa.vectors.resolve_dtype`): ``auto`` trains
in bfloat16 mixed precision (``torch.autocast``: matrix products in bfloat16, weights, optimizer
state and loss in float32) where the CPU computes bfloat16 natively (AVX512-BF16 / AMX), else in
float32. Measured on this project's 2-core AMX CPU, batches of 16 windows: 14.8 against 10.4
windows/s at 200 word pieces, 7.6 against 6.1 at 256. That speed (and this machine's cores being
faster than the AVX2 ones the last weights were trained on) is what lets one hour take 22,000
SQuAD questions and 6,200 made negatives (the float32 hour took 13,000 and 3,000). The weights
are stored in fp16 either way.

Stages (``continue_from``, ``skip_questions``): ``make train-reader`` trains in two runs of 22,000
SQuAD train questions each, the second starting from the weights file the first wrote and taking
the next 22,000 questions of the same seeded shuffle, with negatives made afresh (seed plus the
questions skipped) and without the tune articles, which the first stage saw; peak learning rate
5e-5 after the first stage's 1e-4. Decided so because each stage fits in about 40 minutes on two
cores and each stage's weights file is a reader of its own: a stage that stops leaves the last
one's weights in place. A third stage (the next 22,000) was trained and rejected on tune data
alone (the calibration's objective fell; docs/benchmarks.md).
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.reader import data
from qa.reader.model import BASE_MODEL, WEIGHTS, build_net, load_net, read_meta, save_weights
from qa.vectors import check_dtype, resolve_dtype, resolve_model_path


@dataclass
class TrainConfig:
    squad_train: Path
    squad_dev: Path
    squad2_dev: Path
    out: Path = WEIGHTS
    seed: int = 13
    squad_train_questions: int = 22_000
    negatives: dict[str, int] = field(default_factory=lambda: {"swap": 2300, "antonym": 800, "removed": 2200,
                                                               "other": 900})
    max_length: int = 256
    stride: int = 96
    batch_size: int = 16
    learning_rate: float = 1e-4
    warmup: float = 0.06
    weight_decay: float = 0.01
    epochs: int = 1
    threads: int = 2
    dtype: str = "auto"
    continue_from: Path | None = None  # a second stage: start from these weights instead of the base encoder
    skip_questions: int = 0  # SQuAD train questions (of the seeded shuffle) an earlier stage already used

    def __post_init__(self) -> None:
        for name in ("squad_train", "squad_dev", "squad2_dev"):
            path = Path(getattr(self, name))
            if not path.exists():
                raise FileNotFoundError(f"{name.replace('_', '-')} file {path} does not exist (see ../shared/eval)")
            setattr(self, name, path)
        check_dtype(self.dtype)
        if self.continue_from is not None:
            self.continue_from = Path(self.continue_from)
            if not self.continue_from.exists():
                raise FileNotFoundError(f"weights to continue from, {self.continue_from}, do not exist")
        if self.skip_questions < 0 or self.squad_train_questions < 0:
            raise ValueError(f"questions and skip must not be negative, got {self.squad_train_questions} and "
                             f"{self.skip_questions}")
        if self.batch_size < 1 or self.epochs < 1:
            raise ValueError(f"batch_size and epochs must be at least 1, got {self.batch_size} and {self.epochs}")


def build_examples(cfg: TrainConfig) -> list[data.Example]:
    """The first stage: the tune articles, ``squad_train_questions`` of the seeded shuffle of SQuAD train
    and the made negatives. A later stage (``continue_from``): the next questions of the same shuffle
    (after ``skip_questions``) and negatives made with another seed; the tune articles were seen in the first."""
    rng = random.Random(cfg.seed)
    tune = [] if cfg.continue_from else list(data.squad_examples(data.tune_articles(cfg.squad_dev, cfg.squad2_dev)))
    train_articles = data.read_articles(cfg.squad_train)
    pool = list(data.unambiguous(data.squad_examples(train_articles)))
    rng.shuffle(pool)
    positives = pool[cfg.skip_questions: cfg.skip_questions + cfg.squad_train_questions]
    if cfg.continue_from:
        rng = random.Random(cfg.seed + cfg.skip_questions)
    negatives = data.synthesize_negatives(train_articles, rng, cfg.negatives)
    examples = tune + positives + negatives
    rng.shuffle(examples)
    return examples


def featurize(examples: list[data.Example], tokenizer, max_length: int, stride: int) -> list[dict]:
    """Token windows with their start/end targets ([CLS] = 0 when the window holds no answer)."""
    feats = []
    for lo in range(0, len(examples), 512):
        part = examples[lo:lo + 512]
        enc = tokenizer([e.question for e in part], [e.context for e in part], truncation="only_second",
                        max_length=max_length, stride=stride, return_overflowing_tokens=True,
                        return_offsets_mapping=True, padding=False)
        for i, owner in enumerate(enc["overflow_to_sample_mapping"]):
            ex = part[owner]
            seq = enc.sequence_ids(i)
            offsets = enc["offset_mapping"][i]
            start = end = 0
            if ex.answer_start is not None:
                a, b = ex.answer_start, ex.answer_start + len(ex.answer_text)
                ctx = [j for j, s in enumerate(seq) if s == 1]
                if offsets[ctx[0]][0] <= a and offsets[ctx[-1]][1] >= b:
                    start = next(j for j in ctx if offsets[j][1] > a)
                    end = next(j for j in reversed(ctx) if offsets[j][0] < b)
            feats.append({"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
                          "attention_mask": enc["attention_mask"][i], "start": start, "end": end})
    return feats


def batches(feats: list[dict], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort runs of 50 batches by length, cut, shuffle the batches."""
    order = list(range(len(feats)))
    rng.shuffle(order)
    run = batch_size * 50
    out = []
    for lo in range(0, len(order), run):
        chunk = sorted(order[lo:lo + run], key=lambda i: len(feats[i]["input_ids"]))
        out += [chunk[j:j + batch_size] for j in range(0, len(chunk), batch_size)]
    rng.shuffle(out)
    return out


def train(cfg: TrainConfig, log: Callable[[str], None] = print) -> dict:
    import torch
    from transformers import AutoTokenizer, get_linear_schedule_with_warmup

    started = time.perf_counter()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    base = resolve_model_path(BASE_MODEL)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    dtype = resolve_dtype(cfg.dtype, "cpu")
    log(f"training in {dtype}" + (" mixed precision" if dtype == "bfloat16" else ""))
    examples = build_examples(cfg)
    kinds = Counter(e.kind for e in examples)
    log(f"{len(examples):,} examples: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
    feats = featurize(examples, tokenizer, cfg.max_length, cfg.stride)
    log(f"{len(feats):,} windows of at most {cfg.max_length} word pieces")
    previous = None
    if cfg.continue_from:
        previous = read_meta(cfg.continue_from)
        log(f"continuing from {cfg.continue_from} (after {cfg.skip_questions:,} SQuAD train questions)")
        net = load_net(cfg.continue_from, base)
    else:
        net = build_net(base)
    net.train()
    params = [p for p in net.parameters() if p.requires_grad]
    decay = [p for n, p in net.named_parameters() if p.requires_grad and p.ndim > 1]
    no_decay = [p for n, p in net.named_parameters() if p.requires_grad and p.ndim <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=cfg.learning_rate)
    rng = random.Random(cfg.seed + 1)
    plan = [batches(feats, cfg.batch_size, rng) for _ in range(cfg.epochs)]
    steps = sum(len(p) for p in plan)
    schedule = get_linear_schedule_with_warmup(optimizer, int(cfg.warmup * steps), steps)
    loss_fn = torch.nn.CrossEntropyLoss()
    step, seen, running = 0, 0, 0.0
    t0 = time.perf_counter()
    for epoch in plan:
        for rows in epoch:
            batch = tokenizer.pad({k: [feats[i][k] for i in rows] for k in ("input_ids", "token_type_ids",
                                                                             "attention_mask")},
                                  return_tensors="pt")
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype == "bfloat16"):
                start, end = net(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])  # float32
            loss = (loss_fn(start, torch.tensor([feats[i]["start"] for i in rows]))
                    + loss_fn(end, torch.tensor([feats[i]["end"] for i in rows]))) / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            seen += len(rows)
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % 50 == 0 or step == steps:
                rate = seen / (time.perf_counter() - t0)
                left = (steps - step) * cfg.batch_size / rate
                log(f"step {step:,}/{steps:,}  loss {running:.3f}  {rate:.1f} windows/s  "
                    f"about {math.ceil(left / 60)} min left")
    seconds = time.perf_counter() - started
    meta = {"base_model": BASE_MODEL, "config": {k: (str(v) if isinstance(v, Path) else v)
                                                 for k, v in asdict(cfg).items() if k != "out"},
            "examples": dict(kinds), "windows": len(feats), "steps": steps, "train_seconds": round(seconds, 1),
            "max_length": cfg.max_length, "dtype": dtype}
    if previous is not None:
        meta["previous_stage"] = previous
    size = save_weights(net, cfg.out, meta)
    log(f"wrote {cfg.out} ({size / 1e6:.1f} MB) after {seconds / 60:.1f} min")
    return meta
