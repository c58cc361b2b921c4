"""What commands load when they start: only what their work needs, nothing a short run pays for
without using it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEED, write_corpus_config

from pipeline.stages import classify


def test_review_and_report_load_neither_numpy_nor_scikit_learn(trained, tmp_path: Path) -> None:
    # Their config is validated (the classifier's parameters too), which once imported NumPy
    # with the classifier registry: a fifth of a second of each start, for nothing.
    config, bundle_dir = trained
    labelled = tmp_path / "labelled.json"
    classify([SEED], bundle_dir, labelled, config)
    review, page = tmp_path / "review.jsonl", tmp_path / "report.html"
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"codes = [main(['review', {str(labelled)!r}, '--out', {str(review)!r}, '--quiet']),\n"
        f"         main(['report', {str(labelled)!r}, '--out', {str(page)!r}, '--model', "
        f"{str(bundle_dir)!r}, '--quiet'])]\n"
        "heavy = sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules)\n"
        "print(codes, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.strip() == "[0, 0] []", result.stdout + result.stderr
    assert review.exists()  # empty: every paragraph of the seed has a hand label
    assert "<html" in page.read_text("utf-8")


def test_status_and_segment_load_no_numpy(tmp_path: Path) -> None:
    # Neither labels a paragraph: the labelling modules, which load NumPy (a fifth of a second
    # of each start), are imported only by what labels.
    config = write_corpus_config(tmp_path / "config.yaml")
    segmented = tmp_path / "segmented.json"
    code = (
        "import sys\n"
        "from pipeline.cli import main\n"
        f"codes = [main(['status', '--config', {str(config)!r}, '--quiet']),\n"
        f"         main(['segment', {str(SEED)!r}, '--out', {str(segmented)!r}, '--config', "
        f"{str(config)!r}, '--quiet'])]\n"
        "heavy = sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules)\n"
        "print(codes, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=True)
    assert result.stdout.splitlines()[-1] == "[0, 0] []", result.stdout + result.stderr
    assert "segment: to do" in result.stdout
    assert len(json.loads(segmented.read_text("utf-8"))["documents"][0]["paragraphs"]) > 100
