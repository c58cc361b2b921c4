"""Honest figures: grouped cross-validation, held-out documents, calibration, script flips.

Cross-validation is grouped by source article (``document:article``), so one report's paragraphs
never sit on both sides of a split. Paragraphs written for training are only ever added to the
training side of each fold: every figure is measured on real, hand-labelled paragraphs.

Example
-------
>>> m = metrics(["a", "b", "a"], np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]]), ["a", "b"])
>>> round(m["macro_f1"], 3), m["confusion"]
(0.667, [[1, 1], [0, 1]])
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import confusion_matrix, log_loss, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from pipeline.corpus import Example, modeled_on_none_of
from pipeline.errors import ConfigError, CorpusError

log = logging.getLogger("pipeline")


def expected_calibration_error(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str],
                               bins: int = 10) -> float:
    """ECE of the top score: the mean |accuracy − confidence| over equal-width confidence bins."""
    if len(y_true) == 0:
        return 0.0
    index = {c: i for i, c in enumerate(classes)}
    truth = np.array([index[y] for y in y_true])
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == truth
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - confidence[mask].mean())
    return float(ece)


def _log_loss(y_true: Sequence[str], proba: np.ndarray, classes: list[str]) -> float:
    """Log loss; scikit-learn wants the columns in sorted label order."""
    ordered = sorted(classes)
    columns = [classes.index(c) for c in ordered]
    return float(log_loss(y_true, proba[:, columns], labels=ordered))


def metrics(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str],
            bins: int = 10, order: Sequence[str] = ()) -> dict[str, Any]:
    """Per-theme precision/recall/F1, macro-F1, accuracy, log loss, ECE and confusion matrix.

    ``classes`` names the columns of ``proba``; ``order`` (default: ``classes``) is the order of
    the themes in the report. Macro-F1 averages the themes that occur or are predicted:

    >>> metrics(["a", "b"], np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1]]), ["a", "b", "c"]
    ...         )["macro_f1"]
    1.0
    """
    classes = list(classes)
    if order:
        columns = [classes.index(t) for t in order if t in classes]
        proba, classes = proba[:, columns], [classes[i] for i in columns]
    y_pred = [classes[i] for i in proba.argmax(axis=1)]
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=classes, zero_division=0
    )
    clipped = np.clip(proba, 1e-12, 1.0)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    return {
        "paragraphs": len(y_true),
        "per_theme": {
            c: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                "support": int(s[i])}
            for i, c in enumerate(classes)
        },
        # Over the themes there are or were predicted: one absent from a small test set and
        # never predicted has no F1, not an F1 of 0 (as scikit-learn's own default).
        "macro_f1": float(np.mean(f[(s > 0) | np.isin(classes, y_pred)])),
        "accuracy": float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)])),
        "log_loss": _log_loss(y_true, clipped, classes),
        "ece": expected_calibration_error(y_true, proba, classes, bins),
        "confusion": confusion_matrix(y_true, y_pred, labels=classes).tolist(),
        "confusion_labels": classes,
    }


def prepare_examples(pipeline: Pipeline, examples: Sequence[Example]) -> dict[str, Any]:
    """Run the Pipeline's ``prepare`` step (normalize, tokenize) once: example id -> record."""
    records = pipeline.named_steps["prepare"].transform([e.record() for e in examples])
    return {e.id: r for e, r in zip(examples, records, strict=True)}


def _fit(estimator: Pipeline, records: list[Any], y: list[str]) -> Pipeline:
    """``estimator.fit``, with a vocabulary cut that leaves no term named as the config's fault
    (scikit-learn raises a ValueError about ``min_df``/``max_df`` only once it is fitting), and a
    theme too small for a classifier that calibrates on folds refused before fitting."""
    folds = getattr(estimator[-1], "cv", None)
    theme, count = min(Counter(y).items(), key=lambda item: item[1], default=(None, 0))
    if isinstance(folds, int) and y and count < folds:
        raise CorpusError(
            f"the classifier calibrates its scores on {folds} folds of its training paragraphs, "
            f"but theme {theme!r} has {count} of the {len(y)} (in cross-validation, a fold "
            "trains on part of the corpus); label more paragraphs of it or lower "
            "calibration_folds", config_key="model.params.calibration_folds")
    try:
        return estimator.fit(records, y)
    except ValueError as exc:
        if "max_df corresponds to" in str(exc) or "no terms remain" in str(exc):
            raise _no_terms(estimator, len(records)) from None
        raise


def _no_terms(estimator: Pipeline, paragraphs: int) -> ConfigError:
    """The error for vectorizers whose ``min_df`` and ``max_df`` keep no term, naming their keys
    and values (scikit-learn's own message names neither)."""
    params = estimator.get_params()
    # The words' vectorizer is the union's part itself; the characters' is inside a Pipeline.
    keys = {"words": "features__words__", "chars": "features__chars__tfidf__"}
    names = [n for n, key in keys.items() if f"{key}min_df" in params]
    values = ", ".join(f"min_df {params[f'{keys[n]}min_df']} and max_df "
                       f"{params[f'{keys[n]}max_df']:g}" + (f" ({n})" if len(names) > 1
                                                            else "") for n in names)
    return ConfigError(f"{values} keep no term of the {paragraphs} training paragraphs (a term "
                       "must be in at least min_df of them and at most the share max_df); lower "
                       "min_df or raise max_df",
                       config_key=" or ".join(f"vectorize.{n}" for n in names))


def fit_prepared(pipeline: Pipeline, examples: Sequence[Example],
                 prepared: Mapping[str, Any]) -> Pipeline:
    """Fit ``pipeline`` in place on already-prepared examples (``prepare`` learns nothing)."""
    _fit(Pipeline(pipeline.steps[1:]), [prepared[e.id] for e in examples],
         [e.theme for e in examples])
    return pipeline


def _fit_rest(pipeline: Pipeline, prepared: list[Any], y: list[str]) -> Pipeline:
    """Fit everything after the ``prepare`` step on already-prepared records."""
    return _fit(clone(Pipeline(pipeline.steps[1:])), prepared, y)


def grouped_cv(
    pipeline: Pipeline,
    real: Sequence[Example],
    written: Sequence[Example] = (),
    *,
    folds: int = 5,
    seed: int = 0,
    bins: int = 10,
    themes: Sequence[str] = (),
    progress: Any = None,
    prepared: Mapping[str, Any] | None = None,
    warn: bool = True,
) -> dict[str, Any]:
    """Out-of-fold scores on ``real`` paragraphs, grouped by article; ``written`` only trains,
    and never in a fold that tests a document it was modeled on. ``warn``: say so when there
    are fewer articles than ``folds`` (once is enough for two runs on the same paragraphs).
    ``progress`` (a tqdm bar, say) is reset to the number of folds, then counts each.

    Tokenization runs once for all paragraphs (or not at all when ``prepared`` already maps
    each example's id to its prepared record); each fold refits the vectorizers and classifier on
    its own training side, so nothing of a test article leaks into its features.
    """
    present = {e.theme for e in real} | {e.theme for e in written}
    classes = [t for t in themes if t in present] if themes else sorted(present)
    groups = [e.group for e in real]
    n_splits = min(folds, len(set(groups)))
    if n_splits < 2:
        found = (f"these come from {len(set(groups))}; label paragraphs of another article"
                 if groups else "there are no hand-labelled paragraphs; label some")
        raise CorpusError("cross-validation needs labelled paragraphs from at least two "
                          f"articles, and {found}", config_key="corpus.labels")
    if n_splits < folds and warn:
        log.warning("evaluate.folds is %d but the labelled paragraphs come from %d articles: "
                    "%d folds, one article each", folds, n_splits, n_splits)
    if progress is not None:  # a bar of the folds, from none done
        progress.reset(total=n_splits)
    if prepared is None:
        prepared = prepare_examples(pipeline, [*real, *written])
    prepared_real = [prepared[e.id] for e in real]
    y_real = [e.theme for e in real]
    proba = np.zeros((len(real), len(classes)))
    fold_of = np.zeros(len(real), dtype=int)
    splits = _splits(y_real, groups, n_splits, seed, warn, folds)
    for fold, (train_idx, test_idx) in enumerate(splits):
        allowed = modeled_on_none_of(written, [real[i] for i in test_idx])
        train_x = [prepared_real[i] for i in train_idx] + [prepared[e.id] for e in allowed]
        train_y = [y_real[i] for i in train_idx] + [e.theme for e in allowed]
        model = _fit_rest(pipeline, train_x, train_y)
        fold_proba = model.predict_proba([prepared_real[i] for i in test_idx])
        for j, c in enumerate(model.classes_):
            proba[test_idx, classes.index(c)] = fold_proba[:, j]
        fold_of[test_idx] = fold
        if progress is not None:
            progress.update(1)
    result = metrics(y_real, proba, classes, bins)
    result["folds"] = n_splits
    result["groups"] = len(set(groups))
    result["written_in_training"] = len(written)
    return result


def _splits(y: Sequence[str], groups: Sequence[str], n_splits: int, seed: int,
            warn: bool, folds: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds, grouped by article and stratified by theme. A theme with fewer paragraphs than
    folds is said once in one line (``warn``), instead of scikit-learn's warning of it; when
    there are fewer articles than ``folds`` (``evaluate.folds``), the folds made are named.
    When every theme has fewer paragraphs than folds (a first few labels), no split can be
    stratified, so the folds are grouped by article alone."""
    few = {t: n for t, n in sorted(Counter(y).items()) if n < n_splits}
    if few and warn:
        one = len(few) == 1
        cut = folds is not None and n_splits < folds  # one fold an article
        log.warning("%s, but theme%s %s ha%s only %s labelled paragraphs: some folds test none of "
                    "them, and %s figures rest on few; label more or %s",
                    f"cross-validation makes {n_splits} folds, one article each" if cut
                    else f"evaluate.folds is {n_splits}", "" if one else "s", " and ".join(few),
                    "s" if one else "ve", " and ".join(map(str, few.values())),
                    "its" if one else "their",
                    f"set evaluate.folds below {n_splits}" if cut else "lower evaluate.folds")
    if few and len(few) == len(set(y)):
        return list(GroupKFold(n_splits=n_splits).split(y, y, groups))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(splitter.split(y, y, groups))


def lexicon_weak_labels(
    lexicon: Mapping[str, Sequence[str]], examples: Sequence[Example], normalizer: Any
) -> dict[str, Any]:
    """How well the theme lexicon alone labels paragraphs (a weak labeller, as a baseline).

    A paragraph's weak label is the theme with the most lexicon matches. ``coverage`` is the share
    of paragraphs with any match, ``conflict`` the share of covered ones where two themes tie for
    the most, and ``accuracy`` the agreement with the hand labels where there is a single winner.
    """
    from pipeline.features import LexiconFeatures

    if not lexicon or not examples:
        return {}
    lex = LexiconFeatures(lexicon=dict(lexicon), normalizer=normalizer).fit([])
    covered = conflicts = right = decided = 0
    for e in examples:
        counts: dict[str, int] = {}
        for term in lex.matches(normalizer(e.text)):
            theme = lex.themes_[lex.term_theme_[term]]
            counts[theme] = counts.get(theme, 0) + 1
        if not counts:
            continue
        covered += 1
        ranked = sorted(counts.values(), reverse=True)
        if len(ranked) > 1 and ranked[0] == ranked[1]:
            conflicts += 1
            continue
        decided += 1
        right += max(counts, key=counts.__getitem__) == e.theme
    return {
        "paragraphs": len(examples),
        "coverage": covered / len(examples),
        "conflict": conflicts / covered if covered else 0.0,
        "accuracy": right / decided if decided else 0.0,
    }


def script_flip_agreement(
    pipeline: Pipeline, records: Sequence[dict[str, Any]],
    conversions: Sequence[str] = ("t2s", "s2t", "s2twp", "tw2sp"),
) -> dict[str, float]:
    """Share of paragraphs whose label stays the same when the text (and context) is converted.

    The text of each record, its heading and its title are converted with OpenCC and classified
    again; the agreement is measured against the labels of the original records.
    """
    import opencc

    if not records:
        return {}
    base = pipeline.predict(list(records))
    out: dict[str, float] = {}
    for name in conversions:
        conv = opencc.OpenCC(name)
        flipped = [
            {k: (conv.convert(v) if isinstance(v, str) else v) for k, v in r.items()}
            for r in records
        ]
        out[name] = float(np.mean(pipeline.predict(flipped) == base))
    return out
