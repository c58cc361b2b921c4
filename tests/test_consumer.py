"""The labelled output read as a program of another team reads it, from the README alone: what
it says of `source`, ids, offsets and the json and jsonl layouts, on files made here. Each test
runs the real command; its other calls run in this process (``in_process``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.model import load_bundle
from pipeline.output import read_labelled
from pipeline.reading import read_document
from pipeline.segment import HAN
from pipeline.stages import label_documents, segment_document
from tests.conftest import ROOT, SEED, in_process

SIMPLIFIED = ("社区防控工作报告\n\n一、社区网格员挨家挨户排查\n\n"
              "各社区网格员坚持挨家挨户上门排查，逐户登记返乡人员，做到不漏一户、不落一人。\n\n"
              "二、医院全力救治患者\n\n市人民医院开设发热门诊，医护人员昼夜坚守，全力救治确诊患者。\n")
TRADITIONAL = ("社區防控工作報告\n\n一、社區網格員挨家挨戶排查\n\n"
               "各社區網格員堅持挨家挨戶上門排查，逐戶登記返鄉人員，做到不漏一戶、不落一人。\n\n"
               "二、醫院全力救治患者\n\n市人民醫院開設發熱門診，醫護人員晝夜堅守，全力救治確診患者。\n")


def pipeline(*args: str, stdin: bytes | None = None, cwd: Path | None = None
             ) -> subprocess.CompletedProcess:
    """The command line, as a consumer's script runs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin,
                          capture_output=True, cwd=cwd or ROOT, env=env, timeout=300)


def test_a_file_named_dash_given_as_dot_slash_dash_is_that_file_not_stdin(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``./-`` is how a shell names a file called ``-``: it was read as standard input (source
    ``-``, id ``stdin``), and beside ``-`` itself the file was left out."""
    (tmp_path / "-").write_text(SIMPLIFIED, "utf-8")
    model = str(trained[1])
    for fmt, run in (("json", pipeline), ("jsonl", in_process)):
        result = run("classify", "-", "./-", "--model", model, "--format", fmt, "-q",
                     stdin="市人民医院开设发热门诊。".encode(), cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        if fmt == "json":
            docs = json.loads(result.stdout)["documents"]
            heads = [(d["id"], d["source"], len(d["paragraphs"])) for d in docs]
        else:
            lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
            heads = [(d, s, sum(line["document"] == d for line in lines))
                     for d, s in dict.fromkeys((line["document"], line["source"])
                                               for line in lines)]
        assert heads == [("stdin", "-", 1), ("-", "./-", 5)]
    alone = in_process("segment", "./-", cwd=tmp_path)
    docs = json.loads(alone.stdout)["documents"]
    assert [(d["id"], d["source"], d["paragraphs"][-1]["text"]) for d in docs] == [
        ("-", "./-", "市人民医院开设发热门诊，医护人员昼夜坚守，全力救治确诊患者。")]


def test_review_and_report_read_a_labelled_file_named_dash_given_as_dot_slash_dash(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``review ./-`` and ``report ./-`` read the file called ``-``, not standard input (which
    gave 'not labelled output' for what a pipe held, or waited on a terminal)."""
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    made = in_process("classify", "a.txt", "--model", str(trained[1]), "-o", "-", "-q",
                      cwd=tmp_path)
    (tmp_path / "-").write_bytes(made.stdout)
    review = pipeline("review", "./-", "--all", "-o", "r.jsonl", "-q", stdin=b"{}",
                      cwd=tmp_path)
    assert review.returncode == 0, review.stderr.decode()
    listed = (tmp_path / "r.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["document"] for line in listed] == ["a", "a"]
    report = in_process("report", "./-", "--model", str(trained[1]), "-o", "r.html", "-q",
                        stdin=b"{}", cwd=tmp_path)
    assert report.returncode == 0, report.stderr.decode()
    assert "市人民医院开设发热门诊" in (tmp_path / "r.html").read_text("utf-8")


def test_json_and_jsonl_hold_what_the_readme_promises_a_consumer(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """Files in several encodings, line ends and a few that hold nothing or do not read, in both
    formats: the order, ids, offsets into the source decoded by the recorded codec, the label
    fields of body paragraphs alone, scores in the order of the themes, and each jsonl line the
    json document's paragraph with the document's fields beside it."""
    files = {
        "b.txt": SIMPLIFIED.encode("gb18030"),
        "a/big5.txt": TRADITIONAL.encode("big5"),
        "a/crlf.txt": SIMPLIFIED.replace("\n", "\r\n").encode(),
        "a-u16.txt": SIMPLIFIED.encode("utf-16"),
        "empty.txt": b"",
        "scan.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
        "cut.txt": (SIMPLIFIED.rstrip() + "𠮷").encode()[:-2],
    }
    for name, data in files.items():
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(data)
    outputs = {}
    for fmt, run in (("json", pipeline), ("jsonl", in_process)):
        result = run("classify", "in", "--model", str(trained[1]), "--format", fmt,
                     "-o", f"out.{fmt}", "-q", cwd=tmp_path)
        assert result.returncode == 1, result.stderr.decode()  # scan.txt skipped
        outputs[fmt] = (tmp_path / f"out.{fmt}").read_text("utf-8")
    data = json.loads(outputs["json"])
    themes = data["model"]["themes"]
    assert data["errors"] == [{"source": "in/scan.txt",
                               "error": "not a text file: it is a PNG image"}]
    assert [(d["id"], d["encoding"], d.get("bytes_left_out")) for d in data["documents"]] == [
        ("big5", "big5", None), ("crlf", "utf-8", None), ("a-u16", "utf-16", None),
        ("b", "gb18030", None), ("cut", "utf-8", 2), ("empty", "utf-8", None)]  # a/ first
    lines = [json.loads(line) for line in outputs["jsonl"].splitlines()]
    assert outputs["jsonl"].endswith("\n") and len(lines) == sum(
        len(d["paragraphs"]) for d in data["documents"])
    at = 0
    for doc in data["documents"]:
        raw = (tmp_path / doc["source"]).read_bytes()
        decoded = raw[:len(raw) - doc.get("bytes_left_out", 0)].decode(doc["encoding"])
        for index, p in enumerate(doc["paragraphs"]):
            assert (p["index"], p["id"]) == (index, f"{doc['id']}:{index}")
            assert decoded[p["start"]:p["end"]] == p["text"]
            labelled = {"label", "confidence", "scores", "evidence", "needs_review"} & p.keys()
            if p["kind"] != "body":
                assert not labelled
            else:
                assert len(labelled) == 5 and list(p["scores"]) == themes
                assert p["confidence"] == p["scores"][p["label"]] == max(p["scores"].values())
            line = lines[at]
            at += 1
            head = {"schema_version": data["schema_version"], "document": doc["id"],
                    "source": doc["source"], "encoding": doc["encoding"],
                    "model_hash": data["model"]["hash"]}
            if "bytes_left_out" in doc:
                head["bytes_left_out"] = doc["bytes_left_out"]
            assert line == {**head, **p}



def test_read_labelled_gives_either_format_of_a_classify_output_as_the_readme_shows(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``pipeline.output.read_labelled``, as the README shows it to a consumer: a real classify
    output read back whole, json and jsonl alike, checked; a damaged one refused in one
    :class:`InputError` naming the file, where and the field."""
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    (tmp_path / "b.txt").write_bytes(TRADITIONAL.encode("big5"))
    read = {}
    for fmt in ("json", "jsonl"):
        result = in_process("classify", "a.txt", "b.txt", "--model", str(trained[1]),
                            "-o", f"out.{fmt}", "-q", cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        read[fmt] = read_labelled(tmp_path / f"out.{fmt}")
    written = json.loads((tmp_path / "out.json").read_bytes())
    assert read["json"] == written
    assert [d["id"] for d in written["documents"]] == ["a", "b"]
    # jsonl holds no model header beyond the hash, nor the skipped files, nor when it was made:
    # the same documents, and its lines' schema_version, which a consumer checks either way (it
    # was not there: data["schema_version"], fine on json, was a KeyError on jsonl).
    assert read["jsonl"] == {"schema_version": written["schema_version"],
                             "model": {"hash": written["model"]["hash"]},
                             "documents": written["documents"], "errors": []}
    (tmp_path / "none.jsonl").write_bytes(b"")  # what classify writes when it labels nothing
    assert read_labelled(tmp_path / "none.jsonl") == {
        "schema_version": written["schema_version"], "model": {}, "documents": [], "errors": []}

    damaged = json.loads((tmp_path / "out.json").read_bytes())
    damaged["documents"][1]["paragraphs"][3]["confidence"] = "high"
    (tmp_path / "damaged.json").write_text(json.dumps(damaged, ensure_ascii=False), "utf-8")
    lines = (tmp_path / "out.jsonl").read_text("utf-8").splitlines(keepends=True)
    line = json.loads(lines[4])
    del line["model_hash"]
    lines[4] = json.dumps(line, ensure_ascii=False) + "\n"
    (tmp_path / "damaged.jsonl").write_text("".join(lines), "utf-8")
    for name, fault in (
            ("damaged.json", ": not labelled output: document 2 (b): paragraph 3: 'confidence' "
                             'must be a number from 0 to 1, not "high"'),
            ("damaged.jsonl", ":5: not labelled output: no 'model_hash'")):
        with pytest.raises(InputError) as refused:
            read_labelled(tmp_path / name)
        assert str(refused.value) == f"{tmp_path / name}{fault}"


def test_a_label_that_is_none_of_its_themes_is_refused_where_it_is(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """An output edited by hand whose label is no theme of its scores (a typo, ``medic``) was
    read as valid: ``report`` showed a fifth theme and ``review`` went on. It is refused, in
    either format and by each reader, where it is; a label moved to another of its themes (a
    person's correction) is still read."""
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    for fmt in ("json", "jsonl"):
        result = in_process("classify", "a.txt", "--model", str(trained[1]), "-o", f"out.{fmt}",
                            "-q", cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
    data = json.loads((tmp_path / "out.json").read_bytes())
    body = next(i for i, p in enumerate(data["documents"][0]["paragraphs"]) if p["kind"] == "body")
    lines = (tmp_path / "out.jsonl").read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if json.loads(line)["kind"] == "body")
    themes = ", ".join(f'"{t}"' for t in data["documents"][0]["paragraphs"][body]["scores"])
    must = f"'label' must be {themes.rsplit(', ', 1)[0]} or {themes.rsplit(', ', 1)[1]}"
    for label, fault in (("medic", f'{must}, not "medic"'), ("medical", None)):
        data["documents"][0]["paragraphs"][body]["label"] = label
        (tmp_path / "edited.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        line = json.loads(lines[at])
        line["label"] = label
        (tmp_path / "edited.jsonl").write_text(
            "\n".join([*lines[:at], json.dumps(line, ensure_ascii=False), *lines[at + 1:]]) + "\n",
            "utf-8")
        for name, before, after in (("edited.json", "", f": document 1 (a): paragraph {body}"),
                                    ("edited.jsonl", f":{at + 1}", "")):
            refusal = f"{name}{before}: not labelled output{after}: {fault}"
            if fault is None:
                assert read_labelled(tmp_path / name)
            else:
                with pytest.raises(InputError) as refused:
                    read_labelled(tmp_path / name)
                assert str(refused.value) == f"{tmp_path}/{refusal}"
            # review, with no config here, first warns that it has no hand labels to leave out.
            for args in (["report", "--model", str(trained[1]), "-o", "r.html"],
                         ["review", "-o", "review.jsonl"]):
                result = in_process(*args, name, "-q", cwd=tmp_path)
                if fault is None:
                    assert result.returncode == 0, result.stderr.decode()
                else:
                    assert result.returncode == 2
                    assert result.stderr.decode().splitlines()[-1] == f"pipeline: error: {refusal}"


def test_a_label_none_of_its_themes_is_refused_in_any_document_of_a_json_output(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``review`` and ``report`` read a json output in parts; a label that is no theme of its
    scores was refused only in the last document (read as a long one, a paragraph at a time)
    and read as valid in the others: ``review`` listed nothing and exited 0, ``report`` drew a
    fifth theme."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(SIMPLIFIED, "utf-8")
    result = in_process("classify", "a.txt", "b.txt", "--model", str(trained[1]), "-o",
                        "out.json", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads((tmp_path / "out.json").read_bytes())
    body = next(i for i, p in enumerate(data["documents"][0]["paragraphs"]) if p["kind"] == "body")
    data["documents"][0]["paragraphs"][body]["label"] = "medic"
    (tmp_path / "edited.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    for args in (["report", "--model", str(trained[1]), "-o", "r.html"],
                 ["review", "-o", "review.jsonl"]):
        result = in_process(*args, "edited.json", "-q", cwd=tmp_path)
        assert result.returncode == 2, result.stderr.decode()
        last = result.stderr.decode().splitlines()[-1]
        assert last.startswith(f"pipeline: error: edited.json: not labelled output: document 1 "
                               f"(a): paragraph {body}: 'label' must be "), last
        assert last.endswith(', not "medic"'), last


def test_a_pipe_or_a_device_in_a_folder_of_documents_is_named_not_dropped_unsaid(
        tmp_path: Path) -> None:
    """A named pipe or a link to a device among a folder's .txt files is never read (it might
    never end), and is named on standard error as a link to nothing is; it was left out of the
    output without a word, a document gone that the consumer had no way to miss."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(SIMPLIFIED, "utf-8")
    os.mkfifo(docs / "p.txt")
    (docs / "z.txt").symlink_to("/dev/zero")
    result = in_process("segment", "docs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert [d["id"] for d in json.loads(result.stdout)["documents"]] == ["a"]
    assert result.stderr.decode().splitlines() == [
        "pipeline: docs/p.txt: a named pipe, not a file",
        "pipeline: docs/z.txt: a device, not a file"]
    strict = in_process("segment", "docs", "--strict", cwd=tmp_path)
    assert strict.returncode == 2 and strict.stdout == b""
    assert strict.stderr.decode() == "pipeline: error: docs/p.txt: a named pipe, not a file\n"


def test_needs_review_follows_from_the_scores_as_written(trained: tuple[Config, Path]) -> None:
    """A consumer checks ``needs_review`` against the config's thresholds with the scores the
    output holds (six decimals): a top score written equal to ``review_below``, or a lead equal
    to ``review_margin``, is not below it and flags nothing. It did when the score before
    rounding was a hair below: about half of the scores are rounded up."""
    config, model = trained
    bundle = load_bundle(model)
    segmented = segment_document(read_document(SEED), config)

    def labelled(below: float, margin: float) -> list[dict[str, Any]]:
        label = config.label.model_copy(update={"review_below": below, "review_margin": margin})
        [doc] = label_documents(bundle, [segmented], config.model_copy(update={"label": label}))
        # Those flagged whatever their scores (no Chinese character, nothing the model knows)
        # have no evidence or no Han character: left out.
        return [p for p in doc["paragraphs"] if p["kind"] == "body" and p["evidence"]
                and HAN.search(p["text"])]

    def top_two(p: dict[str, Any]) -> list[float]:
        return sorted(p["scores"].values(), reverse=True)[:2]

    body = labelled(0.5, 0.15)
    tops = sorted({top_two(p)[0] for p in body})[:12]
    leads = sorted({top_two(p)[0] - top_two(p)[1] for p in body})[:12]
    for below, margin in [(top, 0.0) for top in tops] + [(0.0, lead) for lead in leads]:
        for p in labelled(below, margin):
            first, second = top_two(p)
            assert p["needs_review"] == (first < below or first - second < margin), (
                below, margin, p["id"], p["scores"])


def test_a_paragraph_the_model_knows_nothing_of_is_labelled_by_its_context_if_any(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """As the README says of ``evidence`` and ``needs_review``: a paragraph of characters the
    model does not know, alone, gets the model's prior, no evidence, and is flagged; under a
    heading and beside paragraphs it knows, the same paragraph is labelled by them (its
    evidence is theirs) and flagged only by the thresholds."""
    unknown = "龘靐齉爩。\n"
    (tmp_path / "alone.txt").write_text(unknown, "utf-8")
    (tmp_path / "under.txt").write_text(
        "一、社区网格员挨家挨户排查\n\n各社区网格员坚持挨家挨户上门排查，逐户登记返乡人员。\n\n"
        + unknown, "utf-8")
    result = in_process("classify", "alone.txt", "under.txt", "--model", str(trained[1]),
                        "--format", "jsonl", "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    alone, under = [p for p in lines if p["text"] == unknown.strip()]
    assert alone["evidence"] == [] and alone["needs_review"]
    assert len(set(alone["scores"].values())) == 1
    assert under["label"] == "grassroots" and under["evidence"]
    assert not any(set(term) & set("龘靐齉爩") for term in under["evidence"])
    first, second = sorted(under["scores"].values(), reverse=True)[:2]
    assert under["needs_review"] == (first < 0.5 or first - second < 0.15)  # the defaults


def test_the_stage_functions_write_the_format_their_output_is_named_for_as_commands_do(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``segment``, ``classify`` and ``vectorize`` of ``pipeline.stages`` "do what their commands
    do, given paths" (README): an output named ``*.jsonl`` is JSON lines, ``*.json`` one object,
    ``*.npz`` an archive. They wrote one JSON object (classify, segment) or an archive (vectorize)
    into ``out.jsonl``, which a jsonl reader then could not read."""
    from pipeline.model import make_tokenizer
    from pipeline.stages import classify, segment, vectorize

    config, bundle_dir = trained
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    source = [tmp_path / "a.txt"]
    paragraphs = len(SIMPLIFIED.strip().split("\n\n"))
    for name, write in (
            ("classified", lambda out: classify(source, bundle_dir, out, config)),
            ("segmented", lambda out: segment(source, out, config)),
            ("tokenized", lambda out: segment(source, out, config,
                                              tokenizer=make_tokenizer(config.tokenize)))):
        write(tmp_path / f"{name}.jsonl")
        lines = (tmp_path / f"{name}.jsonl").read_text("utf-8").splitlines()
        assert [json.loads(line)["index"] for line in lines] == list(range(paragraphs)), name
        write(tmp_path / f"{name}.json")
        whole = json.loads((tmp_path / f"{name}.json").read_bytes())
        assert len(whole["documents"][0]["paragraphs"]) == paragraphs, name
    vectorize(source, bundle_dir, tmp_path / "features.jsonl", config)
    rows = (tmp_path / "features.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(row)["id"] for row in rows] == ["a:2", "a:4"]  # the body paragraphs
    vectorize(source, bundle_dir, tmp_path / "features.npz", config)
    assert (tmp_path / "features.npz").read_bytes()[:2] == b"PK"


def test_read_document_gives_a_file_the_source_classify_writes_for_it(
        trained: tuple[Config, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python example reads a file "as classify does" with ``read_document``: the
    documents it labels are classify's, ``source`` too, written as ``pathlib`` writes the path
    (``./a.txt`` as ``a.txt``), so that outputs made either way join on it. It kept the path
    as given (``./a.txt``, ``docs//b.txt``); a file named ``-`` stays ``./-``."""
    config, bundle_dir = trained
    (tmp_path / "docs").mkdir()
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    (tmp_path / "docs" / "b.txt").write_bytes(TRADITIONAL.encode("big5"))
    (tmp_path / "-").write_text(SIMPLIFIED, "utf-8")
    given = ["./a.txt", "docs//b.txt", "./-"]
    result = in_process("classify", *given, "--model", str(bundle_dir), "-q", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    written = json.loads(result.stdout)["documents"]
    monkeypatch.chdir(tmp_path)
    bundle = load_bundle(bundle_dir)
    documents = [segment_document(read_document(path), config) for path in given]
    assert [d.document.source for d in documents] == ["a.txt", "docs/b.txt", "./-"]
    assert label_documents(bundle, documents, config) == written
