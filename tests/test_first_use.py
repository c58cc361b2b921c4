"""What a new user meets first: commands run from outside the project folder, an empty review."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, in_process, write_corpus_config

from pipeline.config import Config


def pipeline(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          cwd=cwd, env=env, timeout=300)


def test_classify_outside_the_project_says_where_a_model_is_found(
        tmp_path: Path, trained: tuple[Config, Path]) -> None:
    """From a folder of one's own reports, the built-in config's models/default is not there;
    the error said to run 'pipeline train', which fails there too (no corpus named)."""
    (tmp_path / "report.txt").write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    result = pipeline("classify", "report.txt", "-o", "out.json", cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert "--model DIR" in err and "run from the project folder" in err, err
    assert "pipeline train" not in err, err
    assert not (tmp_path / "out.json").exists()
    # the bundle named with --model labels from there
    ok = in_process("classify", "report.txt", "--model", str(trained[1]), "-o", "out.json",
                    cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr.decode()
    assert (tmp_path / "out.json").exists()


def test_an_empty_review_list_says_what_all_does(tmp_path: Path,
                                                 trained: tuple[Config, Path]) -> None:
    """A labelled output with nothing flagged gives an empty list; the message said only
    '0 paragraphs to review', and a first-time user did not know of --all."""
    (tmp_path / "report.txt").write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    labelled = tmp_path / "out.json"
    made = in_process("classify", "report.txt", "--model", str(trained[1]), "-o",
                      str(labelled), cwd=tmp_path)
    assert made.returncode == 0, made.stderr.decode()
    data = json.loads(labelled.read_text(encoding="utf-8"))
    for document in data["documents"]:
        for paragraph in document["paragraphs"]:
            if paragraph["kind"] == "body":
                paragraph["needs_review"] = False
    labelled.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = pipeline("review", str(labelled), "-o", "list.jsonl", cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 0, err
    assert (tmp_path / "list.jsonl").read_text(encoding="utf-8") == ""
    assert "0 paragraphs to review" in err and "--all" in err, err
    every = in_process("review", str(labelled), "--all", "-o", "all.jsonl", cwd=tmp_path)
    assert every.returncode == 0, every.stderr.decode()
    assert "--all" not in every.stderr.decode()
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_review_help_says_it_reads_jsonl_too(tmp_path: Path) -> None:
    """review reads a jsonl output as report does; its help spoke of a JSON output only."""
    result = pipeline("review", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert b"json or jsonl output" in result.stdout


def _with_review_list(tmp_path: Path, data: bytes) -> tuple[Path, Path]:
    """A config whose labels are the shipped ones and a filled-in review list of ``data``
    (``labels/zz-review.jsonl``); the config and the list's folder."""
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "zz-review.jsonl").write_bytes(data)
    config = write_corpus_config(tmp_path / "c.yaml")
    text = config.read_text(encoding="utf-8").replace(
        f"labels: [{ROOT / 'corpus/labels'}]", f"labels: [{ROOT / 'corpus/labels'}, {labels}]")
    config.write_text(text, encoding="utf-8")
    return config, labels


def test_labels_saved_as_utf16_say_so(tmp_path: Path) -> None:
    """A filled-in review list saved by an editor's "Unicode" is UTF-16; training said only
    'not UTF-8 text', leaving the user to find out what it was saved as."""
    line = '{"document": "000_10fc11496dbb7410", "index": 9, "theme": "leadership"}\r\n'
    config, _ = _with_review_list(tmp_path, codecs.BOM_UTF16_LE + line.encode("utf-16-le"))
    result = pipeline("status", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "zz-review.jsonl: not UTF-8 text" in err and "saved as UTF-16" in err, err
    assert "save it as UTF-8" in err, err


@pytest.mark.parametrize(("codec", "named"), [("gb18030", "GB18030"), ("big5", "Big5")])
def test_labels_saved_in_a_chinese_ansi_code_page_say_so(tmp_path: Path, codec: str,
                                                         named: str) -> None:
    """A review list filled in and saved by an editor on Chinese Windows as "ANSI" is GB18030
    (GBK) or Big5: training said only 'not UTF-8 text', as it did of UTF-16."""
    line = json.dumps({"document": "000_10fc11496dbb7410", "index": 9, "theme": "leadership",
                       "text": "全市各級黨委認真學習貫徹上級部署，統籌推進疫情防控工作。"},
                      ensure_ascii=False) + "\r\n"
    config, labels = _with_review_list(tmp_path, line.encode(codec))
    result = in_process("status", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err == (f"pipeline: error: {labels / 'zz-review.jsonl'}: not UTF-8 text (JSON lines "
                   f"must be UTF-8): saved as {named} (an editor's \"ANSI\" on Chinese "
                   "Windows); save it as UTF-8\n"), err


@pytest.mark.parametrize(("codec", "mark", "named"), [
    ("gb18030", b"", "GB18030"), ("big5", b"", "Big5"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"), ("utf-16-le", b"", "UTF-16-LE")],
    ids=["gb18030", "big5", "utf-16", "utf-16-le"])
def test_a_config_saved_in_another_encoding_says_which(tmp_path: Path, codec: str, mark: bytes,
                                                       named: str) -> None:
    """A config with Chinese comments, saved by an editor on Chinese Windows as "ANSI" (GB18030
    or Big5) or "Unicode" (UTF-16), said only where its UTF-8 went wrong ('byte 2: invalid
    continuation byte'), where a labels file says what it was saved as."""
    config = tmp_path / "mine.yaml"
    config.write_bytes(mark + ("# 本縣防疫材料的主題設定，共分四類\n"
                               "themes: [leadership, grassroots, medical, public_participation]\n"
                               ).encode(codec))
    result = in_process("status", "--config", str(config), cwd=tmp_path)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err == (f"pipeline: error: {config}: cannot read config: not UTF-8 text (saved as "
                   f"{named}?); save it as UTF-8\n"), err


def test_a_model_folder_that_is_not_there_is_named_for_what_it_is(
        tmp_path: Path, trained: tuple[Config, Path]) -> None:
    """``-m models/mine`` (a slip, or a bundle not yet copied) said to build one with 'pipeline
    train', which writes the config's bundle and leaves that folder missing; classify and
    report say what --model names, and which bundle the config has."""
    (tmp_path / "report.txt").write_text("市委召开会议，部署疫情防控工作。\n", encoding="utf-8")
    (tmp_path / "out.jsonl").write_text("", encoding="utf-8")  # a labelled output of nothing
    (tmp_path / "c.yaml").write_text(f"model: {{dir: {trained[1].parent}, "
                                     f"name: {trained[1].name}}}\n", encoding="utf-8")
    for command in (("classify", "report.txt", "-o", "x.json"),
                    ("report", "out.jsonl", "-o", "x.html")):
        for config in ((), ("--config", "c.yaml")):
            result = in_process(*command, "--model", "nowhere", *config, cwd=tmp_path)
            err = result.stderr.decode()
            assert result.returncode == 2, err
            assert len(err.strip().splitlines()) == 1, err
            assert "nowhere: no model bundle here; --model names the folder of a trained " \
                   "bundle, the one that holds model.json" in err, err
            assert "pipeline train" not in err, err
            assert (f"({trained[1]} is the config's)" in err) == bool(config), err
            assert not (tmp_path / command[-1]).exists()


def test_a_config_that_names_no_corpus_is_named_as_read(tmp_path: Path) -> None:
    # A configs/default.yaml without a corpus section was said not to be there ('no --config,
    # and no configs/default.yaml in …'), and the error asked for the --config just given.
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "default.yaml").write_text("themes: [a, b]\n", encoding="utf-8")
    for args in (["status"], ["train", "--config", "configs/default.yaml"]):
        result = in_process(*args, cwd=tmp_path)
        err = result.stderr.decode()
        assert result.returncode == 2, err
        assert err.strip().splitlines() == [
            "pipeline: error: configs/default.yaml: no corpus named (corpus.documents, "
            "corpus.written); name the documents and labels to train on in its corpus "
            "section"], err
    # Outside a project, with no config at all, it still says where to run from.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    err = in_process("status", cwd=elsewhere).stderr.decode()
    assert f"no --config, and no configs/default.yaml in {elsewhere}" in err
    assert "run from the project folder or give --config FILE" in err


def test_review_outside_the_project_says_it_leaves_no_hand_label_out(
        tmp_path: Path, trained: tuple[Config, Path]) -> None:
    """Without a config, review has no hand labels to leave out: from another folder it listed
    the seed's paragraphs, every one labelled already, and said nothing of why."""
    labelled = tmp_path / "out.json"
    made = in_process("classify", str(ROOT / "corpus/documents"), "--model", str(trained[1]),
                      "-o", str(labelled), "-q", cwd=tmp_path)
    assert made.returncode == 0, made.stderr.decode()
    outside = in_process("review", str(labelled), "--all", "-o", "all.jsonl", cwd=tmp_path)
    err = outside.stderr.decode().splitlines()
    assert outside.returncode == 0, err
    assert err[0] == (f"pipeline: no --config, and no configs/default.yaml in {tmp_path}: no "
                      "hand labels to leave out, so paragraphs already labelled may be listed; "
                      "run from the project folder or give --config FILE")
    assert len((tmp_path / "all.jsonl").read_text("utf-8").splitlines()) == 50
    # With the project's config the seed's hand labels leave every paragraph out, silently.
    inside = in_process("review", str(labelled), "--all", "-o", "none.jsonl", "-q", "--config",
                        str(ROOT / "configs/default.yaml"), cwd=tmp_path)
    assert inside.returncode == 0 and inside.stderr == b"", inside.stderr.decode()
    assert (tmp_path / "none.jsonl").read_text("utf-8") == ""
