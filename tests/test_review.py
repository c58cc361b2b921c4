"""pipeline review: the paragraphs most worth a look, in a file that feeds back into training."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, SEED, SOME_WRITTEN, corpus_config, in_process, write_corpus_config

from pipeline.cli import main
from pipeline.corpus import load_labels, text_sha1
from pipeline.errors import CorpusError, InputError
from pipeline.output import read_labelled
from pipeline.review import first_filled_in, review_items
from pipeline.stages import classify, load_training_set, train


def test_review_ranks_by_margin_and_feeds_back(trained, tmp_path: Path) -> None:
    config, bundle_dir = trained
    out = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, out, config)
    everything = review_items(out, limit=0, flagged_only=False)
    assert len(everything) == 102
    margins = [item["margin"] for item in everything]
    assert margins == sorted(margins)
    flagged = review_items(out, limit=0)
    data = json.loads(out.read_text("utf-8"))
    body = [p for p in data["documents"][0]["paragraphs"] if p["kind"] == "body"]
    assert len(flagged) == sum(p["needs_review"] for p in body)
    assert len(review_items(out, limit=3, flagged_only=False)) == 3
    top = everything[0]
    assert top["theme"] is None and top["suggested"] in config.themes
    assert top["sha1"] == text_sha1(top["text"])

    # A person fills in the theme of a few and adds the file to the labels: train picks it up.
    reviewed = tmp_path / "reviewed.jsonl"
    lines = [{**item, "theme": "medical"} for item in everything[:3]]
    lines += everything[3:6]  # left empty: ignored
    reviewed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    labels = load_labels([reviewed], config.themes)
    assert len(labels[SEED.stem]) == 3
    fed = corpus_config(tmp_path, corpus={"labels": [str(reviewed)], "written": []})
    training = load_training_set(fed)
    assert len(training.real) == 3 and {e.theme for e in training.real} == {"medical"}


def test_a_document_read_from_standard_input_is_left_out_with_a_warning(
        trained, tmp_path: Path, caplog) -> None:
    # Its id is "stdin", which names no file: a list of its paragraphs could not be filed back
    # (training would find no such document). A file named stdin.txt has a name, and is listed.
    _, bundle_dir = trained
    named = tmp_path / "docs" / "stdin.txt"
    named.parent.mkdir()
    named.write_bytes(SEED.read_bytes())
    def real(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipeline", *args], input=SEED.read_bytes(),
                              capture_output=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})

    def here(*args: str) -> subprocess.CompletedProcess:  # the same, in this process
        return in_process(*args, stdin=SEED.read_bytes(), cwd=tmp_path)

    for fmt, run in (("json", real), ("jsonl", here)):
        out = tmp_path / f"labelled.{fmt}"
        result = run("classify", "-", str(named), "--model", str(bundle_dir), "--format", fmt,
                     "-o", str(out), "-q")
        assert result.returncode == 0, result.stderr.decode()
        text = out.read_text("utf-8")
        records = json.loads(text)["documents"] if fmt == "json" else map(json.loads,
                                                                           text.splitlines())
        sources = {record["source"] for record in records}
        assert sources == {"-", str(named)}
        caplog.clear()
        with caplog.at_level("WARNING"):
            items = review_items(out, limit=0, flagged_only=False)
        assert len(items) == 102 and {item["document"] for item in items} == {"docs/stdin"}
        (warning,) = caplog.messages
        assert warning == (f"{out}: 102 paragraphs of the document read from standard input left "
                           "out: a hand label finds its document by file name, and it has none; "
                           "label the file by its name ('pipeline classify FILE') and review "
                           "that output")


def test_review_reads_jsonl_output(trained, tmp_path: Path) -> None:
    config, bundle_dir = trained
    out = tmp_path / "labelled.jsonl"
    classify([SEED], bundle_dir, out, config, fmt="jsonl")
    assert len(review_items(out, limit=0, flagged_only=False)) == 102


def test_a_paragraph_repeated_in_a_document_is_one_line_to_review(trained, tmp_path: Path
                                                                    ) -> None:
    # Reports joined in one file repeat paragraphs; a label names a paragraph by its sha1, so
    # its copies are one line (the first), not several a person might label apart.
    config, bundle_dir = trained
    joined = tmp_path / "joined.txt"
    joined.write_text(SEED.read_text("utf-8") * 3, "utf-8")
    out = tmp_path / "labelled.json"
    classify([joined], bundle_dir, out, config)
    items = review_items(out, limit=0, flagged_only=False)
    keys = [(item["document"], item["sha1"]) for item in items]
    classify([SEED], bundle_dir, tmp_path / "seed.json", config)
    once = review_items(tmp_path / "seed.json", limit=0, flagged_only=False)
    assert len(keys) == len(set(keys)) and len(once) <= len(keys) < 2 * len(once)


def test_a_later_label_file_corrects_an_earlier_one_and_says_so(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "labels"
    folder.mkdir()
    line = {"document": "r", "sha1": "0123456789ab"}
    (folder / "a.jsonl").write_text(json.dumps({**line, "theme": "medical"}) + "\n", "utf-8")
    (folder / "b.jsonl").write_text(json.dumps({**line, "theme": "grassroots"}) + "\n"
                                    + json.dumps({**line, "theme": "grassroots"}) + "\n", "utf-8")
    with caplog.at_level("WARNING"):
        labels = load_labels([folder], ["medical", "grassroots"])
    assert labels == {"r": {"sha1:0123456789ab": "grassroots"}}
    (warning,) = caplog.messages  # the same theme again is not a conflict
    assert f"{folder / 'b.jsonl'}:1" in warning and f"{folder / 'a.jsonl'}:1" in warning
    (folder / "c.json").write_text(json.dumps({**line, "theme": "medical"}) + "\n", "utf-8")
    caplog.clear()
    with caplog.at_level("WARNING"):
        assert load_labels([folder], ["medical", "grassroots"]) == labels
    assert caplog.messages[0].startswith(f"{folder / 'c.json'}: not read")


def test_labels_that_disagree_are_named_once_a_command(tmp_path: Path) -> None:
    # The labels are read once to hash them (what run and train would train on) and once to
    # train: the same line came twice from train and evaluate and three times from run, as if
    # there were as many disagreements.
    (tmp_path / "docs").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "docs" / "r.txt").write_text(
        "市委召開會議部署防控工作。\n\n醫院醫生救治患者，日夜奮戰。\n\n市政府發布通告。\n", "utf-8")
    line = {"document": "r", "sha1": text_sha1("醫院醫生救治患者，日夜奮戰。")}
    (tmp_path / "labels" / "a.jsonl").write_text("\n".join(json.dumps(o) for o in (
        {"document": "r", "index": 0, "theme": "leadership"}, {**line, "theme": "medical"},
        {"document": "r", "index": 2, "theme": "leadership"})) + "\n", "utf-8")
    (tmp_path / "labels" / "b.jsonl").write_text(json.dumps({**line, "theme": "leadership"})
                                                 + "\n", "utf-8")
    (tmp_path / "labels" / "c.jsonl").write_text(json.dumps({**line, "theme": "medical"}) + "\n",
                                                 "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("themes: [leadership, medical]\n"
                      "corpus: {documents: [docs], labels: [labels], use_written: false}\n"
                      "model: {dir: models}\noutput: {path: out/labelled.json}\n", "utf-8")
    for command in ("run", "train", "status", "evaluate"):
        result = in_process(command, "--config", str(config))
        assert result.returncode in (0, 2), result.stderr
        lines = result.stderr.decode().splitlines()
        for first, then in (("a.jsonl:2", "b.jsonl:1"), ("b.jsonl:1", "c.jsonl:1")):
            said = [t for t in lines if f"{then}: r sha1:" in t and first in t]
            assert len(said) == 1, (command, lines)


def _small_project(tmp_path: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    """A project of one document of three body paragraphs, each labelled in ``labels/r.jsonl``
    as a filled-in review list labels them, and run once: its config, that list and its lines."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "labels").mkdir()
    texts = {"市委召開會議部署防控工作。": "leadership", "醫院醫生救治患者，日夜奮戰。": "medical",
             "市政府發布通告。": "leadership"}
    (tmp_path / "docs" / "r.txt").write_text("\n\n".join(texts) + "\n", "utf-8")
    lines = [{"document": "r", "sha1": text_sha1(text), "index": index, "theme": theme,
              "suggested": theme, "text": text}
             for index, (text, theme) in enumerate(texts.items())]
    listed = tmp_path / "labels" / "r.jsonl"
    listed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("themes: [leadership, medical]\n"
                      "corpus: {documents: [docs], labels: [labels], use_written: false}\n"
                      "model: {dir: models}\noutput: {path: out/labelled.json}\n", "utf-8")
    assert in_process("run", "--config", str(config), "-q").returncode == 0
    return config, listed, lines


def _refused_by_every_command(config: Path, expected: str) -> None:
    """Each command that reads the labels stops at ``expected`` (one line, exit 2), and what the
    first run wrote (its output and model) is as it was. (Its state may record the segmenting
    that ``run`` does before it reads the labels.)"""
    out = config.parent / "out"
    kept = {f: f.read_bytes()
            for f in [out / "labelled.json", *config.parent.glob("models/*/*")]}
    for args in (("status",), ("run",), ("train",),
                 ("review", str(out / "labelled.json"), "-o", str(config.parent / "next.jsonl"))):
        result = in_process(*args, "--config", str(config), "--quiet")
        assert (result.returncode, result.stderr.decode()) == (2, f"pipeline: error: {expected}\n")
    assert {f: f.read_bytes() for f in kept} == kept
    assert not (config.parent / "next.jsonl").exists()


def test_one_paragraph_labelled_two_ways_in_one_file_is_an_error(tmp_path: Path) -> None:
    # A row of a review list copied and one copy changed: the later line won, with a warning
    # that scrolled past and exit 0; in one list no line is the later word on the paragraph.
    config, listed, lines = _small_project(tmp_path)
    changed = {**lines[1], "theme": "leadership"}
    text = listed.read_text("utf-8") + json.dumps(changed, ensure_ascii=False) + "\n"
    listed.write_text(text, "utf-8")
    _refused_by_every_command(config, f"{listed}:4: r sha1:{lines[1]['sha1']} labelled "
                                      "leadership here and medical at line 2 of this file; keep "
                                      "the line meant and delete the other")
    # The same row twice, or the rows in another order, is no mistake.
    listed.write_text(text.replace(json.dumps(changed, ensure_ascii=False),
                                   json.dumps(lines[1], ensure_ascii=False)), "utf-8")
    assert in_process("status", "--config", str(config)).returncode == 0


def test_a_review_list_whose_text_was_edited_is_an_error(tmp_path: Path) -> None:
    # A typo mended or a note added in a line's text was dropped without a word: training
    # takes the paragraph its sha1 names, as the document writes it.
    config, listed, lines = _small_project(tmp_path)
    edited = [{**x, "text": x["text"] + "（存疑）"} if n == 2 else x for n, x in enumerate(lines)]
    listed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in edited), "utf-8")
    _refused_by_every_command(config, (
        f"{listed}:3: 'text' is not the text its 'sha1' names (the text's sha1 is "
        f"{text_sha1(edited[2]['text'])}; edited since 'pipeline review' wrote it?): training "
        "takes the paragraph by its sha1, as its document writes it, and no text from a label: "
        "put the text back (a note goes in a key of its own), and edit the document to change "
        "a paragraph's text"))
    # The text as a file's line has it, white space around it, or no text at all, is no edit.
    kept = [{**x, "text": "\u3000\u3000" + x["text"] + " "} if n == 2 else x
            for n, x in enumerate(lines)]
    kept[1].pop("text")
    listed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in kept), "utf-8")
    assert in_process("status", "--config", str(config)).returncode == 0


def test_a_labels_folder_is_walked_as_a_documents_folder(tmp_path: Path, caplog) -> None:
    # Hidden files (an editor's lock link, a notebook's checkpoint copy of a label since removed)
    # are not labels; .JSONL is JSON lines too; a .txt or .json file is named, not read.
    folder = tmp_path / "labels"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)

    def line(index: int, theme: str) -> str:
        return json.dumps({"document": "r", "index": index, "theme": theme}) + "\n"

    (folder / "seed.jsonl").write_text(line(0, "medical"), "utf-8")
    (folder / "zz-review.JSONL").write_text(line(1, "grassroots"), "utf-8")
    (folder / ".ipynb_checkpoints" / "zz-checkpoint.jsonl").write_text(line(2, "medical"), "utf-8")
    (folder / ".#zz-review.jsonl").symlink_to("me@host.1234:1700000000")  # an Emacs lock
    (folder / "old.json").write_text(line(3, "medical"), "utf-8")
    (folder / "more.txt").write_text(line(4, "medical"), "utf-8")
    (folder / "NOTES.md").write_text("what these labels are\n", "utf-8")
    with caplog.at_level("WARNING"):
        labels = load_labels([folder], ["medical", "grassroots"])
    assert labels == {"r": {"index:0": "medical", "index:1": "grassroots"}}
    assert caplog.messages == [f"{folder / name}: not read: labels and written paragraphs are "
                               "read from .jsonl files" for name in ("more.txt", "old.json")]
    # A document beside the labels (a held-out folder of both) is no mislaid label file; a file
    # named and found in its folder, or through a link, is read once; /dev/null holds none.
    (folder / "report.txt").write_text("市委召开会议。\n", "utf-8")
    (folder / "a-link.jsonl").symlink_to(folder / "zz-review.JSONL")
    (folder / "more.txt").unlink()
    (folder / "old.json").unlink()
    caplog.clear()
    with caplog.at_level("WARNING"):
        again = load_labels([folder, folder / "seed.jsonl", Path("/dev/null")],
                            ["medical", "grassroots"])
    assert again == labels and caplog.messages == []
    # Labels under another suffix are named however they are written: a JSON array, UTF-16.
    (folder / "array.json").write_text(json.dumps([{"document": "r", "index": 5}]), "utf-8")
    (folder / "wide.txt").write_text(line(6, "medical"), "utf-16")
    with caplog.at_level("WARNING"):
        load_labels([folder], ["medical", "grassroots"])
    assert [m.split(":")[0] for m in caplog.messages] == [str(folder / "array.json"),
                                                          str(folder / "wide.txt")]
    assert sum(where.startswith(str(folder / "seed.jsonl")) for where in again.at.values()) == 1


def test_labels_by_index_and_sha1_and_for_missing_documents(tmp_path: Path, caplog) -> None:
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "r.txt").write_text("市委召開會議部署防控工作。\n\n醫院醫生救治患者。\n", "utf-8")
    first = {"document": "r", "sha1": text_sha1("市委召開會議部署防控工作。"),
             "theme": "leadership"}
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "a.jsonl").write_text(json.dumps(first) + "\n", "utf-8")
    (labels / "b.jsonl").write_text(  # a correction by index, and a typo in a document id
        json.dumps({"document": "r", "index": 0, "theme": "grassroots"}) + "\n"
        + json.dumps({"document": "rr", "index": 1, "theme": "medical"}) + "\n"
        + json.dumps({"document": "r", "sha1": "0123456789ab", "theme": "medical"}) + "\n",
        "utf-8")  # and a label that matches no paragraph of 'r'
    with caplog.at_level("WARNING"):
        examples, unmatched, ids = labelled_documents([docs], [labels], Config())
    assert ids == ["r"] and [e.theme for e in examples] == ["grassroots"]
    assert unmatched == 2  # the label of 'rr' and the bad sha1; both of paragraph 0 matched
    corrected, no_paragraph, missing = caplog.messages
    # Where each of the two is, as for two labels by one key: the first went unnamed.
    assert (f"r: paragraph 0 is labelled leadership by its sha1 ({labels / 'a.jsonl'}:1) and "
            f"grassroots by its index ({labels / 'b.jsonl'}:1); using the later, grassroots"
            == corrected)
    assert f"1 label(s) match no body paragraph ({labels / 'b.jsonl'}:3)" in no_paragraph
    assert f"{labels / 'b.jsonl'}:2" in missing and "'rr'" in missing


def test_a_label_whose_paragraph_was_edited_since_is_named_as_such(tmp_path: Path,
                                                                     caplog) -> None:
    # A review list's lines carry the sha1 and the index: when the document is edited after the
    # list is filled in, the label matches nothing, and the warning said no paragraph had "their
    # sha1 or index", although paragraph 1 is there, with another text.
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels"
    docs.mkdir()
    labels.mkdir()
    (docs / "r.txt").write_text("市委召開會議部署防控工作。\n\n醫院醫生救治患者，日夜奮戰。\n",
                                "utf-8")
    (labels / "r.jsonl").write_text("\n".join(json.dumps(line) for line in (
        {"document": "r", "index": 1, "sha1": text_sha1("醫院醫生救治患者。"), "theme": "medical"},
        {"document": "r", "index": 7, "sha1": "0123456789ab", "theme": "medical"},
        {"document": "r", "index": 0, "sha1": text_sha1("市委召開會議部署防控工作。"),
         "theme": "leadership"})) + "\n", "utf-8")
    with caplog.at_level("WARNING"):
        examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert [e.theme for e in examples] == ["leadership"] and unmatched == 2
    edited, gone = caplog.messages
    assert edited == (f"{docs / 'r.txt'}: the label at {labels / 'r.jsonl'}:1 names paragraph 1 "
                      "by the sha1 of its text, and paragraph 1 has another text now (edited "
                      "since it was labelled?): label it again (see 'pipeline segment')")
    assert f"1 label(s) match no body paragraph ({labels / 'r.jsonl'}:2)" in gone


def test_an_edited_paragraph_labelled_again_is_not_asked_to_be_labelled_again(
        tmp_path: Path, caplog) -> None:
    # Its old label said "label it again"; the next review list did, and was filled in, and
    # every training after still said "label it again": the line to take out is the old one.
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels"
    docs.mkdir()
    labels.mkdir()
    edited = "醫院醫生救治患者，日夜奮戰。"
    (docs / "r.txt").write_text(f"市委召開會議部署防控工作。\n\n{edited}\n", "utf-8")
    (labels / "a.jsonl").write_text(json.dumps(
        {"document": "r", "index": 1, "sha1": text_sha1("醫院醫生救治患者。"), "theme": "medical"})
        + "\n", "utf-8")
    (labels / "b.jsonl").write_text(json.dumps(
        {"document": "r", "index": 1, "sha1": text_sha1(edited), "theme": "medical"}) + "\n",
        "utf-8")
    with caplog.at_level("WARNING"):
        examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert [e.id for e in examples] == ["r:1"] and unmatched == 1
    assert caplog.messages == [
        f"{docs / 'r.txt'}: the label at {labels / 'a.jsonl'}:1 names paragraph 1 by the sha1 of "
        "its text, and paragraph 1 has another text now (edited since it was labelled?), "
        f"labelled again at {labels / 'b.jsonl'}:1: take the old label out"]


def test_a_label_whose_index_and_sha1_name_two_paragraphs_is_named(tmp_path: Path,
                                                                   caplog) -> None:
    # A line whose sha1 names one body paragraph and whose index another (a sha1 or an index
    # copied from the wrong line) trained on the sha1's paragraph without a word. It still does.
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels.jsonl"
    docs.mkdir()
    texts = ["市委召開會議部署防控工作。", "醫院醫生救治患者。", "社區網格員入戶排查。",
             "志願者為居民配送蔬菜。"]
    (docs / "r.txt").write_text("\n\n".join(texts) + "\n", "utf-8")
    labels.write_text("".join(json.dumps(line) + "\n" for line in (
        {"document": "r", "index": 0, "sha1": text_sha1(texts[2]), "theme": "grassroots"},
        {"document": "r", "index": 1, "sha1": text_sha1(texts[0]), "theme": "leadership"},
        {"document": "r", "index": 3, "sha1": text_sha1(texts[3]),  # the two agree
         "theme": "public_participation"})),
        "utf-8")
    with caplog.at_level("WARNING"):
        examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert [(e.id, e.theme) for e in examples] == [
        ("r:0", "leadership"), ("r:2", "grassroots"), ("r:3", "public_participation")]
    assert unmatched == 0
    assert caplog.messages == [
        f"{docs / 'r.txt'}: 2 label(s) give the index of one body paragraph and the sha1 of "
        f"another's text, and training follows the sha1 ({labels}:1 names paragraph 0 by its "
        f"index and paragraph 2 by its sha1, {labels}:2 names paragraph 1 by its index and "
        "paragraph 0 by its sha1): mend the one that is wrong (see 'pipeline segment')"]


def test_labels_of_a_heading_or_of_a_copy_in_the_other_script_are_named_as_such(
        tmp_path: Path, caplog) -> None:
    # Both warned only that no body paragraph had "their sha1 or index", though the heading is
    # there (it gets no theme) and the paragraphs are there in the other script (their sha1
    # differs): the user could not tell what to mend.
    import opencc

    from pipeline.config import Config
    from pipeline.segment import segment_text
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels.jsonl"
    docs.mkdir()
    text = ("市委召开常委会会议\n\n来源：临江日报\n\n一、统一思想认识\n\n"
            "市委书记主持召开会议，研究部署疫情防控工作，发布疫情信息。\n\n"
            "社区网格员逐户排查返乡人员。\n")
    (docs / "r.txt").write_text(text, "utf-8")
    kinds = [(p.index, p.kind) for p in segment_text("r", text)]
    assert kinds == [(0, "heading"), (1, "boilerplate"), (2, "heading"), (3, "body"), (4, "body")]
    # Copies made with two conversions: the first paragraph's label from one with Taiwan
    # phrases (资讯), the second's from one of characters alone; named in the labels' order.
    taiwan, plain = ([p.text for p in segment_text("r", opencc.OpenCC(name).convert(text))]
                     for name in ("s2twp", "s2t"))
    lines = [{"document": "r", "sha1": text_sha1("一、统一思想认识"), "theme": "leadership"},
             {"document": "r", "index": 1, "theme": "leadership"},
             {"document": "r", "sha1": text_sha1(taiwan[3]), "theme": "leadership"},
             {"document": "r", "sha1": text_sha1(plain[4]), "theme": "grassroots"},
             {"document": "r", "sha1": "0123456789ab", "theme": "medical"}]
    labels.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    with caplog.at_level("WARNING"):
        examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert examples == [] and unmatched == 5
    not_body, other_script, gone = caplog.messages
    bodies = [text_sha1(p.text) for p in segment_text("r", text)[3:]]
    assert not_body == (
        f"{docs / 'r.txt'}: 2 label(s) name a line that is not body text, and only body "
        f"paragraphs get a theme ({labels}:1 names paragraph 2, a heading, '一、统一思想认识', "
        f"{labels}:2 names paragraph 1, boilerplate, '来源：临江日报'): take them out (see "
        "'pipeline segment')")
    assert other_script == (
        f"{docs / 'r.txt'}: 2 label(s) name body paragraphs by the sha1 of their text in "
        "Traditional characters, which this document does not write (labelled on a copy in the "
        "other script?): give each the sha1 of this document's text, or its index "
        f"({labels}:3: paragraph 3, sha1 {bodies[0]}, {labels}:4: paragraph 4, sha1 "
        f"{bodies[1]})")
    assert gone.endswith(f"1 label(s) match no body paragraph ({labels}:5): no body paragraph "
                         "has their sha1 or index (see 'pipeline segment')")


def test_a_label_by_an_index_past_the_last_paragraph_says_how_many_there_are(
        tmp_path: Path, caplog) -> None:
    # A label by index that the document does not reach (a typo, 50 for 5; an index counted
    # on another copy) was one of those that "match no body paragraph": "no body paragraph has
    # their sha1 or index", which did not say that the paragraph is not there at all.
    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs, labels = tmp_path / "docs", tmp_path / "labels.jsonl"
    docs.mkdir()
    (docs / "r.txt").write_text("市委召開會議部署防控工作。\n\n醫院醫生救治患者。\n", "utf-8")
    labels.write_text("".join(json.dumps(line) + "\n" for line in (
        {"document": "r", "index": 1, "theme": "medical"},
        {"document": "r", "index": 50, "theme": "leadership"},
        {"document": "r", "index": 2, "theme": "leadership"})), "utf-8")
    with caplog.at_level("WARNING"):
        examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert [e.theme for e in examples] == ["medical"] and unmatched == 2
    assert caplog.messages == [
        f"{docs / 'r.txt'}: 2 label(s) name a paragraph the document does not have: its "
        f"paragraphs are 0 to 1 ({labels}:2 names paragraph 50, {labels}:3 names paragraph 2): "
        "give each the index 'pipeline segment' shows"]


def test_a_label_may_name_its_paragraph_by_its_full_sha1(tmp_path: Path) -> None:
    # sha1sum prints all 40 hex digits: they name the paragraph their first 12 name.
    import hashlib

    from pipeline.config import Config
    from pipeline.stages import labelled_documents

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "r.txt").write_text("市委召開會議部署防控工作。\n\n醫院醫生救治患者。\n", "utf-8")
    full = hashlib.sha1("醫院醫生救治患者。".encode()).hexdigest()
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps({"document": "r", "sha1": full, "theme": "medical"}) + "\n"
                      + json.dumps({"document": "r", "sha1": text_sha1("市委召開會議部署防控工作。")
                                    .upper(), "theme": "leadership"}) + "\n", "utf-8")
    examples, unmatched, _ = labelled_documents([docs], [labels], Config())
    assert ([e.text for e in examples], [e.theme for e in examples], unmatched) == (
        ["市委召開會議部署防控工作。", "醫院醫生救治患者。"], ["leadership", "medical"], 0)


def test_two_corpus_files_of_one_name_are_named_both(tmp_path: Path) -> None:
    from pipeline.config import Config
    from pipeline.errors import CorpusError
    from pipeline.stages import labelled_documents

    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "r.txt").write_text("醫院醫生救治患者。\n", "utf-8")
    with pytest.raises(CorpusError) as error:
        labelled_documents([tmp_path], [], Config())
    assert str(error.value).startswith(f"{tmp_path / 'b' / 'r.txt'}: a second document with the "
                                       f"id 'r' (the first: {tmp_path / 'a' / 'r.txt'})")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-8-sig"])
def test_review_never_writes_over_a_list_filled_in_and_saved_in_another_encoding(
        trained, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    # A person fills in the list in an editor that saves "Unicode" (UTF-16, with or without a
    # byte-order mark) and CRLF line ends; reviewing again into the same file would lose it.
    config, bundle_dir = trained
    out = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, out, config)
    items = review_items(out, limit=5, flagged_only=False)
    filled = [{**item, "theme": "medical"} if n == 2 else item for n, item in enumerate(items)]
    listed = tmp_path / "to-label.jsonl"
    listed.write_bytes("".join(json.dumps(x, ensure_ascii=False) + "\r\n"
                               for x in filled).encode(encoding))
    before = listed.read_bytes()
    assert first_filled_in(listed) == 3
    code = main(["review", str(out), "-o", str(listed), "-q",
                 "--config", str(write_corpus_config(tmp_path / "config.yaml"))])
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{listed}:3: holds hand labels already" in err
    assert listed.read_bytes() == before


def test_a_theme_left_empty_in_a_review_list_is_not_a_label(trained, tmp_path: Path) -> None:
    # A list filled in through a spreadsheet, or by deleting the null, leaves "" where a person
    # chose no theme: review takes such a list for one not filled in, and training as well.
    config, bundle_dir = trained
    out = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, out, config)
    items = review_items(out, limit=4, flagged_only=False)
    reviewed = tmp_path / "reviewed.jsonl"
    reviewed.write_text("".join(json.dumps({**item, "theme": ""}) + "\n" for item in items),
                        "utf-8")
    assert first_filled_in(reviewed) is None
    assert load_labels([reviewed], config.themes) == {}
    lines = [{**item, "theme": "medical" if n == 1 else ""} for n, item in enumerate(items)]
    reviewed.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    assert first_filled_in(reviewed) == 2
    assert load_labels([reviewed], config.themes) == {SEED.stem: {f"sha1:{items[1]['sha1']}":
                                                                  "medical"}}


def test_a_suggestion_changed_in_place_of_the_theme_is_an_error(trained, tmp_path: Path) -> None:
    # A person who disagreed with the model wrote their theme over 'suggested' and left 'theme'
    # null: the line labelled nothing, and training, status and run said nothing of it.
    config, bundle_dir = trained
    out = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, out, config)
    items = review_items(out, limit=3, flagged_only=False)
    other = next(t for t in config.themes if t != items[1]["suggested"])
    reviewed = tmp_path / "reviewed.jsonl"
    lines = [{**item, "suggested": other} if n == 1 else item for n, item in enumerate(items)]
    reviewed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    with pytest.raises(CorpusError) as caught:
        load_labels([reviewed], config.themes)
    assert str(caught.value) == (
        f'{reviewed}:2: \'suggested\' is "{other}", and the model suggested '
        f'"{items[1]["suggested"]}" (its top score), while \'theme\' is empty: a label is read '
        f'from \'theme\' alone; write "{other}" there')
    assert first_filled_in(reviewed) == 2  # the person's work: review does not write over it
    # Filled in, the line is a label, whatever 'suggested' says; as the model wrote it, the
    # suggestion of a line left empty is none.
    lines[1]["theme"] = other
    reviewed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    assert load_labels([reviewed], config.themes)[SEED.stem] == {f"sha1:{items[1]['sha1']}": other}
    reviewed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items), "utf-8")
    assert load_labels([reviewed], config.themes) == {} and first_filled_in(reviewed) is None
    # Scores that are none the model wrote (NaN, text) tell no suggestion: no error, no label.
    odd = [{**item, "suggested": other, "scores": {other: "0.1", items[0]["suggested"]: 0.9}}
           for item in items]
    reviewed.write_text("".join(json.dumps(x) + "\n" for x in odd)
                        + '{"document": "r", "index": 1, "suggested": "medical", "theme": null, '
                        '"scores": {"grassroots": NaN, "medical": 0.1}}\n', "utf-8")
    assert load_labels([reviewed], config.themes) == {} and first_filled_in(reviewed) is None


def test_a_review_list_an_editor_re_wrapped_is_named_as_such(tmp_path: Path) -> None:
    # An editor that wraps long lines, or pretty-prints JSON, cuts each label over several
    # lines; the decoder's own message ("Unterminated string starting at") said neither where
    # nor why.
    item = {"document": SEED.stem, "sha1": "0123456789ab", "index": 9, "theme": "medical",
            "text": "全市各级党委（党组）认真学习贯彻习近平总书记关于疫情防控工作的重要指示精神。"}
    line = json.dumps(item, ensure_ascii=False)
    wrapped, pretty = tmp_path / "wrapped.jsonl", tmp_path / "pretty.jsonl"
    cut = line.index("疫情")  # inside the text, as a wrap at a fixed width falls
    wrapped.write_text(line[:cut] + "\n" + line[cut:] + "\n", "utf-8")
    pretty.write_text(json.dumps(item, ensure_ascii=False, indent=2) + "\n", "utf-8")
    column = line.index('"全') + 1  # where the text's string starts, counted from 1
    for path, what in ((wrapped, f"Unterminated string starting at column {column}"),
                       (pretty, "Expecting property name enclosed in double quotes at column 2")):
        with pytest.raises(CorpusError) as caught:
            load_labels([path], ["leadership", "grassroots", "medical", "public_participation"])
        assert str(caught.value) == (
            f"{path}:1: not JSON: {what}; the line ends inside its object, and each line must "
            "hold one whole JSON object (was the file re-wrapped or pretty-printed?)")
    wrapped.write_text(line[:-1] + ' "note": "x"}\n', "utf-8")  # a comma left out: where
    with pytest.raises(CorpusError, match=r":1: not JSON: Expecting ',' delimiter at column \d+$"):
        load_labels([wrapped], ["medical", "grassroots"])


@pytest.mark.parametrize(("line", "said"), [
    ('{"document": "r", "index": 0, "theme": “medical”}',
     "Expecting value at column 40: a “ there, where JSON takes ASCII quotes and punctuation "
     '(" , : { } [ ]; typed with a Chinese input method?)'),
    ('{"document": "r"，"index": 0, "theme": "medical"}',
     "Expecting ',' delimiter at column 17: a ， there, where JSON takes ASCII quotes and "
     'punctuation (" , : { } [ ]; typed with a Chinese input method?)'),
    ("{'document': 'r', 'index': 0, 'theme': 'medical'}",
     "Expecting property name enclosed in double quotes at column 2: a ' there, where JSON "
     'takes double quotes ("medical")'),
    ('{"document": "r", "index": 0, "theme":\u200b"medical"}',
     "Expecting value at column 39: \\u200b there, a character that shows as a space or not at "
     "all: delete it"),
    ("\x1a", "Expecting value at column 1: \\u001a there, a character that shows as a space or "
              "not at all: delete it"),
    # A comma after each line, as between a JSON list's items: "two lines joined?" it said.
    ('{"document": "r", "index": 0, "theme": "medical"},\r',
     "a comma after the object's end, at column 50: JSON lines take none between lines; "
     "delete it")])
def test_punctuation_json_does_not_take_is_named_in_a_labels_file(tmp_path: Path, line: str,
                                                                  said: str) -> None:
    # A label edited with a Chinese input method on (“medical”, a full-width comma), in single
    # quotes, with a zero-width space pasted in, or Notepad's end-of-file Ctrl-Z: the decoder's
    # message named a column where nothing looks wrong.
    labels = tmp_path / "r.jsonl"
    good = json.dumps({"document": "r", "index": 1, "theme": "medical"})
    labels.write_text(f"{good}\n{line}\n", "utf-8")
    with pytest.raises(CorpusError) as caught:
        load_labels([labels], ["medical", "grassroots"])
    assert str(caught.value) == f"{labels}:2: not JSON: {said}"


def test_a_line_of_another_encoding_in_a_labels_file_is_named(tmp_path: Path) -> None:
    # A label pasted in from a list saved as GBK, or two lists joined (cat), one of them GBK, in
    # a file saved with Notepad's BOM: 'not UTF-8 text' named the file of many lines, not where.
    good = json.dumps({"document": "医院", "index": 1, "theme": "medical"}, ensure_ascii=False)
    pasted = json.dumps({"document": "报告", "index": 2, "theme": "medical"}, ensure_ascii=False)
    labels = tmp_path / "r.jsonl"
    labels.write_bytes(b"\xef\xbb\xbf" + (good + "\n" + good + "\n").encode()
                       + pasted.encode("gbk") + b"\n" + good.encode() + b"\n")
    with pytest.raises(CorpusError) as caught:
        load_labels([labels], ["medical", "grassroots"])
    assert str(caught.value) == (
        f"{labels}:3: not UTF-8 text (JSON lines must be UTF-8) from column 15 (pasted from a "
        "file in another encoding, or the file saved in one?): mend the line, or save the file "
        "as UTF-8")


def test_a_byte_order_mark_inside_a_labels_file_is_named_as_such(tmp_path: Path) -> None:
    # Two review lists joined (cat a.jsonl b.jsonl), the second saved with a BOM as Notepad
    # saves: the decoder's message, "Unexpected UTF-8 BOM (decode using utf-8-sig)", gave
    # advice for Python code, not for the file. A BOM at the file's start is read, as before.
    line = json.dumps({"document": "r", "index": 0, "theme": "medical"}) + "\n"
    joined = tmp_path / "all.jsonl"
    joined.write_bytes(b"\xef\xbb\xbf" + (line + line.replace("0", "1")).encode()
                       + b"\xef\xbb\xbf" + line.replace("0", "2").encode())
    with pytest.raises(CorpusError) as caught:
        load_labels([joined], ["medical", "grassroots"])
    assert str(caught.value) == (
        f"{joined}:3: not JSON: a byte-order mark (BOM) starts the line, inside the file (files "
        "joined, one of them saved with a BOM?): delete it")


def test_two_labels_on_one_line_are_named_as_such(tmp_path: Path) -> None:
    # A line end deleted between two labels: the decoder said only "Extra data at column 53".
    line = json.dumps({"document": "r", "index": 0, "theme": "medical"})
    joined = tmp_path / "r.jsonl"
    joined.write_text(line + line.replace("0", "1") + "\n", "utf-8")
    with pytest.raises(CorpusError) as caught:
        load_labels([joined], ["medical", "grassroots"])
    assert str(caught.value) == (
        f"{joined}:1: not JSON: more after the object's end, at column {len(line) + 1}: each "
        "line holds one JSON object (two lines joined?)")


def test_outputs_of_two_models_joined_are_refused_by_review_and_report(
        trained, tmp_path: Path) -> None:
    """Two jsonl outputs of different models joined with cat (each line names its model by
    ``model_hash``) were read as one: review ranked, and report coloured, one model's scores
    beside the other's under the first's name. Now one line names the file, the line and the
    two models; exit 2, nothing written, no traceback."""
    config, bundle_dir = trained
    other_config = corpus_config(tmp_path / "other", corpus={"written": [str(SOME_WRITTEN[0])]})
    other_dir = train(other_config, with_metrics=False)
    (tmp_path / "a.txt").write_text("市人民医院开设发热门诊，医护人员昼夜坚守。\n", "utf-8")
    first = tmp_path / "first.jsonl"
    classify([SEED], bundle_dir, first, config, fmt="jsonl")
    line = len(first.read_text("utf-8").splitlines()) + 1  # the second output's first line
    # The other model's output of the same document (its lines then apart), or of another one.
    for name, source in (("same", SEED), ("other", tmp_path / "a.txt")):
        second = tmp_path / f"{name}.jsonl"
        classify([source], other_dir, second, other_config, fmt="jsonl")
        ours, theirs = (json.loads(f.read_text("utf-8").split("\n")[0])["model_hash"]
                        for f in (first, second))
        assert ours != theirs
        joined = tmp_path / f"joined-{name}.jsonl"
        joined.write_bytes(first.read_bytes() + second.read_bytes())
        said = (f"{joined}:{line}: not the output of one model: this line names model {theirs}, "
                f"the lines before it model {ours} (outputs of two models joined?); give each "
                "output alone")
        for command in ("review", "report"):
            out = tmp_path / f"{command}-{name}.out"
            result = in_process(command, str(joined), "-o", str(out), "-q")
            assert (result.returncode, result.stderr.decode()) == (2, f"pipeline: error: {said}\n")
            assert not out.exists()
        with pytest.raises(InputError) as refused:  # read whole, as when its parts are apart
            read_labelled(joined)
        assert str(refused.value) == said


def test_an_output_joined_with_itself_is_refused_by_review_and_report(
        trained, tmp_path: Path) -> None:
    """A jsonl output joined with a copy of itself (``cat out.jsonl out.jsonl``) was read as
    one: report counted each paragraph twice (the seed's 102 body paragraphs as 204). A
    paragraph id that comes back is refused, in one line naming the file, the line, the id and
    where it came first; exit 2, nothing written. One document's copies follow each other (read
    in parts); two documents' copies are apart (read whole)."""
    config, bundle_dir = trained
    (tmp_path / "a.txt").write_text("市人民医院开设发热门诊，医护人员昼夜坚守。\n", "utf-8")
    for name, sources in (("one", [SEED]), ("two", [SEED, tmp_path / "a.txt"])):
        out = tmp_path / f"{name}.jsonl"
        classify(sources, bundle_dir, out, config, fmt="jsonl")
        first = json.loads(out.read_text("utf-8").split("\n")[0])["id"]
        line = len(out.read_text("utf-8").splitlines()) + 1  # the copy's first line
        joined = tmp_path / f"joined-{name}.jsonl"
        joined.write_bytes(out.read_bytes() * 2)
        said = (f"{joined}:{line}: paragraph {first} a second time, first on line 1 (an output "
                "joined with itself, or outputs of the same documents joined?); give each "
                "output alone")
        for command in ("review", "report"):
            written = tmp_path / f"{command}-{name}.out"
            result = in_process(command, str(joined), "-o", str(written), "-q")
            assert (result.returncode, result.stderr.decode()) == (2, f"pipeline: error: {said}\n")
            assert not written.exists()
        with pytest.raises(InputError) as refused:
            read_labelled(joined)
        assert str(refused.value) == said
