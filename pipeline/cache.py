"""What ``pipeline run`` has already done: content-hash keys per stage and a readable record.

Each stage's key is a hash of everything its result depends on: the bytes of the input files, the
dictionary, stop-word and lexicon files, and the stage's part of the config. ``run`` compares the
keys with the record of its last run (``run-state.json`` beside the labelled output) and skips what
is unchanged. Segmented and labelled documents are cached one file per document (under
``.cache/`` beside the output), so adding one document segments and labels only that document,
and changing the classifier retrains and relabels without segmenting again.

The record is written (atomically) only after the stage's outputs are complete, so a run killed
halfway is simply redone from the last completed stage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.config import Config, config_hash
from pipeline.output import atomic_write

STATE_FILE = "run-state.json"
CACHE_DIR = ".cache"


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file's bytes (first 16 hex digits)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def files_hash(paths: Iterable[Path | str | None]) -> dict[str, str]:
    """Hashes of the given files and of every file under the given folders."""
    out: dict[str, str] = {}
    for path in paths:
        if path is None:
            continue
        p = Path(path)
        for f in sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]:
            out[str(f)] = file_hash(f)
    return out


def segment_key(file_digest: str, config: Config) -> str:
    """What a document's paragraphs depend on: its bytes, reading and segmenting settings."""
    return config_hash({"file": file_digest, **config.section("reading", "segment")})


TRAIN_SECTIONS = ("themes", "reading", "segment", "tokenize", "vectorize", "model", "evaluate")


def train_parts(config: Config) -> dict[str, str]:
    """What the model depends on, part by part: the corpus and word-list files, each config
    section. Comparing parts tells *why* a model is out of date."""
    from pipeline.corpus import load_labels
    from pipeline.reading import find_documents

    c, t = config.corpus, config.tokenize
    # Only documents that have hand labels shape the model: adding an unlabelled document to the
    # corpus does not retrain it.
    labelled = set(load_labels(c.labels, config.themes))
    documents = [p for p in find_documents(list(c.documents)) if Path(p).stem in labelled]
    files = files_hash([*documents, *c.labels, *(c.written if c.use_written else []),
                        *c.heldout_documents, *c.heldout_labels, t.user_dict, t.stop_words,
                        config.vectorize.lexicon.path, config.vectorize.actors.path])
    parts = {"training data": config_hash(files)}
    sections = config.section(*TRAIN_SECTIONS)
    sections["themes"] = {"themes": sections["themes"], "use_written": c.use_written}
    parts.update({f"config {name}": config_hash(value) for name, value in sections.items()})
    return parts


def label_key(segment: str, model_hash: str, config: Config) -> str:
    """What a labelled document depends on: its paragraphs, the model and the label settings."""
    return config_hash({"segment": segment, "model": model_hash, **config.section("label")})


class RunState:
    """The readable record of the last run's stages (``run-state.json``)."""

    def __init__(self, output: Path) -> None:
        self.folder = Path(output).parent
        self.path = self.folder / STATE_FILE
        self.cache = self.folder / CACHE_DIR
        try:
            self.stages: dict[str, Any] = json.loads(self.path.read_text("utf-8"))["stages"]
        except (OSError, ValueError, KeyError, TypeError):
            self.stages = {}

    def get(self, stage: str) -> dict[str, Any]:
        return self.stages.get(stage) or {}

    def put(self, stage: str, record: dict[str, Any]) -> None:
        """Record a completed stage (after its outputs are written)."""
        self.stages[stage] = {**record,
                              "finished": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        with atomic_write(self.path) as fh:
            json.dump({"stages": self.stages}, fh, ensure_ascii=False, indent=2)
            fh.write("\n")

    def cached(self, kind: str, key: str) -> Path:
        return self.cache / kind / f"{key}.json"

    def load(self, kind: str, key: str) -> Any | None:
        """A cached artefact, or None when missing or unreadable."""
        try:
            return json.loads(self.cached(kind, key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def store(self, kind: str, key: str, value: Any) -> None:
        with atomic_write(self.cached(kind, key)) as fh:
            json.dump(value, fh, ensure_ascii=False, separators=(",", ":"))

    def prune(self, kind: str, keep: set[str]) -> int:
        """Remove cached artefacts of ``kind`` that the current run no longer uses."""
        removed = 0
        folder = self.cache / kind
        if folder.is_dir():
            for f in folder.glob("*.json"):
                if f.stem not in keep:
                    f.unlink(missing_ok=True)
                    removed += 1
        return removed
