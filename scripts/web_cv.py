"""Cross-validate the configured model over the real web pages, grouped by page.

The development figure of ``corpus/web/``: each fold trains on the corpus (seed and written
paragraphs) without the written paragraphs modeled on its test pages, and is measured on the
labelled paragraphs of its test pages. Needs the pages' texts in ``corpus/web/pages/`` (they are
not in the repository; see ``corpus/web/README.md``), or another folder laid out the same way
(``--web``: ``pages/*.txt``, ``pages.tsv`` and ``labels.jsonl``)::

    python scripts/web_cv.py                     # every set, the shipped config
    python scripts/web_cv.py --sets 5 6 --config my.yaml
    python scripts/web_cv.py --written-share 0.5 # half the written reports: a learning curve
    python scripts/web_cv.py --train-on-pages    # the other folds' pages join the training side
    python scripts/web_cv.py --web my-pages/      # your own labelled pages
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from pipeline.config import Config, load_config
from pipeline.corpus import Example, modeled_on_none_of
from pipeline.evaluate import fit_prepared, metrics, prepare_examples
from pipeline.stages import _pipeline_for, labelled_documents, load_training_set

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "corpus" / "web"
Fold = tuple[list[Example], np.ndarray]  # a fold's training side and its test rows


def set_of_pages(web: Path = WEB) -> dict[str, int]:
    """Page -> its set, from ``web/pages.tsv`` (``set``, ``document``, ...)."""
    set_of = {}
    for line in (web / "pages.tsv").read_text("utf-8").splitlines()[1:]:
        number, page = line.split("\t")[:2]
        set_of[page] = int(number)
    return set_of


def cross_validate(config: Config, pages: list[Example], folds: int, written_share: float = 1.0,
                   train_on_pages: bool = False) -> tuple[np.ndarray, list[Fold]]:
    """The configured model's probabilities for ``pages`` (columns in ``config.themes`` order),
    each from the fold that did not train on its page; and each fold's training side and test
    rows."""
    themes = list(config.themes)
    truth = [e.theme for e in pages]
    page_of = [e.document for e in pages]
    corpus = load_training_set(config, use_written=True)
    reports = sorted({e.group for e in corpus.written})
    kept = set(random.Random(config.model.seed).sample(
        reports, round(len(reports) * written_share)))
    written = [e for e in corpus.written if e.group in kept]
    # Every paragraph is tokenized once, whether it trains, is tested, or both across folds.
    prepared = prepare_examples(_pipeline_for(config), [*corpus.real, *written, *pages])
    proba = np.zeros((len(pages), len(themes)))
    splits = []
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=config.model.seed)
    for _, test in splitter.split(pages, truth, page_of):
        tested = [pages[i] for i in test]
        train = corpus.real + modeled_on_none_of(written, tested)
        if train_on_pages:
            held = set(test.tolist())
            train += [e for i, e in enumerate(pages) if i not in held]
        model = fit_prepared(_pipeline_for(config), train, prepared)
        fold = Pipeline(model.steps[1:]).predict_proba([prepared[e.id] for e in tested])
        for j, theme in enumerate(model.classes_):
            proba[test, themes.index(theme)] = fold[:, j]
        splits.append((train, test))
    return proba, splits


def labelled_pages(config: Config, sets: list[int] | None, web: Path = WEB
                   ) -> tuple[list[Example], list[int], dict[str, int]]:
    """The labelled paragraphs of the pages of ``sets`` (default: every set) in ``web``, the sets,
    and each page's set."""
    set_of = set_of_pages(web)
    sets = sets or sorted(set(set_of.values()))
    present = {path.stem for path in (web / "pages").glob("*.txt")}
    wanted = [page for page, number in set_of.items() if number in sets]
    absent = [page for page in wanted if page not in present]
    if absent:  # the texts are not in the repository: some pages may not be back (one line)
        print(f"{len(absent)} of the {len(wanted)} pages of sets {sets} have no text in "
              f"{web / 'pages'}: their labels are left out", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:  # the labels of the pages there are, alone
        labels = Path(tmp) / "labels.jsonl"
        with labels.open("w", encoding="utf-8") as out:
            for line in (web / "labels.jsonl").read_text("utf-8").splitlines(keepends=True):
                if line.strip() and json.loads(line)["document"] in present:
                    out.write(line)
        pages, _, _ = labelled_documents([web / "pages"], [labels], config)
    pages = [e for e in pages if set_of.get(e.document) in sets]
    if not pages:
        raise SystemExit(f"no labelled paragraph of sets {sets} found in {web / 'pages'}")
    return pages, sets, set_of


def report(config: Config, pages: list[Example], proba: np.ndarray, sets: list[int],
           set_of: Mapping[str, int], folds: int) -> None:
    """Print the figures of ``proba`` over ``pages``: overall, per theme and per set."""
    themes = list(config.themes)
    truth = [e.theme for e in pages]
    m = metrics(truth, proba, themes, config.evaluate.bins)
    print(f"{m['paragraphs']} paragraphs on {len({e.document for e in pages})} pages, {folds} "
          f"folds by page: macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  "
          f"log loss {m['log_loss']:.3f}  ECE {m['ece']:.3f}")
    for theme, row in m["per_theme"].items():
        print(f"  {theme:22s} F1 {row['f1']:.3f}  (n={row['support']})")
    for number in sets:
        rows = [i for i, e in enumerate(pages) if set_of[e.document] == number]
        if rows:
            part = metrics([truth[i] for i in rows], proba[rows], themes)
            print(f"  set {number}: macro-F1 {part['macro_f1']:.3f}  (n={len(rows)})")


def page_arguments(description: str) -> argparse.ArgumentParser:
    """A parser with the options every script over the pages takes: config, pages, sets, folds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.yaml")
    parser.add_argument("--web", type=Path, default=WEB,
                        help="the folder of pages/, pages.tsv and labels.jsonl "
                             "(default: %(default)s)")
    parser.add_argument("--sets", type=int, nargs="+", help="default: every set")
    parser.add_argument("--folds", type=int, default=5)
    return parser


def main() -> None:
    parser = page_arguments(__doc__.splitlines()[0])
    parser.add_argument("--written-share", type=float, default=1.0,
                        help="train on this share of the written reports (drawn with the "
                             "config's seed); 0: none")
    parser.add_argument("--train-on-pages", action="store_true",
                        help="also train on the labelled paragraphs of the other folds' pages")
    args = parser.parse_args()
    if not 0.0 <= args.written_share <= 1.0:
        parser.error(f"--written-share must be between 0 and 1, not {args.written_share}")
    config = load_config(args.config)
    pages, sets, set_of = labelled_pages(config, args.sets, args.web)
    proba, _ = cross_validate(config, pages, args.folds, args.written_share, args.train_on_pages)
    report(config, pages, proba, sets, set_of, args.folds)


if __name__ == "__main__":
    main()
