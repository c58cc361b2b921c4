"""The paragraphs most worth a person's look, as a file a person can label.

:func:`review_items` reads a labelled output (``json`` or ``jsonl``) and ranks body paragraphs by
the margin between their top two scores, smallest first. Each item is a hand-label line with an
empty ``theme``: fill it in, add the file to ``corpus.labels`` in the config, and ``pipeline
train`` learns from it (lines whose ``theme`` is still empty are ignored).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.corpus import text_sha1
from pipeline.output import read_labelled


def _paragraphs(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in read_labelled(path)["documents"]:
        for p in doc["paragraphs"]:
            yield doc["id"], p


def margin(paragraph: Mapping[str, Any]) -> float:
    """The gap between a labelled paragraph's two best scores: how sure the model is."""
    ranked = sorted(paragraph["scores"].values(), reverse=True)
    return round(ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0), 6)


def review_items(path: Path, limit: int = 50, flagged_only: bool = True) -> list[dict[str, Any]]:
    """Body paragraphs ranked by the margin between their two best themes (smallest first)."""
    items = []
    for doc_id, p in _paragraphs(Path(path)):
        if p.get("kind") != "body" or "scores" not in p:
            continue
        if flagged_only and not p.get("needs_review"):
            continue
        items.append({
            "document": doc_id,
            "sha1": text_sha1(p["text"]),
            "index": p["index"],
            "theme": None,
            "suggested": p["label"],
            "margin": margin(p),
            "scores": p["scores"],
            "heading": p.get("heading"),
            "text": p["text"],
        })
    items.sort(key=lambda item: (item["margin"], item["document"], item["index"]))
    # A label names its paragraph by document and sha1, so the copies of one paragraph in a
    # document (reports joined in one file) share it: one line for them, the first.
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        first.setdefault((item["document"], item["sha1"]), item)
    items = list(first.values())
    return items[:limit] if limit > 0 else items
