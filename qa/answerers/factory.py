"""Chooses the answerer from the settings (``QA_ANSWERER``: reader, extractive or openai).

``reader`` (the default) is the trained reader with its checks; ``extractive`` is the
sentence picker, kept as the baseline and as the reader's fallback; ``openai`` is the
generative answerer, which falls back to the reader."""

from __future__ import annotations

from qa.answerers.extractive import ExtractiveAnswerer
from qa.errors import ConfigError
from qa.settings import Settings
from qa.vectors import Embedder


def make_answerer(settings: Settings, embedder: Embedder):
    extractive = ExtractiveAnswerer(embedder, threshold=settings.abstain_threshold)
    if settings.answerer == "extractive":
        return extractive
    if settings.answerer not in ("reader", "openai"):
        raise ConfigError(f"QA_ANSWERER={settings.answerer!r} is not one of: reader, extractive, openai")
    from qa.answerers.reading import load_reading_answerer

    reading = load_reading_answerer(extractive, settings.reader_threshold, settings.reader_weights)
    if settings.answerer == "reader":
        return reading
    from qa.answerers.generative import GenerativeAnswerer

    return GenerativeAnswerer(settings, fallback=reading)
