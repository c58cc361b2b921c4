"""The labelled corpus: documents with hand labels, and paragraphs written for training.

Hand labels are JSON lines, one per paragraph::

    {"document": "000_10fc11496dbb7410", "sha1": "1f0c2d3e4a5b", "kind": "body", "theme": "medical"}

``document`` is the file name without ``.txt``; the paragraph is named by ``sha1`` (the first 12 hex
digits of the SHA-1 of its UTF-8 text, or all 40, which survives re-segmentation) or by ``index``
(its position among the document's paragraphs). Lines without a ``theme`` (headings, boilerplate)
are ignored for training. To add your own documents: put the ``.txt`` files in a folder the config's
``corpus.documents`` names and their labels in a file ``corpus.labels`` names.

Paragraphs written for training are JSON lines with ``id``, ``text`` and ``theme``, optionally the
``heading`` and ``title`` they sit under and the ``report`` they belong to (its paragraphs are kept
together in cross-validation; without it each paragraph is its own group), plus free fields such as
``script`` and ``register``. They are only ever used on the training side, never to measure.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import CorpusError, listed
from pipeline.reading import BOMS, files_under, special_file, warn_once

if TYPE_CHECKING:
    from pipeline.segment import Paragraph

log = logging.getLogger("pipeline")


@dataclass(frozen=True)
class Example:
    """One labelled paragraph ready for the model."""

    id: str
    text: str
    heading: str | None
    title: str | None
    theme: str
    group: str
    written: bool
    modeled_on: str | None = None  # a written paragraph's model: a real paragraph's id
    section: str | None = None  # a real paragraph's section (see section_keys)

    @property
    def document(self) -> str:
        """The document a real paragraph comes from, or the one a written one was modeled on
        (empty when it has none)."""
        source = self.modeled_on if self.written else self.id
        return source.rsplit(":", 1)[0] if source else ""

    def record(self) -> dict[str, Any]:
        """The model's input: text and context (its group is its article)."""
        return {"text": self.text, "heading": self.heading, "title": self.title,
                "section": self.section or section_key(self.group, self.heading)}


def section_key(article: str, heading: str | None) -> str:
    """The key shared by the paragraphs of one section: an article's paragraphs under one heading
    (``article`` is ``document:article``, as a real paragraph's cross-validation group)."""
    return f"{article}:{heading or ''}"


def modeled_on_none_of(written: Sequence[Example], real: Sequence[Example]) -> list[Example]:
    """The written paragraphs not modeled on any document of ``real``: what may train a model
    that is measured on ``real``."""
    documents = {e.document for e in real}
    return [e for e in written if not e.modeled_on or e.document not in documents]


def check_distinct_names(paths: Sequence[Path | str]) -> None:
    """Raise :class:`CorpusError` if two corpus files share a name: labels name documents by file
    name (without ``.txt``), so one name must be one document."""
    first: dict[str, Path | str] = {}
    for path in paths:
        other = first.setdefault(Path(path).stem, path)
        if other != path:
            raise CorpusError(f"{path}: a second document with the id {Path(path).stem!r} (the "
                              f"first: {other}); labels name documents by file name, so the "
                              "corpus's file names must differ")


def text_sha1(text: str) -> str:
    """The key hand labels use for a paragraph: SHA-1 of its text, first 12 hex digits."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def article_ordinals(paragraphs: Iterable[tuple[str, str, str | None]]) -> list[int]:
    """Which article each paragraph is in, counted from 0 in the order articles start, given
    each paragraph's ``(kind, text, article)``. A number that comes back starts a new article:
    a file that joins reports each numbered from ``01`` has two articles ``01``. (Kept here, not
    with the segmenter, whose patterns, compiled on import, were a tenth of the start of review
    and report: they read the articles of an output and segment nothing.)

    >>> article_ordinals([("boilerplate", "01", "01"), ("body", "甲。", "01"),
    ...                   ("boilerplate", "01", "01"), ("body", "乙。", "01")])
    [0, 0, 1, 1]
    """
    ordinal = ArticleOrdinals()
    return [ordinal(kind, text, article) for kind, text, article in paragraphs]


class ArticleOrdinals:
    """:func:`article_ordinals` a paragraph at a time, for a document read in parts (``pipeline
    report`` on a long one): called with each paragraph's ``(kind, text, article)`` in order, it
    gives the article the paragraph is in."""

    def __init__(self) -> None:
        self.ordinal, self.number = -1, object()

    def __call__(self, kind: str, text: str, article: str | None) -> int:
        if article != self.number or (kind == "boilerplate" and text == article):
            self.ordinal, self.number = self.ordinal + 1, article
        return self.ordinal


def article_keys(paragraphs: Sequence[Paragraph]) -> list[str]:
    """Each paragraph's article as ``document:article``, the key of its cross-validation group
    and of its sections.

    An article is named by its number as written, and a number that comes back names a new
    article (``01``, then ``01#2``): a file that joins several reports, each numbered from
    ``01``, keeps its articles and their sections apart.

    >>> from pipeline.segment import segment_text
    >>> text = "01\\n医院纪实\\n医院救治患者。\\n01\\n社区纪实\\n网格员入户排查。"
    >>> sorted(set(article_keys(segment_text("doc", text))))
    ['doc:01', 'doc:01#2']
    """
    ordinals = article_ordinals((p.kind, p.text, p.article) for p in paragraphs)
    keys: list[str] = []
    seen: Counter[str | None] = Counter()  # how many articles of each number so far
    key, current = "", -1
    for p, ordinal in zip(paragraphs, ordinals, strict=True):
        if ordinal != current:  # an article starts
            current = ordinal
            seen[p.article] += 1
            n = seen[p.article]
            key = f"{p.id.rsplit(':', 1)[0]}:{p.article}" + (f"#{n}" if n > 1 else "")
        keys.append(key)
    return keys


def section_keys(paragraphs: Sequence[Paragraph],
                 articles: Sequence[str] | None = None) -> list[str | None]:
    """The section key (:func:`section_key`) of each body paragraph of one document (``None``
    for the others), one string a section: a long document's keys are held whole while its
    parts are labelled (see :func:`pipeline.stages.label_in_parts`), its records only a part at
    a time. ``articles``: the paragraphs' :func:`article_keys`, if known.

    A section is a run of body paragraphs under one heading line: a heading that comes back in
    one article (daily reports of one outline joined, each with its ``一、排查``) starts a new
    section each time, keyed ``…:一、排查#2`` and on, so that a section's context is its own text,
    not that of every section of the same name.

    >>> from pipeline.segment import segment_text
    >>> text = "一、排查\\n网格员入户排查。\\n二、救治\\n医院救治患者。\\n一、排查\\n志愿者排查。"
    >>> [k for k in section_keys(segment_text("doc", text)) if k]
    ['doc:1:一、排查', 'doc:1:二、救治', 'doc:1:一、排查#2']
    """
    keys: list[str | None] = []
    runs: Counter[str] = Counter()  # how many sections of each key so far
    last, key = None, None
    for p, article in zip(paragraphs, articles or article_keys(paragraphs), strict=True):
        if p.kind != "body":
            keys.append(None)
            continue
        base = section_key(article, p.heading)
        if base != last:  # a section starts
            last = base
            runs[base] += 1
            key = base if runs[base] == 1 else f"{base}#{runs[base]}"
        keys.append(key)
    return keys


def body_records(paragraphs: Sequence[Paragraph], keys: Sequence[str | None] | None = None
                 ) -> list[dict[str, Any] | None]:
    """The model's input for each body paragraph of one document (``None`` for the others):
    its text and context. ``keys``: the paragraphs' :func:`section_keys`, when ``paragraphs``
    are a run of a document's (whose articles only the whole document tells)."""
    if keys is None:
        keys = section_keys(paragraphs)
    return [None if key is None else
            {"text": p.text, "heading": p.heading, "title": p.article_title, "section": key}
            for p, key in zip(paragraphs, keys, strict=True)]


def saved_as(start: bytes) -> str:
    """The encoding a list of JSON lines that starts with the bytes ``start`` was saved in: UTF-16
    or UTF-32 by its byte-order mark, or without one by where the NUL bytes of its first ``{``
    are (an editor's "Unicode" is UTF-16), else UTF-8, with or without a BOM."""
    for bom, encoding in BOMS:
        if start.startswith(bom):
            return encoding
    if start[1:2] == b"\0":
        return "utf-32-le" if start[2:4] == b"\0\0" else "utf-16-le"
    if start[:1] == b"\0":
        return "utf-32-be" if start[:3] == b"\0\0\0" else "utf-16-be"
    return "utf-8-sig"


def not_utf8_saved_as(data: bytes) -> str | None:
    """What a text file that is not UTF-8 (a list of JSON lines, a config) looks saved as, as
    people name it: ``UTF-16`` or ``UTF-32`` (``UTF-16-LE`` … without a byte-order mark) by
    :func:`saved_as`, ``GB18030`` or ``Big5`` when it reads as Chinese in one of them, as an
    editor on Chinese Windows saves "ANSI"; else None."""
    from pipeline.reading import _chinese

    saved = saved_as(data[:4])
    if saved != "utf-8-sig":
        return saved.upper()
    try:
        found = _chinese(data)
    except ValueError:  # Korean
        return None
    if found is None:
        return None
    return "GB18030" if found[0] == "gb18030" else "Big5" if found[0].startswith("big5") else None


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        # A BOM, as editors may add; lines cut at "\n" only (U+2028 may sit inside a string).
        lines = data.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as exc:
        # A filled-in review list saved by an editor's "Unicode" (UTF-16) or, on Chinese
        # Windows, "ANSI" (GB18030, Big5): say so.
        saved = not_utf8_saved_as(data)
        if saved is None:  # UTF-8 but for some bytes (a line pasted from a GBK file): where
            read = exc.object[:exc.start]  # after a BOM: what decoded
            line, column = read.count(b"\n") + 1, len(read[read.rfind(b"\n") + 1:].decode()) + 1
            raise CorpusError(f"{path}:{line}: not UTF-8 text (JSON lines must be UTF-8) from "
                              f"column {column} (pasted from a file in another encoding, or the "
                              "file saved in one?): mend the line, or save the file as UTF-8"
                              ) from None
        editors = ("an editor's \"Unicode\"" if saved.startswith("UTF") else
                   "an editor's \"ANSI\" on Chinese Windows")
        raise CorpusError(f"{path}: not UTF-8 text (JSON lines must be UTF-8): saved as {saved} "
                          f"({editors}); save it as UTF-8") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            # A colon follows each key: with no more colons than keys, no key came twice (the
            # check of every pair, needed only then, takes as long as reading the line).
            if isinstance(obj, dict) and line.count(":") != len(obj):
                obj = json.loads(line, object_pairs_hook=_once_each)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path}:{number}: {_not_json(exc, line)}") from None
        except _GivenTwice as exc:
            raise CorpusError(f"{path}:{number}: {exc}") from None
        if not isinstance(obj, dict):
            raise CorpusError(f"{path}:{number}: each line must be a JSON object")
        yield number, obj


def _not_json(exc: json.JSONDecodeError, line: str) -> str:
    """What is wrong with a line that is not JSON, and where: ``Unterminated string starting
    at column 75`` (the decoder's message alone ends in ``at``). A line that ends inside its
    object is one object cut over several lines, as an editor that re-wraps or pretty-prints
    them leaves it: said, as a line number alone would not."""
    if exc.msg.startswith("Unexpected UTF-8 BOM"):  # its advice ("decode using utf-8-sig")
        return ("not JSON: a byte-order mark (BOM) starts the line, inside the file (files "
                "joined, one of them saved with a BOM?): delete it")
    if exc.msg == "Extra data" and line[exc.pos:].strip() == ",":  # as between a list's items
        return (f"not JSON: a comma after the object's end, at column {exc.colno}: JSON lines "
                "take none between lines; delete it")
    if exc.msg == "Extra data":  # a second object (or anything) after the line's object
        return (f"not JSON: more after the object's end, at column {exc.colno}: each line holds "
                "one JSON object (two lines joined?)")
    where = f"{exc.msg} column {exc.colno}" if exc.msg.endswith(" at") else \
        f"{exc.msg} at column {exc.colno}"
    cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(line.rstrip())
    return f"not JSON: {where}" + _odd_character(line[exc.pos:exc.pos + 1]) + (
        "; the line ends inside its object, and each line must hold one whole JSON object (was "
        "the file re-wrapped or pretty-printed?)" if cut else "")


# Punctuation a Chinese input method (or a word processor) types where JSON takes ASCII.
_NOT_ASCII_PUNCTUATION = "“”„＂‘’，、：｛｝［］"


def _odd_character(character: str) -> str:
    """What is wrong with the ``character`` where a line stopped being JSON, when the decoder's
    message does not show it: punctuation that is not ASCII (``"theme": “medical”``, typed
    with a Chinese input method), a single quote, or a character that shows as nothing or as a
    plain space (a zero-width space, Notepad's end-of-file Ctrl-Z); else ``""``."""
    if character and character in _NOT_ASCII_PUNCTUATION:
        return (f": a {character} there, where JSON takes ASCII quotes and punctuation (\" , : "
                "{ } [ ]; typed with a Chinese input method?)")
    if character == "'":
        return ": a ' there, where JSON takes double quotes (\"medical\")"
    if _UNSEEN.fullmatch(character) or (character and character < " " and character not in
                                          "\t\r\n"):
        return (f": {_as_written(character)[1:-1]} there, a character that shows as a space or "
                "not at all: delete it")
    return ""


class _GivenTwice(Exception):
    """A key given twice in one object of a JSON line."""


def _once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, unless a key comes twice: JSON readers keep the last
    value and drop the first silently (``"theme": "medical", …, "theme": "grassroots"``, a
    label edited by adding a field rather than changing it), so which one was meant is asked."""
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise _GivenTwice(f"key {key!r} given twice ({_as_written(seen[key])}, then "
                                  f"{_as_written(value)}); keep the one meant")
            seen[key] = value
    return obj


# Suffixes a file of JSON lines may have been saved under by mistake: named, not read.
_NOT_JSONL = (".json", ".txt")


def jsonl_files(paths: Sequence[Path]) -> list[Path]:
    """The files of JSON lines ``paths`` name: files as named, and the ``.jsonl`` files under
    folders, walked as document folders are (:func:`~pipeline.reading.files_under`: hidden
    files such as an editor's lock link or a checkpoint copy skipped, ``.JSONL`` read), each file
    once however it is reached. A ``.json`` file in a folder, or a ``.txt`` file that starts as
    JSON does, is named in a warning (JSON lines saved under another suffix, most likely); a
    named device or pipe is an error (reading it might never end), but ``/dev/null``, which
    holds no labels."""
    files: dict[Path, Path] = {}  # a file's real path -> where it is first found: read once
    for path in map(Path, paths):
        if not path.is_dir():
            files.setdefault(path.resolve(), _a_file(path))
            continue
        for found in files_under(path, (".jsonl", *_NOT_JSONL)):
            if found.suffix.lower() == ".jsonl":
                files.setdefault(found.resolve(), found)
            elif _looks_like_json_lines(found):
                log.warning("%s: not read: labels and written paragraphs are read from .jsonl "
                            "files", found)
    return list(files.values())


def _looks_like_json_lines(path: Path) -> bool:
    """Whether a file may hold labels under another suffix: a ``.json`` file, or a ``.txt`` file
    that starts as JSON does (``{``, ``[``, in UTF-8 or UTF-16); a document in a folder of both
    is not worth a warning."""
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as fh:
            start = fh.read(64)
    except OSError:
        return False
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        start = start[2:].replace(b"\x00", b"")
    return start.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _a_file(path: Path) -> Path:
    """``path``, unless it is a device or a named pipe (a path that is gone is named when read;
    ``/dev/null`` holds no labels)."""
    try:
        what = special_file(path)
    except OSError:
        return path
    if what is None:
        return path
    raise CorpusError(f"{path}: {what}, not a file of JSON lines")


class Labels(dict[str, dict[str, str]]):
    """Hand labels: document id -> {``sha1:<hex>`` or ``index:<n>`` -> theme}, each document's
    keys in the order they were last set; ``where[document]`` is the first ``file:line`` that
    labels it, ``at[document, key]`` the ``file:line`` of the label in use and
    ``index[document, key]`` the paragraph index a label by sha1 gave beside it, as review lists
    do (for messages: its text may have changed since)."""

    def __init__(self) -> None:
        super().__init__()
        self.where: dict[str, str] = {}
        self.at: dict[tuple[str, str], str] = {}
        self.index: dict[tuple[str, str], int] = {}


# A label's ``sha1``: the 12 hex digits the project writes, or the whole SHA-1 (lower case).
_SHA1 = re.compile("[0-9a-f]{12}(?:[0-9a-f]{28})?")


# Format and control characters, separators and the spaces other than U+0020.
_UNSEEN = re.compile("[\x7f-\xa0\u00ad\u061c\u115f\u1160\u1680\u180e\u2000-\u200f"
                     "\u2028-\u202f\u205f-\u206f\u3000\u3164\ufeff\ufff9-\ufffb]")


def _as_written(value: Any) -> str:
    """A JSON value as the file writes it (``true``, ``"3"``), for messages; a character that
    shows as nothing or as a plain space (a zero-width or non-breaking space pasted in with a
    theme) written as JSON escapes it, ``"medical\\u200b"``, so that the message does not show
    a value the config seems to allow."""
    return _UNSEEN.sub(lambda m: json.dumps(m[0])[1:-1], json.dumps(value, ensure_ascii=False))


def _unknown_theme(theme: Any, themes: Sequence[str]) -> str:
    """``unknown theme "Medical" (did you mean "medical"?); allowed …``: a theme written in
    another case or width, with spaces or invisible characters, or a letter or two off."""
    import difflib
    import unicodedata

    def plain(value: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKC", value)
                       if unicodedata.category(c)[0] not in "CZ").casefold()

    meant = None
    if isinstance(theme, str):
        meant = next((t for t in themes if plain(t) == plain(theme)), None) or next(
            iter(difflib.get_close_matches(plain(theme), themes, n=1, cutoff=0.8)), None)
    return (f"unknown theme {_as_written(theme)}"
            + (f" (did you mean {_as_written(meant)}?)" if meant else "")
            + f"; allowed (the config's themes): {', '.join(themes)}")


def _label_key(obj: dict[str, Any], where: str) -> str:
    """``sha1:…`` or ``index:…``: which paragraph of its document a label line names."""
    sha1 = obj.get("sha1")
    if sha1 is not None:  # null, as a review file may leave it: the index names it
        if not isinstance(sha1, str) or not _SHA1.fullmatch(sha1.lower()):
            raise CorpusError(f"{where}: 'sha1' must be the first 12 hex digits of the SHA-1 of "
                              f"the paragraph's text, or all 40; got {_as_written(sha1)}")
        return f"sha1:{sha1.lower()[:12]}"  # a full SHA-1 names the paragraph its prefix names
    index = obj["index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise CorpusError(f"{where}: 'index' must be a paragraph's index, a whole number from 0; "
                          f"got {_as_written(index)}")
    return f"index:{index}"


def _check_text_is_sha1s(obj: dict[str, Any], key: str, where: str) -> None:
    """Raise :class:`CorpusError` if a label by sha1 (``key``) gives a ``text`` whose SHA-1 is
    not that sha1, as a review list's line does once its text is edited: training takes the
    paragraph the sha1 names, as its document writes it, and no text from the label, so the
    edit (a typo mended, a note added) would be lost without a word."""
    text = obj.get("text")
    if not key.startswith("sha1:") or not isinstance(text, str):
        return
    # The line as a file has it, white space around it, may have been copied in by hand. A
    # lone surrogate ("\ud800" in the JSON) is no paragraph's text: it does not match.
    digest, stripped = (hashlib.sha1(t.encode("utf-8", "surrogatepass")).hexdigest()
                        for t in (text, text.strip()))
    if not any(d.startswith(obj["sha1"].lower()) for d in (digest, stripped)):
        raise CorpusError(f"{where}: 'text' is not the text its 'sha1' names (the text's sha1 "
                          f"is {digest[:12]}; edited since 'pipeline review' wrote it?): training "
                          "takes the paragraph by its sha1, as its document writes it, and no "
                          "text from a label: put the text back (a note goes in a key of its "
                          "own), and edit the document to change a paragraph's text")


def unknown_document_hint(doc_id: str, ids: Collection[str]) -> str:
    """For labels of a document ``doc_id`` that is not among the corpus's ``ids``: the id of the
    one most likely meant, when a label names it by its file name (``report.txt``), or with the
    folders ``classify`` puts before same-named files (``2020/report``, from a review list); else
    ``""``."""
    name = doc_id.rsplit("/", 1)[-1]
    meant = name[:-4] if name.lower().endswith(".txt") else name
    if meant == doc_id or meant not in ids:
        return ""
    return f"; a document's id is its file name, without folders or .txt: {meant!r}"


def no_hand_labels(labels: Sequence[Path | str], documents: Sequence[Path | str],
                   so: str, *, model: bool = True) -> str:
    """What to say when no hand label names a body paragraph of the corpus: where labels are
    looked for (``corpus.labels``, ``corpus.documents``), what follows of it (``so``), and how
    to label some. Train and evaluate say it, and the report of a model trained so. Without a
    ``model`` to label the documents (no written paragraphs to train one, as with themes of
    one's own), ``pipeline review`` has no output to list, so the paragraphs to label are
    found with ``pipeline segment``."""
    where = (f"no label in {listed(labels)} names a body paragraph of a document of "
             f"corpus.documents ({listed(documents) or 'none named'})" if labels else
             "corpus.labels names no label file")
    if not model:
        return (f"no hand-labelled paragraphs: {where}, {so}; label some: pipeline segment "
                "shows each paragraph's index, kind and text: write a line {\"document\": …, "
                '"index": …, "theme": …} for each body paragraph to label to a .jsonl file in '
                "corpus.labels")
    return (f"no hand-labelled paragraphs: {where}, so {so}; label some: pipeline review on "
            "run's output writes paragraphs to label as a .jsonl file of {\"document\": …, "
            '"sha1": …, "theme": null} lines: fill in each theme and put the file in '
            "corpus.labels")


def _theme_elsewhere(obj: dict[str, Any], themes: Sequence[str]) -> str:
    """``, but 'label' holds one ("medical")`` when a line without ``theme`` gives a theme under
    another key (``label``, as the labelled output names it, or a misspelt ``Theme``), else
    ``""``. ``suggested``, which review lists write beside ``theme``, is no theme given."""
    for key, value in obj.items():
        if key != "suggested" and isinstance(value, str) and value in themes:
            return f", but {key!r} holds one ({_as_written(value)})"
    return ""


def _check_no_theme_elsewhere(obj: dict[str, Any], themes: Sequence[str], where: str) -> None:
    """Raise :class:`CorpusError` if a label line without ``theme`` gives a theme under another
    key (:func:`_theme_elsewhere`): a line without ``theme`` labels nothing, and training left it
    out without a word."""
    if elsewhere := _theme_elsewhere(obj, themes):
        raise CorpusError(f"{where}: no 'theme'{elsewhere}, and a label line without 'theme' "
                          "labels nothing: name the key 'theme'")


def changed_suggestion(obj: dict[str, Any]) -> str | None:
    """The theme a review list's line's ``scores`` put first, if its ``suggested`` is not among
    the top (a person wrote their own theme there), else None."""
    suggested, scores = obj.get("suggested"), obj.get("scores")
    if not isinstance(suggested, str) or not isinstance(scores, dict) or not scores:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
               for v in scores.values()):  # not the scores review wrote (NaN is no top)
        return None
    top = max(scores.values())
    if scores.get(suggested, -1) >= top:  # a tie is the model's own (see pipeline.label)
        return None
    return next(t for t, v in scores.items() if v == top)


def _check_suggestion_not_changed(obj: dict[str, Any], where: str) -> None:
    """Raise :class:`CorpusError` if a review list's line left without a theme has a changed
    ``suggested`` theme (:func:`changed_suggestion`): a person wrote their theme there rather
    than in ``theme``, and the line labelled nothing without a word."""
    if (model := changed_suggestion(obj)) is not None:
        suggested = _as_written(obj["suggested"])
        raise CorpusError(f"{where}: 'suggested' is {suggested}, and the model suggested "
                          f"{_as_written(model)} (its top score), while 'theme' is empty: a "
                          f"label is read from 'theme' alone; write {suggested} there")


def load_labels(paths: Sequence[Path], themes: Sequence[str]) -> Labels:
    """Hand labels from JSON-lines files (or folders of them).

    A paragraph labelled twice with different themes (say, a reviewed file that corrects an older
    one) takes the later file's label, in the order the paths and folders list them; a warning
    names both places. Twice in one file is a :class:`CorpusError`: no line there is the later
    word on it (a row copied, then one copy changed).
    """
    labels = Labels()
    for path in jsonl_files(paths):
        for number, obj in _read_jsonl(path):
            theme = obj.get("theme")
            if "theme" not in obj:
                _check_no_theme_elsewhere(obj, themes, f"{path}:{number}")
            if theme is None or theme == "":  # not filled in: a null, or a cell left empty
                _check_suggestion_not_changed(obj, f"{path}:{number}")
                continue
            if theme not in themes:
                raise CorpusError(f"{path}:{number}: {_unknown_theme(theme, themes)}")
            if "document" not in obj or (obj.get("sha1") is None and obj.get("index") is None):
                raise CorpusError(
                    f"{path}:{number}: a label needs 'document' and 'sha1' or 'index'"
                )
            document = obj["document"]
            if not isinstance(document, str) or not document:
                raise CorpusError(f"{path}:{number}: 'document' must be a document's id (its "
                                  f"file name without .txt); got {_as_written(document)}")
            key = _label_key(obj, f"{path}:{number}")
            _check_text_is_sha1s(obj, key, f"{path}:{number}")
            earlier = labels.setdefault(document, {}).get(key)
            if earlier is not None and earlier != theme:
                there, _, line = labels.at[document, key].rpartition(":")
                if there == str(path):
                    # Within one file no line corrects another: which one was meant is asked.
                    raise CorpusError(f"{path}:{number}: {document} {key} labelled {theme} here "
                                      f"and {earlier} at line {line} of this file; keep the "
                                      "line meant and delete the other")
                # Once a command, which reads the labels more than once (see warn_once).
                warn_once(f"{path}:{number}: {document} {key} labelled {theme} here and "
                          f"{earlier} at {labels.at[document, key]}; using {theme}")
            labels[document].pop(key, None)  # keys keep the order they were last set in
            labels[document][key] = theme
            labels.at[document, key] = f"{path}:{number}"
            index = obj.get("index")
            if key.startswith("sha1:") and type(index) is int:
                labels.index[document, key] = index
            else:
                labels.index.pop((document, key), None)
            labels.where.setdefault(document, f"{path}:{number}")
    return labels


def labelled_examples(
    doc_id: str, paragraphs: Sequence[Paragraph], labels: dict[str, str],
    at: Mapping[tuple[str, str], str] | None = None,
) -> tuple[list[Example], list[str]]:
    """The labelled body paragraphs of one document, and the keys of the labels that matched
    nothing.

    A paragraph labelled both by its sha1 and by its index takes the label set last (see
    :func:`load_labels`), with a warning when the two differ that names where each is (``at``:
    the ``file:line`` of each ``(document, label key)``, as :attr:`Labels.at` holds them).
    """
    examples: list[Example] = []
    used: set[str] = set()
    order = {key: i for i, key in enumerate(labels)}
    articles = article_keys(paragraphs)
    sections = section_keys(paragraphs, articles)
    for p, article, section in zip(paragraphs, articles, sections, strict=True):
        if p.kind != "body":
            continue
        keys = [k for k in (f"sha1:{text_sha1(p.text)}", f"index:{p.index}") if k in labels]
        if not keys:
            continue
        used.update(keys)
        key = max(keys, key=order.__getitem__)
        if len({labels[k] for k in keys}) > 1:
            at = at or {}
            sha1, index = ((f"{labels[k]} by its {k.split(':')[0]}"
                            + (f" ({at[doc_id, k]})" if (doc_id, k) in at else "")) for k in keys)
            log.warning("%s: paragraph %d is labelled %s and %s; using the later, %s", doc_id,
                        p.index, sha1, index, labels[key])
        examples.append(Example(p.id, p.text, p.heading, p.article_title, labels[key],
                                article, written=False, section=section))
    return examples, [key for key in labels if key not in used]


def labels_of_other_kinds(paragraphs: Sequence[Paragraph],
                          keys: Collection[str]) -> dict[str, Paragraph]:
    """Of the label ``keys`` that matched no body paragraph, those that name a heading or a
    boilerplate line (by the sha1 of its text or by its index), with it: such a line gets no
    theme, and a label of it is a mistake to name as such."""
    lines: dict[str, Paragraph] = {}
    for p in paragraphs:
        if p.kind != "body":
            for key in (f"sha1:{text_sha1(p.text)}", f"index:{p.index}"):
                lines.setdefault(key, p)
    return {key: lines[key] for key in keys if key in lines}


def labels_with_index_elsewhere(paragraphs: Sequence[Paragraph],
                                indexes: Mapping[str, int]) -> dict[str, tuple[int, Paragraph]]:
    """Of the labels by sha1 that give an index beside it (``indexes``: label key -> index, as
    :attr:`Labels.index` holds them), those whose index names a body paragraph and whose sha1
    names other body paragraphs only, with the index and the first paragraph the sha1 names:
    training follows the sha1, and one of the two is most likely a slip."""
    body = {p.index for p in paragraphs if p.kind == "body"}
    named: dict[str, list[Paragraph]] = {}
    for p in paragraphs:
        if p.kind == "body" and (key := f"sha1:{text_sha1(p.text)}") in indexes:
            named.setdefault(key, []).append(p)
    return {key: (index, named[key][0]) for key, index in indexes.items()  # in the labels' order
            if key in named and index in body and all(p.index != index for p in named[key])}


# What a copy of a document in the other script was likely converted with: to Traditional
# (plain, Taiwan, Taiwan with its phrases, Hong Kong) and back to Simplified.
SCRIPT_CONVERSIONS = ("s2t", "s2tw", "s2twp", "s2hk", "t2s", "tw2s", "tw2sp", "hk2s")


def labels_in_other_script(paragraphs: Sequence[Paragraph],
                           keys: Collection[str]) -> dict[str, tuple[Paragraph, str]]:
    """Of the label ``keys`` that matched no body paragraph, those whose sha1 is that of a body
    paragraph's text in the other script, with it and the OpenCC conversion that gives that
    text: labels made on a Traditional copy of a Simplified document (or the other way round),
    whose sha1 cannot match the text this document writes."""
    import opencc

    wanted = {key for key in keys if key.startswith("sha1:")}
    found: dict[str, tuple[Paragraph, str]] = {}
    body = [p for p in paragraphs if p.kind == "body"]
    for conversion in SCRIPT_CONVERSIONS if wanted else ():
        convert = opencc.OpenCC(conversion).convert
        for p in body:
            key = f"sha1:{text_sha1(convert(p.text))}"
            if key in wanted and key not in found:
                found[key] = (p, conversion)
    return {key: found[key] for key in keys if key in found}  # in the labels' order


def load_written(paths: Sequence[Path], themes: Sequence[str],
                 other_themes: str = "") -> list[Example]:
    """Paragraphs written for training (a ``report`` is one cross-validation group);
    ``other_themes``: what to do, said after the error of a theme that is not the config's."""
    examples: list[Example] = []
    seen: set[str] = set()
    for path in jsonl_files(paths):
        for number, obj in _read_jsonl(path):
            text, theme = obj.get("text"), obj.get("theme")
            if not isinstance(text, str) or not text.strip():
                raise CorpusError(f"{path}:{number}: 'text' must be a non-empty string")
            if "theme" not in obj:  # not "unknown theme null", a null the file never wrote
                elsewhere = _theme_elsewhere(obj, themes)
                raise CorpusError(f"{path}:{number}: no 'theme'"
                                  + (f"{elsewhere}: name the key 'theme'" if elsewhere else "")
                                  + "; a written paragraph needs one of the config's themes: "
                                  + ", ".join(themes))
            if theme not in themes:
                raise CorpusError(f"{path}:{number}: {_unknown_theme(theme, themes)}"
                                  + (f"; {other_themes}" if other_themes else ""))
            for field in ("id", "report"):
                if obj.get(field) is not None and not isinstance(obj[field], str):
                    raise CorpusError(f"{path}:{number}: '{field}' must be a string or null; "
                                      f"got {_as_written(obj[field])}")
            ident = obj.get("id") or f"{path.stem}:{number}"
            if ident in seen:
                raise CorpusError(f"{path}:{number}: duplicate id {ident!r}")
            seen.add(ident)
            group = f"written:{obj.get('report') or ident}"
            modeled_on = obj.get("modeled_on")
            if modeled_on is not None and not isinstance(modeled_on, str):
                raise CorpusError(f"{path}:{number}: 'modeled_on' must be a paragraph id "
                                  "('document:index')")
            for field in ("heading", "title"):
                if obj.get(field) is not None and not isinstance(obj[field], str):
                    raise CorpusError(f"{path}:{number}: '{field}' must be a string or null")
            examples.append(
                Example(ident, text.strip(), obj.get("heading"), obj.get("title"), theme, group,
                        written=True, modeled_on=modeled_on)
            )
    return examples
