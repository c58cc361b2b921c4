"""The code base stays ruff clean (the linter is part of the test dependencies)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections import Counter

import pytest
from conftest import ROOT


def test_ruff_clean() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    result = subprocess.run([ruff, "check", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_constant_is_read_somewhere() -> None:
    """A constant of pipeline/ (a module-level UPPER_CASE name) that no code, test or script
    names but its own assignment is dead: a left-over that misleads a reader into thinking it
    is in use (segment.py's tuple of all the default boilerplate patterns outlived their
    split in two)."""
    sources = {path: path.read_text("utf-8") for folder in ("pipeline", "tests", "scripts", "bench")
               for path in (ROOT / folder).rglob("*.py")}
    # How often each word (a whole run of \w) is written anywhere: what a search for the name
    # between word boundaries in every file would count, counted in one pass.
    written = Counter(word for text in sources.values() for word in re.findall(r"\w+", text))
    unread = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for node in ast.parse(sources[path]).body:
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            for name in (n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)):
                if re.fullmatch(r"_?[A-Z][A-Z0-9_]*", name) and written[name] == 1:
                    unread.append(f"{path.relative_to(ROOT)}: {name}")
    assert not unread, unread
