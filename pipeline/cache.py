"""What ``pipeline run`` has already done: content-hash keys per stage and a readable record.

Each stage's key is a hash of everything its result depends on: the bytes of the input files, the
dictionary and stop-word files, the lexicon and actor files the model uses (weight above 0), and
the stage's part of the config. ``run`` compares the
keys with the record of its last run (``run-state.json`` beside the labelled output, one record
per output file) and skips what is unchanged. Segmented and labelled documents are cached one
file per document (under ``.cache/`` beside the output), so adding one document segments and
labels only that document, and changing the classifier retrains and relabels without segmenting
again.

The record is written (atomically) only after the stage's outputs are complete, so a run killed
halfway is simply redone from the last completed stage.

What is stale is decided in one place, :func:`plan_segments`, :func:`train_why` and
:func:`plan_classify`, which ``run`` acts on and ``status`` reports, so the two cannot disagree.
A document that cannot be read is cached as such (``.cache/skipped/``) under the key its
paragraphs would have: it is reported on every run but read again only once it changes.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson

from pipeline.config import Config, config_hash
from pipeline.errors import ConfigError, PipelineError, listed, plural
from pipeline.output import Part, atomic_write, remove_stale_temporaries
from pipeline.segment import KINDS

STATE_FILE = "run-state.json"
CACHE_DIR = ".cache"


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file's bytes (first 16 hex digits)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def bytes_hash(data: bytes) -> str:
    """:func:`file_hash` of bytes already read."""
    return hashlib.sha256(data).hexdigest()[:16]


def files_hash(paths: Iterable[Path | str | None]) -> dict[str, str]:
    """Hashes of the given files (``None``: no file)."""
    return {str(path): file_hash(path) for path in paths if path is not None}


# Modules that only present results (the command line and where it starts, how its messages are
# shown, the HTML report, the review list): a change to them retrains and relabels nothing.
PRESENTATION = frozenset({"__main__.py", "cli.py", "entry.py", "logs.py", "report.py",
                          "review.py"})


def result_files() -> list[Path]:
    """The package's files that compute results: its code but :data:`PRESENTATION`, and its
    data (the vocabulary fold table)."""
    package = Path(__file__).parent
    return sorted(f for f in package.rglob("*") if f.is_file() and f.name not in PRESENTATION
                  and "__pycache__" not in f.parts)


@functools.cache
def _package_code() -> str:
    """A hash of :func:`result_files`: a release that trains or labels differently retrains the
    model and labels the corpus again."""
    package = Path(__file__).parent
    return config_hash({str(f.relative_to(package)): file_hash(f) for f in result_files()})


@functools.cache
def _segmenting_code() -> str:
    """A hash of the code that turns bytes into paragraphs (``reading`` and ``segment``): a new
    release that reads or cuts differently segments again, and retries files it could not read."""
    from pipeline import reading, segment

    return "+".join(file_hash(module.__file__ or "") for module in (reading, segment))


def segment_key(file_digest: str, config: Config, source: str) -> str:
    """What a document's paragraphs depend on: its bytes, its path (the cached document's id and
    source come from it, so a renamed or copied file is not given another's), the code and the
    reading and segmenting settings."""
    return config_hash({"file": file_digest, "source": source, "code": _segmenting_code(),
                        **config.section("reading", "segment")})


def segment_settings(config: Config) -> dict[str, str]:
    """What every document's paragraphs depend on besides its own bytes and path, part by part:
    recorded by ``run`` so that ``status`` can say which part changed."""
    return {"code": _segmenting_code(),
            **{f"config {name}": config_hash(value)
               for name, value in config.section("reading", "segment").items()}}


TRAIN_SECTIONS = ("themes", "reading", "segment", "tokenize", "vectorize", "model", "evaluate")


def train_parts(config: Config) -> dict[str, str]:
    """What the model depends on, part by part: the corpus and word-list files, each config
    section. Comparing parts tells *why* a model is out of date.

    Only the files training reads count, found in folders as it finds them: a ``NOTES.md``
    beside the labels changes nothing, nor does a lexicon at weight 0 (the model and its
    figures do not use it; only ``evaluate`` reads it)."""
    return _training_inputs(config)[0]


def _training_inputs(config: Config) -> tuple[dict[str, str], str]:
    """:func:`train_parts`, and a note naming the labelled documents that are not in
    ``corpus.documents`` (``""`` when there are none): their labels train nothing, and unless
    training runs, which warns of them, nothing else would say so."""
    from pipeline.corpus import jsonl_files, load_labels, unknown_document_hint
    from pipeline.reading import document_id, find_documents

    c, t, v = config.corpus, config.tokenize, config.vectorize
    # The labels, not their files' bytes: a review list not yet filled in, added to the labels
    # folder, changes nothing. Only documents that have hand labels shape the model: adding an
    # unlabelled document to the corpus does not retrain it.
    labels = load_labels(c.labels, config.themes)
    corpus = find_documents(list(c.documents))
    ids = {document_id(p) for p in corpus}
    documents = [p for p in corpus if document_id(p) in labels]
    # Labels of a document not in the corpus label nothing (training warns of them) until it is.
    present = {document_id(p) for p in documents}
    files = files_hash([*documents, *jsonl_files(c.written if c.use_written else [])])
    # The held-out files apart: only measured, never trained on, so status names them as such.
    heldout = files_hash([*find_documents(list(c.heldout_documents)),
                          *jsonl_files(c.heldout_labels)])
    # Each word list apart, named by its key, so that status says which one an edit changed.
    words = {"tokenize.user_dict": t.user_dict, "tokenize.stop_words": t.stop_words,
             "vectorize.lexicon": v.in_model(v.lexicon), "vectorize.actors": v.in_model(v.actors)}
    # Each document's labels in the order they were set: of a sha1 and an index label of one
    # paragraph, the later one is used.
    themes = {document: list(keys.items()) for document, keys in sorted(labels.items())
              if document in present}
    parts = {"training data": config_hash([files, themes]), "held-out data": config_hash(heldout),
             **{f"word list {key}": config_hash(files_hash([path])) for key, path in words.items()},
             "code": _package_code()}
    sections = config.section(*TRAIN_SECTIONS)
    for key in ("lexicon", "actors"):  # a word list at weight 0 is not read: its path is no change
        if v.in_model(getattr(v, key)) is None:
            sections["vectorize"][key]["path"] = None
    parts.update({f"config {name}": config_hash(value) for name, value in sections.items()})
    # The one key of corpus that is no path (the paths' files are the training data), named as
    # itself when it is what changed.
    parts["config corpus.use_written"] = config_hash(c.use_written)
    absent = [d for d in labels if d not in present]
    named = [f"{d!r} ({labels.where[d]}{unknown_document_hint(d, ids)})" for d in absent[:3]]
    note = (f"labels of {plural(len(absent), 'document')} not in corpus.documents are not used: "
            + ", ".join(named) + (", …" if len(absent) > 3 else "")) if absent else ""
    return parts, note


def label_key(segment: str, model_hash: str, config: Config) -> str:
    """What a labelled document depends on: its paragraphs, the model, the label settings and the
    code (a model retrained by a new release can come out byte-identical, and still the new
    release may score or explain differently)."""
    return config_hash({"segment": segment, "model": model_hash, "code": _package_code(),
                        **config.section("label")})


SEGMENTS, SKIPPED, LABELLED = "segments", "skipped", "labelled"  # kinds of cached artefacts


def _count(v: Any) -> bool:
    return type(v) is int and 0 <= v < 2**53  # not a bool; what JSON writers carry exactly


def _share(v: Any) -> bool:
    return type(v) in (int, float) and 0.0 <= v <= 1.0  # not a bool, not NaN


def _text(v: Any) -> bool:
    return type(v) is str


def _words(v: Any) -> bool:
    return _text(v) and v != ""


def _optional_text(v: Any) -> bool:
    return v is None or _text(v)


# What an entry of each kind holds, and what each paragraph of it holds: exactly these fields,
# each passing its check. Anything else (a field missing, added or of another type) is damage,
# and the entry counts as missing: run makes it again rather than fail on it or write it out.
_ENTRY = {SEGMENTS: {"id": _text, "source": _text, "encoding": _text, "paragraphs": None},
          SKIPPED: {"source": _text, "error": _text},
          LABELLED: {"id": _text, "source": _text, "encoding": _text, "paragraphs": None}}
_PARAGRAPH = {"id": _text, "index": _count, "kind": KINDS.__contains__, "start": _count,
              "end": _count, "text": _words, "article": _optional_text,
              "article_title": _optional_text, "heading": _optional_text}
_LABEL = {"label": _words, "confidence": _share,
          "scores": lambda v: type(v) is dict and len(v) >= 2 and all(map(_share, v.values())),
          "evidence": lambda v: type(v) is list and all(map(_text, v)),
          "needs_review": lambda v: type(v) is bool}
_BODY = _PARAGRAPH | _LABEL  # a body paragraph of a labelled document
# A document's field that only some documents have: a file cut short in its last character.
_SOMETIMES = {"bytes_left_out": lambda v: type(v) is int and v > 0}


def _has(fields: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` is a dict of exactly ``fields`` whose checks (None: any) pass."""
    return (type(value) is dict and value.keys() == fields.keys()
            and all(check is None or check(value[name]) for name, check in fields.items()))


def _paragraph(labelled: bool, p: Any) -> bool:
    """Whether ``p`` is a paragraph as this release writes it, its offsets spanning its text."""
    fields = _BODY if labelled and type(p) is dict and p.get("kind") == "body" else _PARAGRAPH
    return _has(fields, p) and p["end"] - p["start"] == len(p["text"])


def _whole(kind: str, value: Any) -> bool:
    """Whether a cached entry is as this release writes entries of its kind (see ``_ENTRY``)."""
    if not _has(_ENTRY[kind] | _sometimes(kind, value), value):
        return False
    paragraphs = value.get("paragraphs", [])
    labelled = kind == LABELLED
    return type(paragraphs) is list and all(
        _paragraph(labelled, p) and _in_place(value["id"], n, p) for n, p in enumerate(paragraphs))


def _sometimes(kind: str, value: Any) -> dict[str, Any]:
    """The checks of the fields of ``_SOMETIMES`` that the document entry ``value`` has."""
    if kind == SKIPPED or type(value) is not dict:
        return {}
    return {name: check for name, check in _SOMETIMES.items() if name in value}


def _in_place(document: str, n: int, p: dict[str, Any]) -> bool:
    """Whether ``p`` is the ``n``-th paragraph of ``document``, as segmenting numbers them: a
    paragraph lost, doubled or moved in an entry is damage too."""
    return p["index"] == n and p["id"] == f"{document}:{n}"


# An entry of a document is one JSON object, written a paragraph a line so that it can be checked
# and copied out a paragraph at a time (a long document's entry is never held whole):
#   {"id":…,"source":…,"encoding":…,"paragraphs":[
#   {…}
#   ,{…}
#   ],"count":2}
# (the count, so that a paragraph line lost at the end is seen too; load leaves it out).
_HEAD = {kind: {k: v for k, v in fields.items() if k != "paragraphs"}
         for kind, fields in _ENTRY.items()}  # the first line of an entry of each kind
_OPENS = b',"paragraphs":[\n'
_CLOSES = re.compile(rb'\],"count":(\d{1,15})}\n')


def entry_bytes(part: Part) -> bytes:
    """A :class:`~pipeline.output.Part` of a document as its cache entry's bytes; the parts of a
    document, in order, make its whole entry."""
    data = b"\n,".join(map(orjson.dumps, part.paragraphs))
    if data:
        data = (b"" if part.first else b",") + data + b"\n"
    if part.first:
        data = orjson.dumps(part.head)[:-1] + _OPENS + data
    if part.last:
        count = part.paragraphs[-1]["index"] + 1 if part.paragraphs else 0
        data += b'],"count":%d}\n' % count
    return data


class _Damaged(Exception):
    """A cached entry that is not as this release writes it."""


def _entry_items(kind: str, fh: IO[bytes], fields: bool = True) -> Iterator[dict[str, Any]]:
    """A document entry's head (``id``, ``source``, ``encoding``), then its paragraphs, each
    checked as it is read (:class:`_Damaged`, or orjson's error, when one fails). An entry on
    one line (a skipped file's, or one an earlier release wrote whole) is read whole.
    ``fields=False``: each paragraph's fields are not checked again (an entry read a second
    time, from the open file just checked); its lines still must make the whole entry."""
    line = fh.readline()
    if not line.endswith(b"\n"):
        value = orjson.loads(line)
        if fields and not _whole(kind, value):
            raise _Damaged
        paragraphs = value.pop("paragraphs", [])
        yield value
        yield from paragraphs
        return
    if kind == SKIPPED or not line.endswith(_OPENS):
        raise _Damaged
    head = orjson.loads(line[: -len(_OPENS)] + b"}")
    if not _has(_HEAD[kind] | _sometimes(kind, head), head):
        raise _Damaged
    yield head
    labelled = kind == LABELLED
    for n, line in enumerate(fh):
        if closing := _CLOSES.fullmatch(line):
            if int(closing[1]) != n or fh.read(1):  # a line lost at the end, or more after it
                raise _Damaged
            return
        if n and not line.startswith(b","):
            raise _Damaged
        paragraph = orjson.loads(line[1:] if n else line)
        if fields and not (_paragraph(labelled, paragraph) and _in_place(head["id"], n, paragraph)):
            raise _Damaged
        yield paragraph
    raise _Damaged  # cut short


_UNREADABLE = (OSError, orjson.JSONDecodeError, _Damaged)


def _identity(fh: IO[bytes]) -> tuple[int, ...]:
    """Which file ``fh`` is, and as it was last written."""
    info = os.fstat(fh.fileno())
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _reads(kind: str, fh: IO[bytes]) -> bool:
    """Whether the entry in ``fh`` reads whole, checked a paragraph at a time."""
    try:
        for _ in _entry_items(kind, fh):
            pass
    except _UNREADABLE:
        return False
    return True


class Cache:
    """The cached artefacts of ``run``: one JSON file per document and kind, named by its key
    (``output/.cache/segments/<key>.json``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        # The entries found whole by has(), as they were then: parts() does not check an entry
        # again that has not changed since (run plans, then copies).
        self._checked: dict[Path, tuple[int, ...]] = {}

    def path(self, kind: str, key: str) -> Path:
        return self.folder / kind / f"{key}.json"

    def load(self, kind: str, key: str) -> Any | None:
        """A cached artefact, or None when missing, unreadable or damaged."""
        try:
            # orjson, as store writes: it refuses what could not be written out again (a lone
            # surrogate, NaN) and nesting past 1,024 levels.
            with self.path(kind, key).open("rb") as fh:
                head, *paragraphs = _entry_items(kind, fh)
        except _UNREADABLE:
            return None
        return head if kind == SKIPPED else {**head, "paragraphs": paragraphs}

    def has(self, kind: str, key: str) -> bool:
        """Whether a cached artefact is there and reads (checked a paragraph at a time: the
        planners check a whole corpus's caches, long documents included, in little memory)."""
        path = self.path(kind, key)
        try:
            with path.open("rb") as fh:
                if not _reads(kind, fh):
                    return False
                self._checked[path] = _identity(fh)
        except OSError:
            return False
        return True

    def parts(self, kind: str, key: str, limit: int) -> Iterator[Part] | None:
        """A cached document as :class:`~pipeline.output.Part` s of ``limit`` paragraphs, or
        None when missing, unreadable or damaged: checked whole first (unless :meth:`has` found
        it whole and it has not changed since), then read from that open file without checking
        each paragraph again (an entry is only ever replaced, never written in place), so a long
        document goes out part by part and never half."""
        path = self.path(kind, key)
        try:
            fh = path.open("rb")
            unchanged = self._checked.get(path) == _identity(fh)
        except OSError:
            return None
        if not (unchanged or _reads(kind, fh)):
            fh.close()
            return None
        fh.seek(0)
        return self._parts(kind, fh, limit)

    @staticmethod
    def _parts(kind: str, fh: IO[bytes], limit: int) -> Iterator[Part]:
        with fh:
            items = _entry_items(kind, fh, fields=False)
            try:
                head = next(items)
                batch = list(islice(items, limit))
                first = True
                while True:
                    following = list(islice(items, limit))
                    yield Part(head, batch, first, last=not following)
                    if not following:
                        return
                    batch, first = following, False
            except _UNREADABLE as exc:  # written over in place since it was checked
                raise PipelineError(f"{fh.name}: a cached document changed while it was copied "
                                    "into the output; run again") from exc

    def store(self, kind: str, key: str, value: Mapping[str, Any]) -> None:
        """Write a whole entry: a skipped file's, or a document (see :func:`entry_bytes`)."""
        with self.writer(kind, key) as fh:
            if kind == SKIPPED:
                fh.write(orjson.dumps(value))
            else:
                head = {k: v for k, v in value.items() if k != "paragraphs"}
                fh.write(entry_bytes(Part(head, value["paragraphs"], first=True, last=True)))

    def writer(self, kind: str, key: str) -> AbstractContextManager[IO[bytes]]:
        """The entry's file, to write its bytes (:func:`entry_bytes`) into part by part (in
        place only once the block succeeds): a long document's entry without its whole value in
        memory."""
        return atomic_write(self.path(kind, key), "wb")

    def prune(self, kind: str, keep: set[str]) -> int:
        """Remove cached artefacts of ``kind`` not in ``keep``, and the temporary files that
        killed runs left among them."""
        removed = 0
        folder = self.folder / kind
        if folder.is_dir():
            for f in folder.glob("*.json"):
                if f.stem not in keep:
                    f.unlink(missing_ok=True)
                    removed += 1
        return removed + remove_stale_temporaries(folder, r"[0-9a-f]+\.json")


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (a record of the wrong shape)."""
    return value if isinstance(value, dict) else {}


class RunState:
    """The readable record of the last run's stages (``run-state.json``) and the cache beside it.

    The file keeps the segment and classify records per output file name, and the train record
    per model bundle: configs that write different outputs into one folder keep their own
    records and share the cache (a document segmented for one is not segmented again for the
    other), and a model is up to date whichever output it was trained for.
    """

    def __init__(self, output: Path, bundle: Path) -> None:
        output = Path(output)
        self.folder = output.parent
        self.name = output.name
        self.bundle = str(Path(bundle).absolute())
        self.path = self.folder / STATE_FILE
        self.cache = Cache(self.folder / CACHE_DIR)
        data = self._read()
        self.stages: dict[str, Any] = dict(data["outputs"].get(self.name) or {})
        if data["models"].get(self.bundle):
            self.stages["train"] = data["models"][self.bundle]

    def _read(self) -> dict[str, dict[str, Any]]:
        """The file as it is now: ``{"outputs": {name: stages}, "models": {bundle: record}}``;
        whatever is not of that shape (a damaged or hand-edited file) counts as not recorded."""
        try:
            data = _mapping(json.loads(self.path.read_text("utf-8")))
        except (OSError, ValueError, RecursionError):
            data = {}
        outputs = {name: {stage: _mapping(record) for stage, record in stages.items()}
                   for name, stages in _mapping(data.get("outputs")).items()
                   if isinstance(stages, dict)}
        models = {bundle: record for bundle, record in _mapping(data.get("models")).items()
                  if isinstance(record, dict)}
        return {"outputs": outputs, "models": models}

    def get(self, stage: str) -> dict[str, Any]:
        return self.stages.get(stage) or {}

    def put(self, stage: str, record: dict[str, Any]) -> None:
        """Record a completed stage (after its outputs are written)."""
        self.stages[stage] = {**record,
                              "finished": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        data = self._read()  # another output's run may have written since this one began
        data["outputs"][self.name] = {k: v for k, v in self.stages.items() if k != "train"}
        if "train" in self.stages:
            data["models"][self.bundle] = self.stages["train"]
        with atomic_write(self.path) as fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")

    def in_use(self) -> dict[str, set[str]]:
        """For each kind of cached artefact, the keys that this output's record or that of
        another output still in the folder refers to (a deleted output keeps nothing)."""
        keys: dict[str, set[str]] = {SEGMENTS: set(), SKIPPED: set(), LABELLED: set()}
        for name, stages in self._read()["outputs"].items():
            if name != self.name and not (self.folder / name).exists():
                continue
            segment, classify = _mapping(stages.get("segment")), _mapping(stages.get("classify"))
            skipped = segment.get("skipped_keys")
            keys[SEGMENTS].update(_mapping(segment.get("documents")).values())
            keys[SKIPPED].update(skipped if isinstance(skipped, list) else [])
            keys[LABELLED].update(_mapping(classify.get("documents")).values())
        return keys


# ----------------------------------------------------------------------------- what is stale


@dataclass
class SegmentPlan:
    """The segment stage before it runs: each corpus document's key, and whether its paragraphs
    are cached (``done``), it is known not to read (``errors``: source → why), or it is to
    segment (``todo``)."""

    sources: list[str]
    keys: dict[str, str] = field(default_factory=dict)
    done: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)
    todo: list[str] = field(default_factory=list)

    def skipped(self) -> list[dict[str, str]]:
        """The skipped documents in corpus order, as the output's ``errors`` lists them."""
        return [{"source": s, "error": self.errors[s]} for s in self.sources if s in self.errors]


def plan_segments(config: Config, state: RunState, force: bool = False) -> SegmentPlan:
    """What the segment stage has cached and what it must (re)do; ``force`` redoes all."""
    from pipeline.corpus import check_distinct_names
    from pipeline.reading import FileUnreadable, find_documents, refuse_device

    plan = SegmentPlan([str(p) for p in find_documents(list(config.corpus.documents))])
    if config.corpus.documents and not plan.sources:  # run would write an output of nothing
        raise ConfigError(f"no .txt files found in {listed(config.corpus.documents)}",
                          config_key="corpus.documents")
    check_distinct_names(plan.sources)
    for source in plan.sources:
        try:  # not cached when it fails: nothing to key it by; tried again on every run
            refuse_device(source)
            key = plan.keys[source] = segment_key(file_hash(source), config, source)
        except FileUnreadable as exc:
            plan.errors[source] = str(exc).removeprefix(f"{source}: ")
            continue
        except OSError as exc:
            plan.errors[source] = f"cannot read: {exc.strerror or exc}"
            continue
        cached = not force and state.cache.has(SEGMENTS, key)
        failed = None if force or cached else state.cache.load(SKIPPED, key)
        if cached:
            plan.done.add(source)
        elif isinstance(failed, dict) and "error" in failed:
            plan.errors[source] = str(failed["error"])
        else:
            plan.todo.append(source)
    return plan


def segment_why(plan: SegmentPlan, config: Config, state: RunState) -> str:
    """Why the documents of ``plan.todo`` are to segment, as ``status`` says it: ``3 of 12
    documents to segment: 1 new, 1 changed, 1 whose cached paragraphs are missing or damaged``,
    or, when a setting or the code changed, ``12 of 12 documents to segment: config segment
    changed`` (``""`` when none is)."""
    if not plan.todo:
        return ""
    head = f"{len(plan.todo)} of {len(plan.sources)} documents to segment"
    record = state.get("segment")
    old = _mapping(record.get("documents"))
    was = _mapping(record.get("settings"))
    changed = [name for name, value in segment_settings(config).items() if was.get(name) != value]
    if record and was and changed:
        return f"{head}: {', '.join(changed)} changed"
    counts = {"new": 0, "changed": 0, "whose cached paragraphs are missing or damaged": 0}
    for source in plan.todo:
        counts["new" if source not in old else
               "whose cached paragraphs are missing or damaged" if old[source] == plan.keys[source]
               else "changed"] += 1
    return f"{head}: " + ", ".join(f"{n} {what}" for what, n in counts.items() if n)


REPLACED = "the model is missing, damaged or was replaced"
NO_METRICS = ("the model was trained without figures (pipeline train --no-metrics); run trains "
              "its own")


def train_why(config: Config, state: RunState, bundle_hash: str | None,
              force: bool = False, bundle_parts: Mapping[str, str] | None = None
              ) -> tuple[dict[str, str], str, str]:
    """The train stage's parts (see :func:`train_parts`), why it must run (``""`` if not) and a
    note naming the labelled documents the corpus does not have (``""`` if none).

    ``bundle_hash`` identifies the current bundle (None when there is none or it is damaged); a
    bundle that ``run`` did not train, ``train --no-metrics`` for one, has another.
    ``bundle_parts``: the parts the bundle's ``model.json`` says it was trained on, with its
    figures (``pipeline train`` records them): a bundle trained on exactly these parts is up to
    date, whoever trained it.
    """
    parts, note = _training_inputs(config)
    return parts, _why_train(parts, state, bundle_hash, force, bundle_parts), note


def _why_train(parts: Mapping[str, str], state: RunState, bundle_hash: str | None, force: bool,
               bundle_parts: Mapping[str, str] | None) -> str:
    """Why the train stage must run, ``""`` if not (see :func:`train_why`)."""
    record = state.get("train")
    old = _mapping(record.get("parts"))
    stale = [name for name, value in parts.items() if old.get(name) != value]
    if force:
        return "forced"
    if bundle_hash and bundle_parts == parts:
        return ""
    if not record:  # the record is the bundle's: a new model.name has none yet
        if bundle_hash and bundle_parts is None:  # what train --no-metrics made, as below
            return NO_METRICS
        # What pipeline train made with its figures, before any run: what changed since.
        since = [name for name, value in parts.items() if (bundle_parts or {}).get(name) != value]
        if bundle_hash and since:
            return f"{', '.join(since)} changed"
        return f"never run for model {Path(state.bundle).name}"
    if stale:
        return f"{', '.join(stale)} changed"
    if bundle_hash and bundle_parts is None and bundle_hash != record.get("bundle_hash"):
        return NO_METRICS  # only train --no-metrics leaves out the parts it trained on
    if not bundle_hash or bundle_hash != record.get("bundle_hash"):
        return REPLACED
    return ""


def labelling_model(header: Any) -> Any:
    """What of an output's model header decides its labels: all of it but ``trained_at``. A
    model trained again on the same corpus, config and code comes out byte-identical (its hash,
    the hash of ``model.pkl``, is the same) but for that date, and labels as before: the output
    it labelled is up to date (it keeps the date of the model that labelled it)."""
    if not isinstance(header, dict):  # a record of the wrong shape: compared as it is
        return header
    return {k: v for k, v in header.items() if k != "trained_at"}


@dataclass
class ClassifyPlan:
    """The classify stage before it runs: each document's label key (in output order), the
    documents whose labelled form is cached, the key of the whole output and why it must be
    written (``""`` when it is up to date)."""

    keys: dict[str, str]
    done: set[str]
    output_key: str
    why: str
    header: dict[str, Any]
    label: str  # hash of the label settings, recorded to name them when they change


def plan_classify(config: Config, state: RunState, segments: Mapping[str, str],
                  skipped: list[dict[str, str]], meta: Mapping[str, Any],
                  force: bool = False) -> ClassifyPlan:
    """What the classify stage has cached and whether the output must be rewritten.

    ``segments`` maps each document to label (source → segment key), ``skipped`` is what the
    output lists as errors, ``meta`` the bundle's ``model.json``. The output depends on all of
    them, the output format and the model's header but for when it was trained (see
    :func:`labelling_model`), so a removed document or a changed skipped file rewrites it too.
    """
    from pipeline.output import model_header

    header = model_header(meta)
    keys = {s: label_key(k, str(header["hash"]), config) for s, k in segments.items()}
    done = set() if force else {s for s, key in keys.items() if state.cache.has(LABELLED, key)}
    fmt = config.output.format
    output_key = config_hash([list(keys.values()), fmt, skipped, labelling_model(header)])
    record = state.get("classify")
    out = Path(config.output.path)
    todo = len(keys) - len(done)
    try:
        written = file_hash(out) if out.is_file() else None
    except OSError:
        written = None
    label = config_hash(config.section("label"))
    changed = "config label changed: " if record and record.get("label", label) != label else ""
    why = ("forced" if force else "never run" if not record else
           f"{changed}{todo} of {len(keys)} documents to label" if todo else
           "the output is missing" if written is None else
           "the output was changed" if written != record.get("output_hash") else
           "the last run's record is from an older release" if "body" not in record else "")
    if not why and record.get("key") != output_key:
        old = _mapping(record.get("documents"))
        was = {**record, "model": labelling_model(record.get("model"))}
        reasons = [f"{plural(n, 'document')} {what}" for n, what in (
            (len(set(old) - set(keys)), "removed"),
            (sum(old.get(s) != k for s, k in keys.items()), "added or changed")) if n]
        reasons += [what for name, now, what in (
            ("skipped", skipped, "the skipped files changed"),
            ("format", fmt, "the output format changed"),
            ("model", labelling_model(header), "the model changed"))
            if name in record and was[name] != now]
        why = ", ".join(reasons) or "its inputs changed"
    return ClassifyPlan(keys, done, output_key, why, header, label)
