"""Text to tokens: normalization and word cutting, shared by training and classifying.

- :class:`Normalizer` drops the line breaks inside a paragraph (of wrapped lines joined) between
  Chinese characters, making the others spaces (:func:`join_lines`), drops invisible characters
  (zero-width spaces, soft hyphens), folds full-width ASCII to half-width, converts the script to
  Simplified with OpenCC (``t2s``, with Hong Kong's standard forms such as 衞 folded too), and
  folds digit runs to ``0``. The original text is never changed: normalization is for features
  only.
- :class:`Tokenizer` cuts normalized text with jieba (the reference) or rjieba (the same dictionary
  and algorithm in Rust, many times faster), folds Taiwan vocabulary to mainland words (社群→社区,
  资讯→信息; a table built from OpenCC's phrase dictionaries), and drops stop words. The same
  paragraph in either script and either vocabulary then gives the same tokens.
- :func:`read_word_list`, :func:`read_user_dict` and :func:`load_lexicon` read the stop words, user
  dictionary and lexicon.

Nothing here imports scikit-learn or SciPy, so classifying starts quickly.

Example
-------
>>> tok = Tokenizer(backend="jieba")
>>> tok("社群網格員入戶排查") == tok("社区网格员入户排查")
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import ConfigError, listed
from pipeline.segment import invisible_points, pinyin_gloss

# Runs of digits, and runs joined by hyphens: a phone number (05-5348810), a date (2020-02-10) or
# a range (1-2) is one number. Written \d\d* rather than \d+: Python's engine skips ahead to the
# next digit only when a pattern starts with a character set, not with a repeat, and tries a
# match at every character otherwise (twice the time on a batch's text).
_DIGITS = re.compile(r"\d\d*(?:-\d+)*")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
# rjieba keeps a run of letters, digits and +#&._%- as one token (www.ias.gov.mo, 0-ncov); jieba
# splits it as its HMM segmenter's pattern does. A run that may need it has a _JOINT inside.
_ASCII_RUN = re.compile(r"[a-z0-9+#&._%-]+")
_JOINT = re.compile(r"[a-z0-9][+#&._%-]+[a-z0-9%]")
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


def _jieba_pieces(run: str) -> list[str]:
    """How jieba's HMM segmenter cuts a run of letters, digits and +#&._%-."""
    return [piece for piece in _JIEBA_SKIP.split(run) if piece]


# The words of jieba's dictionary that are such runs and that _jieba_pieces would cut: jieba keeps
# them whole (its route takes dictionary words before the HMM segmenter sees anything), as rjieba
# does. tests/test_features.py keeps this list in step with jieba's dict.txt.
DICTIONARY_RUNS = frozenset({"AT&T", "C#", "C++", "c#", "c++"})
# Ideographs that rjieba counts as Chinese and jieba does not (extensions A and B to F, the
# compatibility ideographs, the newest unified ones): jieba ends its runs of Chinese at each and
# makes it a token of its own. Found by cutting "-" + each code point with both.
_BEYOND_JIEBA = re.compile("([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
                           "\U0002a700-\U0002ebef\U0002f800-\U0002fa1f])")


@lru_cache(maxsize=8)
def _whole_runs(user_words: tuple[str, ...]) -> frozenset[str]:
    """The runs both tokenizers keep whole: dictionary words, the user's words among them."""
    return DICTIONARY_RUNS | {word for word, _ in _user_entries(user_words)}


def fold_width(text: str, drop_invisible: bool = False) -> str:
    """Full-width ASCII (！ to ～) and the ideographic space to their half-width forms; with
    ``drop_invisible``, without the invisible characters (zero-width space, soft hyphen, ...).

    Done on the code points as a NumPy array: ten times faster than ``str.translate`` or
    ``re.sub`` on the megabytes of a batch.

    >>> fold_width("ＣＯＶＩＤ－１９，　疫\u200b情", drop_invisible=True)
    'COVID-19, 疫情'
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    if drop_invisible:
        points = points[~invisible_points()[points]]
    wide = (points >= 0xFF01) & (points <= 0xFF5E)
    points[wide] -= 0xFEE0
    points[points == 0x3000] = 0x20
    return points.tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=8)
def _opencc(conversion: str) -> Any:
    import opencc

    return opencc.OpenCC(conversion)


# Hong Kong's standard forms that OpenCC's t2s and tw2sp leave as they are (衞生署 stays 衞生署,
# which cuts as 衞/生/署 and matches no 卫生 word), with what its hk2s makes of them. Folding them
# after conversion costs seven scans of the text, against half as much time again for hk2s.
# tests/test_features.py keeps this table in step with OpenCC's.
HONG_KONG_VARIANTS = {"衞": "卫", "枱": "台", "敍": "叙", "衹": "只", "粧": "妆", "糭": "粽",
                      "潀": "潨"}


@lru_cache(maxsize=1)
def vocabulary_fold() -> dict[str, str]:
    """Taiwan words in Simplified script -> mainland words (资讯 -> 信息, 社群 -> 社区).

    Built from OpenCC's own Taiwan phrase tables by ``scripts/build_vocabulary_fold.py``.
    """
    from importlib import resources

    text = resources.files("pipeline").joinpath("data/vocabulary_fold.tsv").read_text("utf-8")
    pairs = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {taiwan: mainland for taiwan, mainland in pairs}


# A line break inside a text, with the blanks (and zero-width spaces) around it.
_LINE_GAP = re.compile(r"(?:[^\S\r\n]|[\u200b\ufeff])*[\r\n][\s\u200b\ufeff]*")
# What Chinese text writes with no space between: ideographs, kana, CJK punctuation and the
# full-width punctuation marks (not full-width letters or digits).
_CJK = re.compile("[\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                  "\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                  "\U00020000-\U0003134f]")


def join_lines(text: str) -> str:
    """``text`` with each line break (with the blanks around it) dropped between two Chinese
    characters, and made a space elsewhere: a paragraph of a text's wrapped lines joined
    (``segment.join_wrapped``) holds their line breaks, and one cuts a word wherever the wrap
    fell (``疫`` / ``情``), where between words of Latin letters it parts them.

    >>> join_lines("研究部署疫\\n情防控，\\r\\n  成立领导小组。Hong\\nKong N95\\n口罩")
    '研究部署疫情防控，成立领导小组。Hong Kong N95 口罩'
    """

    def gap(m: re.Match[str]) -> str:
        start, end = m.span()
        return ("" if start and end < len(text) and _CJK.match(text, start - 1)
                and _CJK.match(text, end) else " ")

    return _LINE_GAP.sub(gap, text)


class Normalizer:
    """Join lines, drop invisible characters, fold width, drop pinyin glosses, convert script,
    fold numbers: ``text -> normalized text`` (picklable). A line break inside a paragraph of
    wrapped lines (:func:`join_lines`), a zero-width space between characters, or a pinyin gloss
    after one (``發(fā)布``), as some pages and script converters write them, would cut the word
    it sits in.

    Parameters
    ----------
    conversion : OpenCC conversion to Simplified: ``t2s`` (characters only; fast, and the default
        since Taiwan vocabulary is folded per token by :class:`Tokenizer`), ``tw2sp`` (characters
        and Taiwan phrases, 2.5 times slower), ``hk2s``, or ``none``.
    fold_numbers : replace every run of digits (and of digits joined by hyphens, as in phone
        numbers) by ``0``: dates, counts and phone numbers carry no theme.
    """

    def __init__(self, conversion: str = "t2s", fold_numbers: bool = True) -> None:
        self.conversion = conversion
        self.fold_numbers = fold_numbers

    def __call__(self, text: str) -> str:
        if "\n" in text or "\r" in text:
            text = join_lines(text)
        return self.normalize_lines(text)

    def normalize_lines(self, text: str) -> str:
        """``text`` normalized, but for its line breaks, which stay: each of its lines as
        :meth:`__call__` normalizes it alone, since a line break is a boundary for every step
        (how :meth:`Tokenizer.normalize_many` normalizes many texts, one a line, in one call)."""
        text = fold_width(text, drop_invisible=True)
        if "(" in text:  # a gloss starts with one: a text without needs no pattern
            text = pinyin_gloss().sub("", text)
        if self.conversion != "none":
            text = _opencc(self.conversion).convert(text)
            for variant, simplified in HONG_KONG_VARIANTS.items():
                if variant in text:  # seven scans of the text cost less than OpenCC's hk2s
                    text = text.replace(variant, simplified)
        if self.fold_numbers:
            text = _DIGITS.sub("0", text)
        return text.lower()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Normalizer) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((self.conversion, self.fold_numbers))


_SENTENCE_END = re.compile(r"[。！？!?；;]")  # after normalization ！？； are half-width


def sentences(normalized: str) -> list[str]:
    """The non-blank sentences of a normalized paragraph.

    >>> sentences("市委召开会议。医院收治患者!  ")
    ['市委召开会议', '医院收治患者']
    """
    return [s for s in _SENTENCE_END.split(normalized) if s.strip()]


def sentence_leaders(normalized: str, pattern: re.Pattern[str] | None) -> list[str | None]:
    """Each sentence's first match of ``pattern`` (``None`` for a sentence without one).

    >>> sentence_leaders("市委召开会议。天气冷。医院收治患者", re.compile("医院|市委|患者"))
    ['市委', None, '医院']
    """
    if pattern is None:
        return [None for _ in sentences(normalized)]
    search = pattern.search  # one pass over the sentences: a paragraph has several, a batch many
    return [m.group(0) if (m := search(s)) else None for s in _SENTENCE_END.split(normalized)
            if s.strip()]


def actor_shares(leaders: Sequence[Sequence[str | None]], term_theme: Mapping[str, int],
                 n_themes: int) -> np.ndarray:
    """Per text and theme, the share of its sentences that an actor word of the theme leads.

    >>> actor_shares([["市委", None, "医院", "医院"]], {"市委": 0, "医院": 1}, 2).tolist()
    [[0.25, 0.5]]
    """
    # Counted in one bincount and divided in one call: NumPy work per paragraph cost more.
    found = [row * n_themes + term_theme[term] for row, lead in enumerate(leaders)
             for term in lead if term is not None]
    counts = np.bincount(np.array(found, dtype=np.int64), minlength=len(leaders) * n_themes)
    shares = counts.reshape(len(leaders), n_themes).astype(np.float64)
    sentences = np.array([len(lead) for lead in leaders], dtype=np.float64)[:, None]
    return np.divide(shares, sentences, out=shares, where=sentences > 0)


def _read_utf8(path: Path | str) -> str:
    """A config-side text file (word list, lexicon), which must be UTF-8, as a string; an
    editor's byte-order mark is dropped, not made part of the first word."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        from pipeline.config import not_utf8_reason

        raise ConfigError(f"{path}: not UTF-8 text ({not_utf8_reason(path, exc)}); save it as "
                          "UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def read_word_list(path: Path | str | None) -> tuple[str, ...]:
    """Read a word list (one entry a line, ``#`` comments); ``None`` gives an empty list."""
    if path is None:
        return ()
    words = []
    for line in _read_utf8(path).splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return tuple(words)


# A user word's frequency at most: rjieba keeps frequencies in 64 bits and fails past them;
# jieba's own most frequent word (了) has 883,634.
MAX_USER_FREQ = 10**12


def read_user_dict(path: Path | str | None) -> tuple[str, ...]:
    """Read a user dictionary (a word list of ``word``, ``word freq`` or ``word freq tag``
    lines): a frequency that is no whole number up to :data:`MAX_USER_FREQ` (``²``, a 25-digit
    number) is a :class:`ConfigError` naming the line, not a failure inside the tokenizer."""
    entries = read_word_list(path)
    for entry in entries:
        word, *rest = entry.split()
        if rest and rest[0].isdigit():
            try:
                ok = int(rest[0]) <= MAX_USER_FREQ
            except ValueError:  # a digit int() does not read: ² or ①
                ok = False
            if not ok:
                raise ConfigError(f"{path}: the frequency of {word!r} must be a whole number "
                                  f"up to {MAX_USER_FREQ:,}, not {rest[0]}")
    return entries


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class, loaded without running ``import rjieba``.

    The package builds a default dictionary on import (0.15 s of every start) that is never used
    here: the segmenter is a second instance, with the user words. So the compiled module is
    loaded on its own and registered under its own name (a later ``import rjieba`` then finds it);
    if that fails, as it might with another rjieba layout, the plain import is used.
    """
    import importlib.machinery
    import importlib.util
    import sys

    if "rjieba" not in sys.modules and "rjieba.rjieba" not in sys.modules:
        try:
            spec = importlib.util.find_spec("rjieba")
            folders = list(spec.submodule_search_locations or []) if spec else []
            binary = next(Path(folders[0]).glob("rjieba*.so"))
            loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
            module = importlib.util.module_from_spec(
                importlib.util.spec_from_file_location("rjieba.rjieba", binary, loader=loader))
            loader.exec_module(module)
            sys.modules["rjieba.rjieba"] = module
            return module.Jieba
        except (ImportError, AttributeError, IndexError, StopIteration, TypeError, OSError):
            pass
    if "rjieba.rjieba" in sys.modules:
        return sys.modules["rjieba.rjieba"].Jieba
    import rjieba

    return rjieba.Jieba


def _user_entries(user_words: Sequence[str]) -> Iterator[tuple[str, int | None]]:
    """``(word, frequency or None)`` of each user-dictionary entry ``"word"`` or ``"word freq"``."""
    for entry in user_words:
        word, *rest = entry.split()
        yield word, int(rest[0]) if rest and rest[0].isdigit() else None


@lru_cache(maxsize=8)
def _segmenter(backend: str, user_words: tuple[str, ...]) -> Any:
    """A jieba or rjieba instance with the user words added (built once per process)."""
    if backend == "rjieba":
        seg = _rjieba_class()()
        for word, freq in _user_entries(user_words):
            seg.add_word(word, freq if freq is not None else seg.suggest_freq(word), None)
        return seg
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    seg = jieba.Tokenizer()
    seg.initialize()
    for word, freq in _user_entries(user_words):
        seg.add_word(word, freq if freq is not None else seg.suggest_freq(word, tune=False))
    return seg


class TokenMemo(dict[str, Any]):
    """``token -> compute(token)``, worked out on first sight and remembered.

    A corpus has far fewer distinct tokens than tokens, and a remembered one is looked up inside
    the dictionary's C code (``map(memo.__getitem__, tokens)``). Bounded: it starts afresh past
    ``limit`` entries, for endless streams of new tokens.
    """

    def __init__(self, compute: Callable[[str], Any], limit: int = 1_000_000) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, token: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[token] = self.compute(token)
        return value


class Tokenizer:
    """Normalize then cut text into words with jieba or rjieba (picklable, built lazily).

    Parameters
    ----------
    backend : ``"jieba"`` (the reference) or ``"rjieba"`` (same tokens, much faster).
    hmm : let jieba guess words missing from its dictionary (on in both backends by default).
    user_words : extra dictionary entries, ``"word"`` or ``"word freq"``.
    stop_words : tokens to drop (compared after normalization).
    normalizer : the :class:`Normalizer` applied before cutting.
    fold_vocabulary : map Taiwan words to mainland ones after cutting (资讯 -> 信息), so both
        vocabularies give the same tokens.
    """

    def __init__(
        self,
        backend: str = "rjieba",
        hmm: bool = True,
        user_words: Sequence[str] = (),
        stop_words: Iterable[str] = (),
        normalizer: Normalizer | None = None,
        fold_vocabulary: bool = True,
    ) -> None:
        self.backend = backend
        self.hmm = hmm
        self.user_words = tuple(user_words)
        self.normalizer = normalizer or Normalizer()
        self.fold_vocabulary = fold_vocabulary
        self.stop_words = frozenset(self.normalizer(w) for w in stop_words)

    def map_token(self, token: str) -> str:
        """The token after the vocabulary fold, or ``""`` when it is dropped."""
        if self.fold_vocabulary:
            token = vocabulary_fold().get(token, token)
        # isalnum() first: a word of letters or digits only (most of them) has a \w; the regular
        # expression costs more than the rest of this for each token met the first time.
        if token in self.stop_words or not (token.isalnum() or _WORDLIKE.search(token)):
            return ""
        return token

    def segmenter_tokens(self, normalized: str) -> list[str]:
        """The segmenter's tokens, before rjieba's are mended to jieba's (see :meth:`cut_raw`)."""
        seg = _segmenter(self.backend, self.user_words)
        if self.backend != "rjieba":
            return seg.lcut(normalized, HMM=self.hmm)
        pieces = _BEYOND_JIEBA.split(normalized)  # odd places: the ideographs, kept apart
        if len(pieces) == 1:
            return seg.cut(normalized, self.hmm)
        tokens: list[str] = []
        for i, piece in enumerate(pieces):
            if i % 2:
                tokens.append(piece)
            elif piece:
                tokens += seg.cut(piece, self.hmm)  # extended in C, not token by token in Python
        return tokens

    def jieba_pieces(self, token: str) -> list[str] | None:
        """How jieba cuts a token that rjieba keeps whole (``None``: jieba keeps it whole too).

        rjieba keeps runs of letters, digits and +#&._%- whole where jieba may cut them; dictionary
        and user words stay whole in both. Depends on the token alone, never on the rest of the
        text.
        """
        # isascii() and the pattern first: they turn a Chinese token (most of them) away, where
        # finding the whole runs hashes the tuple of user words (the cache's key); isascii()
        # without the cost of a regular expression.
        if (self.backend != "rjieba" or len(token) < 2 or not token.isascii()
                or not _ASCII_RUN.fullmatch(token) or token in _whole_runs(self.user_words)):
            return None
        pieces = _jieba_pieces(token)
        return pieces if pieces != [token] else None

    def needs_mending(self, normalized: str) -> bool:
        """Whether rjieba's tokens of ``normalized`` need mending: most joined runs are decimals
        (0.0, 0.0%) or dictionary words (c++), which jieba keeps whole too, so most texts do not,
        and their tokens need no second pass."""
        if self.backend != "rjieba":
            return False
        whole = _whole_runs(self.user_words)
        runs = {run for run in _ASCII_RUN.findall(normalized) if _JOINT.search(run)}
        return not all(run in whole or _jieba_pieces(run) == [run] for run in runs)

    def cut_raw(self, normalized: str) -> list[str]:
        """Every token the segmenter gives, white space and stop words included; rjieba's mended
        to be jieba's."""
        tokens = self.segmenter_tokens(normalized)
        if not self.needs_mending(normalized):
            return tokens
        split = {t: pieces for t in set(tokens) if (pieces := self.jieba_pieces(t))}
        out: list[str] = []
        for token in tokens:
            if token in split:
                out.extend(split[token])
            else:
                out.append(token)
        return out

    def cut(self, normalized: str) -> list[str]:
        """Cut already-normalized text; keep word-like tokens that are not stop words."""
        memo = self.__dict__.get("_memo")
        if memo is None:
            memo = self.__dict__["_memo"] = TokenMemo(self.map_token)
        return list(filter(None, map(memo.__getitem__, self.cut_raw(normalized))))

    def normalize_many(self, texts: Sequence[str], each: bool = False
                       ) -> tuple[str, list[str] | None]:
        """Normalize many texts with one call: ``(joined, per_text)``.

        ``joined`` is the texts joined by line breaks (the line breaks inside a text first
        dropped or made spaces, as :func:`join_lines` does), normalized. A line break is a
        boundary for OpenCC, jieba and rjieba alike, so cutting ``joined`` gives each text the
        tokens it gets alone (``tests/test_scorer.py`` checks this on the corpus); ``per_text``
        (when ``each``) is every text's own normalized form, equal to ``[normalizer(t) for t in
        texts]``: cut out of ``joined``, since a line break is a boundary for the normalizer.
        """
        if any("\n" in t or "\r" in t for t in texts):  # paragraphs of wrapped lines joined
            texts = [join_lines(t) if "\n" in t or "\r" in t else t for t in texts]
        joined = self.normalizer.normalize_lines("\n".join(texts))
        if not each:
            return joined, None
        return joined, joined.split("\n")

    def __getstate__(self) -> dict[str, Any]:
        # Stop words sorted: a set pickles in hash order, which changes from process to process,
        # and the same training must give the same bundle bytes.
        state = {k: v for k, v in self.__dict__.items() if k != "_memo"}
        return {**state, "stop_words": tuple(sorted(self.stop_words))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, stop_words=frozenset(state["stop_words"]))

    def __call__(self, text: str) -> list[str]:
        return self.cut(self.normalizer(text))


def tokenize(text: str, backend: str = "jieba") -> list[str]:
    """Tokens of ``text`` with the default normalizer and no user words (module-level, picklable).

    >>> tokenize("醫護人員馳援武漢") == tokenize("医护人员驰援武汉")
    True
    """
    return Tokenizer(backend=backend)(text)


def load_lexicon(path: Path | str | None, themes: Sequence[str]) -> dict[str, list[str]]:
    """Read a theme -> terms YAML file (the lexicon, the actor words); every theme must be a
    known one."""
    if path is None:
        return {}
    from pipeline.config import read_yaml

    data = read_yaml(path, _read_utf8(path)) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must map each theme to a list of terms")
    unknown = sorted(set(data) - set(themes), key=str)  # a key may be a number
    if unknown:
        raise ConfigError(f"{path}: unknown themes: {listed(unknown)}; allowed: {listed(themes)}")
    lexicon: dict[str, list[str]] = {}
    for theme in themes:
        terms = data.get(theme) or []
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ConfigError(f"{path}: {theme}: must be a list of terms, none of them empty")
        lexicon[theme] = terms
    return lexicon
