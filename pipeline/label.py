"""Scores to labels: the theme, its confidence, the evidence and the review flag.

:func:`annotate` turns a batch's :class:`~pipeline.scorer.Scores` into the ``label``,
``confidence``, ``scores``, ``evidence`` and ``needs_review`` fields of the output.

Evidence is the few features that pushed a paragraph toward its label: the paragraph's feature
values times the classifier's (centred) weights for that label, highest first. Terms are shown in
their normalized (Simplified) form, a word the Taiwan-vocabulary fold made as the paragraph writes
it; character n-grams are prefixed ``chars:``, a lexicon feature
is shown as the lexicon terms it matched (``lexicon:医院``), a sentence-actor feature as the
actor words that lead the paragraph's sentences (``actor:医院``), and the rest of the paragraph's
section, when it is a feature and pushed toward the label, as ``context:section``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

from pipeline.scorer import Scorer, Scores
from pipeline.segment import HAN
from pipeline.text import Tokenizer, vocabulary_fold

SECTION = "context:section"  # evidence: the rest of the paragraph's section
ROW_BITS = 24  # evidence sorts up to 2**24 paragraphs a call with one integer key


def _top_first(key: np.ndarray, n_rows: int, low: int, n: int) -> np.ndarray:
    """Where the ``n`` smallest keys of each row (``key >> low``) are, with any keys equal to
    the ``n``-th, in the order of ``np.argsort(key, kind="stable")``: what evidence takes from
    that order of all the keys.

    Only those keys are sorted stably: the ``n``-th of each row is found by a plain sort of all
    of them, which NumPy does with SIMD instructions (a batch's some 35,000 positive features:
    0.3 ms against 0.74 ms).

    >>> _top_first(np.array([(0 << 4) | 9, (0 << 4) | 3, (0 << 4) | 3, (1 << 4) | 5]), 2, 4, 1)
    array([1, 2, 3])
    """
    if not len(key):
        return np.zeros(0, dtype=np.intp)
    ordered = np.sort(key)
    starts = np.searchsorted(ordered, np.arange(n_rows + 1, dtype=np.int64) << low)
    nth = np.minimum(starts[:-1] + n, starts[1:]) - 1  # rows without keys: never looked up
    taken = np.flatnonzero(key <= ordered[np.maximum(nth, 0)][key >> low])
    return taken[np.argsort(key[taken], kind="stable")]


def _evidence(scorer: Scorer, scores: Scores, labels: np.ndarray, n: int) -> list[list[str]]:
    """The ``n`` features of each paragraph that pushed it most toward its label."""
    f = scores.features
    if n == 0 or not len(f.cols):
        return [[] for _ in range(f.n_rows)]
    weights = scorer.explain_weights
    contrib = f.values * weights.ravel().take(labels.take(f.rows) * weights.shape[1] + f.cols)
    positive = np.flatnonzero(contrib > 0)
    # Sort by paragraph, then strongest first, with one integer key: the paragraph number in the
    # high bits and the contribution's IEEE bits (ordered like the numbers, for positive ones)
    # below, inverted. The lowest ROW_BITS bits of the contribution are dropped to make room, so
    # values equal to about 4e-9 (relative) keep column order, as exact ties do. The number of
    # bits is fixed, not taken from the batch, so a paragraph's evidence does not depend on what
    # was scored with it.
    if f.n_rows < 1 << ROW_BITS:
        low = 63 - ROW_BITS
        key = (f.rows[positive] << low) | ((1 << low) - 1 - (contrib[positive].view(np.int64)
                                                              >> ROW_BITS))
        order = positive[_top_first(key, f.n_rows, low, n)]
    else:  # slower, exact
        order = positive[np.lexsort((-contrib[positive], f.rows[positive]))]
    rows, cols = f.rows[order], f.cols[order]
    starts = np.searchsorted(rows, np.arange(f.n_rows + 1))
    pick = np.arange(len(order)) - starts[rows] < n
    rows, cols, strengths = rows[pick], cols[pick], contrib[order][pick]
    col_list = cols.tolist()
    names = scorer.feature_names.take(col_list)
    bounds = np.searchsorted(rows, np.arange(f.n_rows + 1)).tolist()
    # A lexicon or actors feature is shown as the paragraph's own terms behind it, and the rest of
    # the section, where it pushed toward the label, as SECTION in its place by strength.
    spans = {part: (first, first + width) for part, first, width in _part_spans(scorer)}
    special = np.zeros(len(cols), dtype=bool)
    for name in ("lexicon", "actors"):
        if name in spans and getattr(scorer, name) is not None:
            special |= (cols >= spans[name][0]) & (cols < spans[name][1])
    section: dict[int, int] = {}  # row -> where the section goes among its features
    if scores.siblings is not None:
        part = scorer.explained_section(scores)
        strength = part[np.arange(f.n_rows), labels]
        # How many of each row's features are stronger than its section: counted for all rows at
        # once, as a NumPy sum per row costs more than the whole count.
        stronger = np.bincount(rows[strengths > strength[rows]], minlength=f.n_rows)
        pushed = np.flatnonzero(strength > 0)
        section = dict(zip(pushed.tolist(), stronger[pushed].tolist(), strict=True))
    # A set straight from the list: np.unique would load numpy.ma (a tenth of a second) first.
    rework = set(section) | set(rows[special].tolist())
    is_special = special.tolist()
    out: list[list[str]] = []
    for row, (first, last) in enumerate(pairwise(bounds)):
        if row not in rework:  # its features' names as they are
            out.append(names[first:last])
            continue
        where = section.get(row)
        terms: list[str] = []
        for k in range(first, last + 1):
            if where == k - first and SECTION not in terms:
                terms.append(SECTION)
            if len(terms) >= n or k == last:
                break
            if is_special[k]:
                for term in _explained(scorer, scores, spans, row, col_list[k]):
                    if term not in terms:
                        terms.append(term)
            else:
                terms.append(names[k])
        out.append(terms[:n])
    return out


def _explained(scorer: Scorer, scores: Scores, spans: dict[str, tuple[int, int]], row: int,
               col: int) -> list[str]:
    """A feature as evidence: its name, or the paragraph's lexicon terms or sentence-leading
    actor words of its theme."""
    for name in ("lexicon", "actors"):
        first, end = spans.get(name, (0, 0))
        if not first <= col < end:
            continue
        theme = col - first
        if name == "lexicon" and scorer.lexicon is not None and scores.normalized is not None:
            lexicon = scorer.lexicon
            return [f"lexicon:{t}" for t in dict.fromkeys(lexicon.matches(scores.normalized[row]))
                    if lexicon.term_theme[t] == theme]
        if name == "actors" and scorer.actors is not None and scores.normalized is not None:
            actors = scorer.actors
            leaders = (scores.leaders[row] if scores.leaders is not None
                       else actors.leading(scores.normalized[row]))
            return [f"actor:{t}" for t in dict.fromkeys(leaders)
                    if t is not None and actors.term_theme[t] == theme]
    return [scorer.feature_names[col]]


@lru_cache(maxsize=1)
def _fold_targets() -> frozenset[str]:
    """The mainland words the vocabulary fold turns Taiwan words into."""
    return frozenset(vocabulary_fold().values())


@lru_cache(maxsize=100_000)
def _folded_words(term: str) -> tuple[int, ...]:
    """Which words of an evidence term the vocabulary fold may have made (their places)."""
    targets = _fold_targets()
    return tuple(i for i, word in enumerate(term.split(" ")) if word in targets)


def _as_written(terms: list[str], text: str, tokenizer: Tokenizer,
                tokens: list[str] | None = None) -> list[str]:
    """Evidence terms with each word the vocabulary fold made shown as the paragraph writes it:
    新增 where the model counts its mainland 添加. A word the paragraph writes as it is stays (so
    does one written both ways); otherwise the paragraph's own token that the fold turned into it
    is shown, found among its tokens (``text`` is its normalized text, ``tokens`` its tokens as
    the segmenter cut them, if kept, or else it is cut here), and a word that came from the
    heading or title, which the paragraph has no token for, stays as it is.

    The segmenter's tokens serve as well as :meth:`~pipeline.text.Tokenizer.cut_raw`'s, which
    differ in runs of Latin letters and digits only: the fold's words are Chinese.
    """
    fold = vocabulary_fold()
    out = terms
    for k, term in enumerate(terms):
        if not (places := _folded_words(term)):
            continue
        words = term.split(" ")
        for i in places:
            # Written as it is, unless the fold also turns that word into another (文件 -> 文档).
            if words[i] in text and words[i] not in fold:
                continue
            if tokens is None:
                tokens = tokenizer.cut_raw(text)
            words[i] = next((t for t in tokens if fold.get(t) == words[i]), words[i])
        if out is terms:
            out = list(terms)
        out[k] = " ".join(words)
    return out


def _part_spans(scorer: Scorer) -> list[tuple[str, int, int]]:
    """(part, first column, number of columns) of each feature part, in column order."""
    starts = [(name, first) for name, first, _ in scorer.parts]
    ends = [first for _, first in starts[1:]] + [scorer.n_features]
    return [(name, first, end - first) for (name, first), end in zip(starts, ends, strict=True)]


def annotate(
    scorer: Scorer,
    themes: Sequence[str],
    scores: Scores,
    *,
    review_below: float = 0.5,
    review_margin: float = 0.15,
    evidence_terms: int = 5,
) -> list[dict[str, Any]]:
    """The label fields of each paragraph of a scored batch, in order.

    ``scores.proba`` has a column per class in ``scorer.classes`` order; each paragraph's
    ``scores`` field lists them in ``themes`` order.
    """
    proba = scores.proba
    classes = scorer.classes
    themes = [t for t in themes if t in classes]
    # A tie goes to the theme listed first (as the scores field lists them), not the first class
    # in the classifier's alphabetical order.
    order = np.array([classes.index(t) for t in themes]
                     + [i for i, c in enumerate(classes) if c not in themes], dtype=np.int64)
    labels = order[proba[:, order].argmax(axis=1)] if len(proba) else np.zeros(0, dtype=np.int64)
    # The scores as written: the review flag follows from them, as a consumer who checks it
    # against the thresholds computes it (unrounded, 0.4999996 was flagged under 0.5 and
    # written 0.5).
    rounded = np.round(proba, 6)
    top2 = -np.sort(-rounded, axis=1)[:, :2] if len(classes) > 1 else np.c_[rounded, rounded * 0]
    indptr = scores.features.indptr()
    empty = (indptr[1:] == indptr[:-1]).tolist()  # nothing in it the model knows
    if scores.normalized is not None:  # or no Han character in it: a word or two it knows
        empty = [e or HAN.search(t) is None for e, t in zip(empty, scores.normalized,
                                                             strict=True)]
    review = ((top2[:, 0] < review_below) | (top2[:, 0] - top2[:, 1] < review_margin)).tolist()
    shown = rounded[:, [classes.index(t) for t in themes]].tolist()
    confidence = rounded[np.arange(len(proba)), labels].tolist()
    evidence = _evidence(scorer, scores, labels, evidence_terms)
    if scorer.tokenizer.fold_vocabulary and scores.normalized is not None:
        tokenized = scores.tokenized
        for row, terms in enumerate(evidence):
            if any(map(_folded_words, terms)):  # few paragraphs' evidence has such a word
                tokens = tokenized.text_tokens(row) if tokenized is not None else None
                evidence[row] = _as_written(terms, scores.normalized[row], scorer.tokenizer,
                                            tokens)
    return [
        {
            "label": classes[label],
            "confidence": conf,
            "scores": dict(zip(themes, row, strict=True)),
            "evidence": terms,
            "needs_review": flag or blank,
        }
        for label, conf, row, terms, flag, blank in zip(
            labels.tolist(), confidence, shown, evidence, review, empty, strict=True)
    ]
