"""Bytes to text: detect the encoding, reject what is not text.

Real files come as UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, GB18030/GBK or
Big5. Detection, in order:

1. a byte-order mark; then binary signatures and NUL bytes, which are rejected (UTF-16 or
   UTF-32 without a mark is named, with the ``--encoding`` that reads it);
2. strict UTF-8 (the common case; it almost never decodes anything else by accident). The one
   exception: a short GB18030/Big5 file can be valid UTF-8 made of 2-byte sequences only ('医院'
   reads 'ҽԺ'). Such a decoding, unless it reads as European text, also gets step 3, and a
   confident Chinese reading wins;
3. the Chinese codecs, strictly: GB18030 and Big5 (Big5-HKSCS if Big5 fails). The reading whose
   ideographs are most often common characters is taken if that share is high enough. The
   documents are Chinese, and on a short file a statistical detector takes Big5 for Korean or
   Japanese. A file that no codec reads whole is read cut short (see :func:`_cut_short`), by
   the same rule. Korean in EUC-KR, which reads as common Chinese characters, is refused
   (see :func:`_korean`); Japanese in EUC-JP, which reads so too, is read as EUC-JP, with a
   warning (see :func:`_japanese`), as Japanese in ISO-2022-JP is (which is ASCII with escapes
   and would read as UTF-8);
4. otherwise, unless its lines read in two codecs (a file joined from parts: refused, naming
   where the second begins) or it is UTF-16 without a mark, charset-normalizer picks the
   encoding: a guess, taken with a warning if its reading holds Chinese characters (Japanese in
   Shift_JIS does), refused if it holds none (random bytes read as Cyrillic), since the
   documents are Chinese: ``--encoding`` reads such a file. One it finds no encoding for is
   refused; when one codec reads all of it as Chinese text but a few bytes (a damaged file), the
   refusal names where the first of them are (see :func:`_damaged`).

Files that are recognisably binary (images, archives, office files) or decode to more than 5%
control, replacement or private-use characters are rejected with an
:class:`~pipeline.errors.InputError` that names the file and says why.

Example
-------
>>> text = "南充市委書記主持召開會議,研究部署疫情防控工作。\\n\\n社區網格員入戶排查。"
>>> doc = decode_bytes(text.encode("big5"), source="a.txt")
>>> doc.text == text, doc.encoding
(True, 'big5')

A few characters are too little to tell GB18030 from Big5 for sure: ``encoding=`` forces it.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import itertools
import logging
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError, encodable

log = logging.getLogger("pipeline")

# File signatures of common binary formats people point text tools at by mistake.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF file"),
    (b"{\\rtf", "an RTF document (its Chinese written as \\'xx codes; save it as plain text)"),
    (b"PK\x03\x04", "a zip archive (or .docx/.xlsx, which are zip archives)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls)"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32's first: its LE mark starts as UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A codec forced on a file with a byte-order mark, and the one to record, which drops the mark.
_DROPS_BOM = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
              "utf-32-le": "utf-32", "utf-32-be": "utf-32"}
# Codecs whose byte order, without a mark, is the machine's; the marks they read.
_NATIVE_ORDER = {"utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
                 "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)}
# Above this share of control, surrogate, private-use characters or U+FFFD (see _junk_share), a
# decoding is not text.
_MAX_JUNK = 0.05
# Real UTF-16/32 files carry a byte-order mark; without one, short CJK text in a legacy encoding
# can look like UTF-16 to a detector.
_NEED_BOM = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7"]


@dataclass(frozen=True)
class Document:
    """A decoded document. ``id`` is the file name without its suffix (``stdin`` for standard
    input; see :func:`document_id`), unless the caller names it. ``bytes_left_out``: the last
    bytes of a file cut short in the middle of a character, which ``encoding`` decodes only
    without them (0 for a file that decodes whole)."""

    id: str
    source: str
    encoding: str
    text: str
    bytes_left_out: int = 0


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """A regular expression's character class of the code point ranges (first, last)."""
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


# Controls (but tab, newlines, form feed), surrogates and replacement characters are what a
# wrong decoding produces. Unassigned code points are not counted: new scripts and CJK extensions
# reach files before Python's Unicode tables know them.
_JUNK_RANGES = ((0x00, 0x08), (0x0E, 0x1F), (0x7F, 0x9F), (0xD800, 0xDFFF), (0xFFFD, 0xFFFD))
_JUNK = re.compile(_char_class(_JUNK_RANGES))
# Private-use characters too, from a few dozen on: a file joined from a Big5 part and a GB18030
# part reads whole as GB18030, its Big5 part one private-use character in seven; a real text's
# few (a glyph a font made up for a name) are no wrong decoding, even in a short file.
_PRIVATE_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0x10FFFF))
_PRIVATE = re.compile(_char_class(_PRIVATE_RANGES))
_MIN_PRIVATE = 20
# Hiragana and katakana letters (see _japanese).
_KANA_RANGES = ((0x3041, 0x3096), (0x30A1, 0x30FA))
_CLASSES = (_JUNK_RANGES, _PRIVATE_RANGES, _KANA_RANGES)  # numbered from 1 in _classes()
_JUNK_CLASS, _PRIVATE_CLASS, _KANA_CLASS = 1, 2, 3


@functools.cache
def _classes() -> Any:
    """A table of every code point (NumPy's: only called once it is loaded): its class's number,
    or 0."""
    import numpy as np

    table = np.zeros(0x110000, dtype=np.uint8)
    for number, ranges in enumerate(_CLASSES, 1):
        for first, last in ranges:
            table[first : last + 1] = number
    return table


def _class_counts(sample: str) -> list[int] | None:
    """How many characters of ``sample`` are of each class of :func:`_classes` (by its number)
    when NumPy is loaded already, as classify has it; else ``None`` (``segment`` and ``status``
    do not load it for this: a fifth of a second of their start). One look at each character in
    a table instead of a regular expression's pass over the text for each class.
    """
    return _counted(sample) if "numpy" in sys.modules else None


@functools.lru_cache(maxsize=1)
def _counted(sample: str) -> list[int]:
    """:func:`_class_counts` with NumPy, the last sample's remembered: a file's first characters
    are asked for twice, for kana (:func:`_japanese`) and then for junk (:func:`_junk_share`),
    and counting them was half the time of reading a UTF-8 file."""
    import numpy as np

    points = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.bincount(_classes()[points], minlength=len(_CLASSES) + 1).tolist()


# The characters of a decoding that are looked at to judge it (its first ones).
_SAMPLE = 200_000


def _junk_share(text: str) -> float:
    """The share of the characters (of the first 200,000) that a wrong decoding produces."""
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    counts = _class_counts(sample)
    junk, private = ((counts[_JUNK_CLASS], counts[_PRIVATE_CLASS]) if counts is not None
                     else (len(_JUNK.findall(sample)), len(_PRIVATE.findall(sample))))
    return (junk + (private if private >= _MIN_PRIVATE else 0)) / len(sample)


# Candidate Chinese codecs, in tie-break order; big5hkscs is tried only when big5 fails.
_CHINESE_CODECS = ("gb18030", "big5")


@functools.cache
def _ideograph() -> re.Pattern[str]:
    """An ideograph of the main block. Compiled on first need, as :func:`_han` is: only a file
    that is not plain UTF-8 needs either, and compiling their tens of thousands of code points
    (the compiler walks a range one code point at a time) took 4 ms of every command's start."""
    return re.compile("[\u4e00-\u9fff]")


@functools.cache
def _not_ideograph() -> re.Pattern[str]:
    """What :func:`_ideograph` does not match: stripped from a text, it leaves the ideographs
    in one string, where finding them made a string of each (16 MB for 200,000 of them)."""
    return re.compile("[^\u4e00-\u9fff]+")


# Punctuation of Chinese text, to judge a file without ideographs (a line of '……'): read with the
# wrong codec it becomes private-use characters or odd symbols.
_PUNCTUATION = frozenset("\u3000，。、；：？！“”‘’（）《》〈〉【】「」『』…—·～％")
_NON_ASCII = re.compile("[^\x00-\x7f]")


@functools.cache
def _han() -> re.Pattern[str]:
    """Han characters of every block (extensions, compatibility ideographs): what a reading that
    charset-normalizer guesses for a Chinese document must hold. Random bytes read as Cyrillic
    or Latin text hold none."""
    return re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


# A character UTF-8 writes in 3 or 4 bytes (U+0800 and up): found at once in Chinese text, which
# then needs no more checks (max() over the text would read all of it, on every file). Written as
# the complement of the rest: the same characters, compiled in a fraction of a millisecond, where
# the range itself took 5 ms of every start.
_WIDE = re.compile("[^\x00-\u07ff]")


# Letters of any script: Latin, Hangul, kana, Chinese.
_LETTER = re.compile(r"[^\W\d_]")


def hardly_chinese(text: str, bar: float = 0.1, sample: int = 20_000,
                   min_letters: int = 20) -> float | None:
    """The share of the letters in ``text`` (its first ``sample`` characters) that are Chinese
    characters, when it is under ``bar``; else ``None``, as for a text of fewer than
    ``min_letters`` letters (a table of numbers). Chinese prose, with a full-width comma or
    full stop in every hundred characters (one in 15, as written), is not counted: the Han
    class is compiled only for text that may need it (see :func:`_han`).

    >>> round(hardly_chinese("All reports were collected in 2020, and 社区 is a word."), 2)
    0.05
    >>> hardly_chinese("社区网格员入户排查，登记返乡人员 (grid workers)", bar=0.5) is None
    True
    """
    part = text[:sample]
    if part.count("，") + part.count("。") > len(part) // 100:
        return None
    han = len(_han().findall(part))
    letters = len(_LETTER.findall(part))
    share = han / letters if letters >= min_letters else 1.0
    return share if share < bar else None


# Text made only of ASCII, Latin-1, Latin Extended, basic Greek and basic Cyrillic letters: what
# European UTF-8 text is, and what GB18030 read as UTF-8 rarely is ('医院' reads 'ҽԺ', Cyrillic
# extended and Armenian). Such UTF-8 stays UTF-8: 'niño' or 'да' would read as Chinese ('ni帽o',
# '写邪'), since accented Latin letters and а-п are GB2312 level-1 byte pairs.
_EUROPEAN = re.compile("[\x00-\u024f\u0386-\u03ce\u0400-\u045f\u0490\u0491]*")
# Share of a decoding's ideographs that must be common characters for it to be taken. 0.8,
# measured on the 7,674 written paragraphs and their 25,924 sentences, each alone in a file in
# gb18030 and in big5: the right reading falls under 0.8 for 5 sentences and no paragraph (under
# 0.9: 30 sentences, 4 paragraphs). A lower bar only matters when the right codec fails and a
# wrong reading stands alone: 3% of big5 paragraphs read as gb18030 reach 0.8, 17% reach 0.7.
_MIN_COMMON = 0.8


@functools.cache
def _common_ideographs() -> frozenset[str]:
    """GB2312 level 1 plus Big5's common characters: what most real Chinese text is made of.

    A wrong decoding (Big5 read as GB18030 or the reverse, Shift_JIS read as Chinese) gives rare
    characters; a right one, nearly only these. Built once, on first need (6,722 characters).
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):  # GB2312 level 1
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):  # Big5 common characters: 0xA440..0xC67E
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if lead << 8 | trail > 0xC67E:
                break
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    return frozenset(c for c in chars if _ideograph().fullmatch(c))


def _score(text: str) -> tuple[float, int]:
    """(share of common characters, how many) among the ideographs of ``text``.

    Without ideographs, among its non-ASCII characters, counting Chinese punctuation instead.
    """
    common = _common_ideographs()
    sample = text[:_SAMPLE]
    chars = _not_ideograph().sub("", sample)
    if chars:
        hits = sum(c in common for c in chars)
        return hits / len(chars), hits
    chars = _NON_ASCII.findall(sample)
    if not chars:
        return 0.0, 0
    return sum(c in _PUNCTUATION for c in chars) / len(chars), 0


# EUC-JP has GB2312's byte pairs (its kanji read as common GB2312 characters) and three-byte
# sequences, after which GB18030 pairs the bytes one off: a whole EUC-JP file can end, for
# GB18030, in half a pair, a confident reading cut short.
_EUC_JP = ("euc_jp", "euc_jis_2004")


def _chinese(data: bytes) -> tuple[str, str, int] | None:
    """Return (codec, text, bytes left out) for the best strict Chinese decoding if it is
    confident, else None.

    Short files hold too little for a statistical detector to tell Chinese from Korean or
    Japanese; since this tool reads Chinese only, the share of common characters decides. A
    reading cut short (see :func:`_cut_short`) counts only when no codec reads the whole file:
    in a file really cut, every codec that reads it stops at the same unfinished pair, so a
    whole file is read as it always was. EUC-JP counts among those codecs (see :data:`_EUC_JP`).
    """
    # (codec, its reading's first characters, bytes left out). Only the text last read is kept
    # whole, and let go before another is read: a large Big5 file also reads as GB18030, and
    # holding every reading took as much memory again as its text.
    readings: list[tuple[str, str, int]] = []
    last: tuple[str, str, int] | None = None
    for codec in _CHINESE_CODECS:
        for tried in (codec, "big5hkscs") if codec == "big5" else (codec,):
            try:
                _check_start(data, tried)
                last = None
                last = (tried, *_cut_short(data, tried))
            except UnicodeDecodeError:
                continue
            readings.append((tried, last[1][:_SAMPLE], last[2]))
            break
    whole = [r for r in readings if r[2] == 0]
    if whole or any(_decodes(data, codec) for codec in _EUC_JP):
        readings = whole
    best: tuple[tuple[float, int], tuple[str, str, int]] | None = None
    for reading in readings:
        score = _score(reading[1])
        # Equal shares: the reading with more common ideographs wins, since the right one makes
        # every byte pair an ideograph and a wrong one turns some into kana, Greek or symbols.
        # Still equal: gb18030, tried first.
        if best is None or score > best[0]:
            best = (score, reading)
    if best is None or best[0][0] < _MIN_COMMON:
        return None
    if hangul := _korean(data):
        raise ValueError(f"not Chinese text: it reads as Korean in EUC-KR ({hangul} Hangul "
                         "syllables, no Chinese character), which GB18030 reads as common Chinese "
                         "characters; if it is right, read it with --encoding euc_kr")
    codec, sample, cut = best[1]
    if codec == "gb18030" and _japanese(sample):
        last = None
        with contextlib.suppress(UnicodeDecodeError):
            return "euc_jp", *_cut_short(data, "euc_jp")
    if last is not None and last[0] == codec:
        return last
    return codec, data[:len(data) - cut].decode(codec), cut


# Hangul syllables a text must have to be taken for Korean: 30 Chinese characters all in the
# part of GB2312 that EUC-KR makes Hangul of (lead bytes 0xB0-0xC8) would be chance.
_MIN_HANGUL = 30


def _korean(data: bytes) -> int:
    """How many Hangul syllables ``data`` holds in EUC-KR, if it is Korean text there: at least
    :data:`_MIN_HANGUL`, and Chinese characters (hanja) under 2% of them; else 0.

    EUC-KR puts Hangul on GB2312's byte pairs of its first 3,000 common characters, so a Korean
    file reads as confident Chinese ('서울시' as '辑匡矫'). Chinese text in EUC-KR gives hanja
    too, from its other common characters (at least 14% of the Hangul's count, over the 974
    corpus texts that EUC-KR decodes); modern Korean text, hardly any.
    """
    try:  # a pair cut at the sample's end is left for later, not an error
        text = codecs.getincrementaldecoder("euc_kr")().decode(data[:400_000])
    except UnicodeDecodeError:
        return 0
    hangul = len(re.findall("[\uac00-\ud7a3]", text))  # compiled on first need
    return hangul if hangul >= _MIN_HANGUL and len(_han().findall(text)) < 0.02 * hangul else 0


# Kana (hiragana and katakana, not the prolonged sound mark or the middle dot) a GB18030
# reading must hold, at least, to be taken for Japanese in EUC-JP, and their least share of its
# kana and ideographs: Japanese prose is about half kana (112 of 222 in a news item), Chinese
# has a few at most (a quoted name, の in a shop's name).
_MIN_KANA = 20
_MIN_KANA_SHARE = 0.25
# In UTF-8, read right either way, the warning is advice only, and more kana are asked for: a
# Chinese line quoting a Japanese sentence or two (日本网友留言：がんばってください…) has 30.
_MIN_KANA_UTF8 = 50


@functools.cache
def _kana() -> re.Pattern[str]:
    """A hiragana or katakana letter; compiled on first need, as :func:`_han` is."""
    return re.compile(_char_class(_KANA_RANGES))


def _japanese(sample: str, least: int = _MIN_KANA) -> bool:
    """Whether a file whose GB18030 reading starts with ``sample`` may be Japanese in EUC-JP:
    it is, if EUC-JP reads it (``least``: the kana it must hold).

    GB2312 puts the kana where JIS X 0208 does and EUC-JP's kanji on its byte pairs of common
    characters, so Japanese in EUC-JP reads as confident GB18030: its kana right, every kanji a
    wrong Chinese character ('新型' as '糠房'). The kana, the same in either reading, tell it
    from Chinese (see :data:`_MIN_KANA`); and EUC-JP must read the whole file, which Chinese
    text seldom lets it do: its full-width comma, colon and exclamation mark (0xA3AC, 0xA3BA,
    0xA3A1) are no EUC-JP characters. They are in EUC-JIS-2004, which is not tried: it gives
    GB2312's every byte pair a character.
    """
    counts = _class_counts(sample)
    kana = counts[_KANA_CLASS] if counts is not None else len(_kana().findall(sample))
    return kana >= least and kana >= _MIN_KANA_SHARE * (
        kana + len(_ideograph().findall(sample)))


# ISO-2022-JP's codecs, in the order tried: the plain one, then those that add character sets.
_ISO_2022_JP = ("iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004")


def _iso_2022_jp(data: bytes) -> tuple[str, str] | None:
    """(codec, text) of ``data`` if it is text in ISO-2022-JP: 7-bit, with its two-byte
    characters between escape sequences (``ESC $ B`` … ``ESC ( B``), so that it reads as ASCII
    letters and escape characters ('\\x1b$B?77?' for '新型'); else None."""
    if b"\x1b$" not in data or not data.isascii():
        return None
    for codec in _ISO_2022_JP:
        with contextlib.suppress(UnicodeDecodeError):
            return codec, data.decode(codec)
    return None


# What may follow the first 1, 2 or 3 bytes of a GB18030 four-byte sequence.
_GB18030_FOUR = (range(0x30, 0x3A), range(0x81, 0xFF), range(0x30, 0x3A))


def _starts_a_character(tail: bytes, codec: str) -> bool:
    """Whether some bytes after ``tail`` make one whole character of ``codec``, a Chinese one.

    Its decoder calls any byte above 0x7F at the end an incomplete sequence, a stray 0xFF too;
    only a real beginning of a character (a lead byte, or the start of a GB18030 four-byte
    sequence) is an unfinished one.
    """
    if len(tail) == 1:  # a lead byte (GB18030's four-byte sequences start with one too)
        return any(_decodes(tail + bytes((b,)), codec) for b in range(0x40, 0x100))
    return codec == "gb18030" and any(
        _decodes(tail + bytes(rest), codec)
        for rest in itertools.product(*_GB18030_FOUR[len(tail) - 1:]))


def _decodes(data: bytes, codec: str) -> bool:
    """Whether ``data`` decodes strictly in ``codec``."""
    try:
        _check_start(data, codec)
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


# The first bytes of a file that a codec must read before the whole file is decoded in it.
_START = 65_536


def _check_start(data: bytes, codec: str) -> None:
    """Raise the :class:`UnicodeDecodeError` that decoding ``data`` whole in ``codec`` raises,
    if its first :data:`_START` bytes do not decode (a character they end inside is left to the
    rest): a wrong codec mostly fails there. Decoding a large file whole to find that out held,
    till the error, what was decoded and a copy of the file that the error keeps: 34 MB and
    more for a 34 MB GB18030 file, once as UTF-8 and again as Big5 and Big5-HKSCS."""
    if len(data) > _START:
        codecs.getincrementaldecoder(codec)().decode(data[:_START])


def _cut_short(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded, and how many bytes were left out to do it: those of an unfinished last
    character (a file cut short in a copy or a download), else 0; any other fault raises.

    UTF-8 and UTF-16 say 'unexpected end of data' or 'truncated data' only for the beginning of
    a character; the Chinese codecs say 'incomplete multibyte sequence' for any high byte, so
    theirs is checked (:func:`_starts_a_character`).
    """
    _check_start(data, encoding)
    try:
        return data.decode(encoding), 0
    except UnicodeDecodeError as exc:
        cut = len(data) - exc.start
        if exc.end != len(data) or cut > 3:
            raise
        if exc.reason == "incomplete multibyte sequence":
            if not _starts_a_character(data[exc.start:], encoding):
                raise
        elif exc.reason not in ("unexpected end of data", "truncated data"):
            raise
    return data[:-cut].decode(encoding), cut


def _taken(text: str, cut: int, codec: str, source: str) -> str:
    """``text``, now that it is the reading taken; says so if it was cut short."""
    if cut:
        log.warning("%s: the last %d byte(s) are an unfinished %s character (the file was cut "
                    "short?): left out", source, cut, codec)
    return text


def _taken_chinese(codec: str, text: str, cut: int, source: str) -> tuple[str, str, int]:
    """A Chinese reading (or a Japanese one: see :func:`_japanese`), now taken: (codec, text,
    bytes left out), with :func:`_taken`'s warning."""
    if codec == "euc_jp":
        _say_japanese(source, codec, text)
    return codec, _taken(text, cut, _codec_name(codec), source), cut


def _codec_name(codec: str) -> str:
    """``codec`` as people write it: ``GB18030``, ``EUC-JP``, ``ISO-2022-JP``."""
    return codec.upper().replace("_", "-").replace("ISO2022", "ISO-2022")


def _say_japanese(source: str, codec: str, text: str) -> None:
    """Warn that ``source`` was read as Japanese text in ``codec``: labels of it say little."""
    log.warning("%s: Japanese text in %s (%d kana), read as such: the pipeline reads Chinese, "
                "and its paragraphs' kinds and labels say little", source, _codec_name(codec),
                len(_kana().findall(text[:_SAMPLE])))


def _by_bom(data: bytes, bom: bytes, encoding: str, source: str) -> tuple[str, int]:
    """The text of a file that starts with a byte-order mark and the bytes left out at its end
    (see :func:`_cut_short`), or ValueError if its bytes do not follow the mark (a UTF-16 mark in
    front of UTF-8 text reads as rare ideographs and Hangul)."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text, cut = _cut_short(data[len(bom):] if codec == "utf-8" else data, codec)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not {encoding} as its byte-order mark says: {exc.reason} at byte "
                         f"{exc.start + (len(bom) if codec == 'utf-8' else 0)}") from None
    if codec != "utf-8" and _score(text)[0] < _MIN_COMMON and _ideograph().search(text[:1000]):
        other = _other_reading(data[len(bom):], encoding)
        if other:
            raise ValueError(f"not {encoding} as its byte-order mark says: the bytes after it "
                             f"are {other}")
    return _taken(text, cut, codec.upper(), source), cut


def _other_reading(data: bytes, encoding: str) -> str | None:
    """The codec that reads ``data`` (found after a UTF-16 or UTF-32 byte-order mark whose
    reading is mostly rare characters) as Chinese text after all, if one does."""
    try:
        _cut_short(data, "utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    if encoding == "utf-16":  # a mark of the wrong byte order
        for swapped in ("utf-16-le", "utf-16-be"):
            try:
                if _score(data.decode(swapped))[0] >= _MIN_COMMON:
                    return swapped.upper()
            except UnicodeDecodeError:
                continue
    chinese = _chinese(data)
    return chinese[0] if chinese else None


# Characters a file must read as, at least, to be named as UTF-16 without a byte-order mark (see
# _unmarked_unicode): of 600 random files of 6 to 256 bytes, 57 passed for UTF-16 without them.
_MIN_UTF16_HITS = 5


def _unmarked_unicode(data: bytes) -> str | None:
    """``utf-16-le``, ``utf-16-be``, ``utf-32-le`` or ``utf-32-be`` if ``data``, which has no
    byte-order mark, reads as text in it: Chinese (mostly common characters, at least
    :data:`_MIN_UTF16_HITS`) or European (at least as many characters), with no more junk than
    text has. A few random bytes read as a common character or two in one byte order or the
    other: those minimums rule them out. UTF-32 read as UTF-16 is every other character a NUL:
    junk."""
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        try:
            text, _ = _cut_short(data, codec)
        except UnicodeDecodeError:
            continue
        if _junk_share(text) > _MAX_JUNK:
            continue
        share, hits = _score(text)
        if ((len(text) >= _MIN_UTF16_HITS and _EUROPEAN.fullmatch(text))
                or (share >= _MIN_COMMON and hits >= _MIN_UTF16_HITS)):
            return codec
    return None


def _use_unmarked(codec: str) -> str:
    """The message for a file in ``codec`` (UTF-16 or UTF-32) without a byte-order mark:
    detection reads only a marked one (unmarked, short Chinese text in a legacy codec can pass
    for UTF-16)."""
    return (f"{codec.upper()} text without a byte-order mark (only a marked one is detected): "
            f"read it with --encoding {codec} (in a config, reading.encoding: {codec})")


def _line_codec(line: bytes) -> str | None:
    """The codec one line (not ASCII alone) reads in as :func:`_detect` would read it alone:
    ``utf-8``, ``gb18030``, ``big5`` or ``big5hkscs``; None if none reads it whole."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _WIDE.search(text) or _EUROPEAN.fullmatch(text):
            return "utf-8"
    chinese = _chinese(line)
    return chinese[0] if chinese is not None and chinese[2] == 0 else None


def _parts(data: bytes) -> str | None:
    """Where a file that reads whole in no codec leaves the codec its first lines read in: a
    UTF-8 part, then any line that is not UTF-8; or a GB18030 or Big5 part, then a line of
    another codec. None if no such place is found (lines no codec reads do not end a Chinese
    part: that file is no known encoding, not several).

    Files joined from parts in different encodings say only that no codec reads them; this
    says where to look."""
    first, start = None, 0
    for number, line in enumerate(data.split(b"\n"), 1):
        line_start, start = start, start + len(line) + 1
        if line.isascii():
            continue
        codec = _line_codec(line)
        if first is None:
            if codec is None:
                return None
            first = codec
        elif first == "utf-8" and codec != first:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                line_start += exc.start
            then = f"; that line reads as {_codec_name(codec)}" if codec else ""
            return f"valid UTF-8 up to byte {line_start} (line {number}), not from there{then}"
        elif codec not in (None, first):
            return (f"{_codec_name(first)} in lines 1 to {number - 1}, {_codec_name(codec)} "
                    f"from line {number} (byte {line_start})")
    return None


def _damaged(data: bytes) -> str | None:
    """Where a file that no codec reads has its first bytes that its codec does not read, when
    that codec reads the rest as Chinese text: its ideographs mostly common characters (as
    :func:`_chinese` asks), the bytes it does not read no more characters than the junk a text
    may hold (:data:`_MAX_JUNK`). ``GB18030 but for bytes it does not read, the first at byte
    505755 (line 3265): …``; None if no codec reads most of the file so. A damaged file (or one
    with a few bytes of another encoding in it) was refused with no place to look at.

    Only for a file refused: each codec's reading of the whole is made, and let go."""
    best: tuple[tuple[float, int], str] | None = None
    for codec in ("utf-8", *_CHINESE_CODECS, "big5hkscs"):
        text = data.decode(codec, "replace")
        if text.count("\ufffd") <= _MAX_JUNK * len(text):
            score = _score(text)
            if score[0] >= _MIN_COMMON and (best is None or score > best[0]):
                best = score, codec
        del text
    if best is None:
        return None
    try:
        data.decode(best[1])
    except UnicodeDecodeError as exc:
        at, line = exc.start, data.count(b"\n", 0, exc.start) + 1
        return (f"{_codec_name(best[1])} but for bytes it does not read, the first at byte {at} "
                f"(line {line}): a damaged file, or bytes of another encoding")
    return None  # it reads whole: no file refused here


def _with_nul(data: bytes) -> str:
    """Why ``data``, which holds NUL bytes, is refused, and where they are: a text whose end a
    copy, a download or a crash left as zeros, or the first one's byte and line."""
    first = data.index(b"\x00")
    if not data[first:].strip(b"\x00"):
        zeros = (f"its {len(data)} bytes are all NUL" if not first else
                 f"its last {len(data) - first} bytes, from byte {first} on, are all NUL")
        return (f"not a text file: {zeros} (a copy or download that did not finish, or zeros a "
                "crash left?)")
    line = data.count(b"\n", 0, first) + 1
    return (f"not a text file: it contains NUL bytes, the first at byte {first}, line {line} "
            "(binary, or UTF-16 without a BOM)")


def _detect(data: bytes, source: str) -> tuple[str, str, int]:
    """Return (encoding, text, bytes left out at the end) or raise ValueError saying why the
    bytes are not text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, *_by_bom(data, bom, encoding, source)
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ValueError(f"not a text file: it is {what}")
    if b"\x00" in data:
        if codec := _unmarked_unicode(data):
            raise ValueError(_use_unmarked(codec))
        raise ValueError(_with_nul(data))
    if japanese := _iso_2022_jp(data):
        _say_japanese(source, *japanese)
        return *japanese, 0
    try:
        text, cut = _cut_short(data, "utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Only 2-byte sequences (no character at or above U+0800): a short GB18030 or Big5 file
        # can be valid UTF-8 by accident ('医院' is d2bd d4ba, 'ҽԺ' in UTF-8). Real Chinese
        # UTF-8 always has 3-byte sequences, so it never gets here.
        if not _WIDE.search(text) and not _EUROPEAN.fullmatch(text):
            chinese = _chinese(data)
            if chinese is not None:
                return _taken_chinese(*chinese, source)
        if _japanese(text[:_SAMPLE], _MIN_KANA_UTF8):  # named as EUC-JP and ISO-2022-JP are
            _say_japanese(source, "utf-8", text)
        return "utf-8", _taken(text, cut, "UTF-8", source), cut
    chinese = _chinese(data)
    if chinese is not None:
        return _taken_chinese(*chinese, source)
    if codec := _unmarked_unicode(data):  # Chinese alone, no ASCII: no NUL byte in it
        raise ValueError(_use_unmarked(codec))
    if where := _parts(data):
        raise ValueError(f"not text in one encoding: {where} (parts in different encodings, or "
                         "a damaged file)")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_exclusion=_NEED_BOM).best()
    if best is None:
        where = _damaged(data)
        raise ValueError("not text in any known encoding" + (f": {where}" if where else ""))
    encoding, text = best.encoding, str(best)
    if not _han().search(text):
        raise ValueError(f"not Chinese text: not UTF-8, GB18030 or Big5, and {encoding}, the "
                         "likeliest other encoding, gives no Chinese character; if it is right, "
                         f"read it with --encoding {encoding}")
    if _japanese(text[:_SAMPLE]):  # Shift_JIS: named as EUC-JP and ISO-2022-JP are
        _say_japanese(source, encoding, text)
    elif _junk_share(text) <= _MAX_JUNK:  # else decode_bytes refuses it
        log.warning("%s: read as %s, a guess (neither UTF-8 nor a confident GB18030 or Big5 "
                    "reading); --encoding forces another", source, encoding)
    return encoding, text, 0


def _codec_hint(name: str) -> str:
    """What to give instead of the unknown encoding ``name``: the codec it names with its
    hyphens or spaces left out, as people write them (``GB-18030``, ``Big 5``), or examples."""
    squeezed = "".join(ch for ch in name if ch not in "-_ ")
    try:
        return f"did you mean {codecs.lookup(squeezed).name!r}?"
    except LookupError:
        return "use 'auto' or a codec name (gb18030, big5, big5hkscs, utf-8, utf-16)"


def text_codec(name: str) -> str:
    """``name`` if it is ``auto`` or a codec that decodes bytes to text; else a ``ValueError``
    that says why (an unknown name, or a codec such as ``rot13`` or ``base64`` that is not a
    text encoding)."""
    if name == "auto":
        return name
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}; {_codec_hint(name)}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ValueError(f"{name!r} is not a text encoding; use 'auto' or a codec name")
    return name


def _detected_instead(data: bytes, forced: str) -> str:
    """For the message of a codec forced on ``data`` that does not read it: the encoding that
    detection reads it in, when that is another one that reads it whole, found at once (a
    byte-order mark, UTF-8, a confident GB18030 or Big5 reading), as :func:`_detect` finds
    them: ``; the file reads as utf-8 (…)``; else nothing (a file cut short is no other
    encoding's; one detection refuses, binary or with NUL bytes, has none). A
    ``reading.encoding`` copied from another project's config, or ``--encoding gbk`` on a UTF-8
    file, said only which byte did not decode."""
    found = next((encoding for bom, encoding in BOMS if data.startswith(bom)), None)
    if found is not None:
        if not _decodes(data[3:] if found == "utf-8-sig" else data, found.removesuffix("-sig")):
            return ""
    elif b"\x00" in data or data.startswith(tuple(sign for sign, _ in _SIGNATURES)):
        return ""
    else:
        try:
            text: str | None = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        found = "utf-8"
        if text is None or not (_WIDE.search(text) or _EUROPEAN.fullmatch(text)):
            # GB18030 or Big5, as _detect finds them (their 2-byte pairs can be UTF-8 by chance)
            chinese = None
            with contextlib.suppress(ValueError):  # Korean in EUC-KR: no reading to offer
                chinese = _chinese(data)
            if chinese is not None and not chinese[2]:
                found = chinese[0]
            elif text is None:
                return ""
    if found is None or codecs.lookup(found).name == codecs.lookup(forced).name:
        return ""
    return f"; the file reads as {found} (encoding auto, the default, detects it)"


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_bytes(
    data: bytes, source: str, encoding: str = "auto", doc_id: str | None = None
) -> Document:
    """Decode ``data`` (read from ``source``) into a :class:`Document`.

    ``encoding='auto'`` detects it; any codec name forces it.
    """
    cut, detected = 0, encoding == "auto"
    try:
        if detected:
            encoding, text, cut = _detect(data, source)
        else:
            encoding = codecs.lookup(encoding).name
            text = data.decode(encoding)
            if text.startswith("\ufeff") and encoding in _DROPS_BOM:
                # The codec that drops the mark, so that offsets index what it decodes.
                encoding = _DROPS_BOM[encoding]
                text = text[1:]
            elif encoding in _NATIVE_ORDER and not data.startswith(_NATIVE_ORDER[encoding]):
                # Without a mark, utf-16 and utf-32 decode in this machine's byte order: record
                # that order, which decodes the same bytes on any machine.
                encoding += "-le" if sys.byteorder == "little" else "-be"
            if found := _SURROGATE.search(text):  # utf-7, unicode_escape: not writable text
                raise InputError(f"{source}: cannot decode as {encoding}: a lone surrogate "
                                 f"(U+{ord(found[0]):04X}) at character {found.start()}")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: cannot decode as {encoding}: {exc.reason} at byte {exc.start}"
            + _detected_instead(data, encoding)
        ) from None
    except (ValueError, LookupError) as exc:
        raise InputError(f"{source}: {exc}") from None
    if (share := _junk_share(text)) > _MAX_JUNK:
        where = _parts(data) if detected else _detected_instead(data, encoding).lstrip("; ")
        raise InputError(
            f"{source}: not text: decoded as {encoding}, {share:.1%} of its characters are "
            f"control, replacement or private-use characters (text has at most "
            f"{_MAX_JUNK:.0%}; a wrong decoding, or parts in different encodings)"
            + (f"; {where}" if where else "")
        )
    if doc_id is None:
        doc_id = document_id(source)
    return Document(id=doc_id, source=source, encoding=encoding, text=text, bytes_left_out=cut)


def read_document(path: Path | str, encoding: str = "auto", doc_id: str | None = None
                  ) -> Document:
    """Read and decode one file (``-`` reads standard input); ``doc_id`` defaults to its name.
    Its ``source`` is the path as classify writes it, as ``pathlib`` does (``./a.txt`` as
    ``a.txt``), but for a file named ``-`` (``./-``), which stays as given."""
    source = str(path) if str(Path(path)) == "-" else str(Path(path))
    return decode_bytes(read_bytes(path), source=source, encoding=encoding, doc_id=doc_id)


def read_bytes(path: Path | str) -> bytes:
    """A file's bytes (``-``: standard input's); :class:`FileUnreadable` (an
    :class:`InputError`) when the file system refuses them."""
    source = str(path)
    if source == "-":
        import sys

        if sys.stdin is None:  # started with standard input closed
            raise FileUnreadable("-: cannot read standard input: it is closed")
        try:
            return sys.stdin.buffer.read()
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise FileUnreadable(f"-: cannot read standard input: {reason}") from None
    try:
        refuse_device(path)
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise FileUnreadable(f"{source}: is a folder, not a file") from None
    except FileNotFoundError:
        raise FileUnreadable(f"{source}: no such file") from None
    except OSError as exc:
        raise FileUnreadable(f"{source}: cannot read: {exc.strerror or exc}") from None


def special_file(path: Path) -> str | None:
    """What ``path`` is if it is neither a file nor a folder (``a named pipe``, ``a socket``,
    ``a device``), whose reading might never end; None for a file, a folder and ``/dev/null``,
    which reads as empty. Raises :class:`OSError` if it cannot be looked at."""
    mode = path.stat().st_mode
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode) or path.resolve() == Path(os.devnull):
        return None
    return ("a named pipe" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")


def refuse_device(path: Path | str) -> None:
    """Raise :class:`FileUnreadable` for a device such as ``/dev/zero``, which never ends (named
    pipes are read)."""
    if stat.S_ISCHR(mode := os.stat(path).st_mode) or stat.S_ISBLK(mode):
        raise FileUnreadable(f"{path}: a device, not a file")


class FileUnreadable(InputError):
    """The file system refused a file (gone, a folder, no permission): nothing about its content,
    so ``pipeline run`` tries it again next time instead of remembering the failure."""


_NOT_UTF8 = "the file name is not UTF-8; rename the file to read it"


def files_under(folder: Path, suffixes: tuple[str, ...], strict: bool = False) -> list[Path]:
    """The files under ``folder`` whose names end in one of ``suffixes`` (lower case; a name's
    in any case: ``A.TXT`` is text too), sorted: documents' ``.txt`` files, labels' ``.jsonl``.

    Hidden files and folders below ``folder`` (``.git``, ``.cache``, editor backups) are skipped:
    they are not documents, and walking ``.git`` is slow. Links to folders are followed, each
    folder walked once (a link loop ends there); the walk keeps its own stack, so no depth is too
    deep for it. A folder that cannot be listed, a link that leads nowhere and a name that is not
    UTF-8 (the output could not hold it) are named and left out (see :func:`_left_out`), as a
    device or a named pipe is (reading one might never end).
    """
    files: list[Path] = []
    walked: set[tuple[int, int]] = set()
    folders = [folder]
    while folders:
        root = folders.pop()
        try:
            info = root.stat()
            if (info.st_dev, info.st_ino) in walked:
                continue
            walked.add((info.st_dev, info.st_ino))
            with os.scandir(root) as listing:
                entries = sorted((e for e in listing if not e.name.startswith(".")),
                                 key=lambda e: e.name)
        except OSError as exc:
            # With strict nothing is left out: the command stops here.
            _left_out(f"{shown(str(root))}: cannot read this folder: {exc.strerror or exc}"
                      + ("" if strict else "; its files are left out"), strict)
            continue
        below: list[Path] = []
        for entry in entries:
            path = root / entry.name
            try:
                is_dir = entry.is_dir()  # through a link, too
            except OSError as exc:  # a link loop, say: a folder or a file, it cannot be reached
                _left_out(f"{shown(str(path))}: cannot read: {exc.strerror or exc}", strict)
                continue
            if is_dir:
                below.append(path)
            elif not entry.name.lower().endswith(suffixes):
                continue
            elif encodable(str(path)):
                files.append(path)
            else:
                _left_out(f"{shown(str(path))}: {_NOT_UTF8}", strict)
        folders.extend(reversed(below))  # walked in order: the first path to a folder is kept
    return sorted(f for f in files if _is_file(f, strict))


def _is_file(path: Path, strict: bool) -> bool:
    """Whether ``path`` is a file (a link to one included); a path the system refuses to look
    at (too long, a link to nothing or a link loop), a named pipe or a device (whose reading
    might never end) is named and left out."""
    try:
        if path.is_file():
            return True
        # what is_file() keeps quiet: a link to nothing, a link loop, a pipe or a device
        _left_out(f"{shown(str(path))}: {special_file(path) or 'a device'}, not a file", strict)
    except FileNotFoundError:
        what = "a link to a file that does not exist" if os.path.islink(path) else "no such file"
        _left_out(f"{shown(str(path))}: {what}", strict)
    except OSError as exc:
        _left_out(f"{shown(str(path))}: cannot read: {exc.strerror or exc}", strict)
    return False


# What a line of text or an id cannot hold as it is: control characters (a newline, a tab), the
# line and paragraph separators (a JSON Schema "." matches neither) and surrogates, which stand
# for the bytes that are not UTF-8 in a name read from the file system.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escaped(char: str) -> str:
    """``char`` as ``\\xNN`` (``\\uNNNN`` above U+00FF); a surrogate as the byte it stands for."""
    code = ord(char) - 0xDC00 if "\udc80" <= char <= "\udcff" else ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(name: str) -> str:
    """``name`` (a file name, or a message naming one) as one line of UTF-8 text: its bytes that
    are not UTF-8 and its control characters written as ``\\xNN`` (a newline as ``\\x0a``)."""
    return _UNSHOWN.sub(lambda m: _escaped(m[0]), name)


def document_id(source: Path | str) -> str:
    """The id of the document in ``source``: its file name without the suffix, as
    :func:`shown` writes it (``stdin`` for standard input)."""
    return "stdin" if str(source) == "-" else shown(Path(source).stem)


# What _left_out has said within :func:`each_said_once` (None: outside it).
_SAID: set[str] | None = None


@contextlib.contextmanager
def each_said_once() -> Iterator[None]:
    """Within this block, what a folder holds that cannot be read is named once, however often
    the folder is walked: a command may walk one several times (``status`` and ``run`` for the
    segment stage and again for training's inputs), and named each link loop or unreadable
    folder once a walk."""
    global _SAID
    outer, _SAID = _SAID, set() if _SAID is None else _SAID
    try:
        yield
    finally:
        _SAID = outer


def _left_out(message: str, strict: bool) -> None:
    """A file found in a folder that cannot be read: an error with ``strict``, else a warning
    (once, within :func:`each_said_once`)."""
    if strict:
        raise InputError(message)
    warn_once(message)


def warn_once(message: str) -> None:
    """``message`` as a warning, said once within
    :func:`each_said_once`: what a command reads more than once (the labels, hashed for what
    would be trained on and then read to train) names each of its faults once."""
    if _SAID is not None:
        if message in _SAID:
            return
        _SAID.add(message)
    log.warning("%s", message)


def find_documents(paths: list[Path | str], strict: bool = False) -> list[Path | str]:
    """Expand folders into their ``.txt`` files (sorted, recursive, hidden ones skipped); keep
    files (hidden ones too: named, they are wanted) and ``-``. A file found twice (named, and
    in a named folder, or through a link) is kept once, where it is first found, under its own
    name rather than a link's. ``strict``: a
    folder that cannot be read, a link that leads nowhere or a file name that is not UTF-8 is an
    error, not a warning."""
    found: list[Path | str] = []
    at: dict[Path | str, int] = {}  # a file (its real path) -> its place in found
    for path in paths:
        p = Path(path)
        if not encodable(str(path)):
            raise InputError(f"{shown(str(path))}: {_NOT_UTF8}")
        sources = (["-"] if str(path) == "-"
                   else files_under(p, (".txt",), strict) if p.is_dir()
                   # A file named '-' (given as ./-) as given: Path('./-') would be '-', stdin.
                   else [path] if str(p) == "-" else [p])
        for source in sources:
            key = source if source == "-" else Path(source).resolve()
            if key not in at:
                at[key] = len(found)
                found.append(source)
            elif os.path.islink(found[at[key]]) and not os.path.islink(source):
                # Found as a link first (0.txt -> report.txt sorts first): the file's own name
                # is its id, which its hand labels use.
                found[at[key]] = source
    return found
