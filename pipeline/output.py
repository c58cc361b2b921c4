"""The labelled-output contract: its JSON Schema, and writing it atomically and incrementally.

Two formats, both described by ``pipeline/schema/labelled.schema.json``:

- ``json``: one object ``{schema_version, created, model, documents: [...], errors: [...]}``;
- ``jsonl``: one object per paragraph (schema ``$defs/line``), each with its document's ``document``
  id, ``source`` and ``encoding`` (and ``bytes_left_out``, when there are any) and the
  ``model_hash`` beside the paragraph fields. Skipped files are reported on standard error and in
  the exit code only.

:func:`read_labelled` reads either format back into the ``json`` form, checked against the
schema (by :mod:`pipeline.validate`, built from the schema file: it is the one statement of the
output's types). :func:`open_labelled` reads it a document, or a run of paragraphs, at a time,
checked the same way first: ``review`` and ``report`` read with it, so that their memory does not
grow with the output.

Writers stream: each document is written as soon as it is labelled, so memory does not grow with the
input. Everything goes to a temporary file in the destination folder that is renamed into place
only when complete, so a killed or failed run leaves any previous output exactly as it was.
"""

from __future__ import annotations

import bisect
import codecs
import collections
import contextlib
import errno
import functools
import itertools
import json
import logging
import math
import os
import random
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import IO, Any

import orjson

from pipeline import validate
from pipeline.errors import InputError, OutputError, encodable

log = logging.getLogger("pipeline")

SCHEMA_VERSION = "1.1"  # 1.1: bytes_left_out
# A document's own fields besides its id (bytes_left_out only when it has some), which each of its
# jsonl lines repeats; and all the fields a jsonl line carries beside the paragraph's own.
HEAD_FIELDS = ("source", "encoding", "bytes_left_out")
LINE_FIELDS = ("schema_version", "document", *HEAD_FIELDS, "model_hash")
# Seconds after which a temporary file or bundle folder nobody touches was left by a killed run.
STALE_AFTER = 3600.0


LABELLED_FORMATS = {".json": "json", ".jsonl": "jsonl"}  # segment's, tokenize's, classify's
VECTOR_FORMATS = {".npz": "npz", ".jsonl": "jsonl"}  # vectorize's


def named_format(path: Path | str, kinds: Mapping[str, str] = LABELLED_FORMATS) -> str | None:
    """The format an output's name says (its suffix, one of ``kinds``), or None: standard output
    (``-``) and other names take the command's default. Commands and the stage functions alike
    let the name decide, so ``out.jsonl`` is JSON lines however it was made."""
    if str(path) == "-":
        return None
    return kinds.get(Path(path).suffix.lower())


def load_schema() -> dict[str, Any]:
    """The JSON Schema of the labelled output (shipped inside the package)."""
    text = resources.files("pipeline").joinpath("schema/labelled.schema.json").read_text("utf-8")
    return json.loads(text)


def validator(kind: str = "document", strict: bool = False) -> Any:
    """A ``jsonschema`` validator for the whole output (``document``) or one jsonl ``line``.

    The published schema accepts any version 1.x output, fields it does not name included, so a
    consumer's check keeps passing when a later 1.x release adds one. ``strict`` checks this
    release's output exactly: its version, and no field the schema does not name.
    """
    import jsonschema

    if kind not in ("document", "line"):  # else a typo ("lines") checked lines as whole outputs
        raise ValueError(f"validator: kind must be 'document' or 'line', not {kind!r}")
    schema = load_schema()  # read afresh: free to edit
    if strict:
        _make_strict(schema)
    if kind == "line":
        schema = {**schema, "$ref": "#/$defs/line"}
        for key in ("type", "required", "properties", "additionalProperties"):
            schema.pop(key, None)
    return jsonschema.Draft202012Validator(schema)


def _make_strict(schema: dict[str, Any]) -> None:
    """Make ``schema`` the schema of exactly what this release writes (see :func:`validator`)."""
    defs = schema["$defs"]
    for part in (schema, defs["model"], defs["document"], defs["error"]):
        part["additionalProperties"] = False
    for part in (defs["paragraph"], defs["line"]):  # their fields come through allOf
        part["unevaluatedProperties"] = False
    for part in (schema, defs["line"]):
        part["properties"]["schema_version"] = {"const": SCHEMA_VERSION}


def check_output(path: Path | str) -> None:
    """Raise :class:`OutputError` if ``path`` cannot be an output file, before any work is done."""
    if str(path) == "-":
        return
    if _descriptor(path) is not None:
        return
    if str(path) == "":
        raise OutputError("an empty output name (an unset variable?); name a file to write")
    if str(path).endswith(os.sep):
        raise OutputError(f"{path}: names a folder; name a file to write")
    path = Path(path)
    try:
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; name a file to write")
        for folder in _resolved(path).parents:
            if folder.exists():
                if not folder.is_dir():
                    raise OutputError(f"{path}: cannot write there: {folder} is not a folder")
                # The output goes in through a temporary file there (a device or a pipe is
                # written into instead), so a folder that takes no new file fails now.
                if not writes_into_stream(path) and not os.access(folder, os.W_OK | os.X_OK):
                    raise OutputError(f"{path}: cannot write there: {folder} does not let "
                                      "files be made in it (permissions, or a read-only disk)")
                break
    except OSError as exc:  # a name too long for the file system, say
        raise OutputError(f"{path}: cannot write there: {exc.strerror or exc}") from None


def writes_into_stream(path: Path | str) -> bool:
    """Whether writing ``path`` goes into a stream already open (``-``, ``/dev/stdout``,
    ``/dev/fd/N``) or a device or pipe, rather than replacing a file: then nothing is lost."""
    if str(path) == "-" or _descriptor(path) is not None:
        return True
    try:
        mode = Path(path).stat().st_mode
    except OSError:  # not there yet: a new file
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def check_not_input(path: Path | str, inputs: Iterable[Path | str]) -> None:
    """Raise :class:`OutputError` if the output ``path`` is one of the ``inputs`` (files): it
    would be replaced by the output of reading it."""
    try:
        if str(path) == "-" or not Path(path).is_file():
            return
        same = any(str(source) != "-" and Path(source).is_file()
                   and os.path.samefile(path, source) for source in inputs)
    except OSError:  # what cannot be looked at is no input of this run
        return
    if same:
        raise OutputError(f"{path}: is one of the input files; name another output file")


_DESCRIPTOR = re.compile(r"/dev/(?:std(out|err)|fd/(\d+))|/proc/self/fd/(\d+)")


def _descriptor(path: Path | str) -> int | None:
    """The file descriptor a path such as ``/dev/stdout`` or ``/dev/fd/3`` names: one already
    open, to be written into, never replaced by a new file (the shell's ``>> log`` would lose
    the log)."""
    match = _DESCRIPTOR.fullmatch(str(path))
    if match is None:
        return None
    std, fd, proc = match.groups()
    return {"out": 1, "err": 2}[std] if std else int(fd or proc)


def to_standard_output(path: Path | str) -> bool:
    """Whether writing ``path`` writes to standard output (``-``, ``/dev/stdout``, ``/dev/fd/1``):
    anything else printed there would then be mixed into it."""
    return str(path) == "-" or _descriptor(path) == 1


def _resolved(path: Path) -> Path:
    """``path`` with its links followed; one line for a loop of links."""
    try:
        return path.resolve()
    except RuntimeError as exc:  # "Symlink loop" (Python 3.11)
        raise OutputError(f"{path}: cannot write there: a loop of symbolic links ({exc})"
                          ) from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write there: {exc.strerror or exc}") from None


def _temporary_prefix(name: str) -> str:
    """The start of a temporary file's name beside the output ``name``: ``.name.``, the name cut
    so that the temporary's name (8 random characters and ``.tmp`` added) fits where a name of
    255 bytes does."""
    data = os.fsencode(name)
    if len(data) > 240:  # cut where a character ends
        data = data[:240].decode("utf-8", "ignore").encode("utf-8")
    return f".{os.fsdecode(data)}."


# The temporary files of this process's atomic_write calls under way: a worker process ended by
# a signal, which runs no finally block, removes them on its way out (remove_open_temporaries).
# A process forked meanwhile (a worker, while the command writes its output) has none of its own.
_OPEN_TEMPORARIES: set[str] = set()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_OPEN_TEMPORARIES.clear)
_TEMPORARY_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # as tempfile's names


def remove_open_temporaries() -> None:
    """Remove the temporary files of the :func:`atomic_write` calls under way in this process,
    which it would leave behind if a signal ended it now."""
    for tmp in list(_OPEN_TEMPORARIES):
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _new_temporary(folder: Path, prefix: str) -> tuple[int, str]:
    """Create a new file ``<prefix><8 random characters>.tmp`` in ``folder``, readable and
    writable by its owner alone, as ``tempfile.mkstemp`` does: its descriptor and path. The
    name is in :data:`_OPEN_TEMPORARIES` before the file is made, so that a signal that comes
    while it is made (creating a file in a busy folder can take a while) finds it there."""
    for _ in range(100):
        name = "".join(random.choices(_TEMPORARY_CHARACTERS, k=8))
        tmp = os.path.abspath(os.path.join(folder, f"{prefix}{name}.tmp"))
        _OPEN_TEMPORARIES.add(tmp)
        try:
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            return os.open(tmp, flags | getattr(os, "O_BINARY", 0), 0o600), tmp
        except BaseException as exc:
            _OPEN_TEMPORARIES.discard(tmp)
            if not isinstance(exc, FileExistsError):
                raise
    raise FileExistsError(errno.EEXIST, "no unused name for a temporary file", str(folder))


@contextmanager
def atomic_write(path: Path | str, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds.

    ``path`` ``-`` writes to standard output, and a path that is a device or a named pipe
    (``/dev/null``, a FIFO) is written straight into: there is no file there to protect; so is
    a descriptor already open (``/dev/stdout``, ``/dev/fd/3``). A symbolic link is followed, so
    the file it points to is replaced and the link kept. A file replaced keeps its permissions.
    """
    encoding = None if "b" in mode else "utf-8"
    descriptor = _descriptor(path)
    if str(path) == "-" or descriptor in (1, 2):
        import sys

        name = "standard error" if descriptor == 2 else "standard output"
        stream: Any = sys.stderr if descriptor == 2 else sys.stdout
        if stream is None:  # started with its file descriptor closed
            raise OutputError(f"{name} is closed; name an output file with -o")
        # A text stream with no bytes under it (redirected inside Python) is given text.
        decode = "b" in mode and getattr(stream, "buffer", None) is None
        if "b" in mode and not decode:
            stream = stream.buffer
        checked = _Checked(stream, name, decode)
        yield checked
        checked.flush()
        return
    check_output(path)
    path = Path(path)
    if descriptor is not None:  # another open descriptor (/dev/fd/3): written into as it is
        try:
            opened = os.fdopen(os.dup(descriptor), mode, encoding=encoding)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write there: {exc.strerror or exc}") from None
        with _checked(opened, path) as fh:
            yield fh
        return
    if path.exists() and not path.is_file():
        with _checked(open(path, mode, encoding=encoding), path) as fh:
            yield fh
        return
    if path.is_symlink():
        path = _resolved(path)
    made = _missing_folders(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # An output written again keeps its permissions (a private 0600 result stays private);
        # a new one gets the usual ones (the temporary file is made 0600).
        permissions = (stat.S_IMODE(path.stat().st_mode) if path.exists()
                       else 0o666 & ~_umask())
        fd, tmp = _new_temporary(path.parent, _temporary_prefix(path.name))
    except OSError as exc:
        _remove_empty(made)
        raise OutputError(f"{path}: cannot write there: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, permissions)
        with _checked(os.fdopen(fd, mode, encoding=encoding), path, sync=True) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        _remove_empty(made)
        raise
    finally:
        _OPEN_TEMPORARIES.discard(tmp)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder``'s path that are not there yet, deepest first: those that
    writing an output there makes, and takes away again if the output fails."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest first) while they are empty: a failed output leaves no folder
    it made (``-o results/2020/out.json``), and one that something else put a file in stays."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


class _Checked:
    """A file whose failed writes (a full disk, ``/dev/full``) raise one :class:`OutputError`
    naming ``path``; with ``decode``, a text stream given UTF-8 bytes (each write is whole
    characters: the writers write whole JSON pieces)."""

    def __init__(self, fh: IO[Any], path: Path | str, decode: bool = False) -> None:
        self.fh, self.path, self.decode = fh, path, decode

    def write(self, data: Any) -> int:
        try:
            return self.fh.write(data.decode("utf-8") if self.decode else data)
        except BrokenPipeError:  # the reader has gone (| head): the command line ends quietly
            raise
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None

    def flush(self) -> None:
        try:
            self.fh.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None


@contextmanager
def _checked(fh: IO[Any], path: Path, sync: bool = False) -> Iterator[_Checked]:
    """``fh`` as a :class:`_Checked` file, flushed (and with ``sync`` on disk) at the end and
    closed; a failed write's data left in the buffer is not written again on closing."""
    checked = _Checked(fh, path)
    try:
        yield checked
        checked.flush()
        if sync:
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):  # the failed write has raised its own error
            fh.close()
        raise
    try:
        fh.close()
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def remove_stale_temporaries(path: Path | str, name: str | None = None,
                             folders: bool = False) -> int:
    """Remove the temporary files that killed :func:`atomic_write` calls left (``.<name>.<8
    random characters>.tmp`` untouched for :data:`STALE_AFTER` seconds); how many.

    ``path`` is the file written (its temporaries are beside its target, if it is a link), or,
    with ``name`` a regular expression for the file names, the folder they were written in.
    ``folders``: temporary folders of that name instead, removed with what they hold (a report's
    pages, written aside till they are put in place).
    """
    path = Path(path)
    if str(path) == "-":
        return 0
    if name is None:
        path = path.resolve() if path.is_symlink() else path
        path, name = path.parent, re.escape(_temporary_prefix(path.name)[1:-1])
    if not path.is_dir():
        return 0
    pattern = re.compile(rf"\.{name}\.[a-z0-9_]{{8}}\.tmp")
    now, removed = time.time(), 0
    for f in path.iterdir():
        if not pattern.fullmatch(f.name) or now - f.lstat().st_mtime <= STALE_AFTER:
            continue
        if folders and f.is_dir() and not f.is_symlink():
            shutil.rmtree(f, ignore_errors=True)
        elif not folders and f.is_file():
            f.unlink(missing_ok=True)
        else:
            continue
        removed += 1
    return removed


@functools.cache
def _umask() -> int:
    """The process's umask, read once: reading it means setting it, which would race with
    threads creating files if done on every write."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def model_header(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The ``model`` object of the output, from a bundle's ``model.json``."""
    return {
        "name": meta["name"],
        "themes": list(meta["themes"]),
        "hash": meta["files"]["model.pkl"]["sha256"],
        "classifier": meta.get("classifier", ""),
        "tokenizer": meta.get("tokenizer", {}).get("backend", ""),
        "trained_at": meta.get("trained_at", ""),
    }


def _dumps(obj: Any) -> bytes:
    """Compact JSON as UTF-8 bytes, Chinese as is (orjson: a third of the time of the json
    module)."""
    return orjson.dumps(obj)


@dataclass
class Part:
    """A run of a long document's labelled paragraphs (``head``: the document's ``id``,
    ``source`` and ``encoding``). classify writes each part as it comes, so that a document of
    many megabytes is not held whole in memory as labelled output (see
    :func:`pipeline.stages.label_in_parts`); its parts, in order, render to the bytes the whole
    document renders to."""

    head: dict[str, Any]
    paragraphs: list[dict[str, Any]]
    first: bool
    last: bool


@dataclass(frozen=True)
class Rendered:
    """A labelled document, or a :class:`Part` of one, already serialized for one format as
    UTF-8 (done where it was labelled, so that with several workers the process writing the
    output only copies bytes; never decoded, as the text of a long document would be a second
    copy several times its bytes' size). ``opens``/``closes``: it begins/ends a document."""

    data: bytes
    paragraphs: int
    body: int
    opens: bool = True
    closes: bool = True


def render(document: Mapping[str, Any] | Part, fmt: str, model_hash: str | None) -> Rendered:
    """Serialize one labelled document, or one part of it, for the ``json`` or ``jsonl`` format
    (with no ``model_hash``, a segmented one: its lines carry no schema version or model)."""
    if isinstance(document, Part):
        head, paragraphs, opens, closes = document.head, document.paragraphs, document.first, \
            document.last
    else:
        head, paragraphs, opens, closes = document, document["paragraphs"], True, True
    if fmt == "json" and not isinstance(document, Part):
        data = _dumps(document)
    elif fmt == "json":  # the bytes of the whole: {"id":…,"source":…,"encoding":…,"paragraphs":[…]}
        data = b",".join(map(orjson.dumps, paragraphs))
        data = (_dumps(head)[:-1] + b',"paragraphs":[' if opens else b",") + data
        if closes:
            data += b"]}"
    else:
        line = {"document": head["id"], **{k: head[k] for k in HEAD_FIELDS if k in head}}
        if model_hash is not None:
            line = {"schema_version": SCHEMA_VERSION, **line, "model_hash": model_hash}
        data = b"".join(orjson.dumps({**line, **p}, option=orjson.OPT_APPEND_NEWLINE)
                        for p in paragraphs)
    return Rendered(data, len(paragraphs), sum(p["kind"] == "body" for p in paragraphs),
                    opens, closes)


class LabelledWriter:
    """Write labelled documents one by one into ``fh`` (binary: UTF-8 goes out as orjson makes
    it) in the ``json`` or ``jsonl`` format; with no ``model``, segmented ones (``pipeline
    segment``'s output: ``{"documents", "errors"}``).

    Example
    -------
    >>> import io
    >>> buf = io.BytesIO()
    >>> w = LabelledWriter(buf, "json", {"name": "m", "themes": ["a", "b"], "hash": "0" * 64,
    ...     "classifier": "x", "tokenizer": "jieba", "trained_at": "2020-01-01T00:00:00Z"},
    ...     created="2020-01-01T00:00:00Z")
    >>> w.close([])
    >>> written = json.loads(buf.getvalue())
    >>> written["documents"]
    []
    >>> validate.build(load_schema())(written)  # as the schema says: no error
    """

    def __init__(self, fh: IO[bytes], fmt: str, model: Mapping[str, Any] | None,
                 created: str | None = None) -> None:
        self.fh = fh
        self.format = fmt
        self.model = None if model is None else dict(model)
        self.count = 0
        created = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "json" and self.model is None:
            fh.write(b'{"documents":[\n')
        elif fmt == "json":
            fh.write(b'{"schema_version":"%s","created":%s,"model":%s,"documents":[\n'
                     % (SCHEMA_VERSION.encode(), _dumps(created), _dumps(self.model)))

    def write(self, document: Mapping[str, Any] | Part | Rendered) -> Rendered:
        """Write one document: ``{id, source, encoding, paragraphs}``, a :class:`Part` of one
        (in order), or either already rendered; returns what was written."""
        if not isinstance(document, Rendered):
            document = render(document, self.format, self.model and self.model["hash"])
        if self.format == "json" and self.count and document.opens:
            self.fh.write(b",\n")
        self.fh.write(document.data)
        self.count += document.closes
        return document

    def close(self, errors: list[Mapping[str, str]]) -> None:
        """Finish the output with the list of skipped files."""
        if self.format == "json":
            self.fh.write(b'\n],"errors":%s}\n' % _dumps(list(errors)))


def read_labelled(path: Path | str) -> dict[str, Any]:
    """A labelled output file, ``json`` or ``jsonl``, in the ``json`` form, read whole
    (:func:`open_labelled` reads one a document at a time).

    A ``jsonl`` file's lines are gathered into documents in order of first appearance; it has no
    model header beyond the hash, no ``created`` and no list of skipped files (its
    ``schema_version`` is its first line's), and its lines must all name one
    model (outputs of two models joined are refused) and no paragraph twice (an output joined
    with itself). An empty file is the ``jsonl`` output of no documents (``classify`` writes it
    when it skips every file), said in a warning: it is also what a failed
    ``classify -o - > FILE`` leaves. An output edited by hand, or
    another program's, is checked against the shipped schema (each ``jsonl`` line against
    ``$defs/line``) before ``review`` or ``report`` reads it: what breaks it is one
    :class:`InputError` naming the document, paragraph (or line) and field. ``-`` reads standard
    input.
    """
    path = Path(path)
    with _opened(path) as fh:
        raw = _read_from(fh, path)
    if not raw.strip():
        log.warning("%s: empty: a labelled output (JSON lines) of no documents", path)
    return _whole(path, raw)


def _whole(path: Path, raw: bytes) -> dict[str, Any]:
    """:func:`read_labelled` of the bytes ``raw`` of ``path``, or its :class:`InputError`."""
    try:
        return _read(path, raw)
    except UnicodeDecodeError as exc:
        if _cut_in_a_character(raw, exc):
            raise InputError(f"{path}: not labelled output: the file ends in the middle of a "
                             "character (cut short: a copy or download that did not finish?)"
                             ) from None
        raise InputError(f"{path}: not labelled output (not UTF-8 text)") from None


def _cut_in_a_character(raw: bytes, exc: UnicodeDecodeError) -> bool:
    """Whether the first bytes of ``raw`` that are no UTF-8 (``exc``, from decoding it whole)
    are the start of a character at its very end: a file cut short, not one in another
    encoding."""
    if exc.end != len(raw) or len(exc.object) != len(raw):
        return False
    try:  # not final: a character's start is held back, a byte no character starts with fails
        return codecs.getincrementaldecoder("utf-8")().decode(raw[exc.start:]) == ""
    except UnicodeDecodeError:
        return False


def _read(path: Path, raw: bytes) -> dict[str, Any]:
    """:func:`read_labelled` of the bytes ``raw`` of ``path``."""
    data, holdable = _loads(raw)
    if data is _NOT_JSON and (second := _second_output(raw)):
        raise _joined(path, second)
    if isinstance(data, dict) and "documents" in data:
        if "schema_version" not in data:
            raise _no_version(path) if _LABEL_KEY in raw else _unlabelled(path)
        problem = _problem(data, holdable, _checks()[0])
        if problem:
            raise InputError(f"{path}: not labelled output: {problem}")
        return data
    documents: dict[str, dict[str, Any]] = {}
    lines: dict[tuple[str, str], int] = {}  # each paragraph's line: all are held here anyway
    model_hash = ""
    version = SCHEMA_VERSION  # what classify writes when it labels nothing: an empty file
    for number, line in enumerate(raw.split(b"\n"), 1):  # U+2028 may be inside a line
        if not line.strip():
            continue
        record, holdable = _loads(line)
        if record is _NOT_JSON:
            raise InputError(f"{path}:{number}: not labelled output (JSON or JSON lines)")
        if not isinstance(record, dict) or not {"document", "source", "encoding"} <= set(record):
            if isinstance(record, dict) and "theme" in record:  # a review list, or hand labels
                raise InputError(f"{path}:{number}: not labelled output: a list of labels (its "
                                 "'theme'), as 'pipeline review' writes one for a person to fill "
                                 "in; review and report read what 'pipeline classify' wrote")
            raise InputError(f"{path}:{number}: not labelled output (no document, source or "
                             "encoding)")
        if "schema_version" not in record:  # pipeline segment's lines carry none
            raise _no_version(path, number) if _LABEL_KEY in raw else _unlabelled(path)
        problem = _problem(record, holdable, _checks()[1])
        if problem:
            raise InputError(f"{path}:{number}: not labelled output: {problem}")
        if model_hash and record["model_hash"] != model_hash:
            raise _two_models(path, number, model_hash, record["model_hash"])
        first = lines.setdefault((record["document"], record["id"]), number)
        if first != number:
            raise _twice(path, number, record["id"], first)
        doc = documents.setdefault(record["document"], {
            "id": record["document"], **{k: record[k] for k in HEAD_FIELDS if k in record},
            "paragraphs": [],
        })
        if not model_hash:
            model_hash, version = record["model_hash"], record["schema_version"]
        doc["paragraphs"].append({k: v for k, v in record.items() if k not in LINE_FIELDS})
    return {"schema_version": version, "model": {"hash": model_hash} if model_hash else {},
            "documents": list(documents.values()), "errors": []}


def _two_models(path: Path, number: int, first: str, other: str) -> InputError:
    """The error for a jsonl output whose line ``number`` names the model ``other`` where the
    lines before it named ``first``: outputs of two models joined (``cat a.jsonl b.jsonl``),
    whose labels, scores and themes are no one model's."""
    return InputError(f"{path}:{number}: not the output of one model: this line names model "
                      f"{other}, the lines before it model {first} (outputs of two models "
                      "joined?); give each output alone")


def _second_output(raw: bytes) -> int | None:
    """The line in ``raw`` where a second JSON value starts after a whole output of the json
    format (outputs joined with ``cat``), or None."""
    text = raw.decode("utf-8")
    try:
        first, end = json.JSONDecoder().raw_decode(text, _JSON_SPACE.match(text).end())
    except (ValueError, RecursionError):
        return None
    second = _JSON_SPACE.match(text, end).end()
    if isinstance(first, dict) and "documents" in first and text.startswith("{", second):
        return text.count("\n", 0, second) + 1
    return None


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _joined(path: Path, line: int) -> InputError:
    """The error for a file in which a second JSON document starts at ``line``, after an
    output of the json format: two outputs joined (``cat a.json b.json``)."""
    return InputError(f"{path}:{line}: a second JSON document starts here (two outputs "
                      "joined?); give each output alone")


def _twice(path: Path, number: int, ident: str, first: int) -> InputError:
    """The error for a jsonl output whose line ``number`` gives the paragraph ``ident`` that
    line ``first`` gave: an output joined with itself (``cat a.jsonl a.jsonl``), or with
    another of the same documents, whose paragraphs would be counted twice."""
    return InputError(f"{path}:{number}: paragraph {ident} a second time, first on line {first} "
                      "(an output joined with itself, or outputs of the same documents "
                      "joined?); give each output alone")


def _unlabelled(path: Path) -> InputError:
    """The error for an output with no schema version, whose body paragraphs have no labels
    (``pipeline segment``'s)."""
    return InputError(f"{path}: not labelled output: its body paragraphs have no labels (made "
                      "by 'pipeline segment'? label it with 'pipeline classify')")


# A paragraph's label, as a key: inside a JSON string its quotes would be escaped.
_LABEL_KEY = b'"label":'


def _no_version(path: Path, line: int | None = None) -> InputError:
    """The error for an output whose paragraphs are labelled but that gives no schema version,
    which every output of classify gives: a file edited, or written by another program."""
    return InputError(f"{path}{f':{line}' if line else ''}: not labelled output: no "
                      "'schema_version', which every output of 'pipeline classify' gives "
                      "(edited, or written by another program?)")


_NOT_JSON = object()  # what _loads gives for a text that is no one JSON value


def _loads(data: bytes) -> tuple[Any, bool]:
    """``data`` read as one JSON value (:data:`_NOT_JSON` if it is none), and whether it can be
    written again: orjson reads what it can write, and refuses what no output can hold (a lone
    surrogate, which a JSON escape may hold, NaN, a number beyond a double, nesting past 1,024
    levels); such a value is read by Python's json module instead, for :func:`_unholdable` to
    name the part at fault. Raises :class:`UnicodeDecodeError` if ``data`` is not UTF-8."""
    try:
        return orjson.loads(data), True
    except orjson.JSONDecodeError:
        text = data.decode("utf-8")
    try:
        return json.loads(text), False
    except (ValueError, RecursionError):  # not JSON, nested too deep, a number too long
        return _NOT_JSON, False


@functools.cache
def _checks() -> tuple[validate.Check, validate.Check]:
    """Checks of a whole ``json`` output and of one ``jsonl`` line: the shipped schema's, and
    each label one of its paragraph's themes (:func:`_check_label`)."""
    schema = _shipped_schema()
    whole, line = validate.build(schema), validate.build(schema, "#/$defs/line")

    def whole_and_labels(data: Any) -> None:
        whole(data)
        for i, document in enumerate(data["documents"]):
            try:
                _check_labels(document)
            except validate.Invalid as exc:
                raise exc.within(i, None).within("documents", None) from None

    return whole_and_labels, _and_label(line)


def _and_label(check: validate.Check) -> validate.Check:
    """``check``, then :func:`_check_label` on the paragraph (or ``jsonl`` line) it passed."""
    def checked(value: Any) -> None:
        check(value)
        _check_label(value)
    return checked


def _check_labels(document: dict[str, Any]) -> None:
    """:func:`_check_label` on each paragraph of ``document`` (valid by the schema)."""
    for j, paragraph in enumerate(document["paragraphs"]):
        try:
            _check_label(paragraph)
        except validate.Invalid as exc:
            raise exc.within(j, None).within("paragraphs", None) from None


def _check_label(paragraph: dict[str, Any]) -> None:
    """:class:`~pipeline.validate.Invalid` if ``paragraph`` (valid by the schema) has a
    ``label`` that none of its ``scores`` names: no theme of the model that labelled it (an
    output edited by hand, ``"label": "medic"``). The schema cannot say so: themes are the
    config's."""
    scores = paragraph.get("scores")
    if "label" in paragraph and isinstance(scores, dict) and paragraph["label"] not in scores:
        raise validate.Invalid("enum", {"enum": list(scores)}, paragraph["label"]).within(
            "label", None)


@functools.cache
def _shipped_schema() -> dict[str, Any]:
    """The schema, read once (:func:`load_schema` gives a copy free to edit)."""
    return load_schema()


def _problem(data: dict[str, Any], holdable: bool, check: validate.Check) -> str | None:
    """What is wrong with a labelled output (or one ``jsonl`` line), ``data``, as read by
    :func:`_loads`, by the schema ``check``: where, in which field, and what; or None."""
    if not holdable:
        keys, what = _unholdable(data)
        places, keys = _places(data, keys, "")
        return ": ".join([*places, f"{_subject(keys)} {what}".strip()])
    try:
        check(data)
    except validate.Invalid as exc:
        return _described(data, exc)
    return None


def _unholdable(data: Any) -> tuple[tuple[str | int, ...], str]:
    """The keys to the first value or name in ``data`` that no output can hold, and what it is
    (``data`` as Python's json module reads it, when orjson would not)."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        keys, value = stack.pop()
        if isinstance(value, str) and not encodable(value):
            return keys, ("holds a lone surrogate, which no UTF-8 file can hold (surrogates not "
                          "allowed)")
        if isinstance(value, float) and not math.isfinite(value):
            return keys, f"is {json.dumps(value)}, which is no JSON number"
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST:
            return keys, "is a number beyond the largest a JSON reader holds (about 1.8e308)"
        if isinstance(value, dict):
            name = next((k for k in value if not encodable(k)), None)
            if name is not None:
                return (*keys, name), ("is a name with a lone surrogate, which no UTF-8 file can "
                                       "hold (surrogates not allowed)")
            stack += [((*keys, k), v) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [((*keys, i), v) for i, v in reversed(list(enumerate(value)))]
    return (), "holds what no JSON reader holds"


_LARGEST = int(sys.float_info.max)


# Lists of records in an output, and how a message names their items: documents and skipped
# files counted from 1, paragraphs by their index.
_ITEMS = {"documents": ("document", 1), "paragraphs": ("paragraph", 0),
          "errors": ("skipped file", 1)}


def _places(data: Any, keys: tuple[str | int, ...], keyword: str
            ) -> tuple[list[str], tuple[str | int, ...]]:
    """The records along ``keys`` in ``data`` that a message names (``document 2 (report)``,
    ``paragraph 9``, ``model``), and the keys left: a field and the way into it. A record that
    fails on its own ``type`` is left to its list's field (``'documents' must be a list of
    objects``)."""
    places, value, i = [], data, 0
    while i < len(keys):
        key, below = keys[i], len(keys) - i - 1  # how many keys go deeper
        if key in _ITEMS and below and (below > 1 or keyword != "type"):
            name, first = _ITEMS[str(key)]
            index = int(keys[i + 1])
            value = value[key][index]
            ident = value.get("id") if key == "documents" and isinstance(value, dict) else None
            places.append(f"{name} {index + first}"
                          + (f" ({ident})" if isinstance(ident, str) else ""))
            i += 2
        elif key == "model" and (below or keyword != "type"):
            places.append("model")
            value = value[key]
            i += 1
        else:
            break
    return places, keys[i:]


def _subject(keys: tuple[str | int, ...]) -> str:
    """A field and the way into it, as a message names them: ``'scores.medical'``,
    ``'evidence[2]'``; nothing for none."""
    if not keys:
        return ""
    return "'" + str(keys[0]) + "".join(f"[{k}]" if isinstance(k, int) else f".{k}"
                                        for k in keys[1:]) + "'"


def _described(data: Any, exc: validate.Invalid) -> str:
    """Where and how ``data`` breaks the schema, by the finding ``exc``: one line such as
    ``document 1 (report): paragraph 9: 'confidence' must be a number from 0 to 1, not 5``."""
    path = exc.path
    places, keys = _places(data, path, exc.keyword)
    node, value, shown = exc.node, exc.value, _shown_json(exc.value)
    if exc.keyword == "type" and len(keys) > 1:  # inside a field: what the field must be
        node = exc.nodes[len(path) - len(keys)]
        name, first = _ITEMS.get(str(keys[0]), ("item", 1))
        what = f"must be {_kind(node)}: " + " ".join(
            f"{name} {k + first}" if isinstance(k, int) else f"'{k}'" for k in keys[1:]) + \
            f" is {shown}"
        keys = keys[:1]
    elif exc.keyword in ("type", "enum", "const", "minimum", "maximum"):
        what = f"must be {_kind(node)}, not {shown}"
    elif exc.keyword == "pattern":
        what = f"must match {node['pattern']}, not {shown}"
    elif exc.keyword == "minLength":
        what = "must not be empty" if node["minLength"] == 1 else \
            f"must have {node['minLength']} characters or more, not {shown}"
    elif exc.keyword == "minItems":
        what = f"must have {node['minItems']} items or more, not {shown}"
    elif exc.keyword == "minProperties":
        what = f"must have {node['minProperties']} keys or more, not {shown}"
    elif exc.keyword == "uniqueItems":
        what = f"must not repeat an item, as {shown} does"
    elif exc.keyword == "required":
        what = "no " + ", ".join(f"'{k}'" for k in node["required"] if k not in value)
    elif exc.keyword == "not":
        named = [k for part in node["not"].get("anyOf", [node["not"]])
                 for k in part.get("required", ()) if k in value]
        kind = f" (kind {_shown_json(value['kind'])})" if "kind" in value else ""
        what = (f"must not have {', '.join(repr(k) for k in named)}{kind}" if named
                else "has a form the schema excludes")
    else:  # anyOf, false
        what = f"has none of the forms the schema allows: {shown}"
    subject = _subject(keys)
    if subject and exc.keyword in ("required", "not"):
        subject += ":"
    return ": ".join([*places, f"{subject} {what}".strip()])


# How messages name a value of each JSON type, one and several.
_NOUNS = {"string": ("a string", "strings"), "integer": ("a whole number", "whole numbers"),
          "number": ("a number", "numbers"), "boolean": ("true or false", "true or false"),
          "null": ("null", "null"), "object": ("an object", "objects"),
          "array": ("a list", "lists")}


def _kind(node: Any, several: bool = False) -> str:
    """What a value of the schema ``node`` must be, in words: ``a list of strings``, ``a number
    from 0 to 1``, ``"body", "heading" or "boilerplate"`` (``several``: ``strings``)."""
    node = _typed(node)
    if "enum" in node or "const" in node:
        values = [_shown_json(v) for v in node.get("enum", [node.get("const")])]
        return " or ".join(filter(None, (", ".join(values[:-1]), values[-1])))
    names = node.get("type", [])
    words = []
    for name in [names] if isinstance(names, str) else names:
        word = _NOUNS[name][several]
        if name == "array" and "items" in node:
            word += f" of {_kind(node['items'], True)}"
        elif name == "object" and isinstance(node.get("additionalProperties"), dict):
            word += f" of {_kind(node['additionalProperties'], True)}"
        elif name in ("integer", "number") and "minimum" in node:
            word += f" from {node['minimum']}" + (f" to {node['maximum']}" if "maximum" in node
                                                  else "")
        elif name in ("integer", "number") and "maximum" in node:
            word += f" up to {node['maximum']}"
        words.append(word)
    return " or ".join(words) or "as the schema says"


def _typed(node: Any) -> Any:
    """``node`` with its references followed, or the part of its ``allOf`` that has a type."""
    while isinstance(node, dict) and "$ref" in node:
        node = validate.resolve(_shipped_schema(), node["$ref"])
    if not isinstance(node, dict):
        return {}
    if not node.keys() & {"type", "enum", "const"}:
        for part in node.get("allOf", []):
            typed = _typed(part)
            if typed.keys() & {"type", "enum", "const"}:
                return typed
    return node


def _shown_json(value: Any) -> str:
    """A JSON value as a file writes it, cut short for a one-line message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


# ----------------------------------------------------------------------------- read in parts
# A labelled output too big to hold (a 119 MB output took 747 MB read whole) is read a document,
# or a run of paragraphs, at a time: the json format by finding where its documents and
# paragraphs end (the regular expressions below) and reading each run of them with orjson, the
# jsonl format a line at a time. One reading checks the whole of it first, as read_labelled does.
BLOCK = 1 << 20  # bytes read at a time, and about the most read by orjson at once
_STRING = rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"'


def _nested(inner: bytes) -> bytes:
    """What may come between the brackets of a value whose own values hold ``inner``."""
    return rb'(?:[^"\[\]{}]++|' + _STRING + rb'|\{' + inner + rb'\}|\[' + inner + rb'\])*+'


_INSIDE = _nested(_nested(rb'(?:[^"\[\]{}]++|' + _STRING + rb')*+'))
# One JSON value, by its brackets and quotes alone (orjson reads it): nested at most three deep,
# as the parts of an output are (a paragraph, its scores; the model; the skipped files).
_VALUE = re.compile(rb'\{' + _INSIDE + rb'\}|\[' + _INSIDE + rb'\]|' + _STRING
                    + rb'|[-+.0-9A-Za-z]++')
_KEY = re.compile(rb'[ \t\n\r]*+(' + _STRING + rb')[ \t\n\r]*+:[ \t\n\r]*+')
_AFTER = re.compile(rb'[ \t\n\r]*+([,\]}]?)[ \t\n\r]*+')  # what follows a value
_SPACE = b" \t\n\r"
# Read backwards from the "{" that opens the next one, what ends a paragraph of a list of them
# (the paragraph's "}", a comma), and a document of a list of them (its last paragraph's "}",
# its list's "]", its own "}", a comma): nothing inside a paragraph ends so.
_PARAGRAPH_END, _DOCUMENT_END = b",}", b",}]}"

Document = tuple[dict[str, Any], Iterator[dict[str, Any]]]


class _Unusual(Exception):
    """What the reading in parts does not take: an output that breaks the schema, or is not
    JSON, or one it cannot read in parts (a key given twice, a jsonl document whose lines are
    apart or whose paragraphs are out of order or named otherwise than classify names them,
    JSON nested deeper than an output's); :func:`read_labelled` then reads it whole."""


class Labelled:
    """A labelled output read back: its ``model`` header (jsonl names only the model's hash),
    the files it skipped (``errors``; jsonl lists none) and :meth:`documents`."""

    def __init__(self, model: dict[str, Any], errors: list[dict[str, Any]],
                 documents: Callable[[], Iterator[Document]]) -> None:
        self.model, self.errors, self._documents = model, errors, documents

    @classmethod
    def held(cls, data: Mapping[str, Any]) -> Labelled:
        """An output in memory, in the ``json`` form (as :func:`read_labelled` gives it)."""
        return cls(data.get("model") or {}, data.get("errors", []),
                   lambda: ((_head(doc), iter(doc["paragraphs"]))
                            for doc in data.get("documents", [])))

    def documents(self) -> Iterator[Document]:
        """Each document in order, as its fields (``id``, ``source``, ``encoding`` …) and its
        paragraphs, read afresh from the file each time it is called: read a document's
        paragraphs before the next document, and one reading of the output at a time."""
        return self._documents()


def _head(document: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "paragraphs"}


@contextmanager
def open_labelled(path: Path | str) -> Iterator[Labelled]:
    """A labelled output file (``json`` or ``jsonl``, ``-``: standard input) to read a document
    at a time, as often as needed, so that memory does not grow with it.

    It is checked whole first, as :func:`read_labelled` checks it, and what that refuses is
    refused with the same :class:`InputError` before anything is read from it. Standard input
    or a pipe is kept in a temporary file meanwhile, removed with it. An output that cannot be
    read in parts (see :class:`_Unusual`) is read whole.
    """
    path = Path(path)
    with _opened(path) as fh:
        try:
            labelled = _in_parts(fh, path)
        except _Unusual:
            fh.seek(0)
            labelled = Labelled.held(_whole(path, _read_from(fh, path)))
        yield labelled


@contextmanager
def _opened(path: Path) -> Iterator[IO[bytes]]:
    """The labelled output ``path``, open to be read from its start as often as needed:
    standard input (``-``), a pipe or a device is first copied into a temporary file, and so is
    a file that starts with a UTF-8 byte-order mark, without it (see :func:`_mark_length`)."""
    if str(path) == "-":  # standard input, as classify reads it (a pipe from classify, say)
        if sys.stdin is None:
            raise InputError("-: cannot read standard input: it is closed")
        with _copied(sys.stdin.buffer, path) as copy:
            yield copy
        return
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below, or copied first)
    except IsADirectoryError:
        raise InputError(f"{path}: a folder, not a labelled output file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            mark = _mark_length(_read_from(fh, path, 4), path)
            fh.seek(mark)
            if not mark:
                yield fh
                return
        with _copied(fh, path) as copy:
            yield copy


def _mark_length(start: bytes, path: Path) -> int:
    """How many bytes of the output that starts with ``start`` are a UTF-8 byte-order mark, to
    drop (an editor's "UTF-8 with BOM", PowerShell's ``Out-File -Encoding utf8``), as labels
    and configs drop it; :class:`InputError` for a mark of UTF-16 or UTF-32, which Windows
    PowerShell's ``>`` writes, and no JSON reader takes."""
    from pipeline.reading import BOMS

    if start.startswith(codecs.BOM_UTF8):
        return len(codecs.BOM_UTF8)
    named = next((name.upper() for bom, name in BOMS if start.startswith(bom)), None)
    if named:
        raise InputError(f"{path}: not labelled output: saved as {named}; write it with -o FILE "
                         "(Windows PowerShell's '>' saves UTF-16), or save it as UTF-8")
    return 0


def _copied(source: IO[bytes], path: Path) -> IO[bytes]:
    """A temporary file (removed once closed, or if the process is killed) holding what
    ``source`` holds from where it is, without a byte-order mark it starts with (see
    :func:`_mark_length`), open at its start."""
    what = "reading " + ("standard input" if str(path) == "-" else str(path))
    try:
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    except OSError as exc:
        raise temporary_error(exc, what) from None
    try:
        block = _read_from(source, path, BLOCK)
        block = block[_mark_length(block[:4], path):]
        while block:
            try:
                copy.write(block)
            except OSError as exc:
                raise temporary_error(exc, what) from None
            block = _read_from(source, path, BLOCK)
        copy.seek(0)
    except BaseException:
        copy.close()
        raise
    return copy


def temporary_error(exc: OSError, what: str) -> OutputError:
    """The error for a temporary file that ``what`` (``reading standard input``) needs and
    that cannot be written (a full temporary folder, say)."""
    return OutputError(f"{tempfile.gettempdir()}: cannot write the temporary file that {what} "
                       f"needs: {exc.strerror or exc} (TMPDIR names another folder)")


def _read_from(fh: IO[bytes], path: Path, size: int = -1) -> bytes:
    """``size`` bytes of ``fh`` (-1: all that is left); what cannot be read is named."""
    try:
        return fh.read(size)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _in_parts(fh: IO[bytes], path: Path) -> Labelled:
    """The output open in ``fh``, checked whole by reading it once in parts; :class:`_Unusual`
    if it is to be read whole."""
    document, paragraph = _parts_checks()
    first = _Cursor(fh, path)
    if first.peek() == b"{":  # the json format, or a jsonl file's first line
        output = _JsonOutput(first, document, paragraph)
        _through(output.documents())
        if "documents" in output.top:
            if first.peek() == b"{":
                raise _joined(path, first.line())
            if not first.at_end():  # more than one value: no output of either format
                raise _Unusual
            return Labelled(output.top.get("model") or {}, output.top["errors"],
                            lambda: _again(fh, path, lambda c: _JsonOutput(c).documents()))
    fh.seek(0)
    lines = _JsonLines(fh, path, check=True)
    _through(lines.documents())
    if not lines.any:
        log.warning("%s: empty: a labelled output (JSON lines) of no documents", path)
    model = {"hash": lines.model_hash} if lines.model_hash else {}
    return Labelled(model, [], lambda: _again(fh, path, None))


def _through(documents: Iterator[Document]) -> None:
    """Read ``documents`` to the end (checking them, when they are read so)."""
    for _, paragraphs in documents:
        collections.deque(paragraphs, maxlen=0)


def _again(fh: IO[bytes], path: Path, json: Callable[[_Cursor], Iterator[Document]] | None
           ) -> Iterator[Document]:
    """The documents of an output checked already, read again from its start (``json``: how,
    for the json format; jsonl otherwise)."""
    fh.seek(0)
    try:
        yield from (json(_Cursor(fh, path)) if json else _JsonLines(fh, path).documents())
    except _Unusual:  # it was read whole and checked, and now reads otherwise
        raise InputError(f"{path}: changed while it was read; run the command again") from None


@functools.cache
def _parts_checks() -> tuple[validate.Check, validate.Check]:
    """Checks of a document and of a paragraph, from the shipped schema, each label one of its
    paragraph's themes too (:func:`_check_label`): a document held whole is checked as one, its
    paragraphs with it, and a longer one's paragraphs one at a time."""
    schema = _shipped_schema()
    document = validate.build(schema, "#/$defs/document")

    def document_and_labels(value: Any) -> None:
        document(value)
        _check_labels(value)

    return document_and_labels, _and_label(validate.build(schema, "#/$defs/paragraph"))


def _valid(check: validate.Check, value: Any) -> None:
    """:class:`_Unusual` if ``value`` breaks the schema (read_labelled says where)."""
    try:
        check(value)
    except validate.Invalid:
        raise _Unusual from None


class _Cursor:
    """A binary file read a block at a time, and where the reading is in it."""

    def __init__(self, fh: IO[bytes], path: Path) -> None:
        self.fh, self.path = fh, path
        self.data, self.at, self.ended = b"", 0, False
        self.passed = 0  # bytes of the file before self.data

    def line(self) -> int:
        """The line the reading is at, counted from the file's start (read again to count)."""
        left, lines = self.passed + self.at, 1
        self.fh.seek(0)
        while left and (block := _read_from(self.fh, self.path, min(BLOCK, left))):
            lines += block.count(b"\n")
            left -= len(block)
        return lines

    def more(self) -> bool:
        """Read on, at least as much as is held (a long value is read in few steps); whether
        there was more to read."""
        if self.ended:
            return False
        block = _read_from(self.fh, self.path, max(BLOCK, len(self.data) - self.at))
        if not block:
            self.ended = True
            return False
        self.passed += self.at
        self.data = self.data[self.at:] + block
        self.at = 0
        return True

    def match(self, pattern: re.Pattern[bytes]) -> re.Match[bytes]:
        """``pattern`` where the reading is, read on till what it matches cannot grow (a
        number or a space at the end of what is held might); :class:`_Unusual` if it does
        not match."""
        while True:
            found = pattern.match(self.data, self.at)
            if found is not None and (found.end() < len(self.data) or self.ended):
                return found
            if not self.more():
                if found is None:
                    raise _Unusual
                return found

    def peek(self) -> bytes:
        """The next byte that is no JSON space (``b""`` at the end), not read."""
        while True:
            while self.at < len(self.data) and self.data[self.at] in _SPACE:
                self.at += 1
            if self.at < len(self.data):
                return self.data[self.at:self.at + 1]
            if not self.more():
                return b""

    def at_end(self) -> bool:
        """Whether only JSON spaces are left."""
        return self.peek() == b""

    def take(self, byte: bytes) -> None:
        if self.peek() != byte:
            raise _Unusual
        self.at += 1

    def key(self) -> str:
        """An object's key and its colon."""
        found = self.match(_KEY)
        key = _parsed(found.group(1))
        self.at = found.end()
        return key

    def value(self) -> Any:
        found = self.match(_VALUE)
        value = _parsed(memoryview(self.data)[found.start():found.end()])
        self.at = found.end()
        return value

    def after(self) -> bytes:
        """What follows a value: a comma, or the end of an object or a list."""
        found = self.match(_AFTER)
        self.at = found.end()
        return found.group(1)

    def run(self, end: bytes) -> list[Any] | None:
        """Objects of a list from where the reading is, as many as orjson reads at once from
        what is held, each ended as ``end`` says (read backwards; see :data:`_PARAGRAPH_END`);
        the reading is then at the next one. None if no whole one is held (a long one, the last
        one)."""
        if len(self.data) - self.at < BLOCK:
            self.more()
        data, hi = self.data, len(self.data)
        for _ in range(3):  # a "}" and a comma inside a string may look like an end
            cut = _last_end(data, self.at, hi, end)
            if cut is None:
                return None
            try:
                run = orjson.loads(b"[" + data[self.at:cut[0]] + b"]")
            except orjson.JSONDecodeError as exc:  # where it went wrong: the list ends before?
                wrong = len(exc.doc[:exc.pos].encode("utf-8", "surrogatepass"))  # pos: characters
                hi = min(cut[1], self.at + wrong - 1)
                continue
            self.at = cut[1]
            return run
        return None


def _last_end(data: bytes, lo: int, hi: int, end: bytes) -> tuple[int, int] | None:
    """The last place in ``data[lo:hi]`` where an object ends as ``end`` says and the next one
    opens: (just after the one's ``}``, the next one's ``{``), or None."""
    while (opens := data.rfind(b"{", lo, hi)) > lo:
        at, ends = opens, 0
        for mark in end:
            at -= 1
            while at > lo and data[at] in _SPACE:
                at -= 1
            if data[at] != mark:
                break
            ends = ends or (at + 1 if mark == 125 else 0)  # 125: the first "}"
        else:
            return ends, opens
        hi = opens
    return None


def _parsed(data: bytes | memoryview) -> Any:
    """A part of an output read by orjson (:class:`_Unusual` if it does not read it: not JSON,
    or what no output can hold; read_labelled names the fault)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        raise _Unusual from None


class _JsonOutput:
    """An output of the json format read in parts: its documents in order (those held whole at
    once read whole, a longer one a run of paragraphs at a time) and, as they come, the other
    members of the output (:attr:`top`). Given the checks of a document (``document``) and of a
    paragraph, each is checked against the schema, and so is the rest once it is read."""

    def __init__(self, cursor: _Cursor, document: validate.Check | None = None,
                 paragraph: validate.Check | None = None) -> None:
        self.cursor, self.check, self.check_paragraph = cursor, document, paragraph
        self.top: dict[str, Any] = {}  # "documents" is [] here: they are not kept

    def documents(self) -> Iterator[Document]:
        c = self.cursor
        c.take(b"{")
        if c.peek() == b"}":
            c.at += 1
            return
        while True:
            key = c.key()
            if key in self.top:  # the last one counts: read whole
                raise _Unusual
            if key == "documents" and c.peek() == b"[":
                c.at += 1
                self.top[key] = []
                yield from self._documents()
            else:
                self.top[key] = c.value()
            end = c.after()
            if end == b"}":
                break
            if end != b",":
                raise _Unusual
        if self.check is not None and "documents" in self.top:
            _valid(_checks()[0], self.top)

    def _documents(self) -> Iterator[Document]:
        c = self.cursor
        if c.peek() == b"]":
            c.at += 1
            return
        while True:
            run = c.run(_DOCUMENT_END)
            if run is not None:
                for document in run:
                    if self.check is not None:
                        _valid(self.check, document)
                    yield _head(document), iter(document["paragraphs"])
                continue
            if c.peek() != b"{":  # no document: the check refuses it
                raise _Unusual
            yield from self._document()
            end = c.after()
            if end == b"]":
                return
            if end != b",":
                raise _Unusual

    def _document(self) -> Iterator[Document]:
        """A document too long to hold whole: its fields, then its paragraphs, which come last
        in every output classify writes (a field after them: read whole)."""
        c = self.cursor
        c.take(b"{")
        head: dict[str, Any] = {}
        while True:
            key = c.key()
            if key in head:
                raise _Unusual
            if key == "paragraphs":
                c.take(b"[")
                paragraphs = self._paragraphs()
                yield head, paragraphs
                collections.deque(paragraphs, maxlen=0)  # those the reader left
                if c.after() != b"}":
                    raise _Unusual
                break
            head[key] = c.value()
            if c.after() != b",":
                raise _Unusual
        if self.check is not None:
            _valid(self.check, {**head, "paragraphs": []})

    def _paragraphs(self) -> Iterator[dict[str, Any]]:
        c, check = self.cursor, self.check_paragraph
        if c.peek() == b"]":
            c.at += 1
            return
        while True:
            run, end = c.run(_PARAGRAPH_END), b","
            if run is None:  # a long one, or the last one
                run, end = [c.value()], c.after()
                if end not in (b",", b"]"):
                    raise _Unusual
            for paragraph in run:
                if check is not None:
                    _valid(check, paragraph)
                yield paragraph
            if end == b"]":
                return


class _JsonLines:
    """An output of the jsonl format read a line at a time, its documents gathered from lines
    one after another. With ``check``, each line is checked as :func:`read_labelled` checks it
    (a line of another model than the first's is refused, and a paragraph its document's lines
    gave already), and a document whose lines are apart (files joined) is :class:`_Unusual`:
    read_labelled gathers them. :attr:`any`: whether a line was read; :attr:`model_hash`: the
    first line's."""

    def __init__(self, fh: IO[bytes], path: Path, check: bool = False) -> None:
        self.fh, self.path, self.check = fh, path, check
        self.any, self.model_hash = False, ""
        # The paragraphs of the document being read, and their lines, as runs of consecutive
        # indexes on consecutive lines, [first index, its line, how many]: classify writes a
        # document's paragraphs so, one run for the longest document, where a set of their ids
        # would grow with it (169,261 in one 119 MB output).
        self.document: str | None = None
        self.runs: list[list[int]] = []

    def _records(self) -> Iterator[dict[str, Any]]:
        check = _checks()[1] if self.check else None
        number = 0
        while line := self._line():
            number += 1
            if not line.strip():
                continue
            self.any = True
            record = _parsed(line)
            if check is not None:
                if not (isinstance(record, dict) and "schema_version" in record
                        and {"document", "source", "encoding"} <= record.keys()):
                    raise _Unusual
                _valid(check, record)
                if self.model_hash and record["model_hash"] != self.model_hash:
                    raise _two_models(self.path, number, self.model_hash, record["model_hash"])
                self._once(record, number)
            self.model_hash = self.model_hash or record["model_hash"]
            yield record

    def _once(self, record: dict[str, Any], number: int) -> None:
        """Refuse the paragraph of line ``number`` if its document's lines gave it already.
        :class:`_Unusual` for a line classify writes otherwise (an id that is not the
        document's and the index, an index before the last one given), which read_labelled
        checks."""
        name, index = record["document"], record["index"]
        if record["id"] != f"{name}:{index}":
            raise _Unusual
        if name != self.document:
            self.document, self.runs = name, []
        runs = self.runs
        if runs and index < runs[-1][0] + runs[-1][2]:
            at = bisect.bisect_right(runs, index, key=lambda run: run[0]) - 1
            if at >= 0 and index < runs[at][0] + runs[at][2]:
                raise _twice(self.path, number, record["id"], runs[at][1] + index - runs[at][0])
            raise _Unusual
        if runs and (index, number) == (runs[-1][0] + runs[-1][2], runs[-1][1] + runs[-1][2]):
            runs[-1][2] += 1
        else:
            runs.append([index, number, 1])

    def _line(self) -> bytes:
        try:
            return self.fh.readline()
        except OSError as exc:
            raise InputError(f"{self.path}: cannot read: {exc.strerror or exc}") from None

    def documents(self) -> Iterator[Document]:
        seen: set[int] = set()  # hashes of the documents read, to find one whose lines are apart
        for name, records in itertools.groupby(self._records(), key=lambda r: r["document"]):
            if self.check:
                if hash(name) in seen:
                    raise _Unusual
                seen.add(hash(name))
            first = next(records)
            head = {"id": name, **{k: first[k] for k in HEAD_FIELDS if k in first}}
            yield head, ({k: v for k, v in record.items() if k not in LINE_FIELDS}
                         for record in itertools.chain([first], records))
