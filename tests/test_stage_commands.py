"""``pipeline tokenize`` and ``pipeline vectorize``: the tokenizer's and the features' stages run
alone, each giving what the model itself makes of the same text (no mock: the session's real
model, trained on the shipped corpus)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import ROOT, SEED, in_process, write_corpus_config
from test_cli import assert_one_line_error, pipeline

from pipeline.config import Config, load_config
from pipeline.model import load_bundle

# One paragraph in Simplified characters and mainland words, and the same in Traditional
# characters and Taiwan words (資訊 for 信息, 網路 for 网络), under one heading.
SIMPLIFIED = ("二、加强信息发布\n"
              "区委宣传部通过网络及时发布疫情防控信息，2020年2月3日起每日更新。\n")
TRADITIONAL = ("二、加強資訊發布\n"
               "區委宣傳部通過網路及時發布疫情防控資訊，2020年2月3日起每日更新。\n")


@pytest.fixture(scope="module")
def project(trained: tuple[Config, Path], tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Path, Path]:
    """A config whose tokenize section is the one the session's model was trained with, and a
    copy of that model."""
    tmp = tmp_path_factory.mktemp("stages")
    shutil.copytree(trained[1].parent, tmp / "models", symlinks=True)
    config = write_corpus_config(tmp / "config.yaml",
                                 f"model: {{dir: models, name: {trained[1].name}}}")
    assert load_config(config).tokenize == trained[0].tokenize
    return config, tmp / "models" / trained[1].name


def _tokenized(*args: str) -> list[dict]:
    result = in_process("tokenize", *args, "--format", "jsonl")
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_tokenize_gives_segments_paragraphs_with_the_models_own_tokens(
        project: tuple[Path, Path]) -> None:
    config, bundle = project
    result = pipeline("tokenize", str(SEED), "--config", str(config))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().splitlines()[-1] == "tokenized 137 paragraphs in 1 document"
    tokenized = json.loads(result.stdout)
    segmented = json.loads(in_process("segment", str(SEED), "--config", str(config)).stdout)
    assert tokenized["errors"] == []
    (doc,) = tokenized["documents"]
    (plain,) = segmented["documents"]
    # Segment's output, each paragraph with one more field.
    assert [{k: v for k, v in p.items() if k != "tokens"} for p in doc["paragraphs"]] == \
        plain["paragraphs"]
    assert all(list(p)[-1] == "tokens" for p in doc["paragraphs"])
    # The very tokens the fitted model cuts: stop words gone, Simplified, numbers folded.
    tokenizer = load_bundle(bundle).pipeline.named_steps["prepare"].tokenizer
    assert [p["tokens"] for p in doc["paragraphs"]] == [
        tokenizer(p["text"]) for p in doc["paragraphs"]]
    assert sum(map(len, (p["tokens"] for p in doc["paragraphs"]))) > 5000
    lines = _tokenized(str(SEED), "--config", str(config))
    head = {"document": SEED.stem, "source": str(SEED), "encoding": "utf-8"}
    assert lines == [{**head, **p} for p in doc["paragraphs"]]


def test_traditional_and_simplified_give_the_same_tokens(project: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    config, _ = project
    (tmp_path / "simplified.txt").write_text(SIMPLIFIED, "utf-8")
    (tmp_path / "traditional.txt").write_bytes(TRADITIONAL.encode("big5"))
    tokens = {}
    for name in ("simplified", "traditional"):
        lines = _tokenized(str(tmp_path / f"{name}.txt"), "--config", str(config))
        assert [line["kind"] for line in lines] == ["heading", "body"]
        tokens[name] = [line["tokens"] for line in lines]
    assert tokens["traditional"] == tokens["simplified"]
    assert tokens["simplified"][0] == ["二", "加强", "信息", "发布"]
    assert "信息" in tokens["simplified"][1] and "0" in tokens["simplified"][1]


def test_the_jieba_and_rjieba_backends_give_the_same_tokens(tmp_path: Path) -> None:
    tokens = {}
    for backend in ("jieba", "rjieba"):
        config = write_corpus_config(tmp_path / f"{backend}.yaml")
        config.write_text(config.read_text("utf-8").replace(
            "tokenize:\n", f"tokenize:\n  backend: {backend}\n"), "utf-8")
        lines = _tokenized(str(SEED), str(ROOT / "corpus/heldout"), "--config", str(config))
        tokens[backend] = [(line["id"], line["tokens"]) for line in lines]
    assert len(tokens["jieba"]) == 342
    assert tokens["jieba"] == tokens["rjieba"]


def test_tokenize_skips_and_fails_as_segment_does(project: tuple[Path, Path],
                                                  tmp_path: Path) -> None:
    config, _ = project
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    out = tmp_path / "out.json"
    result = pipeline("tokenize", str(SEED), str(bad), "--config", str(config), "-o", str(out))
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr.decode().splitlines()[-2:] == [
        f"pipeline: skipped {bad}: not a text file: it is a PNG image",
        f"tokenized 137 paragraphs in 1 document (1 file skipped, above) -> {out}"]
    data = json.loads(out.read_text("utf-8"))
    assert data["errors"] == [{"source": str(bad), "error": "not a text file: it is a PNG image"}]
    # --strict: one line, nothing written, the previous output kept.
    before = out.read_bytes()
    result = in_process("tokenize", str(SEED), str(bad), "--strict", "--config", str(config),
                        "-o", str(out))
    assert_one_line_error(result, f"{bad}: not a text file: it is a PNG image")
    assert out.read_bytes() == before
    assert_one_line_error(in_process("tokenize", str(tmp_path / "none.txt")),
                          f"{tmp_path / 'none.txt'}: no such file or folder")
    assert_one_line_error(in_process("tokenize", str(SEED), "-o", str(SEED)), str(SEED))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "scan.txt"]


def test_tokenize_names_a_word_list_it_cannot_read(tmp_path: Path) -> None:
    config = write_corpus_config(tmp_path / "config.yaml")
    config.write_text(config.read_text("utf-8").replace(
        str(ROOT / "configs/stopwords.txt"), str(tmp_path / "gone.txt")), "utf-8")
    out = tmp_path / "out.json"
    assert_one_line_error(in_process("tokenize", str(SEED), "--config", str(config),
                                     "-o", str(out)),
                          f"{config}: tokenize.stop_words: path does not exist: "
                          f"{tmp_path / 'gone.txt'}")
    (tmp_path / "gone.txt").mkdir()
    assert_one_line_error(in_process("tokenize", str(SEED), "--config", str(config)),
                          f"{config}: tokenize.stop_words: a folder, not a file")
    (tmp_path / "gone.txt").rmdir()
    os.mkfifo(tmp_path / "gone.txt")  # read, it would wait for a writer forever
    assert_one_line_error(pipeline("tokenize", str(SEED), "--config", str(config), timeout=60),
                          f"{config}: tokenize.stop_words: a named pipe, not a file")
    assert not out.exists()


def test_vectorize_gives_the_matrix_the_classifier_scores(project: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    config, bundle = project
    labelled = tmp_path / "labelled.json"
    result = in_process("classify", str(SEED), "--config", str(config), "-o", str(labelled))
    assert result.returncode == 0, result.stderr.decode()
    body = [p for d in json.loads(labelled.read_text("utf-8"))["documents"]
            for p in d["paragraphs"] if p["kind"] == "body"]
    out = tmp_path / "features.npz"
    result = pipeline("vectorize", str(SEED), "--config", str(config), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode().splitlines()[-1] == (
        f"vectorized 102 body paragraphs in 1 document -> {out}")
    with np.load(out) as archive:  # no pickles: numpy.load's default reads it
        ids, names = list(archive["ids"]), list(archive["feature_names"])
        matrix = sp.csr_matrix((archive["data"], archive["indices"], archive["indptr"]),
                               shape=tuple(archive["shape"]))
    assert (sp.load_npz(out) != matrix).nnz == 0
    assert ids == [p["id"] for p in body]
    classifier = load_bundle(bundle).pipeline.named_steps["classifier"]
    assert matrix.shape == (102, len(names)) and len(names) == classifier.n_features_in_
    proba = classifier.predict_proba(matrix)
    scores = np.array([[p["scores"][str(c)] for c in classifier.classes_] for p in body])
    assert np.abs(proba - scores).max() <= 1e-6
    # The words and their context are there by the names evidence uses.
    first = dict(zip((names[c] for c in matrix[0].indices), matrix[0].data, strict=True))
    assert {e for e in body[0]["evidence"] if not e.startswith(("actor:", "context:"))} <= set(
        first)

    # jsonl: the same rows, their values that are not 0 by name.
    lines = tmp_path / "features.jsonl"
    assert in_process("vectorize", str(SEED), "--config", str(config), "-o",
                      str(lines)).returncode == 0
    rows = [json.loads(line) for line in lines.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ids
    for k, row in enumerate(rows):
        values = {names[c]: v for c, v in zip(matrix[k].indices, matrix[k].data, strict=True)}
        assert row["features"] == pytest.approx(values, rel=1e-12)
        assert 0 not in row["features"].values()
    to_stdout = in_process("vectorize", str(SEED), "--config", str(config), "-o", "-")
    assert to_stdout.stdout == lines.read_bytes()


def test_vectorize_skips_and_fails_as_classify_does(project: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    config, bundle = project
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    note = tmp_path / "note.txt"
    note.write_text(SIMPLIFIED, "utf-8")
    out = tmp_path / "f.npz"
    result = in_process("vectorize", str(note), str(bad), "--model", str(bundle), "-o", str(out))
    assert result.returncode == 1, result.stderr.decode()
    assert result.stderr.decode().splitlines()[-2:] == [
        f"pipeline: skipped {bad}: not a text file: it is a PNG image",
        f"vectorized 1 body paragraph in 1 document (1 file skipped, above) -> {out}"]
    with np.load(out) as archive:
        assert list(archive["ids"]) == ["note:1"]
        assert archive["shape"].tolist() == [1, len(archive["feature_names"])]
    before = out.read_bytes()
    for args, message in (
            ([str(note), str(bad), "--strict"], f"{bad}: not a text file: it is a PNG image"),
            ([str(note), "--model", str(tmp_path / "none")],
             f"{tmp_path / 'none'}: no model bundle here"),
            ([str(tmp_path / "none.txt")], f"{tmp_path / 'none.txt'}: no such file or folder")):
        result = in_process("vectorize", *args, "--config", str(config), "-o", str(out))
        assert_one_line_error(result, message)
        assert out.read_bytes() == before
    assert_one_line_error(in_process("vectorize", str(note)), "required: --out/-o")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.npz", "note.txt", "scan.txt"]
