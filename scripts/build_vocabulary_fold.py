"""Build ``pipeline/data/vocabulary_fold.tsv``: Taiwan words (in Simplified script) -> mainland.

For every Simplified word of jieba's dictionary, OpenCC ``s2twp`` gives its Taiwan form
(信息 -> 資訊) and ``t2s`` takes that back to Simplified characters while keeping the Taiwan word
(资讯). The table maps such words back (资讯 -> 信息), so that after a fast character-level ``t2s``
and jieba, a token-level lookup makes Taiwan and mainland vocabulary give the same tokens. Where
several words map to one, the most frequent wins. Run it again when jieba or OpenCC change:

    python scripts/build_vocabulary_fold.py
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jieba
import opencc

OUT = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "vocabulary_fold.tsv"


def main() -> None:
    # No options, but --help must say so rather than rewrite the table the model is built on.
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    words: dict[str, int] = {}
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text("utf-8").splitlines():
        word, freq, *_ = line.split()
        words[word] = int(freq)
    to_taiwan, to_simple = opencc.OpenCC("s2twp"), opencc.OpenCC("t2s")
    names = list(words)
    simple = to_simple.convert("\n".join(names)).split("\n")
    taiwan = to_taiwan.convert("\n".join(names)).split("\n")
    back = to_simple.convert("\n".join(taiwan)).split("\n")
    fold: dict[str, str] = {}
    for word, already_simple, taiwan_in_simple in zip(names, simple, back, strict=True):
        if word != already_simple or taiwan_in_simple == word:
            continue  # a Traditional entry of the dictionary, or no Taiwan variant
        current = fold.get(taiwan_in_simple)
        if current is None or words[word] > words[current]:
            fold[taiwan_in_simple] = word
    lines = [f"{k}\t{v}" for k, v in sorted(fold.items())]
    OUT.write_text("# taiwan-vocabulary-in-simplified\tmainland (built by "
                   "scripts/build_vocabulary_fold.py)\n" + "\n".join(lines) + "\n", "utf-8")
    print(f"{len(lines)} entries -> {OUT}")


if __name__ == "__main__":
    main()
