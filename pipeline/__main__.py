"""``python -m pipeline`` does what the ``pipeline`` command does."""

from pipeline.entry import run

raise SystemExit(run())
