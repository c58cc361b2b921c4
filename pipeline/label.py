"""Scores to labels: the theme, its confidence, the evidence and the review flag.

:func:`predict` computes, for paragraph records, one probability per theme with the bundle's
fitted Pipeline, without touching the paragraphs; :func:`annotate` turns those into the
``label``, ``confidence``, ``scores``, ``evidence`` and ``needs_review`` fields of the output.

Evidence is the few features that pushed a paragraph toward its label: the paragraph's feature
values times the classifier's (centred) weights for that label, highest first. Terms are shown in
their normalized (Simplified) form; context features are prefixed ``heading:`` or ``title:``, and a
lexicon feature is shown as the lexicon terms it matched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from pipeline.model import Bundle, linear_weights


@dataclass
class Explainer:
    """What evidence needs from a fitted Pipeline, computed once per bundle."""

    names: list[str]
    weights: np.ndarray  # classes × features, centred
    lexicon_columns: dict[int, int]  # feature column -> lexicon theme index

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> Explainer:
        union = pipeline.named_steps["features"]
        names: list[str] = []
        lexicon_columns: dict[int, int] = {}
        for part, transformer in union.transformer_list:
            if part == "lexicon":
                for i, name in enumerate(transformer.get_feature_names_out()):
                    lexicon_columns[len(names)] = i
                    names.append(str(name))
                continue
            if part == "words":
                vocab = transformer.get_feature_names_out()
            else:
                vocab = transformer.named_steps["tfidf"].get_feature_names_out()
            prefix = "" if part == "words" else f"{part}:"
            names.extend(prefix + str(term) for term in vocab)
        weights = linear_weights(pipeline.named_steps["classifier"])
        return cls(names=names, weights=weights, lexicon_columns=lexicon_columns)


@dataclass
class Prediction:
    """Scores of a batch of paragraphs, with what evidence needs."""

    proba: np.ndarray  # paragraphs × themes
    features: sp.csr_matrix
    prepared: list[dict[str, str]]


def predict(bundle: Bundle, records: Sequence[Mapping[str, Any]]) -> Prediction:
    """Theme probabilities for paragraph records (``text``, ``heading``, ``title``)."""
    pipe = bundle.pipeline
    prepared = pipe.named_steps["prepare"].transform(records)
    features = sp.csr_matrix(pipe.named_steps["features"].transform(prepared))
    proba = pipe.named_steps["classifier"].predict_proba(features)
    return Prediction(proba=np.asarray(proba, dtype=np.float64), features=features,
                      prepared=prepared)


def _evidence(explainer: Explainer, lexicon: Any, indices: np.ndarray, values: np.ndarray,
              prepared: dict[str, str], label: int, n: int) -> list[str]:
    """The ``n`` features of one paragraph that pushed it most toward ``label``."""
    if n == 0 or len(indices) == 0:
        return []
    contrib = values * explainer.weights[label, indices]
    order = np.argsort(-contrib, kind="stable")[: n + 1]
    out: list[str] = []
    for pos in order:
        if contrib[pos] <= 0 or len(out) >= n:
            break
        column = int(indices[pos])
        if column in explainer.lexicon_columns and lexicon is not None:
            theme = lexicon.themes_[explainer.lexicon_columns[column]]
            terms = [t for t in dict.fromkeys(lexicon.matches(prepared["chars"]))
                     if lexicon.themes_[lexicon.term_theme_[t]] == theme]
            out.extend(f"lexicon:{t}" for t in terms[: n - len(out)] if f"lexicon:{t}" not in out)
        elif explainer.names[column] not in out:
            out.append(explainer.names[column])
    return out[:n]


def annotate(
    bundle: Bundle,
    prediction: Prediction,
    *,
    review_below: float = 0.5,
    review_margin: float = 0.15,
    evidence_terms: int = 5,
    explainer: Explainer | None = None,
) -> list[dict[str, Any]]:
    """The label fields of each paragraph of a :class:`Prediction`, in order."""
    classes = [str(c) for c in bundle.pipeline.named_steps["classifier"].classes_]
    themes = [t for t in bundle.themes if t in classes]
    explainer = explainer or Explainer.from_pipeline(bundle.pipeline)
    lexicon = dict(bundle.pipeline.named_steps["features"].transformer_list).get("lexicon")
    features = prediction.features
    indptr, indices, values = features.indptr, features.indices, features.data
    out = []
    for i, proba in enumerate(prediction.proba):
        order = np.argsort(-proba, kind="stable")
        top, second = float(proba[order[0]]), float(proba[order[1]]) if len(order) > 1 else 0.0
        label = int(order[0])
        scores = {theme: round(float(proba[classes.index(theme)]), 6) for theme in themes}
        out.append(
            {
                "label": str(classes[label]),
                "confidence": round(top, 6),
                "scores": scores,
                "evidence": _evidence(explainer, lexicon, indices[indptr[i] : indptr[i + 1]],
                                      values[indptr[i] : indptr[i + 1]], prediction.prepared[i],
                                      label, evidence_terms),
                "needs_review": bool(
                    top < review_below
                    or top - second < review_margin
                    or indptr[i] == indptr[i + 1]  # nothing in it the model knows
                ),
            }
        )
    return out
