"""Paragraphs to numbers: the scikit-learn side of features, fitted in training.

Everything here is a picklable scikit-learn transformer or a plain function, so the fitted
feature extraction is saved inside the model bundle's ``model.pkl``. Classifying uses the same
fitted values through :class:`pipeline.scorer.Scorer`, which needs no scikit-learn.

- :class:`Prepare` turns paragraph records into the strings the vectorizers read, with the
  :class:`pipeline.text.Tokenizer`.
- :class:`WordsWithContext` is the TF-IDF of word n-grams, with the heading's and title's words
  and the rest of the paragraph's section added into the same columns.
- :class:`LexiconFeatures` counts each theme's lexicon terms in a paragraph.
- :class:`SentenceActors` gives each theme's share of the sentences that one of its actors leads.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from pipeline.scorer import group_ids
from pipeline.text import Normalizer, Tokenizer, actor_shares, sentence_leaders


class Prepare(BaseEstimator, TransformerMixin):
    """Paragraph records to the strings the vectorizers read.

    A record is a mapping with ``text`` and optionally ``heading`` and ``title`` (the section
    heading above the paragraph and its article's title) and ``section`` (a key shared by the
    paragraphs under one heading of one article). The output is one dict per record: ``words``
    (space-joined tokens), ``chars`` (normalized text), the ``heading`` and ``title`` fields
    (space-joined tokens, empty when missing or not asked for) and ``section`` (the key, or
    ``None``).

    Example
    -------
    >>> [out] = Prepare().fit_transform([{"text": "市委召開會議。", "heading": "組織領導"}])
    >>> out["words"], out["chars"], out["heading"], out["title"], out["section"]
    ('市委 召开 会议', '市委召开会议。', '组织 领导', '', None)
    """

    def __init__(self, tokenizer: Tokenizer | None = None,
                 context: tuple[str, ...] = ("heading", "title")) -> None:
        self.tokenizer = tokenizer
        self.context = context

    def fit(self, X: Sequence[Mapping[str, Any]], y: Any = None) -> Prepare:
        return self

    def transform(self, X: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
        tok = self.tokenizer or Tokenizer()
        context_cache: dict[str, str] = {}

        def context(value: str | None) -> str:
            if not value:
                return ""
            if value not in context_cache:
                context_cache[value] = " ".join(tok(value))
            return context_cache[value]

        heading, title = "heading" in self.context, "title" in self.context
        section = "section" in self.context
        out = []
        for record in X:
            normalized = tok.normalizer(record["text"])
            out.append(
                {
                    "words": " ".join(tok.cut(normalized)),
                    "chars": normalized,
                    "heading": context(record.get("heading")) if heading else "",
                    "title": context(record.get("title")) if title else "",
                    "section": record.get("section") if section else None,
                }
            )
        return out


def select_field(X: Sequence[Mapping[str, str]], field: str) -> list[str]:
    """Pick one field of :class:`Prepare`'s output (used in a FunctionTransformer)."""
    return [x[field] for x in X]


def word_ngrams(tokens: Sequence[str], low: int = 1, high: int = 2) -> list[str]:
    """The word n-grams of a token list, ``low`` to ``high`` long, joined by spaces."""
    out: list[str] = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        if n == 2:  # the common case, written out for speed
            out.extend([a + " " + b for a, b in itertools.pairwise(tokens)])
        else:
            out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def sibling_counts(counts: sp.csr_matrix, groups: Sequence[str | None]) -> sp.csr_matrix:
    """Each row's group's counts without its own: the rest of the group as one text.

    Rows with the same ``groups`` key are one group; a row whose key is ``None`` is alone.

    Example
    -------
    >>> counts = sp.csr_matrix(np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 3.0]]))
    >>> sibling_counts(counts, ["a", "a", None]).toarray().tolist()
    [[2.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    """
    group = group_ids(groups)
    n_groups = int(group.max()) + 1 if len(group) else 0
    members = sp.csr_matrix((np.ones(len(group)), (group, np.arange(len(group)))),
                            shape=(n_groups, len(group)))
    others = sp.csr_matrix((members @ counts)[group] - counts)
    others.eliminate_zeros()
    return others


class WordsWithContext(BaseEstimator, TransformerMixin):
    """TF-IDF of a paragraph's word n-grams plus its heading's, title's and section's, in one
    vocabulary.

    The heading and title are weighted and added into the same columns as the paragraph's own
    words, so what the model learns about a word from any paragraph also applies when the word
    stands in a heading above a short paragraph (a quotation under 积极请战 最美逆行者). The
    section is the rest of the paragraph's section (the other paragraphs under the same heading of
    the same article, or of the whole article when it has no headings; their n-grams counted as one
    text, see :func:`sibling_counts`): a short quotation in a village party branch's report
    leans to what the report is about.

    The vocabulary and IDF are learned with scikit-learn's ``CountVectorizer`` and
    ``TfidfTransformer``; transforming counts n-grams with plain dictionary look-ups (scikit-learn
    raises and catches an exception for every unknown n-gram, which made it the slowest step).

    Parameters
    ----------
    ngram_range, min_df, max_df, max_features, sublinear_tf : as in ``TfidfVectorizer``.
    heading_weight, title_weight, section_weight : how much of the context's vector is added.

    Example
    -------
    >>> X = [{"words": "医院 救治 患者", "heading": "医疗 救治", "title": ""}]
    >>> WordsWithContext().fit(X).transform(X).shape
    (1, 5)
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 1,
                 max_df: float = 1.0, max_features: int | None = None, sublinear_tf: bool = True,
                 heading_weight: float = 0.5, title_weight: float = 0.0,
                 section_weight: float = 0.0) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.heading_weight = heading_weight
        self.title_weight = title_weight
        self.section_weight = section_weight

    def _analyze(self, doc: str) -> list[str]:
        return word_ngrams(doc.split(), *self.ngram_range)

    def fit(self, X: Sequence[Mapping[str, str]], y: Any = None) -> WordsWithContext:
        self._fit_counts(X)
        return self

    def fit_transform(self, X: Sequence[Mapping[str, str]], y: Any = None) -> sp.csr_matrix:
        """``fit(X).transform(X)``, with the paragraphs' n-grams counted once, not twice (the
        second count was a fifth of training)."""
        return self._with_context(X, self._fit_counts(X))

    def _fit_counts(self, X: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        """Learn the vocabulary and IDF; the paragraphs' counts over that vocabulary, as
        :meth:`counts` gives them."""
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self.counter_ = CountVectorizer(
            analyzer=self._analyze, min_df=self.min_df, max_df=self.max_df,
            max_features=self.max_features, dtype=np.float64,
        )
        counts = self.counter_.fit_transform([x["words"] for x in X])
        self.vocabulary_: dict[str, int] = self.counter_.vocabulary_
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf).fit(counts)
        counts.sort_indices()  # its columns were renumbered in place: as counts() orders them
        return counts

    def counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        """N-gram counts of space-joined token strings over the fitted vocabulary."""
        lookup = self.vocabulary_.get
        indptr = [0]
        indices: list[int] = []
        for doc in docs:
            indices.extend([i for i in map(lookup, self._analyze(doc)) if i is not None])
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        matrix = sp.csr_matrix((data, np.asarray(indices, dtype=np.int32), indptr),
                               shape=(len(docs), len(self.vocabulary_)))
        matrix.sum_duplicates()  # also sorts the indices
        return matrix

    def _tfidf(self, docs: Sequence[str]) -> sp.csr_matrix:
        return self.tfidf_.transform(self.counts(docs))

    def transform(self, X: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        return self._with_context(X, self.counts([x["words"] for x in X]))

    def _with_context(self, X: Sequence[Mapping[str, str]], counts: sp.csr_matrix
                      ) -> sp.csr_matrix:
        """The TF-IDF of ``counts`` (the paragraphs' own) plus their section's, heading's and
        title's, weighted."""
        matrix = self.tfidf_.transform(counts)
        if self.section_weight > 0:
            others = sibling_counts(counts, [x.get("section") for x in X])
            matrix = matrix + self.section_weight * self.tfidf_.transform(others)
        for field, weight in (("heading", self.heading_weight), ("title", self.title_weight)):
            if weight > 0:
                # Many paragraphs share a heading: vectorize each distinct one once.
                values = [x[field] for x in X]
                distinct = list(dict.fromkeys(values))
                rows = {v: i for i, v in enumerate(distinct)}
                context = self._tfidf(distinct)[[rows[v] for v in values]]
                matrix = matrix + weight * context
        return sp.csr_matrix(matrix)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self.counter_.get_feature_names_out()


def term_pattern(lexicon: Mapping[str, Sequence[str]] | None, normalizer: Normalizer | None
                 ) -> tuple[list[str], dict[str, int], re.Pattern[str] | None]:
    """(themes, normalized term -> theme index, one pattern of all terms, longest first)."""
    norm = normalizer or Normalizer()
    themes = list(lexicon or {})
    term_theme: dict[str, int] = {}
    for i, theme in enumerate(themes):
        for term in (lexicon or {})[theme]:
            term_theme.setdefault(norm(term), i)
    return themes, term_theme, re.compile(trie_regex(term_theme)) if term_theme else None


def trie_regex(terms: Iterable[str]) -> str:
    """A regular expression of literal terms that, at each place, matches the longest term
    starting there, as the alternation of the terms longest first does: written as a trie
    (one branch per first character), which Python's engine scans several times faster.

    >>> trie_regex(["市委", "市委书记", "市长", "医院"])
    '(?:医院|市(?:委(?:书记)?|长))'
    """
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        alternatives = [re.escape(c) + branch(child) for c, child in sorted(node.items()) if c]
        if not alternatives:
            return ""
        body = (alternatives[0] if len(alternatives) == 1
                else "(?:" + "|".join(alternatives) + ")")
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


class LexiconFeatures(BaseEstimator, TransformerMixin):
    """Count each theme's lexicon terms in the normalized text: one column per theme.

    Parameters
    ----------
    lexicon : theme id -> terms (either script; they are normalized like the text).
    normalizer : the same :class:`Normalizer` the text goes through.

    The value is ``log1p(matches)``, so a paragraph that names five hospitals is not five times as
    medical as one that names one.

    Example
    -------
    >>> X = [{"chars": "市委书记到医院，医院"}]
    >>> lexicon = LexiconFeatures({"leadership": ["市委"], "medical": ["醫院"]}, Normalizer())
    >>> lexicon.fit(X).transform(X).toarray().round(3).tolist()
    [[0.693, 1.099]]
    """

    def __init__(
        self, lexicon: Mapping[str, Sequence[str]] | None = None,
        normalizer: Normalizer | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.normalizer = normalizer

    def fit(self, X: Sequence[Mapping[str, str]], y: Any = None) -> LexiconFeatures:
        self.themes_, self.term_theme_, self.pattern_ = term_pattern(self.lexicon,
                                                                     self.normalizer)
        return self

    def matches(self, normalized: str) -> list[str]:
        """The lexicon terms found in a normalized text, longest match first, in text order."""
        return self.pattern_.findall(normalized) if self.pattern_ is not None else []

    def transform(self, X: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        counts = np.zeros((len(X), len(self.themes_)), dtype=np.float64)
        for row, x in enumerate(X):
            for term in self.matches(x["chars"]):
                counts[row, self.term_theme_[term]] += 1
        return sp.csr_matrix(np.log1p(counts))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"lexicon:{t}" for t in self.themes_], dtype=object)


class SentenceActors(BaseEstimator, TransformerMixin):
    """Whose action a paragraph is about: per theme, the share of its sentences whose first actor
    word is one of that theme's (the guide's rule: count the sentences).

    Parameters
    ----------
    actors : theme id -> actor words (either script; normalized like the text).
    normalizer : the same :class:`Normalizer` the text goes through.

    Example
    -------
    >>> actors = {"leadership": ["市委"], "medical": ["医院"]}
    >>> X = [{"chars": "市委召开会议。医院收治患者。医院开设发热门诊。"}]
    >>> SentenceActors(actors).fit(X).transform(X).toarray().round(3).tolist()
    [[0.333, 0.667]]
    """

    def __init__(self, actors: Mapping[str, Sequence[str]] | None = None,
                 normalizer: Normalizer | None = None) -> None:
        self.actors = actors
        self.normalizer = normalizer

    def fit(self, X: Sequence[Mapping[str, str]], y: Any = None) -> SentenceActors:
        self.themes_, self.term_theme_, self.pattern_ = term_pattern(self.actors, self.normalizer)
        return self

    def leading(self, normalized: str) -> list[str | None]:
        """Each sentence's first actor word (``None`` for a sentence without one)."""
        return sentence_leaders(normalized, self.pattern_)

    def transform(self, X: Sequence[Mapping[str, str]]) -> sp.csr_matrix:
        leaders = [self.leading(x["chars"]) for x in X]
        return sp.csr_matrix(actor_shares(leaders, self.term_theme_, len(self.themes_)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.asarray([f"actors:{t}" for t in self.themes_], dtype=object)
