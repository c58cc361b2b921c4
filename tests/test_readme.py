"""The README's Python example, run as a reader would run it: from a project folder with the
shipped configs and a trained model, printing what the README says it prints."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

from pipeline.config import Config
from tests.conftest import ROOT


def readme_example(after: str) -> str:
    """The first ```python block of README.md after the line that starts with ``after``."""
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index(after)
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)


def test_the_readme_python_example_labels_as_it_says(trained: tuple[Config, Path],
                                                     tmp_path: Path) -> None:
    """The example labels its two lines as its closing comments show (a heading; a village
    party branch's door-to-door checks, grassroots), with the config and bundle it names."""
    code = readme_example("**The stages from Python.**")
    shown = [line[2:] for line in code.splitlines() if re.match(r"# (heading|body) ", line)]
    assert len(shown) == 2
    shutil.copytree(ROOT / "configs", tmp_path / "configs")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "default").symlink_to(trained[1].resolve())
    printed = io.StringIO()
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert printed.getvalue().splitlines() == shown
