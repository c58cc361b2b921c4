"""Shared fixtures: the real seed document, its hand labels, a small real model; and the
command run in this process (:func:`in_process`), for tests that need no process of its own."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import warnings
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


@contextlib.contextmanager
def _as_a_process(cwd: Path, stdin: bytes) -> Iterator[list[Path]]:
    """This process set up, for the block, as ``python -m pipeline`` starts: standard input,
    output and error files at descriptors 0, 1 and 2 (the block gets their paths; worker
    processes forked meanwhile write there too), streams of the interpreter's encodings, the
    root logger without handlers, Python's default warning filters, the folder ``cwd``, and no
    garbage of earlier runs left to collect. What the command changes (signal handlers, the
    collector's threshold, logging) is put back."""
    from pipeline import logs

    # A new process holds nothing of an earlier run. Here a Dask client's timed-out future, left
    # in a cycle by an earlier test, could be collected during this run and log to its standard
    # error that its exception was never retrieved.
    gc.collect()
    saved_fds = {fd: os.dup(fd) for fd in (0, 1, 2)}
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_cwd = os.getcwd()
    saved_gc = gc.get_threshold()
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    root = logging.getLogger()
    saved_root = root.handlers[:], root.level
    saved_levels = {n: logging.getLogger(n).level for n in ("pipeline", "py.warnings")}
    saved_settings = logs._SETTINGS
    like = [sys.__stdin__, sys.__stdout__, sys.__stderr__]
    errors = ["surrogateescape", "surrogateescape", "backslashreplace"]
    with tempfile.TemporaryDirectory(prefix="pipeline-streams.") as folder:
        paths = [Path(folder) / name for name in ("stdin", "stdout", "stderr")]
        paths[0].write_bytes(stdin)
        try:
            for fd, path in enumerate(paths):
                opened = os.open(path, os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_CREAT)
                os.dup2(opened, fd)
                os.close(opened)
            sys.stdin, sys.stdout, sys.stderr = (
                open(fd, "r" if fd == 0 else "w", 1 if fd == 2 else -1,  # noqa: SIM115
                     closefd=False,
                     encoding=getattr(like[fd], "encoding", None) or "utf-8",
                     errors=getattr(like[fd], "errors", None) or errors[fd])
                for fd in (0, 1, 2))
            os.chdir(cwd)
            root.handlers[:] = []
            with warnings.catch_warnings():
                warnings.resetwarnings()
                for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                                 ResourceWarning):
                    warnings.simplefilter("ignore", category)
                warnings.filterwarnings("default", category=DeprecationWarning,
                                        module="__main__")
                yield paths
        finally:
            for fd, old in saved_fds.items():
                os.dup2(old, fd)
                os.close(old)
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.chdir(saved_cwd)
            gc.set_threshold(*saved_gc)
            for number, handler in saved_signals.items():
                signal.signal(number, handler)
            root.handlers[:] = saved_root[0]
            root.setLevel(saved_root[1])
            for name, level in saved_levels.items():
                logging.getLogger(name).setLevel(level)
            logs._SETTINGS = saved_settings


def in_process(*args: str, stdin: bytes = b"", cwd: Path | None = None
               ) -> subprocess.CompletedProcess:
    """``pipeline ARGS`` run by :func:`pipeline.cli.main` in this process, with its exit code
    and the bytes it wrote to standard output and error, as a ``python -m pipeline`` process
    started for it gives them (``stdin``: what standard input holds; ``cwd``: the folder it
    runs in, the project's by default). The interpreter's start (a second for classify:
    imports, the segmenter, the scorer's patterns) is then paid once for the suite. What only a
    process of its own shows (standard streams closed or a terminal, signals, environment
    variables, an input that would hang if read) is tested on the real command."""
    from pipeline.cli import main

    with _as_a_process(cwd or ROOT, stdin) as paths:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's usage errors: exit code 2
            code = exc.code
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # as the interpreter's exit does
                stream.flush()
        return subprocess.CompletedProcess(["pipeline", *args], code, paths[1].read_bytes(),
                                           paths[2].read_bytes())
