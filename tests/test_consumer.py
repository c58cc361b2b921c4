"""The labelled output read as a program of another team reads it, from the README alone: what
it says of `source`, ids, offsets and the json and jsonl layouts, on files made here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pipeline.config import Config
from tests.conftest import ROOT

SIMPLIFIED = ("社区防控工作报告\n\n一、社区网格员挨家挨户排查\n\n"
              "各社区网格员坚持挨家挨户上门排查，逐户登记返乡人员，做到不漏一户、不落一人。\n\n"
              "二、医院全力救治患者\n\n市人民医院开设发热门诊，医护人员昼夜坚守，全力救治确诊患者。\n")


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
    for fmt in ("json", "jsonl"):
        result = pipeline("classify", "-", "./-", "--model", model, "--format", fmt, "-q",
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
    alone = pipeline("segment", "./-", cwd=tmp_path, stdin=b"")
    docs = json.loads(alone.stdout)["documents"]
    assert [(d["id"], d["source"], d["paragraphs"][-1]["text"]) for d in docs] == [
        ("-", "./-", "市人民医院开设发热门诊，医护人员昼夜坚守，全力救治确诊患者。")]


def test_review_and_report_read_a_labelled_file_named_dash_given_as_dot_slash_dash(
        trained: tuple[Config, Path], tmp_path: Path) -> None:
    """``review ./-`` and ``report ./-`` read the file called ``-``, not standard input (which
    gave 'not labelled output' for what a pipe held, or waited on a terminal)."""
    (tmp_path / "a.txt").write_text(SIMPLIFIED, "utf-8")
    made = pipeline("classify", "a.txt", "--model", str(trained[1]), "-o", "-", "-q",
                    cwd=tmp_path)
    (tmp_path / "-").write_bytes(made.stdout)
    review = pipeline("review", "./-", "--all", "-o", "r.jsonl", "-q", stdin=b"{}",
                      cwd=tmp_path)
    assert review.returncode == 0, review.stderr.decode()
    listed = (tmp_path / "r.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["document"] for line in listed] == ["a", "a"]
    report = pipeline("report", "./-", "--model", str(trained[1]), "-o", "r.html", "-q",
                      stdin=b"{}", cwd=tmp_path)
    assert report.returncode == 0, report.stderr.decode()
    assert "市人民医院开设发热门诊" in (tmp_path / "r.html").read_text("utf-8")
