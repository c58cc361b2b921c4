"""Cross-validate the configured model over the real web pages, grouped by page.

The development figure of ``corpus/web/``: each fold trains on the corpus (seed and written
paragraphs) without the written paragraphs modeled on its test pages, and is measured on the
labelled paragraphs of its test pages. Needs the pages' texts in ``corpus/web/pages/`` (they are
not in the repository; see ``corpus/web/README.md``)::

    python scripts/web_cv.py                     # sets 1-7, the shipped config
    python scripts/web_cv.py --sets 5 6 --config my.yaml
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold

from pipeline.config import load_config
from pipeline.corpus import paragraph_record, text_sha1
from pipeline.evaluate import metrics
from pipeline.reading import read_document
from pipeline.stages import _pipeline_for, load_training_set, segment_document

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "corpus" / "web"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "default.yaml")
    parser.add_argument("--sets", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    config = load_config(args.config)
    themes = list(config.themes)

    gold: dict[tuple[str, str], tuple[str, int]] = {}
    for line in (WEB / "labels.jsonl").read_text("utf-8").splitlines():
        label = json.loads(line)
        if label["set"] in args.sets:
            gold[(label["document"], label["sha1"])] = (label["theme"], label["set"])
    records, keys = [], []
    for path in sorted((WEB / "pages").glob("*.txt")):
        segmented = segment_document(read_document(path), config)
        for p in segmented.paragraphs:
            key = (segmented.document.id, text_sha1(p.text))
            if p.kind == "body" and key in gold:
                records.append(paragraph_record(p))
                keys.append(key)
    if not records:
        raise SystemExit(f"no labelled paragraph of sets {args.sets} found in {WEB / 'pages'}")
    truth = [gold[k][0] for k in keys]
    pages = [k[0] for k in keys]

    corpus = load_training_set(config, use_written=True)
    proba = np.zeros((len(records), len(themes)))
    splitter = StratifiedGroupKFold(n_splits=args.folds, shuffle=True,
                                    random_state=config.model.seed)
    for _, test in splitter.split(records, truth, pages):
        tested = {pages[i] for i in test}
        train = corpus.real + [e for e in corpus.written
                               if not (e.modeled_on and e.document in tested)]
        model = clone(_pipeline_for(config)).fit([e.record() for e in train],
                                                 [e.theme for e in train])
        fold = model.predict_proba([records[i] for i in test])
        for j, theme in enumerate(model.classes_):
            proba[test, themes.index(theme)] = fold[:, j]

    m = metrics(truth, proba, themes, config.evaluate.bins)
    print(f"{m['paragraphs']} paragraphs on {len(set(pages))} pages, {args.folds} folds by page: "
          f"macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  "
          f"log loss {m['log_loss']:.3f}  ECE {m['ece']:.3f}")
    for theme, row in m["per_theme"].items():
        print(f"  {theme:22s} F1 {row['f1']:.3f}  (n={row['support']})")
    for number in args.sets:
        rows = [i for i, k in enumerate(keys) if gold[k][1] == number]
        if rows:
            part = metrics([truth[i] for i in rows], proba[rows], themes)
            print(f"  set {number}: macro-F1 {part['macro_f1']:.3f}  (n={len(rows)})")


if __name__ == "__main__":
    main()
