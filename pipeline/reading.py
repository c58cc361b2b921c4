"""Bytes to text: detect the encoding, reject what is not text.

Real files come as UTF-8 (with or without a byte-order mark), UTF-16 with a BOM, GB18030/GBK or
Big5. UTF-8 is tried first (it is the common case and strict UTF-8 almost never decodes anything
else by accident); otherwise charset-normalizer picks the encoding. Files that are recognisably
binary (images, archives, office files) or decode to mostly control characters are rejected with an
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
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError

# File signatures of common binary formats people point text tools at by mistake.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF file"),
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
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Above this share of control or unassigned characters, a decoding is not text.
_MAX_JUNK = 0.05
# Real UTF-16/32 files carry a byte-order mark; without one, short CJK text in a legacy encoding
# can look like UTF-16 to a detector.
_NEED_BOM = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7"]


@dataclass(frozen=True)
class Document:
    """A decoded document. ``id`` is the file name without its suffix (``-`` for stdin)."""

    id: str
    source: str
    encoding: str
    text: str


# Controls (but tab, newlines, form feed), surrogates and replacement characters are what a
# wrong decoding produces. Unassigned code points are not counted: new scripts and CJK extensions
# reach files before Python's Unicode tables know them.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


def _junk_share(text: str) -> float:
    sample = text[:200_000]
    if not sample:
        return 0.0
    return len(_JUNK.findall(sample)) / len(sample)


def _detect(data: bytes) -> tuple[str, str]:
    """Return (encoding, text) or raise ValueError saying why the bytes are not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, data.decode(encoding)
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ValueError(f"not a text file: it is {what}")
    if b"\x00" in data:
        raise ValueError("not a text file: it contains NUL bytes (binary, or UTF-16 without a BOM)")
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_exclusion=_NEED_BOM).best()
    if best is None:
        raise ValueError("not text in any known encoding")
    encoding = best.encoding
    return encoding, str(best)


def decode_bytes(
    data: bytes, source: str, encoding: str = "auto", doc_id: str | None = None
) -> Document:
    """Decode ``data`` (read from ``source``) into a :class:`Document`.

    ``encoding='auto'`` detects it; any codec name forces it.
    """
    try:
        if encoding == "auto":
            encoding, text = _detect(data)
        else:
            text = data.decode(encoding)
            text = text.removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: cannot decode as {encoding}: {exc.reason} at byte {exc.start}"
        ) from None
    except (ValueError, LookupError) as exc:
        raise InputError(f"{source}: {exc}") from None
    if _junk_share(text) > _MAX_JUNK:
        raise InputError(
            f"{source}: not text: decoded as {encoding} it is mostly control characters"
        )
    if doc_id is None:
        doc_id = Path(source).stem if source != "-" else "stdin"
    return Document(id=doc_id, source=source, encoding=encoding, text=text)


def read_document(path: Path | str, encoding: str = "auto") -> Document:
    """Read and decode one file (``-`` reads standard input)."""
    source = str(path)
    if source == "-":
        import sys

        return decode_bytes(sys.stdin.buffer.read(), source="-", encoding=encoding)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(f"{source}: is a folder, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
    return decode_bytes(data, source=source, encoding=encoding)


def find_documents(paths: list[Path | str]) -> list[Path | str]:
    """Expand folders into their ``.txt`` files (sorted, recursive); keep files and ``-``."""
    found: list[Path | str] = []
    for path in paths:
        if str(path) == "-":
            found.append("-")
            continue
        p = Path(path)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        else:
            found.append(p)
    return found
