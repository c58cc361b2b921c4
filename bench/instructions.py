"""Count the instructions classify's own work takes on a few documents, with valgrind's callgrind:
unlike a time, the count does not move with the machine's load, so a change of a percent or two
shows.

Two figures, each the instructions of a run less those of the same run without that work (the
start-up, the model and the tokenizer's dictionary, read the same in both):

- reading and segmenting documents 2 to N+1 of the corpus (the first one read in both runs);
- labelling the first N documents, segmented beforehand, about 500 paragraphs at a time as
  classify labels them.

    python bench/instructions.py [--corpus bench/out/corpus_5mb] [--documents 20]

Takes a few minutes (valgrind runs Python some 50 times slower; two runs at a time); needs
``valgrind`` on the PATH and the corpus that ``bench/bench_classify.py`` builds.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def work(corpus: Path, documents: int, segment: int, label: bool, model: Path) -> None:
    """Read and segment the first ``segment`` documents, then label the first ``documents``
    of them if ``label`` (run under callgrind by :func:`count`)."""
    gc.set_threshold(20_000, *gc.get_threshold()[1:])  # as the pipeline command sets it
    sys.path.insert(0, str(ROOT))
    from pipeline.config import load_config
    from pipeline.model import load_bundle
    from pipeline.stages import label_documents, segment_file

    bundle = load_bundle(model)
    config = load_config(ROOT / "configs" / "default.yaml")
    bundle.scorer.tokenize(["市委召開常委會會議。"])  # the tokenizer's dictionary, in both runs
    paths = sorted(corpus.glob("*.txt"))[:segment]
    segmented = [segment_file(path, config) for path in paths]
    if label:
        label_documents(bundle, segmented[:documents], config)


# Hash randomization fixed, so that both runs of a pair do the same work; bytecode cached, so that
# neither compiles a module the other loads compiled.
_ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONHASHSEED": "0"}


def count(args: list[str]) -> int:
    """Instructions of this script run with ``args`` (``--run …``) under callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, *args], capture_output=True, text=True, env=_ENV, check=True)
    return int(re.search(r"Collected : (\d+)", out.stderr).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "corpus_5mb")
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "default")
    parser.add_argument("--run", nargs=2, type=int, metavar=("SEGMENT", "LABEL"),
                        help=argparse.SUPPRESS)  # the work itself, run under callgrind
    args = parser.parse_args()
    if args.run:
        work(args.corpus, args.documents, args.run[0], bool(args.run[1]), args.model)
        return
    common = ["--corpus", str(args.corpus), "--documents", str(args.documents),
              "--model", str(args.model)]
    n = args.documents
    # Once without valgrind first: the modules' bytecode written, before any run is counted.
    subprocess.run([sys.executable, __file__, *common, "--run", "1", "1"], env=_ENV, check=True)
    runs = [(n + 1, 0), (1, 0), (n, 1), (n, 0)]
    with ThreadPoolExecutor(2) as pool:  # two valgrinds at a time
        counts = list(pool.map(lambda run: count([*common, "--run", *map(str, run)]), runs))
    read, labelled = counts[0] - counts[1], counts[2] - counts[3]
    print(f"reading and segmenting documents 2 to {n + 1}: {read / 1e6:.1f}e6 instructions")
    print(f"labelling the first {n} documents, segmented beforehand: {labelled / 1e6:.1f}e6 "
          "instructions")


if __name__ == "__main__":
    main()
