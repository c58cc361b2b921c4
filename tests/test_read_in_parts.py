"""Reading a labelled output in parts (``pipeline.output.open_labelled``, what ``report`` and
``review`` read with, so that memory does not grow with the output) gives what reading it whole
(``read_labelled``) gives: the same model, skipped files and documents, or the same one-line
error, whatever the output holds, in both formats."""

from __future__ import annotations

import copy
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pipeline.output
from pipeline.errors import InputError
from pipeline.output import LabelledWriter, open_labelled, read_labelled

THEMES = ["leadership", "grassroots", "medical", "public_participation"]


def _document(name: str, size: int) -> dict[str, Any]:
    """A document of ``size`` paragraphs: articles of a heading and body paragraphs (one in
    five flagged), after a line of boilerplate."""
    paragraphs, start = [], 0
    for i in range(size):
        kind = "boilerplate" if i == 0 else "heading" if i % 7 == 1 else "body"
        article = None if i == 0 else f"{(i - 1) // 7 + 1:02d}"
        text = f"第{i}段：社区防控工作有序开展，居民积极配合。" if kind != "heading" else f"标题{i}"
        p: dict[str, Any] = {"id": f"{name}:{i}", "index": i, "kind": kind, "start": start,
                             "end": start + len(text), "text": text, "article": article,
                             "article_title": f"标题{i - (i - 1) % 7}" if article else None,
                             "heading": None}
        if kind == "body":
            scores = dict(zip(THEMES, (0.55, 0.25, 0.15, 0.05), strict=True))
            p |= {"label": "leadership", "confidence": 0.55, "scores": scores,
                  "evidence": ["防控", "lexicon:社区"], "needs_review": i % 5 == 0}
        paragraphs.append(p)
        start += len(text) + 1
    return {"id": name, "source": f"reports/{name}.txt", "encoding": "utf-8",
            "paragraphs": paragraphs}


@pytest.fixture(scope="module")
def output() -> dict[str, Any]:
    """A labelled output (json form): two short documents around a long one, a skipped file."""
    return {"schema_version": "1.1", "created": "2020-01-01T00:00:00Z",
            "model": {"name": "m", "themes": THEMES, "hash": "0" * 64, "classifier": "x",
                      "tokenizer": "rjieba", "trained_at": "2020-01-01T00:00:00Z"},
            "documents": [_document("short", 9), _document("long", 300),
                          _document("last", 20)],
            "errors": [{"source": "broken.txt", "error": "not a text file"}]}


def _written(data: dict[str, Any], fmt: str = "json") -> bytes:
    """``data`` as classify writes it."""
    fh = io.BytesIO()
    writer = LabelledWriter(fh, fmt, data["model"], created=data["created"])
    for document in data["documents"]:
        writer.write(document)
    writer.close(data["errors"])
    return fh.getvalue()


def _edited(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], bytes]:
    """The output with ``change`` made to it, as classify writes it."""
    def make(data: dict[str, Any]) -> bytes:
        change(data)
        return _written(data)
    return make


def _dumped(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], bytes]:
    """The output with ``change`` made to it, as ``json.dumps`` writes it: NaN, lone surrogates
    and fields where classify puts none too."""
    def make(data: dict[str, Any]) -> bytes:
        change(data)
        return json.dumps(data).encode()
    return make


def _paragraph(d: int, i: int, **fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data["documents"][d]["paragraphs"][i].update(fields)


def _lines(data: dict[str, Any]) -> list[bytes]:
    return _written(data, "jsonl").splitlines()


def _reordered(data: dict[str, Any]) -> bytes:
    """Fields in another order: the model after the documents, a long document's paragraphs
    before its other fields."""
    long = data["documents"][1]
    data["documents"][1] = {"paragraphs": long["paragraphs"],
                            **{k: v for k, v in long.items() if k != "paragraphs"}}
    top = {k: v for k, v in data.items() if k != "model"}
    return json.dumps({**top, "model": data["model"]}, ensure_ascii=False).encode()


def _text(old: bytes, new: bytes) -> Callable[[dict[str, Any]], bytes]:
    """classify's output with the first ``old`` replaced by ``new``."""
    return lambda data: _written(data).replace(old, new, 1)


# Outputs as classify writes them, as other programs may, and damaged; each by what makes it.
CASES: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "as classify writes it": _written,
    "indented": lambda data: json.dumps(data, ensure_ascii=False, indent=2).encode(),
    "on one line": lambda data: json.dumps(data, ensure_ascii=False,
                                           separators=(",", ":")).encode(),
    "escaped, spaced": lambda data: json.dumps(data).encode(),
    "blank lines around": lambda data: b"\n\n  " + _written(data) + b"\n \n",
    "fields in another order": _reordered,
    "documents given twice": _text(b'"documents":[', b'"documents":[],"documents":['),
    "a key twice in a paragraph": _text(b'"kind":"body"', b'"kind":"heading","kind":"body"'),
    "text that looks like the end of a paragraph or a document": _edited(lambda data: (
        _paragraph(1, 40, text='}, {"id": "x"}')(data),
        _paragraph(1, 41, text="}]},\n{")(data), _paragraph(1, 43, text="}],{")(data))),
    "a field of the paragraph nested deep": _edited(_paragraph(1, 50, extra=[[[[{"a": [1]}]]]])),
    "no documents": _edited(lambda data: data.update(documents=[])),
    "an empty document": _edited(lambda data: data["documents"][1].update(paragraphs=[])),
    "something after it": lambda data: _written(data) + b"x",
    "written twice": lambda data: _written(data) * 2,
    "a byte-order mark": lambda data: b"\xef\xbb\xbf" + _written(data),
    "cut short": lambda data: _written(data)[:len(_written(data)) // 2],
    "a confidence of high in the long document": _edited(_paragraph(1, 200, confidence="high")),
    "scores null": _edited(_paragraph(0, 3, scores=None)),
    "text null": _edited(_paragraph(2, 19, text=None)),
    "a label on a heading": _edited(_paragraph(1, 8, label="medical")),
    "an empty evidence entry": _edited(_paragraph(1, 299, evidence=["x", ""])),
    "schema version 2.0": _dumped(lambda data: data.update(schema_version="2.0")),
    "no schema version": _dumped(lambda data: data.pop("schema_version")),
    "documents null": _dumped(lambda data: data.update(documents=None)),
    "errors not objects": _edited(lambda data: data.update(errors=[3])),
    "no errors": _dumped(lambda data: data.pop("errors")),
    "a document with no id": _edited(lambda data: data["documents"][1].pop("id")),
    "a document id 5": _edited(lambda data: data["documents"][2].update(id=5)),
    "bytes_left_out 0": _edited(lambda data: data["documents"][1].update(bytes_left_out=0)),
    "paragraphs null": _dumped(lambda data: data["documents"][0].update(paragraphs=None)),
    "a document that is a number": _dumped(lambda data: data["documents"].insert(0, 5)),
    "NaN": _dumped(_paragraph(1, 100, confidence=float("nan"))),
    "a lone surrogate": _dumped(_paragraph(1, 150, text="\ud800")),
    "a number beyond a double": _text(b'"start":0,', b'"start":1e400,'),
    "a lone surrogate in a name after a wrong field": _dumped(lambda data: (
        _paragraph(0, 2, confidence="high")(data), data.update({"\udc00": 1}))),
    "a byte that is no UTF-8 after a wrong field": lambda data: _edited(
        _paragraph(0, 2, confidence="high"))(data).replace("标题".encode(), b"\xff", 1),
    "nested 100,000 deep": lambda data: b"[" * 100_000,
    "a number of 5,000 digits": lambda data: b"1" * 5000,
    "an empty object": lambda data: b"{}",
    "empty": lambda data: b"",
    "blank": lambda data: b" \n\t\r\n\n",
    "a form feed": lambda data: b"\x0c\n",
    "jsonl": lambda data: _written(data, "jsonl"),
    "jsonl, one line": lambda data: _lines(data)[0] + b"\n",
    "jsonl, blank lines and CRLF": lambda data: b"\r\n\r\n".join(_lines(data)),
    "jsonl, a document's lines apart": lambda data: b"\n".join(
        [*_lines(data)[:5], *_lines(data)[9:20], *_lines(data)[5:9]]),
    "jsonl, written twice": lambda data: _written(data, "jsonl") * 2,
    "jsonl, a document's lines twice": lambda data: b"\n".join(_lines(data)[:9] * 2),
    "jsonl, a paragraph again in its document": lambda data: b"\n".join(
        [*_lines(data)[:50], _lines(data)[30], *_lines(data)[50:]]),
    "jsonl, a paragraph again after blank lines": lambda data: b"\n\n".join(
        [*_lines(data)[:50], _lines(data)[30]]),
    "jsonl, a document's paragraphs out of order": lambda data: b"\n".join(
        [*_lines(data)[:20], *_lines(data)[30:40], *_lines(data)[20:30], *_lines(data)[40:]]),
    "jsonl, an id not its document's": lambda data: b"\n".join(
        [*_lines(data)[:5], _lines(data)[5].replace(b'"id":"short:', b'"id":"other:'),
         *_lines(data)[6:]]),
    "jsonl, a wrong field": lambda data: _written(data, "jsonl").replace(
        b'"needs_review":true', b'"needs_review":1', 1),
    "jsonl, a line not JSON": lambda data: b"\n".join([*_lines(data)[:3], b"{", *_lines(data)]),
    "jsonl, a line with no document": lambda data: b"\n".join(
        [*_lines(data)[:3], b'{"source": "x", "encoding": "utf-8"}']),
    "jsonl, segment's lines": lambda data: b"\n".join(
        line.replace(b'"schema_version":"1.1",', b"") for line in _lines(data)),
    "jsonl, a lone surrogate": lambda data: _written(data, "jsonl").replace(
        "社区".encode(), b"\\ud800", 1),
    "jsonl, a list": lambda data: b"\n".join([*_lines(data)[:2], b"[1]"]),
    "jsonl, a byte that is no UTF-8 after a wrong line": lambda data: b"\n".join(
        [*_lines(data)[:2], b"{", *_lines(data)[2:]]).replace("标题".encode(), b"\xff", 1),
}


def _outcome(read: Callable[[Path], Any], path: Path,
             caplog: pytest.LogCaptureFixture) -> tuple[Any, ...]:
    """What reading ``path`` gives: its model, skipped files and documents, or its error; and
    the warnings said."""
    caplog.clear()
    try:
        model, errors, documents = read(path)
    except InputError as exc:
        return "error", str(exc), caplog.messages
    return model, errors, documents, caplog.messages


def _whole(path: Path) -> tuple[Any, ...]:
    data = read_labelled(path)
    return data.get("model") or {}, data.get("errors", []), data.get("documents", [])


def _in_parts(path: Path) -> tuple[Any, ...]:
    with open_labelled(path) as labelled:
        readings = [[{**head, "paragraphs": list(paragraphs)}
                     for head, paragraphs in labelled.documents()] for _ in range(2)]
        assert readings[0] == readings[1]  # read afresh each time
        return labelled.model, labelled.errors, readings[0]


@pytest.mark.parametrize("block", [64, 4096, pipeline.output.BLOCK])
@pytest.mark.parametrize("case", CASES)
def test_an_output_read_in_parts_reads_as_one_read_whole(
        output: dict[str, Any], case: str, block: int, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # A small block makes even a short document too long to be read at once: its fields, then
    # its paragraphs one by one.
    caplog.set_level(logging.WARNING, logger="pipeline")
    monkeypatch.setattr(pipeline.output, "BLOCK", block)
    path = tmp_path / "out.json"
    path.write_bytes(CASES[case](copy.deepcopy(output)))
    assert _outcome(_in_parts, path, caplog) == _outcome(_whole, path, caplog)


def test_standard_input_and_a_pipe_are_read_as_the_file(
        output: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys
    import threading

    raw = _written(output)
    path = tmp_path / "out.json"
    path.write_bytes(raw)
    expected = _in_parts(path)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert _in_parts(Path("-")) == expected
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_bytes, args=(raw,))
    writer.start()
    assert _in_parts(fifo) == expected
    writer.join()


@pytest.mark.parametrize("block", [64, pipeline.output.BLOCK])
def test_two_json_outputs_joined_are_named_as_such(
        output: dict[str, Any], block: int, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``cat a.json b.json`` was 'both.json:1: not labelled output (JSON or JSON lines)', which
    says nothing of what is wrong: now the line where the second output starts, and why."""
    monkeypatch.setattr(pipeline.output, "BLOCK", block)
    one = _written(output)
    path = tmp_path / "both.json"
    said = (f"{path}:{len(one.splitlines()) + 1}: a second JSON document starts here (two "
            "outputs joined?); give each output alone")
    for second in (one, _written(output, "jsonl"), json.dumps(output, indent=1).encode()):
        path.write_bytes(one + second)
        for read in (_in_parts, _whole):
            with pytest.raises(InputError) as refused:
                read(path)
            assert str(refused.value) == said


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_output_cut_in_a_character_is_named_cut_short(
        output: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    """An output whose copy stopped inside a character (its last bytes the first of a
    three-byte one) was 'not UTF-8 text', as if it were in another encoding: it is named cut
    short. Bytes that are no UTF-8 before the end are still 'not UTF-8 text'."""
    whole = _written(output, fmt)
    end = whole.rindex("标题".encode())
    path = tmp_path / f"out.{fmt}"
    for cut in (end + 1, end + 2):
        path.write_bytes(whole[:cut])
        for read in (_in_parts, _whole):
            with pytest.raises(InputError) as refused:
                read(path)
            assert str(refused.value) == (
                f"{path}: not labelled output: the file ends in the middle of a character (cut "
                "short: a copy or download that did not finish?)")
    for damaged in (whole[:end + 1] + b"x", whole[:end] + b"\xff"):
        path.write_bytes(damaged)
        with pytest.raises(InputError, match=r": not labelled output \(not UTF-8 text\)$"):
            _whole(path)


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_output_saved_with_a_byte_order_mark_reads_as_without(
        output: dict[str, Any], fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An output saved again as "UTF-8 with BOM" (an editor on Windows, PowerShell's
    ``Out-File -Encoding utf8``) was 'out.json:1: not labelled output (JSON or JSON lines)', as
    if it were no output at all: the mark is dropped, as labels and configs drop it. One saved
    as UTF-16 or UTF-32 (PowerShell's ``>``) is named so."""
    import codecs
    import sys

    raw = _written(output, fmt)
    plain, marked = tmp_path / f"plain.{fmt}", tmp_path / f"marked.{fmt}"
    plain.write_bytes(raw)
    marked.write_bytes(codecs.BOM_UTF8 + raw)
    expected = _in_parts(plain)
    assert _in_parts(marked) == expected and _whole(marked) == _whole(plain)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(codecs.BOM_UTF8 + raw)))
    assert _in_parts(Path("-")) == expected
    for encoding, named in (("utf-16", "UTF-16"), ("utf-32", "UTF-32")):
        marked.write_bytes(raw.decode().encode(encoding))
        for read in (_in_parts, _whole):
            with pytest.raises(InputError) as refused:
                read(marked)
            assert str(refused.value) == (
                f"{marked}: not labelled output: saved as {named}; write it with -o FILE "
                "(Windows PowerShell's '>' saves UTF-16), or save it as UTF-8")


def test_a_list_to_label_given_for_an_output_is_named_as_such(tmp_path: Path) -> None:
    """A review list (or a file of hand labels) given to ``review`` or ``report`` in place of
    classify's output was 'not labelled output (no document, source or encoding)', though its
    lines have a ``document``: it is named as the list it is, and what to give instead."""
    path = tmp_path / "to-label.jsonl"
    lines = [{"document": "report", "sha1": "0123456789ab", "index": 3, "theme": None,
              "suggested": "medical", "margin": 0.02, "text": "医院开设发热门诊。"},
             {"document": "report", "index": 5, "kind": "body", "theme": "grassroots"}]
    said = (f"{path}:1: not labelled output: a list of labels (its 'theme'), as 'pipeline "
            "review' writes one for a person to fill in; review and report read what "
            "'pipeline classify' wrote")
    for first in lines:
        path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                for line in (first, *lines)), encoding="utf-8")
        for read in (_in_parts, _whole):
            with pytest.raises(InputError) as refused:
                read(path)
            assert str(refused.value) == said
