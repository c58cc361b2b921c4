"""The fitted model's classify path in plain NumPy: quick to load, quick per paragraph.

Training, cross-validation and the bundle's ``model.pkl`` use the scikit-learn Pipeline.
Classifying uses a :class:`Scorer`: :meth:`Scorer.from_pipeline` copies out what the fitted
Pipeline computes (tokenizer, n-gram vocabulary and IDF, context weights, lexicon, the classifier's
weights and how they become probabilities) into plain arrays, saved beside it as ``scorer.pkl``.
It needs neither scikit-learn nor SciPy, whose imports took most of the start-up, and it works
on a whole batch of paragraphs at once: one normalization and one tokenizer call for the batch, then
array arithmetic instead of a Python loop per paragraph.

:meth:`Scorer.check` compares its probabilities with the Pipeline's; training saves the bundle only
when they agree to 1e-9 on the training paragraphs (every one, or about 2,000 spread
over them).

Example
-------
>>> from pipeline.config import Config
>>> from pipeline.model import build_pipeline
>>> records = [{"text": "医院救治患者。"}, {"text": "社区网格员入户排查。"}]
>>> pipe = build_pipeline(Config()).fit(records, ["medical", "grassroots"])
>>> scorer = Scorer.from_pipeline(pipe)
>>> scorer.check(pipe, records)
>>> [scorer.classes[i] for i in scorer.score(records).proba.argmax(axis=1)]
['medical', 'grassroots']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any

import numpy as np

from pipeline.errors import ModelError
from pipeline.text import Tokenizer, TokenMemo, actor_shares, sentence_leaders

_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds these to one space


# Codes of tokens that are not vocabulary words; MENDED: a token jieba cuts (see text_codes).
SEPARATOR, UNKNOWN, DROPPED, MENDED = -2, -1, -3, -4
Leaders = list[list[str | None]]  # per paragraph, each sentence's first actor word (or None)


_INT32_MAX = np.iinfo(np.int32).max


def _count(rows: np.ndarray, ids: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (row, column) codes (``row * n_cols + column``, sorted, int64) and how often each
    occurs.

    The codes are sorted as 32-bit integers when they fit, as a batch's do: NumPy sorts those
    faster, and sorting is most of the time of counting a batch's words.

    >>> _count(np.array([0, 0, 1]), np.array([2, 2, 0]), 3)
    (array([2, 3]), array([2, 1]))
    """
    codes = rows * n_cols + ids
    if len(codes) and int(rows.max()) * n_cols + n_cols - 1 <= _INT32_MAX:
        found, counts = _distinct(codes.astype(np.int32))
        return found.astype(np.int64), counts
    return _distinct(codes)


_PLACE_BITS = 32  # see _sorted_order: a code's place among the codes, in the low bits of its key


def _sorted_order(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order = codes.argsort(kind="stable")`` and ``codes[order]``, for integer codes.

    Codes from 0 to ``2**31 - 1`` (as a batch's are) are sorted as one 64-bit key each, the code
    above its place: a plain sort of those keys, which NumPy does with SIMD instructions, gives
    the same order (equal codes keep their places' order) in three quarters of the time of a
    stable argsort of a batch's section codes with AVX-512 (0.57 ms against 0.75 ms), about the
    same time with AVX2 only.

    >>> [x.tolist() for x in _sorted_order(np.array([5, 1, 5, 3]))]
    [[1, 3, 0, 2], [1, 3, 5, 5]]
    """
    if (len(codes) and len(codes) <= 1 << _PLACE_BITS and int(codes.min()) >= 0
            and int(codes.max()) <= _INT32_MAX):
        keys = (codes.astype(np.int64) << _PLACE_BITS) | np.arange(len(codes), dtype=np.int64)
        keys.sort()
        return keys & ((1 << _PLACE_BITS) - 1), (keys >> _PLACE_BITS).astype(codes.dtype)
    order = codes.argsort(kind="stable")
    return order, codes[order]


def _distinct(codes: np.ndarray, inverse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes, sorted, and how often each occurs, or (``inverse``) where each code
    is among them: ``np.unique`` with ``return_counts`` or ``return_inverse``, the same arrays.

    Sorted by NumPy's default sort, which sorts integers with SIMD instructions: on a batch's
    codes seven times as fast as the stable sort that merged their sorted runs (which was the
    faster before NumPy had those). The order of equal codes changes nothing here.

    >>> [x.tolist() for x in _distinct(np.array([5, 1, 5, 3]))]
    [[1, 3, 5], [1, 1, 2]]
    >>> [x.tolist() for x in _distinct(np.array([5, 1, 5, 3]), inverse=True)]
    [[1, 3, 5], [2, 0, 2, 1]]
    """
    if inverse:
        order, ordered = _sorted_order(codes)
    else:
        ordered = np.sort(codes)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    if inverse:
        where = np.empty(len(codes), dtype=np.intp)
        where[order] = np.cumsum(first) - 1
        return ordered[first], where
    return ordered[first], np.diff(np.append(np.flatnonzero(first), len(ordered)))


# Counts up to this have their sublinear term frequency looked up (see _tf).
_TF_LOOKED_UP = 1 << 12


@lru_cache(maxsize=1)
def _sublinear_tfs() -> np.ndarray:
    """``1 + log(count)`` of each count below :data:`_TF_LOOKED_UP` (0 for 0), computed as
    :func:`_tf` computes it, by NumPy's ``log`` of the counts as floats."""
    counts = np.arange(_TF_LOOKED_UP, dtype=np.float64)
    counts[1:] = np.log(counts[1:]) + 1
    return counts


def _tf(counts: np.ndarray, sublinear_tf: bool) -> np.ndarray:
    """Term frequencies as scikit-learn's ``TfidfTransformer`` weighs them (0 stays 0).

    Sublinear ones of the small counts that make nearly all of them are looked up in a table of
    the same numbers: a logarithm of each cost more than the rest of the TF-IDF.
    """
    if sublinear_tf and len(counts) and counts.min() >= 0 and counts.max() < _TF_LOOKED_UP:
        return _sublinear_tfs()[counts]
    tf = counts.astype(np.float64)
    if sublinear_tf:
        positive = tf > 0
        tf[positive] = np.log(tf[positive]) + 1
    return tf


def _weigh(codes: np.ndarray, counts: np.ndarray, n_rows: int, n_cols: int, idf: np.ndarray,
           sublinear_tf: bool) -> Sparse:
    """L2-normalized TF-IDF of counted codes, computed as scikit-learn's ``TfidfTransformer``
    does (same operations in the same order)."""
    cols = codes % n_cols
    values = _tf(counts, sublinear_tf) * idf[cols]
    out_rows = codes // n_cols
    norms = np.sqrt(np.bincount(out_rows, weights=values * values, minlength=n_rows))
    values /= norms[out_rows]
    return Sparse(out_rows, cols, values, n_rows)


def _tfidf(rows: np.ndarray, ids: np.ndarray, n_rows: int, n_cols: int, idf: np.ndarray,
           sublinear_tf: bool) -> Sparse:
    """L2-normalized TF-IDF from the (row, column) pair of every n-gram occurrence."""
    return _weigh(*_count(rows, ids, n_cols), n_rows, n_cols, idf, sublinear_tf)


class Names(Sequence[str]):
    """A fixed list of strings kept as one text and where each one ends.

    A model's feature names are some 200,000 short strings; unpickled one by one they took
    about a twentieth of classify's start-up, as one text and one array they take a
    millisecond. A name is cut out of the text when first asked for, and remembered.

    >>> names = Names(["医院", "社区 网格员", ""])
    >>> len(names), names[1], names[-1], names.take([0, 1, 0])
    (3, '社区 网格员', '', ['医院', '社区 网格员', '医院'])
    >>> "医院" in names, list(names) == ["医院", "社区 网格员", ""]
    (True, True)
    """

    __slots__ = ("_bounds", "_cut", "_text")

    def __init__(self, names: Sequence[str] = ()) -> None:
        names = [str(n) for n in names]
        self._text = "".join(names)
        self._bounds = np.zeros(len(names) + 1, dtype=np.int64)
        np.cumsum([len(n) for n in names], out=self._bounds[1:])
        self._cut: dict[int, str] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        return _names_from_parts, (self._text, self._bounds)

    def __len__(self) -> int:
        return len(self._bounds) - 1

    def __getitem__(self, index: int | slice) -> Any:  # str, or a list for a slice
        if isinstance(index, slice):
            return self.take(range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"name {index} of {len(self)}")
        return self.take([index])[0]

    def take(self, indices: Sequence[int]) -> list[str]:
        """The names at ``indices`` (non-negative ints): evidence asks for the same few thousand
        names again and again, so each is cut out once and then looked up."""
        cut = self._cut
        out = list(map(cut.get, indices))
        if None in out:
            missing = [k for k, name in enumerate(out) if name is None]
            at = np.array([indices[k] for k in missing], dtype=np.int64)
            text = self._text
            for k, i, start, end in zip(missing, at.tolist(), self._bounds[at].tolist(),
                                        self._bounds[at + 1].tolist(), strict=True):
                out[k] = cut[i] = text[start:end]
        return out

    def __iter__(self) -> Iterator[str]:
        return iter(self.take(range(len(self))))


def _names_from_parts(text: str, bounds: np.ndarray) -> Names:
    names = Names.__new__(Names)
    names._text, names._bounds, names._cut = text, bounds, {}
    return names


def _as_names(names: Sequence[str]) -> Names:
    """``names`` as :class:`Names`: bundles of earlier releases pickled a list."""
    return names if isinstance(names, Names) else Names(names)


@dataclass
class WordNgrams:
    """A fitted word n-gram TF-IDF, looked up with arrays instead of strings.

    Every word of the vocabulary has an id (its place in ``words``). An n-gram is found one word
    at a time: the ids of its first ``k`` words lead, through the sorted ``child_codes``
    (``prefix * len(words) + next word``), to the id of its first ``k + 1`` words; ``column``
    gives the vocabulary column of each such prefix (``-1`` if it is not itself a term).
    """

    idf: np.ndarray  # one per column: the vocabulary's size
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    words: list[str]
    child_codes: np.ndarray
    child_ids: np.ndarray
    column: np.ndarray
    word_id: dict[str, int] = field(repr=False)  # word -> its place in ``words``

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.pop("terms", None)  # kept by bundles of earlier releases; the scorer has the names
        self.__dict__.update(state)

    @property
    def size(self) -> int:
        """The number of terms (columns)."""
        return len(self.idf)

    @classmethod
    def build(cls, terms: Sequence[str], idf: np.ndarray, ngram_range: Sequence[int],
              sublinear_tf: bool) -> WordNgrams:
        """The look-up tables of a fitted vocabulary (``terms`` in column order)."""
        split = [str(t).split(" ") for t in terms]
        words = sorted({w for parts in split for w in parts})
        word_id = {w: i for i, w in enumerate(words)}
        prefix_id: dict[tuple[str, ...], int] = {(w,): i for i, w in enumerate(words)}
        children: dict[int, int] = {}
        for parts in split:
            for k in range(2, len(parts) + 1):
                key = tuple(parts[:k])
                if key not in prefix_id:
                    prefix_id[key] = len(prefix_id)
                    children[prefix_id[key[:-1]] * len(words) + word_id[parts[k - 1]]] = \
                        prefix_id[key]
        column = np.full(len(prefix_id), -1, dtype=np.int64)
        for col, parts in enumerate(split):
            column[prefix_id[tuple(parts)]] = col
        codes = np.array(sorted(children), dtype=np.int64)
        ids = np.array([children[c] for c in codes.tolist()], dtype=np.int64)
        return cls(np.asarray(idf, dtype=np.float64),
                   (int(ngram_range[0]), int(ngram_range[1])), bool(sublinear_tf), words, codes,
                   ids, column, word_id)

    def tfidf(self, codes: np.ndarray) -> Sparse:
        """TF-IDF of texts given as word codes (ids, :data:`UNKNOWN`), one text after each
        :data:`SEPARATOR`."""
        rows, cols, n_rows = self.occurrences(codes)
        return _tfidf(rows, cols, n_rows, self.size, self.idf, self.sublinear_tf)

    def occurrences(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """(text, column) of every vocabulary n-gram in texts given as word codes, and the number
        of texts."""
        separators = codes == SEPARATOR
        rows = np.cumsum(separators)
        n_rows = int(rows[-1]) + 1 if len(codes) else 1
        size = len(self.words)
        low, high = self.ngram_range
        all_rows, all_cols = [], []
        prefix = np.where(separators, UNKNOWN, codes)
        for n in range(1, high + 1):
            if n > 1:
                count = len(codes) - n + 1
                if count <= 0:
                    break
                nxt = codes[n - 1 :]
                found = np.flatnonzero((prefix[:count] >= 0) & (nxt >= 0))
                first, then = prefix[found], nxt[found]
                key = first * size + then
                at = _search_sorted_keys(self.child_codes, key, _key_order(first, then, key))
                hit = at < len(self.child_codes)
                hit[hit] = self.child_codes[at[hit]] == key[hit]
                prefix = np.full(count, UNKNOWN, dtype=np.int64)
                prefix[found[hit]] = self.child_ids[at[hit]]
            if n >= low:
                known = prefix >= 0
                cols = np.full(len(prefix), -1, dtype=np.int64)
                cols[known] = self.column[prefix[known]]
                keep = cols >= 0
                all_rows.append(rows[: len(prefix)][keep])
                all_cols.append(cols[keep])
        return _concat(all_rows), _concat(all_cols), n_rows


@dataclass
class CharNgrams:
    """A fitted character n-gram TF-IDF, as scikit-learn's ``analyzer="char"`` makes it."""

    terms: list[str]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    lookup: dict[str, int] = field(repr=False)  # term -> its column

    def tfidf(self, texts: Sequence[str]) -> Sparse:
        get = self.lookup.get
        low, high = self.ngram_range
        ids: list[int] = []
        lengths = []
        for text in texts:
            text = _WHITE_SPACES.sub(" ", text)
            before = len(ids)
            for n in range(low, min(high, len(text)) + 1):
                ids.extend(map(get, (text[i : i + n] for i in range(len(text) - n + 1)),
                               repeat(-1)))
            lengths.append(len(ids) - before)
        id_array = np.asarray(ids, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = id_array >= 0
        return _tfidf(rows[known], id_array[known], len(texts), len(self.terms), self.idf,
                      self.sublinear_tf)


def _key_order(first: np.ndarray, then: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """An order that sorts ``keys`` (``first * size + then``, ``then`` below ``size``): a
    stable sort by ``then``, then one by ``first``, when both fit in 16 bits, as a vocabulary of
    up to 65,536 words does (NumPy sorts 16-bit numbers by radix, in linear time: 2.3 times as
    fast on a batch's keys as sorting them), else a sort of the keys.

    >>> _key_order(np.array([1, 0, 1]), np.array([0, 2, 1]), np.array([3, 2, 4])).tolist()
    [1, 0, 2]
    """
    if len(keys) and int(first.max()) <= 0xFFFF and int(then.max()) <= 0xFFFF:
        order = np.argsort(then.astype(np.uint16), kind="stable")
        return order[np.argsort(first.astype(np.uint16)[order], kind="stable")]
    return np.argsort(keys)


def _search_sorted_keys(table: np.ndarray, keys: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``np.searchsorted(table, keys)``, the keys looked up in ascending order (``order`` sorts
    them): each search then starts where the one before ended, in memory it has just read. On a
    batch's tens of thousands of n-gram keys in a table of some 200,000 that is three times
    faster, sorting included."""
    at = np.empty_like(order)
    at[order] = np.searchsorted(table, keys[order])
    return at


def _concat(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


@dataclass
class Sparse:
    """A sparse matrix as (row, column, value) triples, sorted by row then column."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    n_rows: int

    def add_rows(self, other: Sparse, which: np.ndarray, weight: float, n_cols: int) -> Sparse:
        """``self + weight * other[which]``: row ``i`` gains ``weight`` times row ``which[i]``."""
        starts = np.searchsorted(other.rows, np.arange(other.n_rows + 1))
        lengths = starts[which + 1] - starts[which]
        total = int(lengths.sum())
        rows = np.repeat(np.arange(self.n_rows), lengths)
        offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        taken = np.repeat(starts[which], lengths) + offsets
        add_codes = rows * n_cols + other.cols[taken]
        add_values = weight * other.values[taken]
        codes = self.rows * n_cols + self.cols
        at = np.searchsorted(codes, add_codes)
        hit = at < len(codes)
        hit[hit] = codes[at[hit]] == add_codes[hit]
        values = self.values.copy()
        values[at[hit]] += add_values[hit]  # codes are distinct, so no position repeats
        codes = np.insert(codes, at[~hit], add_codes[~hit])
        values = np.insert(values, at[~hit], add_values[~hit])
        return Sparse(codes // n_cols, codes % n_cols, values, self.n_rows)

    def indptr(self) -> np.ndarray:
        return np.searchsorted(self.rows, np.arange(self.n_rows + 1))


def group_ids(keys: Sequence[Any]) -> np.ndarray:
    """A group number per key: equal keys share one; each ``None`` is a group of its own.

    >>> group_ids(["a", None, "a", "b", None]).tolist()
    [0, 2, 0, 1, 3]
    """
    seen: dict[Any, int] = {}
    group = np.array([seen.setdefault(k, len(seen)) if k is not None else -1 for k in keys],
                     dtype=np.int64)
    alone = group < 0
    group[alone] = len(seen) + np.arange(int(alone.sum()))
    return group


Counts = tuple[np.ndarray, np.ndarray]  # (columns, counts): word n-gram counts of some text


def add_counts(a: Counts | None, b: Counts) -> Counts:
    """The sum of two :data:`Counts`.

    >>> [x.tolist() for x in add_counts((np.array([1, 5]), np.array([2, 1])),
    ...                                 (np.array([5, 7]), np.array([3, 1])))]
    [[1, 5, 7], [2, 4, 1]]
    """
    if a is None:
        return b
    cols, where = _distinct(np.concatenate([a[0], b[0]]), inverse=True)
    return cols, np.bincount(where, weights=np.concatenate([a[1], b[1]])).astype(np.int64)


def _section_counts(own: np.ndarray, counts: np.ndarray, group: np.ndarray,
                    sections: Sequence[Any], n_cols: int, totals: Mapping[Any, Counts] | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ``group * n_cols + column`` codes of a batch's sections (sorted), each one's
    count in its whole section, and where each of ``own`` (the batch's codes, counted ``counts``)
    is among them.

    A section of ``totals`` (its whole counts, this batch's included) takes its counts from
    there as they are: sorting them in with the batch's, as an ``np.unique`` of both did, cost
    each part of a long section time that grew with the whole section's vocabulary.
    """
    whole: dict[int, Counts] = {}
    if totals:  # where each section first comes, looked up only when some are partly here
        first = {key: i for i, key in reversed(list(enumerate(sections)))}
        whole = {int(group[first[key]]): value for key, value in totals.items()
                 if key is not None and key in first}
    if not whole:
        codes, where = _distinct(own, inverse=True)
        return codes, np.bincount(where, weights=counts).astype(np.int64), where
    rest = ~np.isin(own // n_cols, list(whole))  # the sections the batch holds whole
    rest_codes, where = _distinct(own[rest], inverse=True)
    rest_counts = np.bincount(where, weights=counts[rest]).astype(np.int64)
    all_codes = np.concatenate([rest_codes, *(g * n_cols + cols for g, (cols, _) in whole.items())])
    all_counts = np.concatenate([rest_counts, *(amounts for _, amounts in whole.values())])
    order, codes = _sorted_order(all_codes)
    return codes, all_counts[order].astype(np.int64), np.searchsorted(codes, own)


@dataclass
class Siblings:
    """The rest of each paragraph's section as TF-IDF (as :func:`pipeline.features.sibling_counts`
    and the fitted ``TfidfTransformer`` make it), kept as each section's vector and each
    paragraph's change to it, so that a product with weights costs time linear in the text
    however long the section is (written out, the rows would grow with the section's square).
    """

    group: np.ndarray  # paragraph -> its section
    group_rows: np.ndarray  # the sections' TF-IDF before normalization: (section, column, value)
    group_cols: np.ndarray
    group_values: np.ndarray
    own_rows: np.ndarray  # (paragraph, column, change) where the paragraph's own words are taken
    own_cols: np.ndarray
    own_change: np.ndarray
    norms: np.ndarray  # per paragraph: the norm of the rest (0: nothing else in the section)

    @classmethod
    def build(cls, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n_rows: int,
              n_cols: int, sections: Sequence[Any], idf: np.ndarray, sublinear_tf: bool,
              totals: Mapping[Any, Counts] | None = None) -> Siblings:
        """From the paragraphs' counted n-grams (see :func:`_count`: the paragraph and column of
        each distinct code, as :func:`_weigh` splits them) and section keys.

        ``totals``: the whole counts of sections that have paragraphs outside this batch (see
        :meth:`Scorer.section_counts`), so that the result is the one of a batch holding the
        whole section.
        """
        group = group_ids(sections)
        n_groups = int(group.max()) + 1 if n_rows else 0
        group_codes, group_counts, where = _section_counts(
            group[rows] * n_cols + cols, counts, group, sections, n_cols, totals)
        group_rows, group_cols = group_codes // n_cols, group_codes % n_cols
        group_values = _tf(group_counts, sublinear_tf) * idf[group_cols]
        rest = group_counts[where] - counts
        new, old = _tf(rest, sublinear_tf) * idf[cols], group_values[where]
        squares = (np.bincount(group_rows, weights=group_values ** 2, minlength=n_groups)[group]
                   + np.bincount(rows, weights=new ** 2 - old ** 2, minlength=n_rows))
        # Count the rest's columns instead of trusting a difference of squares to reach 0.
        columns = (np.bincount(group_rows, minlength=n_groups)[group]
                   - np.bincount(rows, weights=rest == 0, minlength=n_rows))
        norms = np.where(columns > 0, np.sqrt(np.maximum(squares, 0.0)), 0.0)
        return cls(group, group_rows, group_cols, group_values, rows, cols, new - old, norms)

    def dot(self, by_column: np.ndarray) -> np.ndarray:
        """``rest · by_column`` (paragraphs × outputs; ``by_column``: a row of weights per word
        column, see :meth:`Scorer.by_feature`), the rest L2-normalized."""
        n = len(self.group)
        n_groups = int(self.group.max()) + 1 if n else 0
        out = np.zeros((n, by_column.shape[1]))
        group_weights = by_column.take(self.group_cols, axis=0)
        own_weights = by_column.take(self.own_cols, axis=0)
        for k in range(by_column.shape[1]):
            per_group = np.bincount(self.group_rows, minlength=n_groups,
                                    weights=self.group_values * group_weights[:, k])
            out[:, k] = per_group[self.group] + np.bincount(
                self.own_rows, minlength=n, weights=self.own_change * own_weights[:, k])
        known = self.norms > 0
        out[known] /= self.norms[known, None]
        out[~known] = 0.0
        return out


@dataclass
class Lexicon:
    """Theme lexicon terms: one column per theme, ``log1p`` of the matches."""

    themes: list[str]
    term_theme: dict[str, int]
    pattern: re.Pattern[str] | None

    def matches(self, normalized: str) -> list[str]:
        return self.pattern.findall(normalized) if self.pattern is not None else []

    def features(self, normalized: Sequence[str]) -> Sparse:
        counts = np.zeros((len(normalized), len(self.themes)))
        for row, text in enumerate(normalized):
            for term in self.matches(text):
                counts[row, self.term_theme[term]] += 1
        rows, cols = np.nonzero(counts)
        return Sparse(rows, cols, np.log1p(counts[rows, cols]), len(normalized))


@dataclass
class Actors:
    """Sentence actors: per theme, the share of sentences whose first actor word is the theme's."""

    themes: list[str]
    term_theme: dict[str, int]
    pattern: re.Pattern[str] | None

    def leading(self, normalized: str) -> list[str | None]:
        """Each sentence's first actor word (``None`` for a sentence without one)."""
        return sentence_leaders(normalized, self.pattern)

    def features(self, normalized: Sequence[str]) -> tuple[Sparse, Leaders]:
        """The shares, and each paragraph's sentence leaders (kept for evidence)."""
        leaders = [sentence_leaders(text, self.pattern) for text in normalized]
        shares = actor_shares(leaders, self.term_theme, len(self.themes))
        rows, cols = np.nonzero(shares)
        return Sparse(rows, cols, shares[rows, cols], len(normalized)), leaders


@dataclass
class Calibrated:
    """One of a calibrated classifier's members: a linear model and one calibrator per class."""

    weights: np.ndarray  # outputs × features
    intercept: np.ndarray
    columns: list[int]  # the class each output calibrates
    method: str  # sigmoid or isotonic
    calibrators: list[tuple[np.ndarray, np.ndarray]]  # (a, b) or (x thresholds, y thresholds)

    def proba(self, decision: np.ndarray, n_classes: int) -> np.ndarray:
        out = np.zeros((decision.shape[0], n_classes))
        for column, values, (p, q) in zip(self.columns, decision.T, self.calibrators, strict=True):
            if self.method == "sigmoid":
                out[:, column] = 1.0 / (1.0 + np.exp(p * values + q))
            else:
                out[:, column] = np.interp(values, p, q)
        if n_classes == 2:
            out[:, 0] = 1.0 - out[:, 1]
        else:
            total = out.sum(axis=1, keepdims=True)
            out = np.divide(out, total, out=np.full_like(out, 1 / n_classes), where=total != 0)
        out[(out > 1.0) & (out <= 1.0 + 1e-5)] = 1.0
        return out


@dataclass
class Tokenized:
    """Paragraph texts normalized and cut (:meth:`Scorer.tokenize`): the first pass over a long
    section gives them to its second, which then needs no tokenizer.

    The segmenter's tokens are kept as well, for evidence (a word the vocabulary fold made is
    shown as its text writes it), but not pickled: a long section's first pass keeps only what
    the model needs, and evidence cuts such a text again.
    """

    normalized: list[str] | None  # each text's normalized form
    codes: np.ndarray  # their tokens' word codes (see Scorer.text_codes), texts apart
    tokens: list[str] | None = None  # the segmenter's tokens of the texts, "\n" between texts
    breaks: np.ndarray | None = None  # where those "\n" are among them

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "tokens": None, "breaks": None}

    def text_tokens(self, k: int) -> list[str] | None:
        """Text ``k``'s tokens as the segmenter cut them (``None``: not kept). Cut with the
        others, a text has the tokens it has alone: a line break ends a word for the segmenter."""
        if self.tokens is None or self.breaks is None:
            return None
        start = int(self.breaks[k - 1]) + 1 if k else 0
        end = int(self.breaks[k]) if k < len(self.breaks) else len(self.tokens)
        return self.tokens[start:end]


@dataclass
class Scores:
    """A batch's probabilities and the features behind them (for evidence)."""

    proba: np.ndarray  # paragraphs × classes
    features: Sparse
    normalized: list[str] | None  # each paragraph's normalized text
    leaders: Leaders | None = None  # each paragraph's sentence leaders, when actors are used
    siblings: Siblings | None = None  # the rest of each section, when the section is a feature
    section: np.ndarray | None = None  # its part of the scores, when one weight matrix scores
    tokenized: Tokenized | None = None  # the paragraphs cut, with their tokens when kept


@dataclass
class Scorer:
    """A fitted Pipeline's probabilities, computed with NumPy only (see the module docstring)."""

    classes: list[str]
    tokenizer: Tokenizer
    words: WordNgrams
    context: dict[str, float]  # heading / title -> weight added into the words' columns
    parts: list[tuple[str, int, float]]  # (words|chars|lexicon|actors, first column, weight)
    chars: CharNgrams | None
    lexicon: Lexicon | None
    actors: Actors | None
    n_features: int
    weights: np.ndarray | None  # classes × features; probabilities: softmax(x·Wᵀ + intercept)
    intercept: np.ndarray | None
    calibrated: list[Calibrated]  # or the mean of these members' probabilities
    explain_weights: np.ndarray  # classes × features, centred over classes (for evidence)
    feature_names: Names = field(default_factory=Names)
    section_weight: float = 0.0  # the rest of the section, added into the words' columns
    # explain_weights are `weights` centred over classes, so evidence can reuse the scores' parts
    explains_weights: bool = False

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, feature_names=_as_names(state["feature_names"]))

    # ------------------------------------------------------------------ from scikit-learn
    @classmethod
    def from_pipeline(cls, pipeline: Any) -> Scorer:
        """Copy out a fitted prepare → features → classifier Pipeline."""
        from pipeline.model import linear_weights

        prepare = pipeline.named_steps["prepare"]
        union = pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        words = chars = lexicon = actors = None
        context: dict[str, float] = {}
        section_weight = 0.0
        parts, names = [], []
        for name, step in union.transformer_list:
            parts.append((name, len(names), float(weights.get(name, 1.0))))
            if name == "words":
                terms = [str(t) for t in step.get_feature_names_out()]
                words = WordNgrams.build(terms, step.tfidf_.idf_,
                                         step.ngram_range, step.sublinear_tf)
                context = {f: float(getattr(step, f"{f}_weight"))
                           for f in ("heading", "title") if f in prepare.context}
                if "section" in prepare.context:
                    section_weight = float(step.section_weight)
                names += terms
            elif name == "chars":
                tfidf = step.named_steps["tfidf"]
                terms = [str(t) for t in tfidf.get_feature_names_out()]
                chars = CharNgrams(terms, np.asarray(tfidf.idf_, dtype=np.float64),
                                   tuple(tfidf.ngram_range), bool(tfidf.sublinear_tf),
                                   {t: i for i, t in enumerate(terms)})
                names += [f"chars:{t}" for t in chars.terms]
            elif name == "lexicon":
                lexicon = Lexicon(list(step.themes_), dict(step.term_theme_), step.pattern_)
                names += [f"lexicon:{t}" for t in lexicon.themes]
            elif name == "actors":
                actors = Actors(list(step.themes_), dict(step.term_theme_), step.pattern_)
                names += [f"actors:{t}" for t in actors.themes]
            else:
                raise ModelError(f"no scorer for the feature part {name!r}")
        if words is None:
            raise ModelError("the model has no word features")
        classifier = pipeline.named_steps["classifier"]
        weights, intercept, calibrated = _link(classifier)
        explain = linear_weights(classifier)
        return cls(
            classes=[str(c) for c in classifier.classes_], tokenizer=prepare.tokenizer,
            words=words, context=context, parts=parts, chars=chars, lexicon=lexicon, actors=actors,
            n_features=len(names), weights=weights, intercept=intercept, calibrated=calibrated,
            explain_weights=explain, feature_names=Names(names),
            section_weight=section_weight,
            explains_weights=weights is not None and explain.shape == weights.shape
            and np.array_equal(explain, weights - weights.mean(axis=0, keepdims=True)),
        )

    def check(self, pipeline: Any, records: Sequence[Mapping[str, Any]],
              tolerance: float = 1e-9) -> None:
        """Raise :class:`ModelError` unless the scorer gives the Pipeline's probabilities."""
        if not records:
            return
        expected = pipeline.predict_proba(list(records))
        got = self.score(records).proba
        worst = float(np.abs(expected - got).max())
        if worst > tolerance:
            raise ModelError(f"the scorer differs from the fitted Pipeline by {worst:.3g}; "
                             "not saving the model")

    # ------------------------------------------------------------------ scoring
    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("_codes", "_mended", "_by_feature")}

    def by_feature(self, weights: np.ndarray) -> np.ndarray:
        """``weights`` (outputs × features) transposed and contiguous, made once per matrix.

        A paragraph's features then find the weights of every output side by side, in one row
        per feature: gathering them from each output's row in turn (each a few megabytes) missed
        the cache, and took twice as long. The products are the same, so are the sums.
        """
        memo = self.__dict__.setdefault("_by_feature", {})
        if id(weights) not in memo:  # the matrix is kept with it, so its id stays its own
            memo[id(weights)] = (weights, np.ascontiguousarray(weights.T))
        return memo[id(weights)][1]

    def _word(self, token: str) -> int:
        mapped = self.tokenizer.map_token(token)
        return self.words.word_id.get(mapped, UNKNOWN) if mapped else DROPPED

    def _code(self, token: str) -> int:
        if token == "\n":
            return SEPARATOR
        return MENDED if self.tokenizer.jieba_pieces(token) else self._word(token)

    def _mend(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The codes of a token that jieba cuts: kept whole, and cut."""
        pieces = self.tokenizer.jieba_pieces(token) or [token]
        return (np.array([self._word(token)], dtype=np.int64),
                np.array([self._word(p) for p in pieces], dtype=np.int64))

    def word_codes(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' tokens as word ids (or :data:`UNKNOWN`), a :data:`SEPARATOR` between texts."""
        return self.text_codes(self.tokenizer.normalize_many(texts)[0])

    def text_codes(self, normalized: str) -> np.ndarray:
        """A normalized text's tokens (as :meth:`Tokenizer.cut_raw` gives them) as word ids.

        Each distinct token is folded, filtered and looked up once, and remembered. A token that
        rjieba keeps whole and jieba cuts is remembered as :data:`MENDED`, and replaced here by
        the codes of its pieces when the text needs mending (or by its own code when it does not),
        instead of a second pass over every token.
        """
        return self._cut(normalized)[1]

    def _cut(self, normalized: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """:meth:`text_codes`, with the segmenter's tokens they come from and where the line
        breaks (between texts) are among those."""
        codes = self.__dict__.get("_codes")
        if codes is None:
            codes = self.__dict__["_codes"] = TokenMemo(self._code)
            self.__dict__["_mended"] = TokenMemo(self._mend)
        tokens = self.tokenizer.segmenter_tokens(normalized)
        found = np.fromiter(map(codes.__getitem__, tokens), np.int64, len(tokens))
        breaks = np.flatnonzero(found == SEPARATOR)
        mended = np.flatnonzero(found == MENDED).tolist()
        if mended:
            which = 1 if self.tokenizer.needs_mending(normalized) else 0
            parts, start = [], 0
            for at in mended:
                parts += [found[start:at], self.__dict__["_mended"][tokens[at]][which]]
                start = at + 1
            found = np.concatenate([*parts, found[start:]])
        return tokens, found[found != DROPPED], breaks

    def tokenize(self, texts: Sequence[str], each: bool = True) -> Tokenized:
        """``texts`` normalized and cut in one call, as :meth:`features` uses them (``each``: with
        each text's normalized form)."""
        joined, normalized = self.tokenizer.normalize_many(texts, each=each)
        tokens, codes, breaks = self._cut(joined)
        return Tokenized(normalized, codes, tokens, breaks)

    def section_counts(self, records: Sequence[Mapping[str, Any]],
                       tokenized: Tokenized | None = None) -> dict[Any, Counts]:
        """Each section's word n-gram counts over ``records`` (summed with :func:`add_counts`
        over batches): what :meth:`score` needs to know of a section longer than one batch.
        ``tokenized``: the records' texts already cut (:meth:`tokenize`)."""
        if tokenized is None:
            tokenized = self.tokenize([r["text"] for r in records], each=False)
        rows, cols, _ = self.words.occurrences(tokenized.codes)
        size = self.words.size
        sections = [r.get("section") for r in records]
        group = group_ids(sections)
        codes, counts = _count(group[rows], cols, size)
        out: dict[Any, Counts] = {}
        for key, g in zip(sections, group.tolist(), strict=True):
            if key is not None and key not in out:
                mine = codes // size == g
                out[key] = (codes[mine] % size, counts[mine])
        return out

    def features(self, records: Sequence[Mapping[str, Any]],
                 totals: Mapping[Any, Counts] | None = None,
                 tokenized: Tokenized | None = None,
                 ) -> tuple[Sparse, list[str] | None, Leaders | None, Siblings | None]:
        """The feature matrix of paragraph records, as the Pipeline's feature union makes it,
        without the rest of each section (kept apart as :class:`Siblings`); with each paragraph's
        normalized text, and its sentence leaders when the actors part needs them. ``totals``,
        ``tokenized``: see :meth:`score`."""
        n = len(records)
        if n == 0:
            none = Sparse(*(np.zeros(0, dtype=t) for t in (np.int64, np.int64, np.float64)), 0)
            return none, [], [], None
        # Each paragraph's normalized text: for the parts that need it, and for evidence.
        if tokenized is None:
            tokenized = self.tokenize([r["text"] for r in records])
        normalized = tokenized.normalized
        rows, cols, _ = self.words.occurrences(tokenized.codes)
        size = self.words.size
        codes, counts = _count(rows, cols, size)
        words = _weigh(codes, counts, n, size, self.words.idf, self.words.sublinear_tf)
        siblings = None
        if self.section_weight > 0:
            siblings = Siblings.build(words.rows, words.cols, counts, n, size,
                                      [r.get("section") for r in records], self.words.idf,
                                      self.words.sublinear_tf, totals)
        # The heading's and the title's TF-IDF: their distinct texts cut and weighed in one
        # call (a text's row is the one it gets alone), each added in turn.
        contexts = [(name, weight) for name, weight in self.context.items() if weight > 0]
        if contexts:
            texts = [[r.get(name) or "" for r in records] for name, _ in contexts]
            distinct = list(dict.fromkeys(text for values in texts for text in values))
            position = {v: i for i, v in enumerate(distinct)}
            context = self.words.tfidf(self.word_codes(distinct))
            for values, (_, weight) in zip(texts, contexts, strict=True):
                which = np.fromiter(map(position.__getitem__, values), np.int64, n)
                words = words.add_rows(context, which, weight, self.words.size)
        made = {"words": words}
        if self.chars is not None and normalized is not None:
            made["chars"] = self.chars.tfidf(normalized)
        if self.lexicon is not None and normalized is not None:
            made["lexicon"] = self.lexicon.features(normalized)
        leaders = None
        if self.actors is not None and normalized is not None:
            made["actors"], leaders = self.actors.features(normalized)
        blocks = [(made[name], first, weight) for name, first, weight in self.parts]
        if len(blocks) == 1 and blocks[0][1] == 0 and blocks[0][2] == 1.0:
            return words, normalized, leaders, siblings
        rows = np.concatenate([b.rows for b, _, _ in blocks])
        cols = np.concatenate([b.cols + first for b, first, _ in blocks])
        values = np.concatenate([b.values * weight for b, _, weight in blocks])
        order, _ = _sorted_order(rows * self.n_features + cols)
        return Sparse(rows[order], cols[order], values[order], n), normalized, leaders, siblings

    def section_part(self, siblings: Siblings | None, weights: np.ndarray) -> np.ndarray | float:
        """The rest of the section's part of ``features · weightsᵀ`` (0 without it)."""
        if siblings is None:
            return 0.0
        _, first, weight = next(part for part in self.parts if part[0] == "words")
        columns = self.by_feature(weights)[first : first + self.words.size]
        return weight * self.section_weight * siblings.dot(columns)

    def explained_section(self, scores: Scores) -> np.ndarray | float:
        """The rest of the section's part of ``features · explain_weightsᵀ``, for evidence: derived
        from the scores' own part when the explain weights are the scoring weights centred."""
        if self.explains_weights and scores.section is not None:
            return scores.section - scores.section.mean(axis=1, keepdims=True)
        return self.section_part(scores.siblings, self.explain_weights)

    def decision(self, features: Sparse, weights: np.ndarray) -> np.ndarray:
        """``features · weightsᵀ`` (paragraphs × outputs)."""
        out = np.empty((features.n_rows, weights.shape[0]))
        taken = self.by_feature(weights).take(features.cols, axis=0)
        for k in range(weights.shape[0]):
            out[:, k] = np.bincount(features.rows, minlength=features.n_rows,
                                    weights=features.values * taken[:, k])
        return out

    def score(self, records: Sequence[Mapping[str, Any]],
              totals: Mapping[Any, Counts] | None = None,
              tokenized: Tokenized | None = None) -> Scores:
        """Theme probabilities (columns in :attr:`classes` order) for paragraph records
        (``text`` and optionally ``heading``, ``title`` and ``section``, as
        :func:`pipeline.corpus.body_records` makes them).

        ``totals``: the whole counts (:meth:`section_counts`) of sections only partly in
        ``records``, so that each paragraph has the rest of its whole section as context;
        ``tokenized``: the records' texts already cut (:meth:`tokenize`), not cut again.
        """
        if tokenized is None and records:
            tokenized = self.tokenize([r["text"] for r in records])
        features, normalized, leaders, siblings = self.features(records, totals, tokenized)
        section = None
        if self.weights is not None and self.intercept is not None:
            part = self.section_part(siblings, self.weights)
            section = part if isinstance(part, np.ndarray) else None
            jll = self.decision(features, self.weights) + part + self.intercept
            jll -= jll.max(axis=1, keepdims=True)
            proba = np.exp(jll)
            proba /= proba.sum(axis=1, keepdims=True)
        else:
            proba = np.zeros((features.n_rows, len(self.classes)))
            for member in self.calibrated:
                decision = (self.decision(features, member.weights)
                            + self.section_part(siblings, member.weights) + member.intercept)
                proba += member.proba(decision, len(self.classes))
            proba /= len(self.calibrated)
        return Scores(proba, features, normalized, leaders, siblings, section, tokenized)


def _weights(coef: Any) -> np.ndarray:
    return np.ascontiguousarray(coef, dtype=np.float64)


def _link(classifier: Any) -> tuple[np.ndarray | None, np.ndarray | None, list[Calibrated]]:
    """How a fitted classifier turns features into probabilities, as arrays."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB

    if isinstance(classifier, ComplementNB):
        coef = np.asarray(classifier.feature_log_prob_, dtype=np.float64)
        intercept = np.zeros(coef.shape[0])
        if len(classifier.classes_) == 1:
            intercept = np.asarray(classifier.class_log_prior_, dtype=np.float64)
        return _weights(coef), intercept, []
    if isinstance(classifier, LogisticRegression):
        coef = np.asarray(classifier.coef_, dtype=np.float64)
        intercept = np.asarray(classifier.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # binary: sigmoid(z) is softmax([0, z])
            coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
            intercept = np.array([0.0, intercept[0]])
        return _weights(coef), intercept, []
    if isinstance(classifier, CalibratedClassifierCV) and classifier.method in ("sigmoid",
                                                                                 "isotonic"):
        members = []
        classes = list(classifier.classes_)
        for member in classifier.calibrated_classifiers_:
            estimator = member.estimator
            columns = [classes.index(c) for c in estimator.classes_]
            if len(classes) == 2:
                columns = [1]
            if member.method == "sigmoid":
                params = [(np.float64(c.a_), np.float64(c.b_)) for c in member.calibrators]
            else:
                params = [(np.asarray(c.X_thresholds_, dtype=np.float64),
                           np.asarray(c.y_thresholds_, dtype=np.float64))
                          for c in member.calibrators]
            members.append(Calibrated(_weights(estimator.coef_),
                                      np.asarray(estimator.intercept_, dtype=np.float64),
                                      columns, member.method, params))
        return None, None, members
    raise ModelError(f"no scorer for the classifier {type(classifier).__name__}")
