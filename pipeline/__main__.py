"""``python -m pipeline`` does what the ``pipeline`` command does."""

from pipeline.cli import main

raise SystemExit(main())
