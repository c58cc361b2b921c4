"""Shared fixtures: the real seed document, its hand labels, and a small real model."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.config import Config, parse_config
from pipeline.stages import train

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "documents" / "000_10fc11496dbb7410.txt"
HELDOUT = ROOT / "corpus" / "heldout"
# A fixed sample of the written paragraphs (batches A-E, 1,376 paragraphs), for tests of how
# training, runs and bundles behave rather than of how good the model is: a model trains on it
# in seconds, where the whole corpus takes half a minute and grows with every batch.
SOME_WRITTEN = tuple(ROOT / "corpus" / "written" / f"batch_{b}.jsonl" for b in "abcde")


def corpus_config(tmp: Path, **sections: dict) -> Config:
    """A config over the shipped corpus that writes its model and output under ``tmp``."""
    data: dict = {
        "corpus": {
            "documents": [str(ROOT / "corpus/documents")],
            "labels": [str(ROOT / "corpus/labels")],
            "written": [str(ROOT / "corpus/written")],
        },
        "tokenize": {
            "user_dict": str(ROOT / "configs/userdict.txt"),
            "stop_words": str(ROOT / "configs/stopwords.txt"),
        },
        "vectorize": {"lexicon": {"path": str(ROOT / "configs/lexicon.yaml")},
                      "actors": {"path": str(ROOT / "configs/actors.yaml"), "weight": 1.0}},
        "model": {"dir": str(tmp / "models")},
        "output": {"path": str(tmp / "out" / "labelled.json")},
    }
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    return parse_config(data)


def write_corpus_config(path: Path, *extra: str,
                        written: Sequence[Path] = (ROOT / "corpus/written",)) -> Path:
    """A YAML config over the shipped corpus (or the ``written`` paragraphs given), with
    ``extra`` lines (e.g. ``model: {...}``)."""
    path.write_text("\n".join([
        "corpus:",
        f"  documents: [{ROOT / 'corpus/documents'}]",
        f"  labels: [{ROOT / 'corpus/labels'}]",
        f"  written: [{', '.join(str(p) for p in written)}]",
        "tokenize:",
        f"  user_dict: {ROOT / 'configs/userdict.txt'}",
        f"  stop_words: {ROOT / 'configs/stopwords.txt'}",
        *extra, "",
    ]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_labels() -> list[dict]:
    path = ROOT / "corpus" / "labels" / "seed.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Path]:
    """A real model trained on the shipped corpus (no cross-validation, to keep it quick)."""
    tmp = tmp_path_factory.mktemp("trained")
    config = corpus_config(tmp)
    return config, train(config, with_metrics=False)


@pytest.fixture(scope="session", autouse=True)
def _child_bytecode() -> Iterator[None]:
    """Python processes the tests start may cache compiled bytecode (``__pycache__``, which git
    ignores), as Python does by default: hundreds of them start, and where the environment says
    not to (PYTHONDONTWRITEBYTECODE) each compiled the package again, a fifth of a short
    command's time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
        yield
