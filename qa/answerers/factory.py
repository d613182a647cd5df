"""Chooses the answerer from the settings (``QA_ANSWERER``: extractive or openai)."""

from __future__ import annotations

from qa.answerers.extractive import ExtractiveAnswerer
from qa.errors import ConfigError
from qa.settings import Settings
from qa.vectors import Embedder


def make_answerer(settings: Settings, embedder: Embedder):
    extractive = ExtractiveAnswerer(embedder, threshold=settings.abstain_threshold)
    if settings.answerer == "extractive":
        return extractive
    if settings.answerer == "openai":
        from qa.answerers.generative import GenerativeAnswerer

        return GenerativeAnswerer(settings, fallback=extractive)
    raise ConfigError(f"QA_ANSWERER={settings.answerer!r} is not one of: extractive, openai")
