"""What a new user meets first: commands run from outside the project folder, an empty review."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

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
    ok = pipeline("classify", "report.txt", "--model", str(trained[1]), "-o", "out.json",
                  cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr.decode()
    assert (tmp_path / "out.json").exists()
