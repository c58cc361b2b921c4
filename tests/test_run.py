"""pipeline run: stages that know what they have done; status; logs and progress for people."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HELDOUT, ROOT, SEED, SOME_WRITTEN

from pipeline.config import parse_config
from pipeline.stages import run, status


def make_config(tmp: Path, **model: object):
    return parse_config({
        "corpus": {"documents": [str(tmp / "docs")], "labels": [str(ROOT / "corpus/labels")],
                   "written": [str(tmp / "written")]},
        "tokenize": {"user_dict": str(ROOT / "configs/userdict.txt"),
                     "stop_words": str(ROOT / "configs/stopwords.txt")},
        "model": {"dir": str(tmp / "models"), "classifier": "complement_nb", **model},
        "evaluate": {"folds": 2},
        "output": {"path": str(tmp / "out" / "labelled.json")},
    })


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("run")
    (tmp / "docs").mkdir()
    shutil.copy(SEED, tmp / "docs")
    (tmp / "written").mkdir()
    for path in SOME_WRITTEN:
        shutil.copy(path, tmp / "written")
    return tmp


def test_run_redoes_only_what_changed(workspace: Path) -> None:
    config = make_config(workspace)
    first = run(config)
    assert first.steps == ["segment: 1 of 1 documents segmented", "train: trained (never run)",
                           "classify: 1 of 1 documents labelled"]
    labelled = json.loads(config.output.path.read_text("utf-8"))
    assert len(labelled["documents"]) == 1
    state = json.loads((workspace / "out" / "run-state.json").read_text("utf-8"))
    assert set(state["stages"]) == {"segment", "train", "classify"}

    again = run(config)
    assert again.steps == ["segment: up to date", "train: up to date", "classify: up to date"]
    assert all(ok for _, ok, _ in status(config))

    # A new classifier setting: retrain and relabel, but do not segment again.
    changed = make_config(workspace, params={"alpha": 1.0})
    assert ("train", False, "config model changed") in status(changed)
    third = run(changed)
    assert third.steps == ["segment: up to date", "train: trained (config model changed)",
                           "classify: 1 of 1 documents labelled"]

    # One more (unlabelled) document: segment and label only that one; the model stays.
    shutil.copy(HELDOUT / "hd01_yichun_jingyan_cailiao.txt", workspace / "docs")
    assert status(changed)[0] == ("segment", False, "1 of 2 documents new or changed")
    fourth = run(changed)
    assert fourth.steps == ["segment: 1 of 2 documents segmented", "train: up to date",
                            "classify: 1 of 2 documents labelled"]
    assert len(json.loads(config.output.path.read_text("utf-8"))["documents"]) == 2

    forced = run(changed, force={"train"})
    assert forced.steps[1] == "train: trained (forced)"


def test_a_replaced_model_is_noticed(workspace: Path) -> None:
    config = make_config(workspace, name="other")
    run(config)
    shutil.rmtree(config.bundle_dir.resolve())
    config.bundle_dir.unlink()
    assert ("train", False, "the model is missing or was replaced") in status(config)
    assert run(config).steps[1] == "train: trained (the model was replaced)"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_status_and_run_from_the_command_line(workspace: Path) -> None:
    config_file = workspace / "c.yaml"
    config_file.write_text(json.dumps(make_config(workspace).model_dump(mode="json")), "utf-8")
    result = _cli("run", "--config", str(config_file))
    assert result.returncode == 0, result.stderr
    assert "segment: up to date" in result.stderr
    result = _cli("status", "--config", str(config_file))
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["segment: up to date", "train: up to date",
                                          "classify: up to date"]
    result = _cli("run", "--config", str(config_file), "--force", "classify")
    assert "classify: 2 of 2 documents labelled" in result.stderr


def test_verbose_logs_decisions_and_json_stays_clean(trained) -> None:
    _, bundle_dir = trained
    result = _cli("classify", str(SEED), "--model", str(bundle_dir), "--verbose")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)  # nothing but JSON on standard output
    assert f"{SEED}: utf-8, 137 paragraphs (102 body, 23 heading, 12 boilerplate)" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when standard error is not a terminal
    quiet = _cli("classify", str(SEED), "--model", str(bundle_dir), "--quiet")
    assert quiet.stderr == ""
